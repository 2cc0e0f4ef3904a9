//! The ECG network (心电一张网): who sends studies and who reads them, a study's states,
//! how urgent it is, and the coded findings a reader picks.
//!
//! ```text
//! awaiting ──claim──▶ reading ──report──▶ reported ──acknowledge (critical only)──▶ acknowledged
//!    ▲                   │
//!    └─────release───────┘
//! ```

mod referral_rules;

pub use referral_rules::{RULES, ReferralDefaults, Rule, referral_defaults};

use crate::access::Role;
use crate::registry::InstitutionKind;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 待读: uploaded and measured, waiting for a reader.
    Awaiting,
    /// 读图中: a reader has claimed it.
    Reading,
    /// 已报告: signed and sent back.
    Reported,
}

crate::codes!(Status { Awaiting => "awaiting", Reading => "reading", Reported => "reported" });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Claim,
    Release,
    Report,
    Acknowledge,
}

crate::codes!(Action { Claim => "claim", Release => "release", Report => "report", Acknowledge => "acknowledge" });

/// Where a study stands, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyState {
    pub status: Status,
    pub claimed_by: Option<Uuid>,
    pub critical: bool,
    pub acknowledged: bool,
}

/// Why an action may not happen (each a catalogue key `error.ecg_…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Only the ECG centre reads.
    NotReader,
    /// Only the sending side acknowledges.
    NotSender,
    /// Another reader has it.
    ClaimedByOther,
    /// The study is not in a state for this action.
    WrongStatus,
    /// Only a critical report is acknowledged.
    NotCritical,
    AlreadyAcknowledged,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotReader => "ecg_not_reader",
            Refusal::NotSender => "ecg_not_sender",
            Refusal::ClaimedByOther => "ecg_claimed_by_other",
            Refusal::WrongStatus => "ecg_wrong_status",
            Refusal::NotCritical => "ecg_not_critical",
            Refusal::AlreadyAcknowledged => "ecg_already_acknowledged",
        }
    }
}

/// What `actor` (who reads if `reads`, who sent if `sent_it`) may do to a study: the
/// status it leads to, or why not.
pub fn decide(
    state: StudyState,
    action: Action,
    actor: Uuid,
    reads: bool,
    sent_it: bool,
) -> Result<Status, Refusal> {
    let mine = state.claimed_by == Some(actor);
    match action {
        Action::Claim | Action::Release | Action::Report if !reads => Err(Refusal::NotReader),
        Action::Claim => match state.status {
            Status::Awaiting => Ok(Status::Reading),
            Status::Reading if mine => Ok(Status::Reading),
            Status::Reading => Err(Refusal::ClaimedByOther),
            Status::Reported => Err(Refusal::WrongStatus),
        },
        Action::Release | Action::Report => match state.status {
            Status::Reading if mine => Ok(if action == Action::Report {
                Status::Reported
            } else {
                Status::Awaiting
            }),
            Status::Reading => Err(Refusal::ClaimedByOther),
            Status::Awaiting | Status::Reported => Err(Refusal::WrongStatus),
        },
        Action::Acknowledge if !sent_it => Err(Refusal::NotSender),
        Action::Acknowledge => match state.status {
            Status::Reported if !state.critical => Err(Refusal::NotCritical),
            Status::Reported if state.acknowledged => Err(Refusal::AlreadyAcknowledged),
            Status::Reported => Ok(Status::Reported),
            _ => Err(Refusal::WrongStatus),
        },
    }
}

/// Which studies an account sees, and whether it reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EcgScope {
    /// The community office and administrators: every study, no reading.
    All,
    /// The lead hospital's specialists: the ECG centre reads every study.
    Reader,
    /// Studies sent from these institutions.
    Senders(Vec<Uuid>),
    None,
}

impl EcgScope {
    /// For an account of `role` at `home` (of kind `kind`), whose village clinics are
    /// `children`.
    pub fn resolve(role: Role, home: Uuid, kind: InstitutionKind, children: &[Uuid]) -> Self {
        match role {
            Role::Admin | Role::Manager => EcgScope::All,
            Role::Specialist if kind == InstitutionKind::Lead => EcgScope::Reader,
            Role::Specialist => EcgScope::Senders(vec![home]),
            Role::TownshipDoctor => {
                let mut v = vec![home];
                v.extend_from_slice(children);
                EcgScope::Senders(v)
            }
            Role::VillageDoctor => EcgScope::Senders(vec![home]),
            Role::PartySecretary | Role::BureauViewer => EcgScope::None,
        }
    }

    pub fn sees(&self, from_institution: Uuid) -> bool {
        match self {
            EcgScope::All | EcgScope::Reader => true,
            EcgScope::Senders(v) => v.contains(&from_institution),
            EcgScope::None => false,
        }
    }

    pub fn reads(&self) -> bool {
        matches!(self, EcgScope::Reader)
    }

