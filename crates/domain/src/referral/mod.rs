//! 双向转诊 — two-way referral: its state machine, urgencies, green-channel pathways
//! and their time targets. Pure rules; storage records every transition as an event.

mod clock;
mod departments;
pub use clock::{Admission, Clock, admission, green_channel_result, green_clock};
pub use departments::{NOT_RECEIVING, receives_referrals};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// 上转 / 下转 — up to a hospital, or down to a township, village clinic or family doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

/// 紧急程度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 急诊 — opens the green channel (绿色通道).
    Emergency,
    /// 加急
    Urgent,
    /// 普通
    Routine,
}

/// Where a referral stands. Terminal: rejected, cancelled, completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sent, waiting for the receiving side.
    Requested,
    /// Accepted (up) or acknowledged (down).
    Accepted,
    /// Refused by the receiving side, with a reason.
    Rejected,
    /// The patient arrived and was registered (up only).
    Arrived,
    /// Ended: discharged with a downward referral, outpatient visit done, or closed with a reason.
    Completed,
    /// Withdrawn by the sender before arrival.
    Cancelled,
}

/// What a user does to a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Reject,
    Cancel,
    Arrive,
    Complete,
}

/// How an upward referral ended (闭环).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Discharged and referred back down.
    ReferredDown,
    /// An outpatient visit completed the referral.
    OutpatientDone,
    /// Closed explicitly, with a reason.
    Closed,
    /// (down) the receiving clinic took over follow-up.
    FollowUpTaken,
}

crate::codes!(Direction { Up => "up", Down => "down" });
crate::codes!(Urgency { Emergency => "emergency", Urgent => "urgent", Routine => "routine" });
crate::codes!(Status {
    Requested => "requested", Accepted => "accepted", Rejected => "rejected",
    Arrived => "arrived", Completed => "completed", Cancelled => "cancelled",
});
crate::codes!(Action { Accept => "accept", Reject => "reject", Cancel => "cancel", Arrive => "arrive", Complete => "complete" });
crate::codes!(Outcome {
    ReferredDown => "referred_down", OutpatientDone => "outpatient_done", Closed => "closed",
    FollowUpTaken => "follow_up_taken",
});

/// Why an action was refused: a stable code for the message catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the referral has already ended")]
    Ended,
    #[error("the action does not fit the referral's current status")]
    WrongStatus,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the outcome does not fit this referral")]
    OutcomeInvalid,
}

impl TransitionError {
    pub fn code(self) -> &'static str {
        match self {
            TransitionError::Ended => "referral_ended",
            TransitionError::WrongStatus => "referral_wrong_status",
            TransitionError::ReasonRequired => "reason_required",
            TransitionError::OutcomeInvalid => "outcome_invalid",
        }
    }
}

impl Status {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Rejected | Status::Cancelled | Status::Completed
        )
    }

    /// The FHIR R4 Task.status code for this status.
    pub fn fhir_task_status(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Arrived => "in-progress",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    /// The FHIR R4 ServiceRequest.status code for this status: a referral is an active
    /// request until it is completed, or revoked when rejected or cancelled.
    pub fn fhir_request_status(self) -> &'static str {
        match self {
            Status::Requested | Status::Accepted | Status::Arrived => "active",
            Status::Completed => "completed",
            Status::Rejected | Status::Cancelled => "revoked",
        }
    }
}

/// The details an action carries, checked by [`transition`].
#[derive(Debug, Clone, Default)]
pub struct ActionInput<'a> {
    pub reason: Option<&'a str>,
    pub outcome: Option<Outcome>,
}

