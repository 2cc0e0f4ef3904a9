//! Member development (发展党员): one stage at a time, each with its time guard: an
//! activist becomes a candidate after at least a year of education and observation, and a
//! probationary member becomes full when the year of probation is complete.

use super::org::MemberStatus;
use time::Date;

/// Why a member cannot move to the next stage yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageProblem {
    /// Full members have no next stage.
    NoNextStage,
    /// The stage has not lasted long enough: it may end on this day.
    TooEarly(Date),
}

impl StageProblem {
    pub fn code(self) -> &'static str {
        match self {
            StageProblem::NoNextStage => "stage_final",
            StageProblem::TooEarly(_) => "stage_too_early",
        }
    }
}

/// The stage after `status`.
pub fn next(status: MemberStatus) -> Option<MemberStatus> {
    match status {
        MemberStatus::Applicant => Some(MemberStatus::Activist),
        MemberStatus::Activist => Some(MemberStatus::Candidate),
        MemberStatus::Candidate => Some(MemberStatus::Probationary),
        MemberStatus::Probationary => Some(MemberStatus::Full),
        MemberStatus::Full => None,
    }
}

/// The same day a year later (28 February for a 29 February start).
fn a_year_after(d: Date) -> Date {
    match d.replace_year(d.year() + 1) {
        Ok(x) => x,
        // 29 February: the year after has none.
        Err(_) => Date::from_calendar_date(d.year() + 1, d.month(), 28).unwrap_or(d),
    }
}

/// The earliest day a stage begun on `since` may end.
pub fn earliest_end(status: MemberStatus, since: Date) -> Date {
    match status {
        MemberStatus::Activist | MemberStatus::Probationary => a_year_after(since),
        _ => since,
    }
}

/// The stage a member moves to on `on`, having been at `status` since `since`.
pub fn advance(status: MemberStatus, since: Date, on: Date) -> Result<MemberStatus, StageProblem> {
    let to = next(status).ok_or(StageProblem::NoNextStage)?;
    let earliest = earliest_end(status, since);
    if on < earliest {
        return Err(StageProblem::TooEarly(earliest));
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_activist_waits_a_year_and_a_probationary_member_a_year() {
        let since = date!(2025 - 03 - 10);
        assert_eq!(
            advance(MemberStatus::Activist, since, date!(2026 - 03 - 09)),
            Err(StageProblem::TooEarly(date!(2026 - 03 - 10)))
        );
        assert_eq!(
            advance(MemberStatus::Activist, since, date!(2026 - 03 - 10)),
            Ok(MemberStatus::Candidate)
        );
        assert_eq!(
            advance(MemberStatus::Probationary, since, date!(2026 - 03 - 10)),
            Ok(MemberStatus::Full)
        );
        assert!(advance(MemberStatus::Probationary, since, date!(2025 - 12 - 31)).is_err());
        // No wait between applying and being named an activist, or candidate and probation.
        assert_eq!(
            advance(MemberStatus::Applicant, since, since),
            Ok(MemberStatus::Activist)
        );
        assert_eq!(
            advance(MemberStatus::Candidate, since, since),
            Ok(MemberStatus::Probationary)
        );
        assert_eq!(
            advance(MemberStatus::Full, since, date!(2030 - 01 - 01)),
            Err(StageProblem::NoNextStage)
        );
    }

    #[test]
    fn a_leap_day_start_ends_on_the_last_of_february() {
        assert_eq!(
            earliest_end(MemberStatus::Probationary, date!(2024 - 02 - 29)),
            date!(2025 - 02 - 28)
        );
    }
}