    /// Whether the account sends studies (and acknowledges their reports).
    pub fn sends(&self) -> bool {
        matches!(self, EcgScope::Senders(_))
    }
}

/// How soon a study should be read. The worklist sorts by rank, then by waiting time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// Suspected STEMI, ventricular fibrillation, a long pause or an extreme rate.
    Critical,
    /// Chest pain, or atrial fibrillation suspected.
    Urgent,
    Routine,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Critical => "critical",
            Urgency::Urgent => "urgent",
            Urgency::Routine => "routine",
        }
    }

    pub fn rank(self) -> i32 {
        match self {
            Urgency::Critical => 0,
            Urgency::Urgent => 1,
            Urgency::Routine => 2,
        }
    }

    pub fn from_rank(rank: i32) -> Self {
        match rank {
            0 => Urgency::Critical,
            1 => Urgency::Urgent,
            _ => Urgency::Routine,
        }
    }

    /// From the automatic measurement's alerts (`st_elevation`, `ventricular_fibrillation`,
    /// `long_pause`, `extreme_rate`, `atrial_fibrillation`) and the clinical context.
    pub fn assess(alerts: &[&str], chest_pain: bool) -> Self {
        let critical = [
            "st_elevation",
            "ventricular_fibrillation",
            "long_pause",
            "extreme_rate",
        ];
        if alerts.iter().any(|a| critical.contains(a)) {
            Urgency::Critical
        } else if chest_pain || alerts.contains(&"atrial_fibrillation") {
            Urgency::Urgent
        } else {
            Urgency::Routine
        }
    }
}

/// One entry of the coded list a reader picks findings from; its label is the message
/// `ecg.finding.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    /// A critical value (危急值): the sender must acknowledge the report.
    pub critical: bool,
}

const fn f(code: &'static str, critical: bool) -> Finding {
    Finding { code, critical }
}

/// The coded findings, in the order a report lists them.
pub const FINDINGS: &[Finding] = &[
    f("normal", false),
    f("sinus_rhythm", false),
    f("sinus_tachycardia", false),
    f("sinus_bradycardia", false),
    f("atrial_fibrillation", false),
    f("atrial_flutter", false),
    f("svt", true),
    f("premature_atrial", false),
    f("premature_ventricular", false),
    f("vt", true),
    f("vf", true),
    f("av_block_1", false),
    f("av_block_2_1", false),
    f("av_block_2_2", true),
    f("av_block_3", true),
    f("rbbb", false),
    f("lbbb", false),
    f("long_pause", true),
    f("stemi_inferior", true),
    f("stemi_anterior", true),
    f("stemi_septal", true),
    f("stemi_lateral", true),
    f("st_depression", false),
    f("t_wave_change", false),
    f("long_qt", false),
    f("lvh", false),
    f("paced", false),
    f("artefact", false),
];

pub fn finding(code: &str) -> Option<&'static Finding> {
    FINDINGS.iter().find(|f| f.code == code)
}

/// Turnaround of a set of studies: upload to report, in minutes.
#[derive(Debug, Clone, PartialEq)]
pub struct Turnaround {
    pub count: usize,
    pub reported: usize,
    pub median_minutes: Option<f64>,
}

impl Turnaround {
    /// From each study's minutes to report (`None` while unreported).
    pub fn of(minutes: impl IntoIterator<Item = Option<f64>>) -> Self {
        let all: Vec<Option<f64>> = minutes.into_iter().collect();
        let mut done: Vec<f64> = all.iter().flatten().copied().collect();
        done.sort_by(f64::total_cmp);
        let median_minutes = match done.len() {
            0 => None,
            n if n % 2 == 1 => Some(done[n / 2]),
            n => Some((done[n / 2 - 1] + done[n / 2]) / 2.0),
        };
        Turnaround {
            count: all.len(),
            reported: done.len(),
            median_minutes,
        }
    }
}