/// The one place that says which action is allowed when: the status it leads to, or why not.
///
/// Up: requested → accepted → arrived → completed (referred down, outpatient done, or
/// closed with a reason); requested → rejected (reason); requested/accepted → cancelled
/// (reason). Down: requested → accepted (acknowledged) → completed (follow-up taken or
/// closed); it has no arrival.
pub fn transition(
    direction: Direction,
    from: Status,
    action: Action,
    input: &ActionInput<'_>,
) -> Result<Status, TransitionError> {
    if from.is_terminal() {
        return Err(TransitionError::Ended);
    }
    let has_reason = input.reason.is_some_and(|r| !r.trim().is_empty());
    let to = match (direction, from, action) {
        (_, Status::Requested, Action::Accept) => Status::Accepted,
        (_, Status::Requested, Action::Reject) => Status::Rejected,
        (_, Status::Requested | Status::Accepted, Action::Cancel) => Status::Cancelled,
        (Direction::Up, Status::Accepted, Action::Arrive) => Status::Arrived,
        (Direction::Up, Status::Arrived, Action::Complete) => Status::Completed,
        (Direction::Down, Status::Accepted, Action::Complete) => Status::Completed,
        _ => return Err(TransitionError::WrongStatus),
    };
    if action.needs_reason() && !has_reason {
        return Err(TransitionError::ReasonRequired);
    }
    if action == Action::Complete {
        let allowed: &[Outcome] = match direction {
            Direction::Up => &[
                Outcome::ReferredDown,
                Outcome::OutpatientDone,
                Outcome::Closed,
            ],
            Direction::Down => &[Outcome::FollowUpTaken, Outcome::Closed],
        };
        match input.outcome {
            Some(o) if allowed.contains(&o) => {}
            _ => return Err(TransitionError::OutcomeInvalid),
        }
        if input.outcome == Some(Outcome::Closed) && !has_reason {
            return Err(TransitionError::ReasonRequired);
        }
    }
    Ok(to)
}

/// 绿色通道路径 — an emergency pathway with its contact-to-admission target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pathway {
    ChestPain,
    Stroke,
    Trauma,
    CriticalMaternal,
    CriticalNeonatal,
}

crate::codes!(Pathway {
    ChestPain => "chest_pain", Stroke => "stroke", Trauma => "trauma",
    CriticalMaternal => "critical_maternal", CriticalNeonatal => "critical_neonatal",
});

impl Pathway {
    /// Default target from first contact at the township to admission, in minutes.
    pub fn default_target_minutes(self) -> i64 {
        60
    }
}

/// A green-channel milestone, in the order they normally happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    FirstContact,
    FirstEcg,
    ReferralSent,
    Accepted,
    AmbulanceDeparted,
    Arrived,
    Admitted,
}

crate::codes!(Milestone {
    FirstContact => "first_contact", FirstEcg => "first_ecg", ReferralSent => "referral_sent",
    Accepted => "accepted", AmbulanceDeparted => "ambulance_departed", Arrived => "arrived",
    Admitted => "admitted",
});

/// The side of a referral that records a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The sending clinic: what happened before the patient left.
    Sender,
    /// The receiving hospital: what happened when the referral reached it.
    Receiver,
}

/// How far ahead of the server's clock a recorded time may be (clocks drift).
pub const MILESTONE_CLOCK_SKEW_MINUTES: i64 = 5;
/// How long before the referral was sent the first contact or ECG may be.
pub const MILESTONE_BEFORE_REFERRAL_HOURS: i64 = 24;

/// Why a milestone time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneTimeError {
    InFuture,
    TooEarly,
}

impl Action {
    /// Who takes this action: the sending side withdraws its referral; the receiving
    /// side does everything else.
    pub fn side(self) -> Side {
        match self {
            Action::Cancel => Side::Sender,
            _ => Side::Receiver,
        }
    }

    /// Whether the action must say why (a refusal, a withdrawal).
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Reject | Action::Cancel)
    }
}

impl Side {
    /// The institution that stands for this side of a referral from `from` to `to`.
    pub fn institution(self, from: Uuid, to: Uuid) -> Uuid {
        match self {
            Side::Sender => from,
            Side::Receiver => to,
        }
    }
}

impl Milestone {
    /// Who records this milestone.
    pub fn side(self) -> Side {
        match self {
            Milestone::FirstContact
            | Milestone::FirstEcg
            | Milestone::ReferralSent
            | Milestone::AmbulanceDeparted => Side::Sender,
            Milestone::Accepted | Milestone::Arrived | Milestone::Admitted => Side::Receiver,
        }
    }

