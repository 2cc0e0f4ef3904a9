//! Encounters (就诊记录): one outpatient or emergency visit, or one inpatient stay, as a
//! hospital's or township's system exports it, and the checks a row passes before it is
//! counted. A stay is counted in the month of discharge, a visit in the month it
//! happened.

use super::month::Month;
use crate::icd10;
use crate::registry::{FieldError, parse_date, validate_id_number};
use time::Date;

/// 就诊类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 门诊
    Outpatient,
    /// 急诊
    Emergency,
    /// 住院
    Inpatient,
}

crate::codes!(Kind {
    Outpatient => "outpatient",
    Emergency => "emergency",
    Inpatient => "inpatient"
});

impl Kind {
    /// The code, or its Chinese word as a hospital's export writes it.
    pub fn read(raw: &str) -> Option<Self> {
        let s = raw.trim();
        Kind::parse(&s.to_ascii_lowercase()).or(match s {
            "门诊" => Some(Kind::Outpatient),
            "急诊" => Some(Kind::Emergency),
            "住院" | "出院" => Some(Kind::Inpatient),
            _ => None,
        })
    }

    pub fn is_stay(self) -> bool {
        self == Kind::Inpatient
    }
}

/// Longest visit number, department and diagnosis list accepted.
pub const MAX_KEY: usize = 64;
pub const MAX_DIAGNOSES: usize = 10;

/// A row as it arrives (from a file, a form or a FHIR Encounter), every field text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncounterInput {
    pub visit_no: String,
    pub department: String,
    pub id_number: String,
    pub kind: String,
    pub started_on: String,
    pub ended_on: String,
    pub diagnoses: String,
    pub total_fen: String,
    pub insurance_fen: String,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEncounter {
    pub visit_no: String,
    pub department: String,
    pub id_number: String,
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub diagnoses: Vec<String>,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

impl ValidEncounter {
    /// The day the row is counted on.
    pub fn day(&self) -> Date {
        counted_on(self.kind, self.started_on, self.ended_on)
    }

    /// The month the row is counted in.
    pub fn month(&self) -> Month {
        Month::of(self.day())
    }
}

/// The day a row is counted on: discharge for a stay, the visit day otherwise.
pub fn counted_on(kind: Kind, started: Date, ended: Option<Date>) -> Date {
    match (kind.is_stay(), ended) {
        (true, Some(e)) => e,
        _ => started,
    }
}

fn text(raw: &str, field: &'static str, required: bool) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() && required {
        return Err(FieldError::new(field, "required"));
    }
    if s.chars().count() > MAX_KEY {
        return Err(FieldError::new(field, "too_long"));
    }
    Ok(s.to_string())
}

/// An amount in fen: a whole, non-negative number below a trillion fen.
pub fn fen(raw: &str, field: &'static str) -> Result<i64, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    s.parse::<i64>()
        .ok()
        .filter(|v| (0..1_000_000_000_000).contains(v))
        .ok_or(FieldError::new(field, "amount_invalid"))
}

/// A day that is well formed and not after `today`.
pub fn day(raw: &str, field: &'static str, today: Date) -> Result<Option<Date>, FieldError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let d = parse_date(raw).ok_or(FieldError::new(field, "date_invalid"))?;
    if d > today {
        return Err(FieldError::new(field, "in_future"));
    }
    Ok(Some(d))
}

/// ICD-10 codes separated by `;`, `,`, `，` or spaces.
pub fn diagnoses(raw: &str) -> Result<Vec<String>, FieldError> {
    let codes: Vec<String> = raw
        .split([';', ',', '，', '；', ' '])
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Err(FieldError::new("diagnoses", "required"));
    }
    if codes.len() > MAX_DIAGNOSES {
        return Err(FieldError::new("diagnoses", "too_long"));
    }
    if codes.iter().any(|c| !icd10::is_well_formed(c)) {
        return Err(FieldError::new("diagnoses", "icd10_invalid"));
    }
    Ok(codes)
}

