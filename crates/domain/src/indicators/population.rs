//! Residents per institution and year, the denominator of every per-10,000 figure. The
//! registry's count (residents registered at each institution) is the default; the
//! office can enter an official figure for an institution and year, which stands for
//! the institution together with the institutions under it (a township with its village
//! clinics), because official figures are published per township and not split further.
//!
//! The figures are laid into a tally as additive entries, so that any scope sums them:
//! each institution carries its registry count, and an institution with an official
//! figure also carries the difference between that figure and the registry's count of it
//! and its children. A scope holding the township with its villages then sums to the
//! official figure; a village alone keeps its registry count.

use crate::registry::FieldError;
use std::collections::HashMap;
use uuid::Uuid;

/// An official figure: residents of `institution` and the institutions under it in
/// `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Official {
    pub institution: Uuid,
    pub year: i32,
    pub residents: i64,
}

/// The entries of `year`, zero ones left out, ordered by institution.
pub fn entries(
    year: i32,
    registry: &HashMap<Uuid, i64>,
    official: &[Official],
    parent_of: &HashMap<Uuid, Uuid>,
) -> Vec<(Uuid, i64)> {
    let mut out: HashMap<Uuid, i64> = registry.clone();
    for o in official.iter().filter(|o| o.year == year) {
        let counted: i64 = registry
            .iter()
            .filter(|(i, _)| **i == o.institution || parent_of.get(*i) == Some(&o.institution))
            .map(|(_, n)| n)
            .sum();
        *out.entry(o.institution).or_default() += o.residents - counted;
    }
    let mut v: Vec<(Uuid, i64)> = out.into_iter().filter(|(_, n)| *n != 0).collect();
    v.sort();
    v
}

/// Bounds an official figure must keep: at least one resident, at most a hundred million.
pub fn valid_figure(residents: i64) -> bool {
    (1..=100_000_000).contains(&residents)
}

/// An official figure as typed: residents (digits, thousands separators allowed) and
/// where it comes from.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OfficialInput {
    #[serde(default)]
    pub residents: String,
    #[serde(default)]
    pub source: String,
}

/// The longest source text kept.
pub const SOURCE_MAX: usize = 200;

/// Checks a typed figure for `year` (from 2000 to next year), naming every field that
/// is wrong; the residents and the trimmed source.
pub fn validate_official(
    i: &OfficialInput,
    year: i32,
    this_year: i32,
) -> Result<(i64, String), Vec<FieldError>> {
    let mut problems = Vec::new();
    if !(2000..=this_year + 1).contains(&year) {
        problems.push(FieldError::new("year", "population_year_invalid"));
    }
    let digits: String = i
        .residents
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    let residents = digits.parse::<i64>().ok().filter(|n| valid_figure(*n));
    if residents.is_none() {
        problems.push(FieldError::new("residents", "population_invalid"));
    }
    let source = i.source.trim();
    if source.is_empty() {
        problems.push(FieldError::new("source", "required"));
    } else if source.chars().count() > SOURCE_MAX {
        problems.push(FieldError::new("source", "too_long"));
    }
    match residents {
        Some(n) if problems.is_empty() => Ok((n, source.to_string())),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn an_official_figure_stands_for_the_township_and_its_villages_and_nothing_else() {
        // Township 1 (120 registered at the centre) with villages 11 (300) and 12 (280);
        // township 2 (90) with village 21 (400); the lead hospital 9 (5).
        let registry: HashMap<Uuid, i64> =
            [(1, 120), (11, 300), (12, 280), (2, 90), (21, 400), (9, 5)]
                .into_iter()
                .map(|(i, n)| (id(i), n))
                .collect();
        let parent_of: HashMap<Uuid, Uuid> = [(11, 1), (12, 1), (21, 2)]
            .into_iter()
            .map(|(c, p)| (id(c), id(p)))
            .collect();
        // Township 1's official figure for 2026 is 1,000 (700 registered); 2025's is
        // entered too, and must not touch 2026.
        let official = [
            Official {
                institution: id(1),
                year: 2026,
                residents: 1_000,
            },
            Official {
                institution: id(1),
                year: 2025,
                residents: 650,
            },
        ];
        let e = entries(2026, &registry, &official, &parent_of);
        let sum = |keep: &[u128]| -> i64 {
            e.iter()
                .filter(|(i, _)| keep.iter().any(|k| id(*k) == *i))
                .map(|(_, n)| n)
                .sum()
        };
        // The township with its villages: the official 1,000.
        assert_eq!(sum(&[1, 11, 12]), 1_000);
        // A village alone keeps its registry count; township 2 has no official figure.
        assert_eq!(sum(&[11]), 300);
        assert_eq!(sum(&[2, 21]), 490);
        // The whole county: 1,000 + 490 + 5.
        assert_eq!(sum(&[1, 11, 12, 2, 21, 9]), 1_495);
        // 2025: 650 for township 1's scope.
        let e25 = entries(2025, &registry, &official, &parent_of);
        let t1: i64 = e25
            .iter()
            .filter(|(i, _)| [id(1), id(11), id(12)].contains(i))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(t1, 650);
    }

    #[test]
    fn a_figure_must_be_a_plausible_number_of_people() {
        assert!(valid_figure(1) && valid_figure(100_000_000));
        assert!(!valid_figure(0) && !valid_figure(-5) && !valid_figure(100_000_001));
    }

    #[test]
    fn a_typed_figure_names_every_wrong_field() {
        let ok = OfficialInput {
            residents: " 24,310 ".into(),
            source: " 县统计局2025年统计年鉴 ".into(),
        };
        assert_eq!(
            validate_official(&ok, 2025, 2026),
            Ok((24_310, "县统计局2025年统计年鉴".into()))
        );
        let bad = OfficialInput {
            residents: "两万".into(),
            source: "  ".into(),
        };
        let codes: Vec<(&str, &str)> = validate_official(&bad, 2028, 2026)
            .expect_err("refused")
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("year", "population_year_invalid"),
                ("residents", "population_invalid"),
                ("source", "required")
            ]
        );
        let zero = OfficialInput {
            residents: "0".into(),
            source: "x".repeat(SOURCE_MAX + 1),
        };
        let codes: Vec<&str> = validate_official(&zero, 2026, 2026)
            .expect_err("refused")
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, vec!["population_invalid", "too_long"]);
    }
}
