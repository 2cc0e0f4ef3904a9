//! Performance appraisal (绩效考核) of the member institutions: a score sheet of weighted
//! items — indicators scored against a target, and manual items (a quality-control
//! inspection, an insurance audit) given points with their evidence — computed per
//! quarter for each member, totalled and ranked. The sheet is the office's to change;
//! its weights add up to 100 before a quarter can be published, and a published quarter
//! is frozen.

use super::catalog::{Better, find};
use crate::registry::FieldError;

/// The two kinds of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Scored from an indicator's value against a target.
    Indicator,
    /// Given points by the office, with evidence.
    Manual,
}

crate::codes!(ItemKind {
    Indicator => "indicator",
    Manual => "manual"
});

/// An item as typed on the sheet's form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ItemInput {
    #[serde(default)]
    pub kind: String,
    /// The indicator's code (an indicator item).
    #[serde(default)]
    pub code: String,
    /// What is appraised (a manual item).
    #[serde(default)]
    pub name: String,
    /// Whole points out of 100.
    #[serde(default)]
    pub weight: String,
    /// The indicator's target for full points; the definition's own target when empty.
    #[serde(default)]
    pub target: String,
}

/// A checked item.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidItem {
    pub kind: ItemKind,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub target: Option<f64>,
}

/// Checks an item; every problem named at its field.
pub fn validate_item(i: &ItemInput) -> Result<ValidItem, Vec<FieldError>> {
    let mut problems = Vec::new();
    let kind = ItemKind::parse(i.kind.trim());
    if kind.is_none() {
        problems.push(FieldError::new("kind", "appraisal_kind_invalid"));
    }
    let weight = i.weight.trim().parse::<i64>().ok();
    if !weight.is_some_and(|w| (1..=100).contains(&w)) {
        problems.push(FieldError::new("weight", "appraisal_weight_invalid"));
    }
    let target = match i.target.trim() {
        "" => Ok(None),
        t => t
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(Some)
            .ok_or(()),
    };
    if target.is_err() {
        problems.push(FieldError::new("target", "appraisal_target_invalid"));
    }
    let name = i.name.trim().to_string();
    let code = i.code.trim().to_string();
    let indicator = (kind == Some(ItemKind::Indicator)).then(|| find(&code));
    match indicator {
        Some(None) => problems.push(FieldError::new("code", "appraisal_code_unknown")),
        Some(Some(d)) if matches!(target, Ok(None)) && d.target.is_none() => {
            problems.push(FieldError::new("target", "appraisal_target_required"));
        }
        _ => {}
    }
    let bad_name = name.is_empty() || name.chars().count() > 60;
    if kind == Some(ItemKind::Manual) && bad_name {
        problems.push(FieldError::new("name", "appraisal_name_invalid"));
    }
    match (kind, weight, target) {
        (Some(kind), Some(weight), Ok(target)) if problems.is_empty() => Ok(ValidItem {
            kind,
            name: if kind == ItemKind::Manual {
                name
            } else {
                String::new()
            },
            code: if kind == ItemKind::Indicator {
                code
            } else {
                String::new()
            },
            weight,
            target,
        }),
        _ => Err(problems),
    }
}

/// The share of an item's weight an indicator's value earns against its target: all of
/// it at or past the target, in proportion short of it (value ÷ target under a floor,
/// target ÷ value over a ceiling), nothing without a value.
pub fn earned(value: Option<f64>, target: f64, better: Better) -> f64 {
    let Some(v) = value else { return 0.0 };
    let share = match better {
        Better::Higher if target <= 0.0 || v >= target => 1.0,
        Better::Higher => v.max(0.0) / target,
        Better::Lower if v <= target => 1.0,
        Better::Lower => target / v,
    };
    share.clamp(0.0, 1.0)
}

/// Points rounded to two decimals, as the sheet shows them.
pub fn points(weight: i64, share: f64) -> f64 {
    (weight as f64 * share * 100.0).round() / 100.0
}

/// Checks a manual item's points: a number from 0 to the item's weight, with evidence
/// (what was inspected, when, by whom) of at most 500 characters.
pub fn validate_manual(
    points: &str,
    evidence: &str,
    weight: i64,
) -> Result<(f64, String), Vec<FieldError>> {
    let mut problems = Vec::new();
    let p = points
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && *p >= 0.0 && *p <= weight as f64);
    if p.is_none() {
        problems.push(FieldError::new("points", "appraisal_points_invalid"));
    }
    let evidence = evidence.trim();
    if evidence.is_empty() || evidence.chars().count() > 500 {
        problems.push(FieldError::new("evidence", "appraisal_evidence_required"));
    }
    match p {
        Some(p) if problems.is_empty() => Ok(((p * 100.0).round() / 100.0, evidence.into())),
        _ => Err(problems),
    }
}

/// Competition ranks of totals (the highest first; equal totals share a rank and the
/// next rank skips: 1, 2, 2, 4), in the order given.
pub fn ranks(totals: &[f64]) -> Vec<usize> {
    totals
        .iter()
        .map(|t| 1 + totals.iter().filter(|o| *o > t).count())
        .collect()
}

