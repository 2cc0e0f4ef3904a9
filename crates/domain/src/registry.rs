//! Registry rules: institution kinds and their hierarchy, staff titles, and the
//! validation of resident and staff records before anything is stored.

use crate::identity::{IdNumberError, Phone, ResidentIdNumber, Sex};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

/// 机构类别 — the level of an institution inside the medical community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// 牵头医院 — the county lead hospital.
    Lead,
    /// 成员单位 — a member hospital (TCM, maternal and child health, CDC).
    Member,
    /// 乡镇卫生院 — a township health centre.
    Township,
    /// 村卫生室 — a village clinic.
    Village,
    /// 卫生健康局 — the county health bureau.
    Bureau,
}

impl InstitutionKind {
    pub const ALL: [InstitutionKind; 5] = [
        InstitutionKind::Lead,
        InstitutionKind::Member,
        InstitutionKind::Township,
        InstitutionKind::Village,
        InstitutionKind::Bureau,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Lead => "lead",
            InstitutionKind::Member => "member",
            InstitutionKind::Township => "township",
            InstitutionKind::Village => "village",
            InstitutionKind::Bureau => "bureau",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Which kind of parent an institution of this kind may have (`None`: a root).
    pub fn allowed_parent(self) -> Option<InstitutionKind> {
        match self {
            InstitutionKind::Lead | InstitutionKind::Bureau => None,
            InstitutionKind::Member | InstitutionKind::Township => Some(InstitutionKind::Lead),
            InstitutionKind::Village => Some(InstitutionKind::Township),
        }
    }

    /// Whether residents can be registered to an institution of this kind.
    pub fn holds_residents(self) -> bool {
        matches!(self, InstitutionKind::Township | InstitutionKind::Village)
    }

    /// Whether the institution is primary care (基层): a township health centre or a
    /// village clinic.
    pub fn is_primary(self) -> bool {
        matches!(self, InstitutionKind::Township | InstitutionKind::Village)
    }
}

/// 职称 — professional title of a staff member.
pub const TITLES: [&str; 22] = [
    "chief_physician",
    "associate_chief_physician",
    "attending_physician",
    "resident_physician",
    "assistant_physician",
    "village_doctor",
    "chief_nurse",
    "associate_chief_nurse",
    "supervising_nurse",
    "senior_nurse",
    "nurse",
    "chief_pharmacist",
    "associate_chief_pharmacist",
    "supervising_pharmacist",
    "pharmacist",
    "chief_technician",
    "associate_chief_technician",
    "supervising_technician",
    "technician",
    "public_health_physician",
    "administrator",
    "other",
];

/// A field-level validation failure: `field` names the input, `code` is a stable
/// snake_case key into the message catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

/// Raw resident input as it arrives from a form, an API call or an import row.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResidentInput {
    pub name: String,
    pub id_number: String,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: String,
    #[serde(default)]
    pub address: Option<String>,
}

/// 居民 — a resident record that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidResident {
    pub name: String,
    pub id_number: ResidentIdNumber,
    pub sex: Sex,
    pub birth_date: Date,
    pub phone: Phone,
    pub address: String,
}

pub const NAME_MAX: usize = 30;
pub const ADDRESS_MAX: usize = 200;

/// Checks a person's name: present, not over-long, no control characters or digits.
pub fn validate_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "required"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(FieldError::new("name", "too_long"));
    }
    if name
        .chars()
        .any(|c| c.is_control() || c.is_ascii_digit() || "<>\"'&;".contains(c))
    {
        return Err(FieldError::new("name", "invalid_characters"));
    }
    Ok(name.to_string())
}

pub fn validate_id_number(raw: &str) -> Result<ResidentIdNumber, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new("id_number", "required"));
    }
    ResidentIdNumber::parse(raw).map_err(|e| {
        FieldError::new(
            "id_number",
            match e {
                IdNumberError::Length => "id_number_length",
                IdNumberError::Characters => "id_number_characters",
                IdNumberError::BirthDate => "id_number_birth_date",
                IdNumberError::CheckDigit => "id_number_check_digit",
            },
        )
    })
}

