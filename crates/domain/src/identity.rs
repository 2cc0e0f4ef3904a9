//! Resident identity: the 18-digit resident ID number (居民身份证号, GB 11643-1999),
//! mobile phone numbers, sex, and how each is masked for roles that need no full value.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

/// Weights of the ISO 7064 MOD 11-2 checksum used by GB 11643.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Why a resident ID number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("the ID number must have 18 characters")]
    Length,
    #[error("the first 17 characters must be digits and the last a digit or X")]
    Characters,
    #[error("the birth date inside the ID number is not a real date")]
    BirthDate,
    #[error("the check digit does not match")]
    CheckDigit,
}

/// 居民身份证号 — an 18-character resident ID number with a valid GB 11643 check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ResidentIdNumber(String);

/// The check character for the first 17 digits of an ID number.
/// `digits` must hold exactly 17 ASCII digits.
pub fn check_char(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl ResidentIdNumber {
    /// Parses an ID number; surrounding spaces are ignored and a lower-case `x` accepted.
    pub fn parse(raw: &str) -> Result<Self, IdNumberError> {
        let s = raw.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(IdNumberError::Characters);
        }
        birth_date_of(b).ok_or(IdNumberError::BirthDate)?;
        if check_char(&b[..17]) != char::from(b[17]) {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(Self(s))
    }

    /// Builds an ID number from 17 digits by appending the right check character.
    pub fn from_body(body17: &str) -> Result<Self, IdNumberError> {
        if body17.len() != 17 || !body17.bytes().all(|c| c.is_ascii_digit()) {
            return Err(IdNumberError::Characters);
        }
        Self::parse(&format!("{body17}{}", check_char(body17.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division code of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> Date {
        // Checked in `parse`.
        birth_date_of(self.0.as_bytes()).unwrap_or(Date::MIN)
    }

    /// The sequence code's last digit is odd for men and even for women.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// `520382************`: the region code only (see [`mask_id_text`]).
    pub fn masked(&self) -> String {
        mask_id_text(&self.0)
    }
}

impl fmt::Display for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ResidentIdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn birth_date_of(b: &[u8]) -> Option<Date> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&b[r]).ok()?.parse().ok()
    };
    let year = i32::try_from(num(6..10)?).ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    let month = Month::try_from(u8::try_from(num(10..12)?).ok()?).ok()?;
    let day = u8::try_from(num(12..14)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Characters of an ID number a mask keeps: the six-digit region code of household
/// registration, which the address already tells.
pub const ID_MASK_KEEPS: usize = 6;

/// Masks any stored identifier text: keeps the region code and hides the birth date, the
/// sequence and the check character (`520382************`). The birth date and sex are
/// shown elsewhere to clinicians, so what stays hidden is the sequence: 500 values for a
/// known sex, about 9 bits (decision 0007); the check character follows from the rest.
/// Text too short to be an ID number is hidden whole.
pub fn mask_id_text(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        return "*".repeat(n);
    }
    let head: String = s.chars().take(ID_MASK_KEEPS).collect();
    format!("{head}{}", "*".repeat(n - ID_MASK_KEEPS))
}

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a mobile phone number has 11 digits and starts with 1")]
pub struct PhoneError;

/// 手机号 — an 11-digit mainland mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Accepts spaces and dashes between digits and an optional `+86` prefix.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let mut s: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        }
        let b = s.as_bytes();
        if b.len() != 11 || b[0] != b'1' || !b.iter().all(u8::is_ascii_digit) {
            return Err(PhoneError);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`.
    pub fn masked(&self) -> String {
        mask_phone_text(&self.0)
    }
}

/// Masks stored phone text: keeps the first three and last four digits.
pub fn mask_phone_text(s: &str) -> String {
    if s.len() != 11 || !s.is_ascii() {
        return "*".repeat(s.chars().count());
    }
    format!("{}****{}", &s[..3], &s[7..])
}

/// 性别 — administrative sex as recorded on the ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "male" | "m" | "M" | "男" => Some(Sex::Male),
            "female" | "f" | "F" | "女" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_number_parses() {
        // The worked example of GB 11643-1999.
        let id = ResidentIdNumber::parse("11010519491231002X").expect("valid");
        assert_eq!(id.birth_date(), time::macros::date!(1949 - 12 - 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.masked(), "110105************");
    }

    #[test]
    fn lower_case_x_and_spaces_are_accepted() {
        let id = ResidentIdNumber::parse(" 11010519491231002x ").expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn wrong_check_digit_is_refused() {
        assert_eq!(
            ResidentIdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn malformed_numbers_say_why() {
        assert_eq!(ResidentIdNumber::parse("1101"), Err(IdNumberError::Length));
        assert_eq!(
            ResidentIdNumber::parse("1101051949123100AX"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            ResidentIdNumber::parse("110105194902300021"),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            ResidentIdNumber::parse("一二三四五六七八九十一二三四五六七八"),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn every_body_gets_exactly_one_valid_check_char() {
        let mut body = *b"52038219800101001";
        for seq in 0..1000u32 {
            let s = format!("{seq:03}");
            body[14..17].copy_from_slice(s.as_bytes());
            let body = std::str::from_utf8(&body).expect("ascii");
            let ok = ResidentIdNumber::from_body(body).expect("valid");
            let valid: Vec<char> = CHECK_CHARS
                .iter()
                .filter(|c| ResidentIdNumber::parse(&format!("{body}{c}")).is_ok())
                .copied()
                .collect();
            assert_eq!(valid, vec![ok.as_str().chars().last().expect("18 chars")]);
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("138 0013 8000").expect("ok").as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("+8613800138000").expect("ok").masked(),
            "138****8000"
        );
        assert!(Phone::parse("1380013800").is_err());
        assert!(Phone::parse("23800138000").is_err());
        assert!(Phone::parse("1380013800a").is_err());
    }

    #[test]
    fn masking_text() {
        assert_eq!(mask_id_text("520382198001010011"), "520382************");
        // Nothing of the birth date, the sequence or the check character survives.
        assert!(!mask_id_text("520382198001010011").contains("0011"));
        assert_eq!(mask_id_text("123456789"), "123456***");
        assert_eq!(mask_id_text("short"), "*****");
        assert_eq!(mask_phone_text("13800138000"), "138****8000");
    }
}
