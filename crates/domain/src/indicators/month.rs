//! The month a figure is counted in (`YYYY-MM`), and the spans reports use: a month,
//! a quarter (`YYYY-Qn`) or a year (`YYYY`).

use time::{Date, Month as CalMonth};

/// One calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u8,
}

impl Month {
    pub fn of(d: Date) -> Self {
        Month {
            year: d.year(),
            month: d.month() as u8,
        }
    }

    /// `YYYY-MM`, the form stored and sent.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u8 = m.parse().ok()?;
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..self
            }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..self
            }
        }
    }

    pub fn first_day(self) -> Date {
        let m = CalMonth::try_from(self.month).unwrap_or(CalMonth::January);
        Date::from_calendar_date(self.year, m, 1).unwrap_or(Date::MIN)
    }
}

/// A span of whole months a figure is reported over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: Month,
    pub last: Month,
}

impl Span {
    /// `YYYY-MM` (a month), `YYYY-Qn` (a quarter) or `YYYY` (a year).
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(m) = Month::parse(s) {
            return Some(Span { first: m, last: m });
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let q: u8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            let first = Month::parse(&format!("{y}-{:02}", q * 3 - 2))?;
            let last = Month::parse(&format!("{y}-{:02}", q * 3))?;
            return Some(Span { first, last });
        }
        if s.len() == 4 {
            let first = Month::parse(&format!("{s}-01"))?;
            let last = Month::parse(&format!("{s}-12"))?;
            return Some(Span { first, last });
        }
        None
    }

    /// The same months one year earlier (for year-over-year figures).
    pub fn year_before(self) -> Self {
        let back = |m: Month| Month {
            year: m.year - 1,
            ..m
        };
        Span {
            first: back(self.first),
            last: back(self.last),
        }
    }

    /// Every month of the span, in order.
    pub fn months(self) -> Vec<Month> {
        let mut out = vec![self.first];
        let mut m = self.first;
        while m < self.last {
            m = m.next();
            out.push(m);
        }
        out
    }

    /// The key of the year (`YYYY`) or quarter (`YYYY-Qn`) the span is exactly, whose
    /// counters are kept summed; none for any other span.
    pub fn rollup(self) -> Option<String> {
        let (a, b) = (self.first, self.last);
        if a.year != b.year {
            return None;
        }
        match (a.month, b.month) {
            (1, 12) => Some(format!("{:04}", a.year)),
            (f, l) if l == f + 2 && f % 3 == 1 => Some(format!("{:04}-Q{}", a.year, l / 3)),
            _ => None,
        }
    }

    /// Whether a `YYYY-MM` key falls inside the span (keys order as months do).
    pub fn holds(self, key: &str) -> bool {
        let (a, b) = (self.first.key(), self.last.key());
        key >= a.as_str() && key <= b.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_quarters_and_years_read_and_step() {
        let m = Month::parse("2025-12").expect("valid");
        assert_eq!(m.next().key(), "2026-01");
        assert_eq!(
            Month::parse("2026-01").expect("valid").previous().key(),
            "2025-12"
        );
        for bad in ["2025-13", "2025-1", "25-01", "", "2025-00", "abcd-ef"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let q = Span::parse("2026-Q2").expect("valid");
        assert_eq!(
            (q.first.key(), q.last.key()),
            ("2026-04".into(), "2026-06".into())
        );
        assert_eq!(q.months().len(), 3);
        let y = Span::parse("2025").expect("valid");
        assert_eq!(y.months().len(), 12);
        assert_eq!(y.year_before().first.key(), "2024-01");
        assert!(q.holds("2026-05") && !q.holds("2026-07") && !q.holds("2026-03"));
        assert_eq!(Span::parse("2026-Q5"), None);
        // Whole years and quarters are kept summed; other spans are not.
        assert_eq!(y.rollup().as_deref(), Some("2025"));
        assert_eq!(q.rollup().as_deref(), Some("2026-Q2"));
        assert_eq!(
            Span::parse("2026-Q4").and_then(Span::rollup).as_deref(),
            Some("2026-Q4")
        );
        let odd = Span {
            first: Month::parse("2026-02").expect("valid"),
            last: Month::parse("2026-04").expect("valid"),
        };
        assert_eq!(
            (odd.rollup(), Span::parse("2026-05").and_then(Span::rollup)),
            (None, None)
        );
        assert_eq!(Span::parse("20261"), None);
    }
}
