//! Person-level primitives shared by staff and residents: birth dates from ages,
//! unique synthetic resident ID numbers and mobile phone numbers.

use crate::rng::Rng;
use std::collections::HashSet;
use time::{Date, macros::date};
use yigong_domain::identity::{Phone, ResidentIdNumber, Sex};

/// The day ages are counted to, fixed so that the output never depends on the clock.
pub const REFERENCE_DATE: Date = date!(2025 - 07 - 01);

/// Administrative division code of 仁怀市.
pub const RENHUAI: u32 = 520_382;

/// A birth date at which a person is exactly `age` years old on [`REFERENCE_DATE`].
pub fn birth_date(rng: &mut Rng, age: u32) -> Date {
    let year = REFERENCE_DATE.year() - i32::try_from(age).unwrap_or(0);
    let anniversary = Date::from_calendar_date(year, REFERENCE_DATE.month(), REFERENCE_DATE.day())
        .unwrap_or(REFERENCE_DATE);
    // Any day in the 364 days up to the anniversary keeps the age unchanged.
    let back = i32::try_from(rng.below(364)).unwrap_or(0);
    Date::from_julian_day(anniversary.to_julian_day() - back).unwrap_or(anniversary)
}

/// Full years between `birth` and [`REFERENCE_DATE`].
#[cfg(test)]
pub fn age_on_reference(birth: Date) -> i32 {
    let mut age = REFERENCE_DATE.year() - birth.year();
    if (REFERENCE_DATE.month() as u8, REFERENCE_DATE.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

/// Issues resident ID numbers that are unique across everyone in the demo.
#[derive(Debug, Default)]
pub struct IdRegistry {
    used: HashSet<u64>,
}

impl IdRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh ID number for someone registered in `region`, born on `birth`, of this sex.
    /// The sequence code is random with the sex's parity; should every sequence of that
    /// day be taken, the birth date moves back a day, so callers read the birth date
    /// from the returned number.
    pub fn issue(&mut self, rng: &mut Rng, region: u32, birth: Date, sex: Sex) -> ResidentIdNumber {
        let parity = match sex {
            Sex::Male => 1,
            Sex::Female => 0,
        };
        let mut birth = birth;
        loop {
            let day = u64::try_from(birth.year()).unwrap_or(0) * 10_000
                + u64::from(birth.month() as u8) * 100
                + u64::from(birth.day());
            let prefix = (u64::from(region) * 100_000_000 + day) * 1_000;
            let start = rng.below(500);
            // Random first tries, then an ordered sweep of the remaining sequences.
            let tries = (0..16)
                .map(|_| rng.below(500))
                .chain((0..500).map(|k| (start + k) % 500));
            for half in tries {
                let body = prefix + half * 2 + parity;
                if self.used.contains(&body) {
                    continue;
                }
                if let Ok(id) = ResidentIdNumber::from_body(&format!("{body:017}")) {
                    self.used.insert(body);
                    return id;
                }
            }
            birth = birth.previous_day().unwrap_or(REFERENCE_DATE);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.used.len()
    }
}

/// Three-digit prefixes of the mainland carriers.
const MOBILE_PREFIXES: &[u32] = &[
    134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184, 187, 188,
    198, 130, 131, 132, 155, 156, 166, 175, 176, 185, 186, 133, 153, 173, 177, 180, 181, 189, 199,
];

/// A random 11-digit mobile number.
pub fn mobile(rng: &mut Rng) -> Phone {
    loop {
        let prefix = rng.pick(MOBILE_PREFIXES);
        let rest = rng.below(100_000_000);
        if let Ok(phone) = Phone::parse(&format!("{prefix}{rest:08}")) {
            return phone;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_give_the_asked_age() {
        let mut rng = Rng::new(5);
        for age in 0..=100 {
            for _ in 0..50 {
                let b = birth_date(&mut rng, age);
                assert_eq!(age_on_reference(b), i32::try_from(age).unwrap_or(-1));
            }
        }
    }

    #[test]
    fn ids_match_sex_and_date_and_stay_unique() {
        let mut rng = Rng::new(6);
        let mut reg = IdRegistry::new();
        let birth = date!(1980 - 02 - 29);
        let mut seen = HashSet::new();
        // More than one day's worth for one sex: the date must move back.
        for _ in 0..600 {
            let id = reg.issue(&mut rng, RENHUAI, birth, Sex::Female);
            assert_eq!(id.sex(), Sex::Female);
            assert_eq!(id.region_code(), "520382");
            assert!(id.birth_date() <= birth);
            assert!(ResidentIdNumber::parse(id.as_str()).is_ok());
            assert!(seen.insert(id));
        }
        assert_eq!(reg.len(), 600);
    }

    #[test]
    fn phones_are_valid() {
        let mut rng = Rng::new(7);
        for _ in 0..1000 {
            assert_eq!(mobile(&mut rng).as_str().len(), 11);
        }
    }
}
