//! What one indicator's definition holds, and how its target reads.

use crate::indicators::formula::Formula;

/// How a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    /// A number of cases (人次).
    Count,
    /// Per 10,000 residents (每万人口).
    PerTenThousand,
}

crate::codes!(Unit {
    Percent => "percent",
    Count => "count",
    PerTenThousand => "per_10k"
});

/// Whether a higher value is better (the target is a floor) or a lower one (a ceiling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// Texts in both languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

pub(super) const fn t(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Definition {
    pub code: &'static str,
    /// `2020` (trial system), `2024` (monitoring system), `provincial` or `community`
    /// (the community's own reporting, from its documents).
    pub version: &'static str,
    pub dimension: Text,
    pub name: Text,
    pub numerator: Text,
    pub denominator: Text,
    pub note: Text,
    pub source: &'static str,
    pub unit: Unit,
    pub target: Option<f64>,
    pub better: Better,
    pub formula: Formula,
}

impl Definition {
    /// The target as a page shows it: "≥ 90" for a floor, "≤ 5" for a ceiling.
    pub fn target_text(&self) -> Option<String> {
        target_text(self.target, self.better)
    }

    /// Whether a value falls short of the target: under a floor or over a ceiling.
    pub fn misses_target(&self, value: f64) -> bool {
        misses_target(self.target, self.better, value)
    }
}

/// A target as a page shows it: "≥ 90" for a floor, "≤ 5" for a ceiling.
pub fn target_text(target: Option<f64>, better: Better) -> Option<String> {
    let sign = match better {
        Better::Higher => '≥',
        Better::Lower => '≤',
    };
    target.map(|t| format!("{sign} {t}"))
}

/// Whether a value falls short of a target: under a floor or over a ceiling.
pub fn misses_target(target: Option<f64>, better: Better, value: f64) -> bool {
    match (target, better) {
        (Some(t), Better::Higher) => value < t,
        (Some(t), Better::Lower) => value > t,
        (None, _) => false,
    }
}
