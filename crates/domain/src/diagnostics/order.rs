//! An order to a shared centre (申请单) and who may do what with it: the clinic orders
//! and acknowledges a critical result; the centre receives the specimen or study, claims
//! the order (one reader at a time, as on the ECG worklist) and reports it.

use super::catalogue::Centre;
use crate::access::Role;
use crate::registry::InstitutionKind;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Ordered; the specimen or patient is on the way.
    Ordered,
    /// The centre has the specimen or has done the study.
    Received,
    Reported,
    Cancelled,
}

crate::codes!(Status {
    Ordered => "ordered",
    Received => "received",
    Reported => "reported",
    Cancelled => "cancelled"
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Receive,
    Claim,
    Release,
    Report,
    Acknowledge,
    Cancel,
}

crate::codes!(Action {
    Receive => "receive",
    Claim => "claim",
    Release => "release",
    Report => "report",
    Acknowledge => "acknowledge",
    Cancel => "cancel"
});

/// Who sees which orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The office and administrators: every order, no centre work.
    All,
    /// A centre's staff: every order to the centre, and its work.
    Centre(Centre),
    /// Orders placed by these institutions.
    Orderers(Vec<Uuid>),
    /// The central sterile supply unit: no orders, the packs.
    Sterile,
    None,
}

impl Scope {
    /// For an account of `role` at `home` (of kind `kind`, with village clinics
    /// `children`), working in a department of code `department`.
    pub fn resolve(
        role: Role,
        (home, kind): (Uuid, InstitutionKind),
        children: &[Uuid],
        department: Option<&str>,
    ) -> Self {
        match role {
            Role::Admin | Role::Manager => Scope::All,
            Role::Specialist
                if kind == InstitutionKind::Lead && department == Some("sterile-supply") =>
            {
                Scope::Sterile
            }
            Role::Specialist => match department.and_then(Centre::of_department) {
                Some(c) if kind == InstitutionKind::Lead => Scope::Centre(c),
                _ => Scope::Orderers(vec![home]),
            },
            Role::TownshipDoctor => {
                let mut v = vec![home];
                v.extend_from_slice(children);
                Scope::Orderers(v)
            }
            Role::VillageDoctor => Scope::Orderers(vec![home]),
            Role::PartySecretary | Role::BureauViewer => Scope::None,
        }
    }

    /// Whether an order from `from` to `centre` is in reach.
    pub fn sees(&self, from: Uuid, centre: Centre) -> bool {
        match self {
            Scope::All => true,
            Scope::Centre(c) => *c == centre,
            Scope::Orderers(v) => v.contains(&from),
            Scope::Sterile | Scope::None => false,
        }
    }

    /// Whether the account works with orders at all (the sterile supply unit does not).
    pub fn has_orders(&self) -> bool {
        !matches!(self, Scope::Sterile | Scope::None)
    }

    pub fn orders(&self) -> bool {
        matches!(self, Scope::Orderers(_))
    }
}

/// What an action needs of an order, as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub claimed_by: Option<Uuid>,
    pub critical: bool,
    pub acknowledged: bool,
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotCentre,
    NotOrderer,
    WrongStatus,
    ClaimedByOther,
    NotCritical,
    AlreadyAcknowledged,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotCentre => "order_not_centre",
            Refusal::NotOrderer => "order_not_orderer",
            Refusal::WrongStatus => "order_wrong_status",
            Refusal::ClaimedByOther => "order_claimed_by_other",
            Refusal::NotCritical => "order_not_critical",
            Refusal::AlreadyAcknowledged => "order_already_acknowledged",
        }
    }

    /// Whether the refusal is about who asks (403) rather than how the order stands (409).
    pub fn forbidden(self) -> bool {
        matches!(self, Refusal::NotCentre | Refusal::NotOrderer)
    }
}