/// Checks every field and answers every problem found, not only the first.
pub fn validate(input: &EncounterInput, today: Date) -> Result<ValidEncounter, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut keep = |r: Result<(), FieldError>| {
        if let Err(e) = r {
            problems.push(e);
        }
    };
    let visit_no = text(&input.visit_no, "visit_no", true);
    let department = text(&input.department, "department", true);
    let id_number = validate_id_number(&input.id_number).map(|n| n.as_str().to_string());
    let kind = Kind::read(&input.kind).ok_or(FieldError::new("kind", "kind_invalid"));
    let started = day(&input.started_on, "started_on", today)
        .and_then(|d| d.ok_or(FieldError::new("started_on", "required")));
    let ended = day(&input.ended_on, "ended_on", today);
    let diagnoses = diagnoses(&input.diagnoses);
    let total = fen(&input.total_fen, "total_fen");
    let insurance = fen(&input.insurance_fen, "insurance_fen");
    if let (Ok(k), Ok(None)) = (&kind, &ended)
        && k.is_stay()
    {
        keep(Err(FieldError::new("ended_on", "discharge_required")));
    }
    if let (Ok(s), Ok(Some(e))) = (&started, &ended)
        && e < s
    {
        keep(Err(FieldError::new("ended_on", "before_start")));
    }
    if let (Ok(t), Ok(i)) = (&total, &insurance)
        && i > t
    {
        keep(Err(FieldError::new("insurance_fen", "above_total")));
    }
    match (
        visit_no, department, id_number, kind, started, ended, diagnoses, total, insurance,
    ) {
        (
            Ok(visit_no),
            Ok(department),
            Ok(id_number),
            Ok(kind),
            Ok(started_on),
            Ok(ended_on),
            Ok(diagnoses),
            Ok(total_fen),
            Ok(insurance_fen),
        ) if problems.is_empty() => Ok(ValidEncounter {
            visit_no,
            department,
            id_number,
            kind,
            started_on,
            ended_on,
            diagnoses,
            total_fen,
            insurance_fen,
        }),
        (a, b, c, d, e, f, g, h, i) => {
            let mut all = problems;
            all.extend(
                [
                    a.err(),
                    b.err(),
                    c.err(),
                    d.err(),
                    e.err(),
                    f.err(),
                    g.err(),
                    h.err(),
                    i.err(),
                ]
                .into_iter()
                .flatten(),
            );
            Err(all)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 30);

    fn row() -> EncounterInput {
        EncounterInput {
            visit_no: "MZ0001".into(),
            department: "内科".into(),
            id_number: "11010519491231002X".into(),
            kind: "门诊".into(),
            started_on: "2026-06-03".into(),
            ended_on: String::new(),
            diagnoses: "I10; E11.9".into(),
            total_fen: "12800".into(),
            insurance_fen: "9000".into(),
        }
    }

    #[test]
    fn a_good_visit_is_counted_in_its_month_and_a_stay_in_its_discharge_month() {
        let v = validate(&row(), TODAY).expect("valid");
        assert_eq!(v.kind, Kind::Outpatient);
        assert_eq!(v.diagnoses, vec!["I10".to_string(), "E11.9".to_string()]);
        assert_eq!(v.month().key(), "2026-06");
        let stay = EncounterInput {
            kind: "住院".into(),
            started_on: "2026-05-28".into(),
            ended_on: "2026/06/04".into(),
            ..row()
        };
        let s = validate(&stay, TODAY).expect("valid");
        assert_eq!(s.month().key(), "2026-06");
        assert_eq!(s.started_on.month() as u8, 5);
    }

    #[test]
    fn every_problem_of_a_row_is_named() {
        let bad = EncounterInput {
            visit_no: " ".into(),
            id_number: "110105194912310021".into(),
            kind: "体检".into(),
            started_on: "2026-07-01".into(),
            diagnoses: "高血压".into(),
            total_fen: "12.5".into(),
            insurance_fen: "-1".into(),
            ..row()
        };
        let mut got: Vec<(&str, &str)> = validate(&bad, TODAY)
            .expect_err("refused")
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("diagnoses", "icd10_invalid"),
                ("id_number", "id_number_check_digit"),
                ("insurance_fen", "amount_invalid"),
                ("kind", "kind_invalid"),
                ("started_on", "in_future"),
                ("total_fen", "amount_invalid"),
                ("visit_no", "required"),
            ]
        );
    }

    #[test]
    fn a_stay_needs_its_discharge_and_insurance_cannot_pay_more_than_the_bill() {
        let stay = EncounterInput {
            kind: "inpatient".into(),
            insurance_fen: "12801".into(),
            ..row()
        };
        let mut got: Vec<(&str, &str)> = validate(&stay, TODAY)
            .expect_err("refused")
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("ended_on", "discharge_required"),
                ("insurance_fen", "above_total")
            ]
        );
        let backwards = EncounterInput {
            kind: "inpatient".into(),
            started_on: "2026-06-10".into(),
            ended_on: "2026-06-09".into(),
            ..row()
        };
        let e = validate(&backwards, TODAY).expect_err("refused");
        assert_eq!((e[0].field, e[0].code), ("ended_on", "before_start"));
    }
}
