//! China Standard Time: dates of care, due dates and the times the pages show are local
//! (UTC+08:00; China keeps no daylight saving), while instants are stored in UTC.

use time::{Date, OffsetDateTime, UtcOffset};

/// UTC+08:00.
pub const CHINA: UtcOffset = time::macros::offset!(+8);

/// An instant in China time.
pub fn local(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(CHINA)
}

/// The day an instant falls on in China.
pub fn local_date(t: OffsetDateTime) -> Date {
    local(t).date()
}

/// Today in China.
pub fn today() -> Date {
    local_date(OffsetDateTime::now_utc())
}

/// The instant a China day begins (its midnight, UTC+08:00), written in UTC as stored
/// instants are: SQLite compares instants as text, and `2026-11-30 00:00 +08:00` sorts
/// after `2026-11-29 16:05 +00:00`, which is eight hours later.
pub fn start_of(day: Date) -> OffsetDateTime {
    day.midnight()
        .assume_offset(CHINA)
        .to_offset(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_day_starts_at_sixteen_utc_the_day_before_written_in_utc() {
        let start = start_of(date!(2026 - 11 - 30));
        assert_eq!(start, datetime!(2026-11-29 16:00 UTC));
        assert_eq!(
            start.offset(),
            UtcOffset::UTC,
            "stored instants are compared as text"
        );
    }

    #[test]
    fn the_day_turns_at_sixteen_utc() {
        assert_eq!(
            local_date(datetime!(2026-11-28 15:59 UTC)),
            date!(2026 - 11 - 28)
        );
        assert_eq!(
            local_date(datetime!(2026-11-28 16:00 UTC)),
            date!(2026 - 11 - 29)
        );
        assert_eq!(local(datetime!(2026-11-28 16:00 UTC)).hour(), 0);
    }

    #[test]
    fn a_china_day_starts_at_sixteen_utc_the_day_before() {
        assert_eq!(
            start_of(date!(2026 - 11 - 01)),
            datetime!(2026-10-31 16:00 UTC)
        );
    }
}
