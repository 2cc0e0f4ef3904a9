//! Service levels of the shared centres: each item's target from order to report, on the
//! wall clock (an emergency CT within the hour) or in working hours (an outpatient CT
//! within four working hours), and whether a report kept it. Times are China local times.

use time::{PrimitiveDateTime, Time, Weekday};

/// How a target is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Every minute counts, night and weekend included.
    Wall,
    /// Only minutes within working hours count.
    Working,
}

/// A target: so many minutes on a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub minutes: i64,
    pub clock: Clock,
}

/// Our defaults (configurable per item): emergency CT or MR reported within 1 hour,
/// outpatient CT or MR within 4 working hours, a plain X-ray within 2 hours.
pub const EMERGENCY_CT_MR: Target = Target {
    minutes: 60,
    clock: Clock::Wall,
};
pub const OUTPATIENT_CT_MR: Target = Target {
    minutes: 4 * 60,
    clock: Clock::Working,
};
pub const PLAIN_XRAY: Target = Target {
    minutes: 2 * 60,
    clock: Clock::Wall,
};

/// The working sessions of a weekday: 08:00–12:00 and 14:00–17:30.
const SESSIONS: [((u8, u8), (u8, u8)); 2] = [((8, 0), (12, 0)), ((14, 0), (17, 30))];

fn at(h: u8, m: u8) -> Time {
    Time::from_hms(h, m, 0).unwrap_or(Time::MIDNIGHT)
}

/// The working minutes between two local times (none when `to` is not after `from`).
pub fn working_minutes(from: PrimitiveDateTime, to: PrimitiveDateTime) -> i64 {
    if to <= from {
        return 0;
    }
    let mut total = 0;
    let mut day = from.date();
    while day <= to.date() {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            for ((sh, sm), (eh, em)) in SESSIONS {
                let start = PrimitiveDateTime::new(day, at(sh, sm)).max(from);
                let end = PrimitiveDateTime::new(day, at(eh, em)).min(to);
                if end > start {
                    total += (end - start).whole_minutes();
                }
            }
        }
        match day.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    total
}

/// The minutes from order to report on the target's clock.
pub fn elapsed(target: Target, ordered: PrimitiveDateTime, reported: PrimitiveDateTime) -> i64 {
    match target.clock {
        Clock::Wall => (reported - ordered).whole_minutes().max(0),
        Clock::Working => working_minutes(ordered, reported),
    }
}

/// Whether a report missed its target.
pub fn breached(target: Target, ordered: PrimitiveDateTime, reported: PrimitiveDateTime) -> bool {
    elapsed(target, ordered, reported) > target.minutes
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn working_minutes_skip_lunch_nights_and_weekends() {
        // Friday 27 November 2026, 16:00, to Monday 30 November, 09:00: 90 minutes on
        // Friday and 60 on Monday.
        let from = datetime!(2026-11-27 16:00);
        let to = datetime!(2026-11-30 09:00);
        assert_eq!(working_minutes(from, to), 150);
        // 11:30 to 14:30 the same day: 30 minutes before lunch, 30 after.
        assert_eq!(
            working_minutes(datetime!(2026-11-26 11:30), datetime!(2026-11-26 14:30)),
            60
        );
        assert_eq!(working_minutes(to, from), 0);
    }

    #[test]
    fn an_outpatient_ct_ordered_late_on_friday_keeps_its_four_working_hours_on_monday() {
        let ordered = datetime!(2026-11-27 16:00);
        // 90 minutes on Friday, then 150 on Monday: 08:00 + 150 = 10:30, and 10:30 is kept.
        assert!(!breached(
            OUTPATIENT_CT_MR,
            ordered,
            datetime!(2026-11-30 10:30)
        ));
        assert!(breached(
            OUTPATIENT_CT_MR,
            ordered,
            datetime!(2026-11-30 10:31)
        ));
        // On the wall clock the same report is days late.
        assert!(breached(
            EMERGENCY_CT_MR,
            ordered,
            datetime!(2026-11-30 10:30)
        ));
        assert!(!breached(
            EMERGENCY_CT_MR,
            ordered,
            datetime!(2026-11-27 17:00)
        ));
        assert_eq!(
            elapsed(PLAIN_XRAY, ordered, datetime!(2026-11-27 17:59)),
            119
        );
    }
}
