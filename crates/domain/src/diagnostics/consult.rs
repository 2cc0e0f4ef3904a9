//! Teleconsultation (远程会诊, seed 000: 2,026 remote services and 101 surgical
//! consultations a year): a clinic asks about a patient, the lead hospital's office
//! schedules an expert at a time that does not clash with the expert's other
//! commitments, the expert gives an opinion, the clinic rates it.

use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A remote consultation on a patient's diagnosis or treatment.
    General,
    /// A surgical consultation (手术会诊): an expert advises on, or joins, an operation.
    Surgical,
}

crate::codes!(Kind {
    General => "general",
    Surgical => "surgical"
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Requested,
    Scheduled,
    /// The expert gave an opinion.
    Answered,
    Cancelled,
}

crate::codes!(Status {
    Requested => "requested",
    Scheduled => "scheduled",
    Answered => "answered",
    Cancelled => "cancelled"
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The office sets the expert and the time (again, to move it).
    Schedule,
    /// The expert writes the opinion.
    Answer,
    /// The requesting clinic rates the opinion, once.
    Rate,
    /// The requester or the office calls it off before the opinion.
    Cancel,
}

crate::codes!(Action {
    Schedule => "schedule",
    Answer => "answer",
    Rate => "rate",
    Cancel => "cancel"
});

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub office: bool,
    pub requester: bool,
    /// The expert scheduled for it.
    pub expert: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not this actor's step.
    NotYours,
    WrongStatus,
    AlreadyRated,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotYours => "consult_not_yours",
            Refusal::WrongStatus => "consult_wrong_status",
            Refusal::AlreadyRated => "consult_already_rated",
        }
    }
}

/// The status after `action` by `who` on a consultation in `status` (`rated`: it has a
/// rating).
pub fn step(status: Status, rated: bool, action: Action, who: Actor) -> Result<Status, Refusal> {
    let open = matches!(status, Status::Requested | Status::Scheduled);
    match action {
        Action::Schedule if !who.office => Err(Refusal::NotYours),
        Action::Schedule if open => Ok(Status::Scheduled),
        Action::Answer if !who.expert => Err(Refusal::NotYours),
        Action::Answer if status == Status::Scheduled => Ok(Status::Answered),
        Action::Rate if !who.requester => Err(Refusal::NotYours),
        Action::Rate if status == Status::Answered && rated => Err(Refusal::AlreadyRated),
        Action::Rate if status == Status::Answered => Ok(Status::Answered),
        Action::Cancel if !(who.office || who.requester) => Err(Refusal::NotYours),
        Action::Cancel if open => Ok(Status::Cancelled),
        _ => Err(Refusal::WrongStatus),
    }
}

/// A stretch of an expert's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: OffsetDateTime,
    pub minutes: i64,
}

impl Slot {
    pub fn end(self) -> OffsetDateTime {
        self.start + Duration::minutes(self.minutes)
    }

    /// Whether two stretches overlap (touching ends do not).
    pub fn overlaps(self, other: Slot) -> bool {
        self.start < other.end() && other.start < self.end()
    }
}

/// The first of the expert's other commitments a new slot would clash with.
pub fn clash(new: Slot, commitments: &[Slot]) -> Option<usize> {
    commitments.iter().position(|c| c.overlaps(new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const OFFICE: Actor = Actor {
        office: true,
        requester: false,
        expert: false,
    };
    const CLINIC: Actor = Actor {
        office: false,
        requester: true,
        expert: false,
    };
    const EXPERT: Actor = Actor {
        office: false,
        requester: false,
        expert: true,
    };

    #[test]
    fn the_office_schedules_the_expert_answers_the_clinic_rates_once() {
        use Status::*;
        assert_eq!(
            step(Requested, false, Action::Schedule, OFFICE),
            Ok(Scheduled)
        );
        assert_eq!(
            step(Requested, false, Action::Schedule, CLINIC),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            step(Scheduled, false, Action::Schedule, OFFICE),
            Ok(Scheduled)
        );
        assert_eq!(
            step(Requested, false, Action::Answer, EXPERT),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            step(Scheduled, false, Action::Answer, CLINIC),
            Err(Refusal::NotYours)
        );
        assert_eq!(step(Scheduled, false, Action::Answer, EXPERT), Ok(Answered));
        assert_eq!(step(Answered, false, Action::Rate, CLINIC), Ok(Answered));
        assert_eq!(
            step(Answered, true, Action::Rate, CLINIC),
            Err(Refusal::AlreadyRated)
        );
        assert_eq!(
            step(Scheduled, false, Action::Rate, CLINIC),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            step(Scheduled, false, Action::Cancel, CLINIC),
            Ok(Cancelled)
        );
        assert_eq!(
            step(Answered, false, Action::Cancel, OFFICE),
            Err(Refusal::WrongStatus)
        );
        assert_eq!(
            step(Requested, false, Action::Cancel, EXPERT),
            Err(Refusal::NotYours)
        );
    }

    #[test]
    fn a_slot_clashes_with_an_overlapping_commitment_not_a_touching_one() {
        let at = |t| Slot {
            start: t,
            minutes: 30,
        };
        let busy = [
            at(datetime!(2026-12-01 09:00 UTC)),
            at(datetime!(2026-12-01 10:00 UTC)),
        ];
        assert_eq!(clash(at(datetime!(2026-12-01 09:30 UTC)), &busy), None);
        assert_eq!(clash(at(datetime!(2026-12-01 09:29 UTC)), &busy), Some(0));
        assert_eq!(clash(at(datetime!(2026-12-01 09:45 UTC)), &busy), Some(1));
        assert_eq!(clash(at(datetime!(2026-12-01 08:30 UTC)), &busy), None);
        let long = Slot {
            start: datetime!(2026-12-01 08:00 UTC),
            minutes: 240,
        };
        assert_eq!(clash(long, &busy), Some(0));
    }
}