/// The last finished quarter before `today`, as `YYYY-Qn` (the one a member is
/// appraised on by default).
pub fn last_quarter(today: time::Date) -> String {
    let q = (today.month() as u8).div_ceil(3);
    match q {
        1 => format!("{}-Q4", today.year() - 1),
        q => format!("{}-Q{}", today.year(), q - 1),
    }
}

/// Whether a sheet may be published: its weights add up to exactly 100.
pub fn complete(weights: &[i64]) -> bool {
    weights.iter().sum::<i64>() == 100
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, code: &str, name: &str, weight: &str, target: &str) -> ItemInput {
        ItemInput {
            kind: kind.into(),
            code: code.into(),
            name: name.into(),
            weight: weight.into(),
            target: target.into(),
        }
    }

    #[test]
    fn an_item_is_checked_field_by_field() {
        let ok = validate_item(&input("indicator", "primary_visit_share", "x", "30", ""))
            .expect("valid");
        assert_eq!(
            (
                ok.kind,
                ok.code.as_str(),
                ok.name.as_str(),
                ok.weight,
                ok.target
            ),
            (ItemKind::Indicator, "primary_visit_share", "", 30, None)
        );
        let ok = validate_item(&input("manual", "", " 医疗质量检查 ", "20", "")).expect("valid");
        assert_eq!((ok.name.as_str(), ok.code.as_str()), ("医疗质量检查", ""));
        let fields = |i: ItemInput| -> Vec<(&str, &str)> {
            validate_item(&i)
                .expect_err("refused")
                .iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            fields(input("bonus", "", "", "0", "x")),
            [
                ("kind", "appraisal_kind_invalid"),
                ("weight", "appraisal_weight_invalid"),
                ("target", "appraisal_target_invalid")
            ]
        );
        assert_eq!(
            fields(input("indicator", "nope", "", "101", "")),
            [
                ("weight", "appraisal_weight_invalid"),
                ("code", "appraisal_code_unknown")
            ]
        );
        // The fund's share has no target of its own: the item must give one.
        assert_eq!(
            fields(input("indicator", "fund_primary_share", "", "10", "")),
            [("target", "appraisal_target_required")]
        );
        assert!(validate_item(&input("indicator", "fund_primary_share", "", "10", "40")).is_ok());
        assert_eq!(
            fields(input("manual", "", "", "10", "")),
            [("name", "appraisal_name_invalid")]
        );
    }

    #[test]
    fn an_indicator_earns_its_weight_in_proportion_to_its_target() {
        // A floor of 65: 52 earns 52/65 = 0.8 of 30 points = 24; 70 earns all 30.
        assert_eq!(points(30, earned(Some(52.0), 65.0, Better::Higher)), 24.0);
        assert_eq!(points(30, earned(Some(70.0), 65.0, Better::Higher)), 30.0);
        // A ceiling of 5: 8 earns 5/8 of 16 = 10; 4 earns all.
        assert_eq!(points(16, earned(Some(8.0), 5.0, Better::Lower)), 10.0);
        assert_eq!(points(16, earned(Some(4.0), 5.0, Better::Lower)), 16.0);
        // No value earns nothing; a negative growth earns nothing rather than less.
        assert_eq!(earned(None, 65.0, Better::Higher), 0.0);
        assert_eq!(earned(Some(-3.0), 10.0, Better::Higher), 0.0);
        // 2/3 of 10 points is 6.67.
        assert_eq!(points(10, earned(Some(20.0), 30.0, Better::Higher)), 6.67);
    }

    #[test]
    fn manual_points_lie_within_the_weight_and_carry_evidence() {
        assert_eq!(
            validate_manual("17.5", " 2026-10-12 质控检查记录第3号 ", 20),
            Ok((17.5, "2026-10-12 质控检查记录第3号".into()))
        );
        let codes = |p: &str, e: &str| -> Vec<&str> {
            validate_manual(p, e, 20)
                .expect_err("refused")
                .iter()
                .map(|e| e.code)
                .collect()
        };
        assert_eq!(
            codes("21", ""),
            ["appraisal_points_invalid", "appraisal_evidence_required"]
        );
        assert_eq!(codes("-1", "ok"), ["appraisal_points_invalid"]);
        assert_eq!(codes("十", "ok"), ["appraisal_points_invalid"]);
    }

    #[test]
    fn equal_totals_share_a_rank_and_the_next_one_skips() {
        assert_eq!(ranks(&[80.0, 92.5, 80.0, 70.0]), [2, 1, 2, 4]);
        assert_eq!(ranks(&[]), Vec::<usize>::new());
    }

    #[test]
    fn the_quarter_appraised_by_default_is_the_last_finished_one() {
        use time::macros::date;
        assert_eq!(last_quarter(date!(2026 - 11 - 30)), "2026-Q3");
        assert_eq!(last_quarter(date!(2026 - 10 - 01)), "2026-Q3");
        assert_eq!(last_quarter(date!(2026 - 03 - 31)), "2025-Q4");
    }

    #[test]
    fn a_sheet_is_complete_when_its_weights_make_100() {
        assert!(complete(&[30, 20, 50]));
        assert!(!complete(&[30, 20]));
        assert!(!complete(&[]));
    }
}
