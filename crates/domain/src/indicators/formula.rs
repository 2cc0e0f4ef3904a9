//! How an indicator's figure is computed from the monthly tallies: a numerator and a
//! denominator, each a sum of counters over a set of institution levels, and the shape
//! that turns the two into a value (a rate, a year-over-year growth, a count).

use super::month::{Month, Span};
use super::tally::{Measure, Tally};
use crate::registry::InstitutionKind;
use uuid::Uuid;

/// Which institutions' counters a term sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Levels {
    /// Every institution of the community.
    All,
    /// Township health centres and village clinics (基层).
    Primary,
    /// The lead hospital.
    Lead,
}

impl Levels {
    pub fn holds(self, kind: InstitutionKind) -> bool {
        match self {
            Levels::All => true,
            Levels::Primary => kind.is_primary(),
            Levels::Lead => kind == InstitutionKind::Lead,
        }
    }
}

/// One summed counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub measure: Measure,
    pub levels: Levels,
}

pub const fn all(measure: Measure) -> Term {
    Term {
        measure,
        levels: Levels::All,
    }
}

pub const fn primary(measure: Measure) -> Term {
    Term {
        measure,
        levels: Levels::Primary,
    }
}

pub const fn lead(measure: Measure) -> Term {
    Term {
        measure,
        levels: Levels::Lead,
    }
}

/// How numerator and denominator make the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// numerator × 100 ÷ denominator.
    Percent,
    /// (this span − the same span a year before) × 100 ÷ the year before; the
    /// numerator is this span's sum and the denominator the year before's.
    Growth,
    /// The numerator's sum alone (a number of cases); the denominator lists nothing.
    Count,
    /// numerator × 10,000 ÷ denominator (the denominator a number of residents).
    PerTenThousand,
}

/// The inputs a figure cannot be computed without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Visits and stays imported from the county's own systems.
    Encounters,
    /// The register of care outside the county.
    Outside,
}

impl Source {
    fn measures(self) -> &'static [Measure] {
        match self {
            Source::Encounters => &[Measure::Visits, Measure::Stays],
            Source::Outside => &[Measure::OutVisits, Measure::OutStays],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub numerator: &'static [Term],
    pub denominator: &'static [Term],
    pub shape: Shape,
    pub needs: &'static [Source],
}

/// Whether the figure could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// An input it needs holds nothing for the span (nothing imported yet).
    NoData,
    /// The denominator is zero.
    NoDenominator,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub numerator: i64,
    pub denominator: i64,
    pub value: Option<f64>,
    pub status: Status,
}

/// Sums a term over the months of `span` (a stock: its entry for the year of the span's
/// last month) and the institutions `in_scope` admits, their kind told by `kind_of` (an
/// institution it does not know is left out).
pub fn sum(
    tally: &Tally,
    term: Term,
    span: Span,
    kind_of: &dyn Fn(Uuid) -> Option<InstitutionKind>,
    in_scope: &dyn Fn(Uuid) -> bool,
) -> i64 {
    let months = if term.measure.is_stock() {
        let january = stock_month(span.last.year);
        (january, january)
    } else {
        (span.first, span.last)
    };
    tally
        .of_measure(term.measure, months)
        .filter(|&(i, _)| in_scope(i) && kind_of(i).is_some_and(|k| term.levels.holds(k)))
        .map(|(_, v)| v)
        .sum()
}

/// Where a stock of `year` is kept in a tally: the year's January.
pub fn stock_month(year: i32) -> Month {
    Month { year, month: 1 }
}

/// The figure of `formula` over `span`.
pub fn evaluate(
    formula: &Formula,
    tally: &Tally,
    span: Span,
    kind_of: &dyn Fn(Uuid) -> Option<InstitutionKind>,
    in_scope: &dyn Fn(Uuid) -> bool,
) -> Figure {
    let total = |terms: &[Term], s: Span| -> i64 {
        terms
            .iter()
            .map(|&t| sum(tally, t, s, kind_of, in_scope))
            .sum()
    };
    let has = |src: Source, s: Span| {
        src.measures()
            .iter()
            .any(|&m| sum(tally, all(m), s, kind_of, in_scope) != 0)
    };
    let (numerator, denominator, spans) = match formula.shape {
        Shape::Percent | Shape::PerTenThousand => (
            total(formula.numerator, span),
            total(formula.denominator, span),
            vec![span],
        ),
        Shape::Count => (total(formula.numerator, span), 0, vec![span]),
        Shape::Growth => {
            let before = span.year_before();
            (
                total(formula.numerator, span),
                total(formula.denominator, before),
                vec![span, before],
            )
        }
    };
    let missing = formula
        .needs
        .iter()
        .any(|&src| spans.iter().any(|&s| !has(src, s)));
    let (value, status) = if missing {
        (None, Status::NoData)
    } else if denominator == 0 && formula.shape != Shape::Count {
        (None, Status::NoDenominator)
    } else {
        (
            Some(value_of(formula.shape, numerator, denominator)),
            Status::Ok,
        )
    };
    Figure {
        numerator,
        denominator,
        value,
        status,
    }
}

/// The value from the two sums, rounded to four decimals (the same arithmetic the
/// independent check in `bench/indicators.sql` does).
pub fn value_of(shape: Shape, numerator: i64, denominator: i64) -> f64 {
    let v = match shape {
        Shape::Percent => numerator as f64 * 100.0 / denominator as f64,
        Shape::PerTenThousand => numerator as f64 * 10_000.0 / denominator as f64,
        Shape::Growth => (numerator - denominator) as f64 * 100.0 / denominator as f64,
        Shape::Count => numerator as f64,
    };
    (v * 10_000.0).round() / 10_000.0
}