/// The share (0–1) of `minutes` reported within `limit` minutes; unreported studies
/// count against it once they have waited longer than the limit.
pub fn share_within(minutes: &[Option<f64>], waited: &[f64], limit: f64) -> Option<f64> {
    let due: Vec<bool> = minutes
        .iter()
        .zip(waited)
        .filter(|(m, w)| m.is_some() || **w > limit)
        .map(|(m, _)| m.is_some_and(|m| m <= limit))
        .collect();
    if due.is_empty() {
        None
    } else {
        Some(due.iter().filter(|d| **d).count() as f64 / due.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: Status, claimed_by: Option<Uuid>) -> StudyState {
        StudyState {
            status,
            claimed_by,
            critical: false,
            acknowledged: false,
        }
    }

    #[test]
    fn one_reader_at_a_time_and_only_readers_read() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let waiting = state(Status::Awaiting, None);
        assert_eq!(
            decide(waiting, Action::Claim, a, true, false),
            Ok(Status::Reading)
        );
        assert_eq!(
            decide(waiting, Action::Claim, a, false, true),
            Err(Refusal::NotReader)
        );
        let held = state(Status::Reading, Some(a));
        assert_eq!(
            decide(held, Action::Claim, a, true, false),
            Ok(Status::Reading)
        );
        assert_eq!(
            decide(held, Action::Claim, b, true, false),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            decide(held, Action::Report, b, true, false),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            decide(held, Action::Release, a, true, false),
            Ok(Status::Awaiting)
        );
        assert_eq!(
            decide(held, Action::Report, a, true, false),
            Ok(Status::Reported)
        );
        assert_eq!(
            decide(waiting, Action::Report, a, true, false),
            Err(Refusal::WrongStatus)
        );
        let done = state(Status::Reported, Some(a));
        assert_eq!(
            decide(done, Action::Claim, b, true, false),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn only_the_sender_acknowledges_and_only_a_critical_report_once() {
        let (reader, sender) = (Uuid::now_v7(), Uuid::now_v7());
        let mut s = state(Status::Reported, Some(reader));
        assert_eq!(
            decide(s, Action::Acknowledge, sender, false, true),
            Err(Refusal::NotCritical)
        );
        s.critical = true;
        assert_eq!(
            decide(s, Action::Acknowledge, reader, true, false),
            Err(Refusal::NotSender)
        );
        assert_eq!(
            decide(s, Action::Acknowledge, sender, false, true),
            Ok(Status::Reported)
        );
        s.acknowledged = true;
        assert_eq!(
            decide(s, Action::Acknowledge, sender, false, true),
            Err(Refusal::AlreadyAcknowledged)
        );
        let waiting = state(Status::Awaiting, None);
        assert_eq!(
            decide(waiting, Action::Acknowledge, sender, false, true),
            Err(Refusal::WrongStatus)
        );
    }

    #[test]
    fn urgency_puts_suspected_infarction_first() {
        assert_eq!(Urgency::assess(&["st_elevation"], false), Urgency::Critical);
        assert_eq!(
            Urgency::assess(&["atrial_fibrillation"], false),
            Urgency::Urgent
        );
        assert_eq!(Urgency::assess(&[], true), Urgency::Urgent);
        assert_eq!(Urgency::assess(&[], false), Urgency::Routine);
        assert!(Urgency::Critical < Urgency::Urgent && Urgency::Urgent < Urgency::Routine);
        for u in [Urgency::Critical, Urgency::Urgent, Urgency::Routine] {
            assert_eq!(Urgency::from_rank(u.rank()), u);
        }
    }

    #[test]
    fn scopes_send_and_read() {
        let (lead, member, town, village) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let reader = EcgScope::resolve(Role::Specialist, lead, InstitutionKind::Lead, &[]);
        assert!(reader.reads() && reader.sees(town) && !reader.sends());
        let member_specialist =
            EcgScope::resolve(Role::Specialist, member, InstitutionKind::Member, &[]);
        assert!(
            !member_specialist.reads()
                && member_specialist.sees(member)
                && !member_specialist.sees(town)
        );
        let township = EcgScope::resolve(
            Role::TownshipDoctor,
            town,
            InstitutionKind::Township,
            &[village],
        );
        assert!(township.sends() && township.sees(village) && !township.sees(lead));
        assert!(
            !EcgScope::resolve(Role::BureauViewer, lead, InstitutionKind::Bureau, &[]).sees(town)
        );
    }

    #[test]
    fn turnaround_takes_the_median_of_reported_studies_and_counts_the_overdue() {
        let t = Turnaround::of([Some(4.0), None, Some(12.0), Some(6.0)]);
        assert_eq!((t.count, t.reported, t.median_minutes), (4, 3, Some(6.0)));
        assert_eq!(
            Turnaround::of([Some(4.0), Some(8.0)]).median_minutes,
            Some(6.0)
        );
        assert_eq!(Turnaround::of([None]).median_minutes, None);
        // Two reported within 10 minutes, one late, one still waiting after 30 minutes
        // (late), one waiting 3 minutes (not yet due).
        let share = share_within(
            &[Some(4.0), Some(9.0), Some(15.0), None, None],
            &[4.0, 9.0, 15.0, 30.0, 3.0],
            10.0,
        );
        assert_eq!(share, Some(0.5));
        assert_eq!(share_within(&[None], &[2.0], 10.0), None);
    }

    #[test]
    fn findings_are_unique_and_the_infarctions_are_critical() {
        let mut codes: Vec<&str> = FINDINGS.iter().map(|f| f.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FINDINGS.len());
        assert!(
            FINDINGS
                .iter()
                .filter(|f| f.code.starts_with("stemi_"))
                .all(|f| f.critical)
        );
        assert!(finding("vf").is_some_and(|f| f.critical));
        assert!(finding("nonsense").is_none());
    }
}