    /// Whether `at` is a plausible time for this milestone of a referral sent at
    /// `requested`, as seen at `now`: not in the future, not before the referral for what
    /// the receiver records, at most a day before it for what the sender saw first.
    pub fn check_time(
        self,
        at: time::OffsetDateTime,
        requested: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> Result<(), MilestoneTimeError> {
        if at > now + time::Duration::minutes(MILESTONE_CLOCK_SKEW_MINUTES) {
            return Err(MilestoneTimeError::InFuture);
        }
        let earliest = match self.side() {
            Side::Receiver => requested,
            Side::Sender => requested - time::Duration::hours(MILESTONE_BEFORE_REFERRAL_HOURS),
        };
        if at < earliest {
            return Err(MilestoneTimeError::TooEarly);
        }
        Ok(())
    }
}

/// The median of a list (`None` when empty).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_withdraws_and_the_receiver_does_the_rest() {
        let (from, to) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(Action::Cancel.side().institution(from, to), from);
        for a in [
            Action::Accept,
            Action::Reject,
            Action::Arrive,
            Action::Complete,
        ] {
            assert_eq!(a.side(), Side::Receiver, "{a:?}");
            assert_eq!(a.side().institution(from, to), to);
        }
        let with_reason: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|a| a.needs_reason())
            .collect();
        assert_eq!(with_reason, vec![Action::Reject, Action::Cancel]);
    }

    #[test]
    fn milestones_belong_to_a_side_and_a_plausible_time() {
        use time::macros::datetime;
        assert_eq!(Milestone::FirstEcg.side(), Side::Sender);
        assert_eq!(Milestone::Admitted.side(), Side::Receiver);
        let sent = datetime!(2026-11-28 10:00 UTC);
        let now = datetime!(2026-11-28 12:00 UTC);
        let ok = |m: Milestone, at| m.check_time(at, sent, now);
        // Five minutes of clock skew are tolerated; six are not.
        assert_eq!(
            ok(Milestone::Admitted, datetime!(2026-11-28 12:05 UTC)),
            Ok(())
        );
        assert_eq!(
            ok(Milestone::Admitted, datetime!(2026-11-28 12:06 UTC)),
            Err(MilestoneTimeError::InFuture)
        );
        // The hospital cannot admit before the referral was sent…
        assert_eq!(
            ok(Milestone::Arrived, datetime!(2026-11-28 09:59 UTC)),
            Err(MilestoneTimeError::TooEarly)
        );
        // …while the clinic's first contact may be up to a day earlier, not more.
        assert_eq!(
            ok(Milestone::FirstContact, datetime!(2026-11-27 10:00 UTC)),
            Ok(())
        );
        assert_eq!(
            ok(Milestone::FirstContact, datetime!(2026-11-27 09:59 UTC)),
            Err(MilestoneTimeError::TooEarly)
        );
    }

    fn input(reason: Option<&'static str>, outcome: Option<Outcome>) -> ActionInput<'static> {
        ActionInput { reason, outcome }
    }

    #[test]
    fn the_up_path_and_its_endings() {
        let none = input(None, None);
        let up = Direction::Up;
        assert_eq!(
            transition(up, Status::Requested, Action::Accept, &none),
            Ok(Status::Accepted)
        );
        assert_eq!(
            transition(up, Status::Accepted, Action::Arrive, &none),
            Ok(Status::Arrived)
        );
        assert_eq!(
            transition(up, Status::Arrived, Action::Complete, &none),
            Err(TransitionError::OutcomeInvalid)
        );
        let down = input(None, Some(Outcome::ReferredDown));
        assert_eq!(
            transition(up, Status::Arrived, Action::Complete, &down),
            Ok(Status::Completed)
        );
        let closed = input(None, Some(Outcome::Closed));
        assert_eq!(
            transition(up, Status::Arrived, Action::Complete, &closed),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(up, Status::Requested, Action::Reject, &none),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(
                up,
                Status::Completed,
                Action::Cancel,
                &input(Some("x"), None)
            ),
            Err(TransitionError::Ended)
        );
        // No skipping: a requested referral cannot arrive or complete.
        assert_eq!(
            transition(up, Status::Requested, Action::Arrive, &none),
            Err(TransitionError::WrongStatus)
        );
        assert_eq!(
            transition(up, Status::Accepted, Action::Complete, &down),
            Err(TransitionError::WrongStatus)
        );
    }

    #[test]
    fn down_referrals_have_no_arrival() {
        let down = Direction::Down;
        let none = input(None, None);
        assert_eq!(
            transition(down, Status::Requested, Action::Accept, &none),
            Ok(Status::Accepted)
        );
        assert_eq!(
            transition(down, Status::Accepted, Action::Arrive, &none),
            Err(TransitionError::WrongStatus)
        );
        let taken = input(None, Some(Outcome::FollowUpTaken));
        assert_eq!(
            transition(down, Status::Accepted, Action::Complete, &taken),
            Ok(Status::Completed)
        );
        let wrong = input(None, Some(Outcome::ReferredDown));
        assert_eq!(
            transition(down, Status::Accepted, Action::Complete, &wrong),
            Err(TransitionError::OutcomeInvalid)
        );
    }

    /// A small deterministic generator for the property test.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    /// Property: over 20,000 random action sequences, every reached state is legal, the
    /// up path never skips acceptance or arrival, nothing leaves a terminal state, and a
    /// completion always carries an allowed outcome (and a reason when closed).
    #[test]
    fn no_sequence_reaches_an_illegal_state_or_skips_a_step() {
        let mut rng = Lcg(42);
        let reasons = [None, Some(""), Some("病情稳定")];
        let outcomes = [
            None,
            Some(Outcome::ReferredDown),
            Some(Outcome::OutpatientDone),
            Some(Outcome::Closed),
            Some(Outcome::FollowUpTaken),
        ];
        for _ in 0..20_000 {
            let direction = Direction::ALL[rng.next(2)];
            let mut status = Status::Requested;
            let mut visited = vec![status];
            for _ in 0..12 {
                let action = Action::ALL[rng.next(Action::ALL.len())];
                let inp = input(reasons[rng.next(3)], outcomes[rng.next(outcomes.len())]);
                if let Ok(next) = transition(direction, status, action, &inp) {
                    {
                        assert!(!status.is_terminal(), "left terminal {status:?}");
                        match next {
                            Status::Arrived => {
                                assert_eq!(direction, Direction::Up);
                                assert_eq!(status, Status::Accepted, "arrival needs acceptance");
                            }
                            Status::Completed => {
                                let expected = if direction == Direction::Up {
                                    Status::Arrived
                                } else {
                                    Status::Accepted
                                };
                                assert_eq!(status, expected, "completion skipped a step");
                                let o = inp.outcome.expect("an outcome");
                                assert!(
                                    o != Outcome::Closed
                                        || inp.reason.is_some_and(|r| !r.is_empty())
                                );
                            }
                            Status::Rejected => assert_eq!(status, Status::Requested),
                            Status::Cancelled => {
                                assert!(matches!(status, Status::Requested | Status::Accepted))
                            }
                            Status::Accepted => assert_eq!(status, Status::Requested),
                            Status::Requested => panic!("nothing returns to requested"),
                        }
                        if matches!(next, Status::Rejected | Status::Cancelled) {
                            assert!(inp.reason.is_some_and(|r| !r.trim().is_empty()));
                        }
                        status = next;
                        visited.push(status);
                    }
                }
            }
            if visited.contains(&Status::Completed) && direction == Direction::Up {
                assert!(visited.contains(&Status::Accepted) && visited.contains(&Status::Arrived));
            }
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert!(green_channel_result(59.5, 60) && !green_channel_result(61.0, 60));
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for m in Milestone::ALL {
            assert_eq!(Milestone::parse(m.as_str()), Some(*m));
        }
    }
}