pub fn validate_phone(raw: &str) -> Result<Phone, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new("phone", "required"));
    }
    Phone::parse(raw).map_err(|_| FieldError::new("phone", "phone_invalid"))
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`).
pub fn parse_date(raw: &str) -> Option<Date> {
    let s = raw.trim().replace('/', "-");
    Date::parse(&s, format_description!("[year]-[month]-[day]")).ok()
}

fn validate_optional_text(
    raw: Option<&str>,
    field: &'static str,
    max: usize,
) -> Result<String, FieldError> {
    let s = raw.unwrap_or("").trim();
    if s.chars().count() > max {
        return Err(FieldError::new(field, "too_long"));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "invalid_characters"));
    }
    Ok(s.to_string())
}

/// The value, or none with its problem noted.
fn noted<T>(problems: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| problems.push(e)).ok()
}

/// Sex as given (or read from the ID number), and agreeing with it.
fn checked_sex(raw: Option<&str>, id: &ResidentIdNumber) -> Result<Sex, FieldError> {
    let sex = match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => id.sex(),
        Some(s) => Sex::parse(s).ok_or(FieldError::new("sex", "sex_invalid"))?,
    };
    if sex != id.sex() {
        return Err(FieldError::new("sex", "sex_disagrees_with_id_number"));
    }
    Ok(sex)
}

impl ResidentInput {
    /// Applies every rule; the first failure names its field.
    /// Sex and birth date may be left out: they are then read from the ID number.
    pub fn validate(&self) -> Result<ValidResident, FieldError> {
        self.checked().map_err(|mut all| all.remove(0))
    }

    /// Applies every rule and names every field that breaks one (sex and birth date are
    /// checked against the ID number once it is valid).
    pub fn checked(&self) -> Result<ValidResident, Vec<FieldError>> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let name = noted(p, validate_name(&self.name));
        let id_number = noted(p, validate_id_number(&self.id_number));
        let sex = id_number
            .as_ref()
            .and_then(|id| noted(p, checked_sex(self.sex.as_deref(), id)));
        let birth_date = id_number.as_ref().and_then(|id| {
            let given = self
                .birth_date
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let date = match given {
                None => id.birth_date(),
                Some(s) => noted(
                    p,
                    parse_date(s).ok_or(FieldError::new("birth_date", "date_invalid")),
                )?,
            };
            if date != id.birth_date() {
                p.push(FieldError::new(
                    "birth_date",
                    "birth_date_disagrees_with_id_number",
                ));
                return None;
            }
            Some(date)
        });
        let phone = noted(p, validate_phone(&self.phone));
        let address = noted(
            p,
            validate_optional_text(self.address.as_deref(), "address", ADDRESS_MAX),
        );
        match (name, id_number, sex, birth_date, phone, address) {
            (
                Some(name),
                Some(id_number),
                Some(sex),
                Some(birth_date),
                Some(phone),
                Some(address),
            ) if problems.is_empty() => Ok(ValidResident {
                name,
                id_number,
                sex,
                birth_date,
                phone,
                address,
            }),
            _ => Err(problems),
        }
    }
}

/// Raw staff input.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffInput {
    pub name: String,
    pub id_number: String,
    pub sex: Option<String>,
    pub title: String,
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// 医务人员 — a staff record that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStaff {
    pub name: String,
    pub id_number: ResidentIdNumber,
    pub sex: Sex,
    pub title: &'static str,
    pub specialty: String,
    pub phone: Option<Phone>,
}

impl StaffInput {
    pub fn validate(&self) -> Result<ValidStaff, FieldError> {
        self.checked().map_err(|mut all| all.remove(0))
    }

    /// Applies every rule and names every field that breaks one.
    pub fn checked(&self) -> Result<ValidStaff, Vec<FieldError>> {
        let mut problems = Vec::new();
        let p = &mut problems;
        let name = noted(p, validate_name(&self.name));
        let id_number = noted(p, validate_id_number(&self.id_number));
        let sex = id_number
            .as_ref()
            .and_then(|id| noted(p, checked_sex(self.sex.as_deref(), id)));
        let title = noted(
            p,
            TITLES
                .iter()
                .find(|t| **t == self.title.trim())
                .copied()
                .ok_or(FieldError::new("title", "title_invalid")),
        );
        let specialty = noted(
            p,
            validate_optional_text(self.specialty.as_deref(), "specialty", 50),
        );
        let phone = match self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(None),
            Some(raw) => noted(p, validate_phone(raw)).map(Some),
        };
        match (name, id_number, sex, title, specialty, phone) {
            (Some(name), Some(id_number), Some(sex), Some(title), Some(specialty), Some(phone))
                if problems.is_empty() =>
            {
                Ok(ValidStaff {
                    name,
                    id_number,
                    sex,
                    title,
                    specialty,
                    phone,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Checks an institution's name and code.
pub fn validate_institution(name: &str, code: &str) -> Result<(String, String), FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "required"));
    }
    if name.chars().count() > 60 {
        return Err(FieldError::new("name", "too_long"));
    }
    let code = code.trim();
    if code.is_empty() {
        return Err(FieldError::new("code", "required"));
    }
    if code.len() > 32 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(FieldError::new("code", "code_invalid"));
    }
    Ok((name.to_string(), code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_broken_rule_of_a_resident_is_named() {
        let input = ResidentInput {
            name: "张3".into(),
            id_number: "11010519491231002X".into(),
            sex: Some("M".into()),
            birth_date: Some("1950-01-01".into()),
            phone: "123".into(),
            address: None,
        };
        let fields: Vec<(&str, &str)> = input
            .checked()
            .expect_err("refused")
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", "invalid_characters"),
                ("sex", "sex_disagrees_with_id_number"),
                ("birth_date", "birth_date_disagrees_with_id_number"),
                ("phone", "phone_invalid"),
            ]
        );
        // The first of them is what `validate` names.
        assert_eq!(input.validate().expect_err("refused").field, "name");
    }

    fn input() -> ResidentInput {
        ResidentInput {
            name: "张小明".into(),
            id_number: "11010519491231002X".into(),
            sex: Some("female".into()),
            birth_date: Some("1949-12-31".into()),
            phone: "13800138000".into(),
            address: Some("茅台镇 杨柳村".into()),
        }
    }

    #[test]
    fn a_good_resident_passes() {
        let v = input().validate().expect("valid");
        assert_eq!(v.name, "张小明");
        assert_eq!(v.sex, Sex::Female);
    }

    #[test]
    fn sex_and_birth_date_default_from_the_id_number() {
        let mut i = input();
        i.sex = None;
        i.birth_date = Some(" ".into());
        let v = i.validate().expect("valid");
        assert_eq!(v.birth_date, time::macros::date!(1949 - 12 - 31));
    }

    #[test]
    fn each_rule_names_its_field() {
        type Case = (fn(&mut ResidentInput), &'static str, &'static str);
        let cases: Vec<Case> = vec![
            (|i| i.name = " ".into(), "name", "required"),
            (|i| i.name = "张".repeat(31), "name", "too_long"),
            (|i| i.name = "张3".into(), "name", "invalid_characters"),
            (
                |i| i.id_number = "110105194912310021".into(),
                "id_number",
                "id_number_check_digit",
            ),
            (|i| i.id_number = "".into(), "id_number", "required"),
            (
                |i| i.sex = Some("male".into()),
                "sex",
                "sex_disagrees_with_id_number",
            ),
            (|i| i.sex = Some("x".into()), "sex", "sex_invalid"),
            (
                |i| i.birth_date = Some("1950-01-01".into()),
                "birth_date",
                "birth_date_disagrees_with_id_number",
            ),
            (
                |i| i.birth_date = Some("yesterday".into()),
                "birth_date",
                "date_invalid",
            ),
            (|i| i.phone = "12345".into(), "phone", "phone_invalid"),
            (
                |i| i.address = Some("村".repeat(201)),
                "address",
                "too_long",
            ),
        ];
        for (change, field, code) in cases {
            let mut i = input();
            change(&mut i);
            assert_eq!(
                i.validate(),
                Err(FieldError::new(field, code)),
                "{field} {code}"
            );
        }
    }

    #[test]
    fn staff_titles_are_checked() {
        let s = StaffInput {
            name: "李医生".into(),
            id_number: "11010519491231002X".into(),
            sex: None,
            title: "chief_physician".into(),
            specialty: Some("心血管内科".into()),
            phone: None,
        };
        assert_eq!(s.validate().expect("valid").title, "chief_physician");
        let bad = StaffInput {
            title: "wizard".into(),
            ..s
        };
        assert_eq!(
            bad.validate(),
            Err(FieldError::new("title", "title_invalid"))
        );
    }

    #[test]
    fn hierarchy() {
        assert_eq!(
            InstitutionKind::Village.allowed_parent(),
            Some(InstitutionKind::Township)
        );
        assert_eq!(InstitutionKind::Lead.allowed_parent(), None);
        for k in InstitutionKind::ALL {
            assert_eq!(InstitutionKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn institution_codes() {
        assert!(validate_institution("茅台镇卫生院", "T01").is_ok());
        assert_eq!(
            validate_institution("x", "a b"),
            Err(FieldError::new("code", "code_invalid"))
        );
    }
}