/// The status after `action` by `actor`; `centre`: the actor works at the order's centre,
/// `orderer`: the actor's institution placed it.
pub fn decide(
    s: State,
    action: Action,
    actor: Uuid,
    (centre, orderer): (bool, bool),
) -> Result<Status, Refusal> {
    let by_other = s.claimed_by.is_some_and(|c| c != actor);
    match action {
        Action::Receive | Action::Claim | Action::Release | Action::Report if !centre => {
            Err(Refusal::NotCentre)
        }
        Action::Acknowledge | Action::Cancel if !orderer => Err(Refusal::NotOrderer),
        Action::Receive if s.status == Status::Ordered => Ok(Status::Received),
        Action::Claim | Action::Release | Action::Report if by_other => {
            Err(Refusal::ClaimedByOther)
        }
        Action::Claim if s.status == Status::Received && s.claimed_by.is_none() => {
            Ok(Status::Received)
        }
        Action::Release if s.status == Status::Received && s.claimed_by == Some(actor) => {
            Ok(Status::Received)
        }
        Action::Report if s.status == Status::Received && s.claimed_by == Some(actor) => {
            Ok(Status::Reported)
        }
        Action::Acknowledge if s.status == Status::Reported && !s.critical => {
            Err(Refusal::NotCritical)
        }
        Action::Acknowledge if s.status == Status::Reported && s.acknowledged => {
            Err(Refusal::AlreadyAcknowledged)
        }
        Action::Acknowledge if s.status == Status::Reported => Ok(Status::Reported),
        Action::Cancel if s.status == Status::Ordered => Ok(Status::Cancelled),
        _ => Err(Refusal::WrongStatus),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);

    fn state(status: Status, claimed_by: Option<Uuid>) -> State {
        State {
            status,
            claimed_by,
            critical: false,
            acknowledged: false,
        }
    }

    #[test]
    fn the_centre_receives_claims_and_reports_once() {
        let centre = (true, false);
        let ordered = state(Status::Ordered, None);
        assert_eq!(
            decide(ordered, Action::Receive, A, centre),
            Ok(Status::Received)
        );
        assert_eq!(
            decide(ordered, Action::Claim, A, centre),
            Err(Refusal::WrongStatus)
        );
        let received = state(Status::Received, None);
        assert_eq!(
            decide(received, Action::Claim, A, centre),
            Ok(Status::Received)
        );
        // Reporting needs the claim, and a claim by another reader stands in the way.
        assert_eq!(
            decide(received, Action::Report, A, centre),
            Err(Refusal::WrongStatus)
        );
        let mine = state(Status::Received, Some(A));
        assert_eq!(
            decide(mine, Action::Report, A, centre),
            Ok(Status::Reported)
        );
        assert_eq!(
            decide(mine, Action::Claim, B, centre),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            decide(mine, Action::Report, B, centre),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            decide(mine, Action::Release, A, centre),
            Ok(Status::Received)
        );
        let reported = state(Status::Reported, Some(A));
        assert_eq!(
            decide(reported, Action::Report, A, centre),
            Err(Refusal::WrongStatus)
        );
        // The clinic does none of the centre's work.
        assert_eq!(
            decide(received, Action::Claim, A, (false, true)),
            Err(Refusal::NotCentre)
        );
    }

    #[test]
    fn the_clinic_acknowledges_a_critical_result_once_and_cancels_only_before_receipt() {
        let clinic = (false, true);
        let mut reported = state(Status::Reported, Some(B));
        assert_eq!(
            decide(reported, Action::Acknowledge, A, clinic),
            Err(Refusal::NotCritical)
        );
        reported.critical = true;
        assert_eq!(
            decide(reported, Action::Acknowledge, A, clinic),
            Ok(Status::Reported)
        );
        assert_eq!(
            decide(reported, Action::Acknowledge, A, (true, false)),
            Err(Refusal::NotOrderer)
        );
        reported.acknowledged = true;
        assert_eq!(
            decide(reported, Action::Acknowledge, A, clinic),
            Err(Refusal::AlreadyAcknowledged)
        );
        assert_eq!(
            decide(state(Status::Ordered, None), Action::Cancel, A, clinic),
            Ok(Status::Cancelled)
        );
        assert_eq!(
            decide(state(Status::Received, None), Action::Cancel, A, clinic),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn a_centre_is_the_department_an_account_works_in_at_the_lead_hospital() {
        let (home, other) = (Uuid::from_u128(10), Uuid::from_u128(11));
        let lead = (home, InstitutionKind::Lead);
        assert_eq!(
            Scope::resolve(Role::Specialist, lead, &[], Some("laboratory")),
            Scope::Centre(Centre::Laboratory)
        );
        assert_eq!(
            Scope::resolve(Role::Specialist, lead, &[], Some("cardiology")),
            Scope::Orderers(vec![home])
        );
        // A member hospital's own laboratory is not the shared centre.
        assert_eq!(
            Scope::resolve(
                Role::Specialist,
                (home, InstitutionKind::Member),
                &[],
                Some("laboratory")
            ),
            Scope::Orderers(vec![home])
        );
        let township = Scope::resolve(
            Role::TownshipDoctor,
            (home, InstitutionKind::Township),
            &[other],
            None,
        );
        assert!(township.sees(other, Centre::Imaging) && township.orders());
        let lab = Scope::Centre(Centre::Laboratory);
        assert!(lab.sees(other, Centre::Laboratory) && !lab.sees(other, Centre::Imaging));
        assert!(!Scope::resolve(Role::BureauViewer, lead, &[], None).sees(home, Centre::Imaging));
        let cssd = Scope::resolve(Role::Specialist, lead, &[], Some("sterile-supply"));
        assert_eq!(cssd, Scope::Sterile);
        assert!(!cssd.sees(home, Centre::Laboratory) && !cssd.orders() && !cssd.has_orders());
    }
}
