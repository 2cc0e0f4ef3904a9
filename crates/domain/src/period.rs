//! The periods figures are reported over: a named preset (this month, last month, the
//! last three months, this year, the last 365 days) or any span of whole China days.

use time::{Date, Month};

/// The presets a figures page offers, in the order shown.
pub const PRESETS: [&str; 5] = ["month", "last_month", "quarter", "year", "365"];

/// A span of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

impl Period {
    /// A preset's days as of `today`; `None` for a name not in [`PRESETS`].
    pub fn preset(key: &str, today: Date) -> Option<Period> {
        let month_start = |d: Date| d.replace_day(1).ok();
        let period = match key {
            "month" => Period {
                first: month_start(today)?,
                last: today,
            },
            "last_month" => {
                let last = month_start(today)?.previous_day()?;
                Period {
                    first: month_start(last)?,
                    last,
                }
            }
            // The two months before this one, and this one so far.
            "quarter" => {
                let mut first = month_start(today)?;
                for _ in 0..2 {
                    first = month_start(first.previous_day()?)?;
                }
                Period { first, last: today }
            }
            "year" => Period {
                first: Date::from_calendar_date(today.year(), Month::January, 1).ok()?,
                last: today,
            },
            "365" => Period {
                first: today - time::Duration::days(364),
                last: today,
            },
            _ => return None,
        };
        Some(period)
    }

    /// From `first` to `last` as asked; `None` when they are the wrong way round or span
    /// more than ten years (no figure here needs more, and it bounds the work).
    pub fn between(first: Date, last: Date) -> Option<Period> {
        (first <= last && (last - first).whole_days() <= 3660).then_some(Period { first, last })
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).whole_days() + 1
    }
}

/// The first day of a month typed `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<Date> {
    let (y, m) = text.trim().split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
    if !(1900..=9999).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok()
}

/// The weeks of the month `day` falls in, Monday first, as a wall calendar shows them:
/// the days before the 1st and after the last are `None`.
pub fn month_weeks(day: Date) -> Vec<[Option<Date>; 7]> {
    let first = day.replace_day(1).unwrap_or(day);
    let mut weeks = Vec::new();
    let mut week = [None; 7];
    let mut d = first;
    while d.month() == first.month() {
        let col = usize::from(d.weekday().number_days_from_monday());
        week[col] = Some(d);
        if col == 6 {
            weeks.push(week);
            week = [None; 7];
        }
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    if week.iter().any(Option::is_some) {
        weeks.push(week);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn presets_count_whole_days() {
        let today = date!(2026 - 03 - 15);
        let p = |k| Period::preset(k, today).expect(k);
        assert_eq!(
            p("month"),
            Period {
                first: date!(2026 - 03 - 01),
                last: today
            }
        );
        assert_eq!(
            p("last_month"),
            Period {
                first: date!(2026 - 02 - 01),
                last: date!(2026 - 02 - 28)
            }
        );
        assert_eq!(
            p("quarter"),
            Period {
                first: date!(2026 - 01 - 01),
                last: today
            }
        );
        assert_eq!(
            p("year"),
            Period {
                first: date!(2026 - 01 - 01),
                last: today
            }
        );
        assert_eq!(p("365").first, date!(2025 - 03 - 16));
        assert_eq!(p("365").days(), 365);
        assert_eq!(Period::preset("week", today), None);
    }

    #[test]
    fn last_month_crosses_the_year() {
        let p = Period::preset("last_month", date!(2026 - 01 - 05)).expect("a period");
        assert_eq!(
            (p.first, p.last),
            (date!(2025 - 12 - 01), date!(2025 - 12 - 31))
        );
        let q = Period::preset("quarter", date!(2026 - 01 - 05)).expect("a period");
        assert_eq!(q.first, date!(2025 - 11 - 01));
    }

    #[test]
    fn a_span_must_run_forwards_and_stay_bounded() {
        let (a, b) = (date!(2026 - 01 - 01), date!(2026 - 01 - 31));
        assert_eq!(Period::between(a, b).map(|p| p.days()), Some(31));
        assert_eq!(Period::between(b, a), None);
        assert_eq!(Period::between(date!(2010 - 01 - 01), b), None);
        assert_eq!(Period::between(a, a).map(|p| p.days()), Some(1));
    }

    #[test]
    fn a_month_is_laid_out_monday_first() {
        use time::macros::date;
        // November 2026 begins on a Sunday and ends on a Monday: six rows.
        let weeks = month_weeks(date!(2026 - 11 - 17));
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0][..6], [None; 6]);
        assert_eq!(weeks[0][6], Some(date!(2026 - 11 - 01)));
        assert_eq!(weeks[5][0], Some(date!(2026 - 11 - 30)));
        assert_eq!(weeks[5][1], None);
        // February 2027 begins on a Monday: four full rows.
        let feb = month_weeks(date!(2027 - 02 - 01));
        assert_eq!(feb.len(), 4);
        assert!(feb.iter().all(|w| w.iter().all(Option::is_some)));
        assert_eq!(parse_month("2026-11"), Some(date!(2026 - 11 - 01)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("11/2026"), None);
    }
}
