//! A dated session's life: planned by the office, held (the township records who was
//! seen and what was done) or cancelled with a reason; what each side may do to it when.

use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Planned,
    Held,
    Cancelled,
}

crate::codes!(Status {
    Planned => "planned",
    Held => "held",
    Cancelled => "cancelled"
});

/// What keeps an expert at the lead hospital.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Absence {
    /// A duty shift (值班).
    Duty,
    /// Leave for the whole day.
    Leave,
}

crate::codes!(Absence {
    Duty => "duty",
    Leave => "leave"
});

/// Why a step on a session is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Cancelled sessions stay cancelled; held ones cannot be cancelled.
    NotPlanned,
    /// A session is recorded on or after its day.
    NotYet,
    /// A cancelled session is not recorded.
    Cancelled,
    /// Fewer people served than registered patients listed.
    FewerThanListed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotPlanned => "session_not_planned",
            Refusal::NotYet => "session_not_yet",
            Refusal::Cancelled => "session_cancelled",
            Refusal::FewerThanListed => "served_below_listed",
        }
    }
}

/// Whether the office may cancel or move a session in `status`.
pub fn change(status: Status) -> Result<(), Refusal> {
    match status {
        Status::Planned => Ok(()),
        _ => Err(Refusal::NotPlanned),
    }
}

/// Whether the township may record (or correct) a session held on `day` as of `today`,
/// serving `served` people of whom `listed` are registered patients named on it.
pub fn record(
    status: Status,
    (day, today): (Date, Date),
    (served, listed): (u32, u32),
) -> Result<Status, Refusal> {
    if status == Status::Cancelled {
        Err(Refusal::Cancelled)
    } else if day > today {
        Err(Refusal::NotYet)
    } else if served < listed {
        Err(Refusal::FewerThanListed)
    } else {
        Ok(Status::Held)
    }
}

/// Whether residents may still book: a planned session not yet past.
pub fn bookable(status: Status, day: Date, today: Date) -> bool {
    status == Status::Planned && day >= today
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_a_planned_session_is_cancelled_or_moved() {
        assert_eq!(change(Status::Planned), Ok(()));
        assert_eq!(change(Status::Held), Err(Refusal::NotPlanned));
        assert_eq!(change(Status::Cancelled), Err(Refusal::NotPlanned));
    }

    #[test]
    fn a_session_is_recorded_from_its_day_with_at_least_its_listed_patients() {
        let day = date!(2026 - 03 - 10);
        assert_eq!(
            record(Status::Planned, (day, date!(2026 - 03 - 09)), (10, 2)),
            Err(Refusal::NotYet)
        );
        assert_eq!(
            record(Status::Planned, (day, day), (10, 2)),
            Ok(Status::Held)
        );
        // A correction of a held session.
        assert_eq!(
            record(Status::Held, (day, date!(2026 - 03 - 12)), (3, 3)),
            Ok(Status::Held)
        );
        assert_eq!(
            record(Status::Held, (day, day), (2, 3)),
            Err(Refusal::FewerThanListed)
        );
        assert_eq!(
            record(Status::Cancelled, (day, day), (0, 0)),
            Err(Refusal::Cancelled)
        );
    }

    #[test]
    fn bookings_close_when_the_day_has_passed_or_the_session_is_off() {
        let day = date!(2026 - 03 - 10);
        assert!(bookable(Status::Planned, day, day));
        assert!(!bookable(Status::Planned, day, date!(2026 - 03 - 11)));
        assert!(!bookable(Status::Cancelled, day, date!(2026 - 03 - 01)));
        assert!(!bookable(Status::Held, day, day));
    }
}
