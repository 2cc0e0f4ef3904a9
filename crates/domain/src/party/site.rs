//! A first secretary's site (第一书记派驻点): the task list it starts with, the quarters
//! it is evaluated by, and the score sheet of a quarterly evaluation. Seed 001 names
//! three of its 13 tasks (a health-management centre, a chest-pain unit, a trauma unit)
//! and "IT capacity"; the rest of the template are our defaults, kept here as data.

use super::work::Criterion;
use time::{Date, Month};

/// The task template a new site starts with: each task's code and the month of the
/// two-year term by which it is due.
pub const SITE_TASKS: [(&str, u8); 13] = [
    ("health_centre", 6),
    ("chest_pain_unit", 9),
    ("trauma_unit", 12),
    ("it_capacity", 6),
    ("family_doctor", 6),
    ("chronic_clinic", 9),
    ("remote_ecg", 3),
    ("new_techniques", 24),
    ("mentoring", 24),
    ("emergency_care", 12),
    ("tcm_hall", 18),
    ("village_support", 12),
    ("party_building", 3),
];

/// The quarterly evaluation's score sheet (out of 100): tasks on schedule, the fund used
/// as planned, the site's outcomes, and reports on time.
pub const EVALUATION_SHEET: [(&str, u32); 4] = [
    ("tasks", 40),
    ("funds", 20),
    ("outcomes", 30),
    ("reports", 10),
];

pub fn evaluation_sheet() -> Vec<Criterion> {
    EVALUATION_SHEET
        .iter()
        .map(|(code, max)| Criterion {
            code: code.to_string(),
            max: *max,
        })
        .collect()
}

/// The day a template task is due: `months` after the term starts (clamped to the end of
/// a shorter month).
pub fn task_due(starts_on: Date, months: u8) -> Date {
    let index = starts_on.month() as i32 - 1 + months as i32;
    let year = starts_on.year() + index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::December);
    let last = month.length(year);
    Date::from_calendar_date(year, month, starts_on.day().min(last)).unwrap_or(starts_on)
}

/// A new site's tasks from the template: each code with its due day.
pub fn template_tasks(starts_on: Date) -> Vec<(String, Date)> {
    SITE_TASKS
        .iter()
        .map(|(code, months)| (code.to_string(), task_due(starts_on, *months)))
        .collect()
}

/// A calendar quarter, written `2026Q4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub fn of(day: Date) -> Quarter {
        Quarter {
            year: day.year(),
            q: (day.month() as u8 - 1) / 3 + 1,
        }
    }

    /// `2026Q4` (or `2026q4`); `None` for anything else, or a year out of 2000–2100.
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, q) = text.trim().split_once(['Q', 'q'])?;
        let (year, q) = (year.parse::<i32>().ok()?, q.parse::<u8>().ok()?);
        ((2000..=2100).contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    pub fn first_day(self) -> Date {
        let month = Month::try_from((self.q - 1) * 3 + 1).unwrap_or(Month::January);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().previous_day().unwrap_or(Date::MAX)
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The same quarter a year before, for year-over-year figures.
    pub fn year_before(self) -> Quarter {
        Quarter {
            year: self.year - 1,
            q: self.q,
        }
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// Change from `before` to `now` in per mille (e.g. 250 for +25.0 %), as seed 001 reports
/// "+24.97 %"; `None` when there was nothing before.
pub fn growth_permille(before: i64, now: i64) -> Option<i64> {
    if before <= 0 {
        return None;
    }
    let diff = (now - before) * 1000;
    // Rounded half away from zero.
    Some((diff + diff.signum() * before / 2) / before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_template_has_the_seeds_thirteen_tasks_and_a_sheet_of_one_hundred() {
        assert_eq!(SITE_TASKS.len(), 13);
        for named in [
            "health_centre",
            "chest_pain_unit",
            "trauma_unit",
            "it_capacity",
        ] {
            assert!(SITE_TASKS.iter().any(|(c, _)| *c == named), "{named}");
        }
        assert!(SITE_TASKS.iter().all(|(_, m)| (1..=24).contains(m)));
        let sum: u32 = EVALUATION_SHEET.iter().map(|(_, m)| m).sum();
        assert_eq!(sum, 100);
    }

    #[test]
    fn a_task_is_due_months_into_the_term() {
        assert_eq!(task_due(date!(2025 - 03 - 01), 6), date!(2025 - 09 - 01));
        assert_eq!(task_due(date!(2025 - 03 - 01), 12), date!(2026 - 03 - 01));
        assert_eq!(task_due(date!(2025 - 11 - 15), 3), date!(2026 - 02 - 15));
        // 31 August + 6 months has no 31st: the last of February.
        assert_eq!(task_due(date!(2025 - 08 - 31), 6), date!(2026 - 02 - 28));
        assert_eq!(task_due(date!(2025 - 03 - 01), 24), date!(2027 - 03 - 01));
    }

    #[test]
    fn quarters_are_read_and_bounded() {
        let q = Quarter::of(date!(2026 - 11 - 29));
        assert_eq!(q, Quarter { year: 2026, q: 4 });
        assert_eq!(q.to_string(), "2026Q4");
        assert_eq!(Quarter::parse("2026q4"), Some(q));
        assert_eq!(q.first_day(), date!(2026 - 10 - 01));
        assert_eq!(q.last_day(), date!(2026 - 12 - 31));
        assert_eq!(q.next(), Quarter { year: 2027, q: 1 });
        assert_eq!(
            Quarter::parse("2026Q1").map(|q| q.previous()),
            Some(Quarter { year: 2025, q: 4 })
        );
        assert_eq!(
            Quarter { year: 2026, q: 1 }.last_day(),
            date!(2026 - 03 - 31)
        );
        assert_eq!(q.year_before().to_string(), "2025Q4");
        for bad in ["2026Q5", "2026Q0", "Q4", "2026", "1999Q1", "abcQ1", ""] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn growth_is_in_per_mille_rounded() {
        // Seed 001's "+24.97 %" is 249.7 ‰: 10,000 visits became 12,497.
        assert_eq!(growth_permille(10_000, 12_497), Some(250));
        assert_eq!(growth_permille(200, 150), Some(-250));
        assert_eq!(growth_permille(3, 4), Some(333));
        assert_eq!(growth_permille(3, 2), Some(-333));
        assert_eq!(growth_permille(0, 5), None);
    }
}
