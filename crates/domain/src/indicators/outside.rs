//! Care outside the county (县外就诊): a resident's visit or stay at a hospital beyond
//! the community, entered by hand or read from the insurance settlement data. Without
//! these rows the county care rate cannot be computed.

use super::encounter::{Kind, MAX_KEY, day, fen};
use super::month::Month;
use crate::registry::FieldError;
use time::Date;

/// The level of the outside hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 省级
    Provincial,
    /// 市级
    Municipal,
    /// 外县
    OtherCounty,
    /// 其他（外省等）
    Other,
}

crate::codes!(Level {
    Provincial => "provincial",
    Municipal => "municipal",
    OtherCounty => "other_county",
    Other => "other"
});

impl Level {
    pub fn read(raw: &str) -> Option<Self> {
        let s = raw.trim();
        Level::parse(&s.to_ascii_lowercase()).or(match s {
            "省级" => Some(Level::Provincial),
            "市级" => Some(Level::Municipal),
            "外县" | "县级" => Some(Level::OtherCounty),
            "其他" => Some(Level::Other),
            _ => None,
        })
    }
}

/// An outside visit as entered or imported, every field text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OutsideInput {
    /// The settlement number (or any key the source gives), so a re-import duplicates nothing.
    #[serde(default)]
    pub settlement_no: String,
    pub kind: String,
    pub started_on: String,
    #[serde(default)]
    pub ended_on: String,
    pub hospital: String,
    pub level: String,
    pub total_fen: String,
    pub insurance_fen: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOutside {
    pub settlement_no: String,
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub hospital: String,
    pub level: Level,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

impl ValidOutside {
    /// The day the visit is counted on (discharge for a stay).
    pub fn day(&self) -> Date {
        super::encounter::counted_on(self.kind, self.started_on, self.ended_on)
    }

    pub fn month(&self) -> Month {
        Month::of(self.day())
    }
}

/// Checks every field and names every problem.
pub fn validate(input: &OutsideInput, today: Date) -> Result<ValidOutside, Vec<FieldError>> {
    let mut problems = Vec::new();
    let hospital = input.hospital.trim();
    if hospital.is_empty() {
        problems.push(FieldError::new("hospital", "required"));
    } else if hospital.chars().count() > 100 {
        problems.push(FieldError::new("hospital", "too_long"));
    }
    if input.settlement_no.trim().chars().count() > MAX_KEY {
        problems.push(FieldError::new("settlement_no", "too_long"));
    }
    let kind = Kind::read(&input.kind);
    if kind.is_none() {
        problems.push(FieldError::new("kind", "kind_invalid"));
    }
    let level = Level::read(&input.level);
    if level.is_none() {
        problems.push(FieldError::new("level", "level_invalid"));
    }
    let started = match day(&input.started_on, "started_on", today) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(FieldError::new("started_on", "required"));
            None
        }
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let ended = day(&input.ended_on, "ended_on", today).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    if kind.is_some_and(Kind::is_stay) && ended.is_none() && input.ended_on.trim().is_empty() {
        problems.push(FieldError::new("ended_on", "discharge_required"));
    }
    if let (Some(s), Some(e)) = (started, ended)
        && e < s
    {
        problems.push(FieldError::new("ended_on", "before_start"));
    }
    let total = fen(&input.total_fen, "total_fen")
        .map_err(|e| problems.push(e))
        .ok();
    let insurance = fen(&input.insurance_fen, "insurance_fen")
        .map_err(|e| problems.push(e))
        .ok();
    if let (Some(t), Some(i)) = (total, insurance)
        && i > t
    {
        problems.push(FieldError::new("insurance_fen", "above_total"));
    }
    match (kind, level, started, total, insurance) {
        (Some(kind), Some(level), Some(started_on), Some(total_fen), Some(insurance_fen))
            if problems.is_empty() =>
        {
            Ok(ValidOutside {
                settlement_no: input.settlement_no.trim().to_string(),
                kind,
                started_on,
                ended_on: ended,
                hospital: hospital.to_string(),
                level,
                total_fen,
                insurance_fen,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input() -> OutsideInput {
        OutsideInput {
            settlement_no: "JS-2026-001".into(),
            kind: "住院".into(),
            started_on: "2026-04-28".into(),
            ended_on: "2026-05-06".into(),
            hospital: "遵义医科大学附属医院".into(),
            level: "市级".into(),
            total_fen: "1520000".into(),
            insurance_fen: "980000".into(),
        }
    }

    #[test]
    fn an_outside_stay_counts_in_its_discharge_month() {
        let v = validate(&input(), date!(2026 - 06 - 01)).expect("valid");
        assert_eq!((v.level, v.kind), (Level::Municipal, Kind::Inpatient));
        assert_eq!(v.month().key(), "2026-05");
    }

    #[test]
    fn every_problem_is_named() {
        let bad = OutsideInput {
            ended_on: String::new(),
            hospital: " ".into(),
            level: "国外".into(),
            insurance_fen: "2000000".into(),
            ..input()
        };
        let mut got: Vec<(&str, &str)> = validate(&bad, date!(2026 - 06 - 01))
            .expect_err("refused")
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("ended_on", "discharge_required"),
                ("hospital", "required"),
                ("insurance_fen", "above_total"),
                ("level", "level_invalid"),
            ]
        );
    }
}

/// Whether a referral may stand behind an outside visit: the same patient's, neither
/// refused nor withdrawn, and made no later than the visit began.
pub fn referral_fits(
    same_patient: bool,
    refused: bool,
    referred_on: Date,
    visit: &ValidOutside,
) -> bool {
    same_patient && !refused && referred_on <= visit.started_on
}

#[cfg(test)]
mod referral_tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_referral_fits_when_it_is_the_patients_standing_and_not_later() {
        let v = validate(
            &OutsideInput {
                kind: "门诊".into(),
                started_on: "2026-05-10".into(),
                hospital: "贵州省人民医院".into(),
                level: "省级".into(),
                total_fen: "1000".into(),
                insurance_fen: "0".into(),
                ..Default::default()
            },
            date!(2026 - 06 - 01),
        )
        .expect("valid");
        assert!(referral_fits(true, false, date!(2026 - 05 - 10), &v));
        assert!(!referral_fits(true, false, date!(2026 - 05 - 11), &v));
        assert!(!referral_fits(false, false, date!(2026 - 05 - 01), &v));
        assert!(!referral_fits(true, true, date!(2026 - 05 - 01), &v));
    }
}
