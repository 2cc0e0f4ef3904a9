//! Referrals (转诊) and their event log. Every state change is a conditional UPDATE on
//! the expected status (so two people cannot both accept) plus an event row, in one
//! transaction; timelines and counts are read back from the events.

mod queries;
pub use queries::{ReferralFact, ReferralFilter, ReferralSort};

pub(crate) mod green;
mod history;
mod lite;
pub use history::HistoryStep;
use lite::*;

use crate::audit::{AuditEntry, INSERT_AUDIT, audit_row, insert_audit};
use crate::indicators::lite::add_tally_lite;
use crate::indicators::tallies::add_tally;
use crate::lite::{execute, first, params};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use rusqlite::types::Value;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::clock::local_date;
use yigong_domain::ids::ReferralId;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::tally::Tally;
use yigong_domain::referral::{Direction, Milestone, Outcome, Pathway, Status, Urgency};

/// What is needed to create a referral (validated by the caller).
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub resident_id: Uuid,
    pub direction: Direction,
    pub urgency: Urgency,
    pub pathway: Option<Pathway>,
    pub from_institution_id: Uuid,
    pub to_institution_id: Uuid,
    pub to_department_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub reason: String,
    pub icd10_code: String,
    pub icd10_text: String,
    pub summary: String,
    pub instructions: String,
    pub preferred_date: Option<Date>,
    pub created_by: Option<Uuid>,
    /// When the referral was sent (now, except when loading history).
    pub created_at: OffsetDateTime,
    /// Green channel: first contact at the sending site, if known.
    pub first_contact_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Referral {
    #[sqlx(try_from = "Uuid")]
    pub id: ReferralId,
    pub resident_id: Uuid,
    pub resident_name: String,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    #[sqlx(try_from = "String")]
    pub urgency: Urgency,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub pathway: Option<String>,
    pub from_institution_id: Uuid,
    pub from_name: String,
    pub to_institution_id: Uuid,
    pub to_name: String,
    pub to_department_id: Option<Uuid>,
    pub to_department_name: Option<String>,
    pub parent_id: Option<Uuid>,
    pub reason: String,
    pub icd10_code: String,
    pub icd10_text: String,
    pub summary: String,
    pub instructions: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub preferred_date: Option<Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub appointment_at: Option<OffsetDateTime>,
    pub outcome: Option<String>,
    pub status_reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub accepted_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub arrived_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    pub version: i64,
}

impl Referral {
    /// A referral as [`INSERT_REFERRAL`] wrote it, named from its parties.
    fn created(id: Uuid, n: NewReferral, p: &ReferralParties) -> Referral {
        Referral {
            id: id.into(),
            resident_id: n.resident_id,
            resident_name: p.resident_name.clone().unwrap_or_default(),
            direction: n.direction,
            urgency: n.urgency,
            status: Status::Requested,
            pathway: n.pathway.map(|p| p.as_str().into()),
            from_institution_id: n.from_institution_id,
            from_name: p.from_name.clone().unwrap_or_default(),
            to_institution_id: n.to_institution_id,
            to_name: p.to_name.clone().unwrap_or_default(),
            to_department_id: n.to_department_id,
            to_department_name: n.to_department_id.and(p.department_name.clone()),
            parent_id: n.parent_id,
            reason: n.reason,
            icd10_code: n.icd10_code,
            icd10_text: n.icd10_text,
            summary: n.summary,
            instructions: n.instructions,
            preferred_date: n.preferred_date,
            appointment_at: None,
            outcome: None,
            status_reason: String::new(),
            created_at: n.created_at,
            updated_at: n.created_at,
            accepted_at: None,
            arrived_at: None,
            completed_at: None,
            version: 0,
        }
    }

    /// The referral as `change` leaves it (what the UPDATE wrote), without reading it back.
    pub fn changed(&self, change: &Change) -> Referral {
        let mut r = self.clone();
        r.status = change.to;
        r.version += 1;
        r.updated_at = change.at;
        if let Some(reason) = &change.reason {
            r.status_reason.clone_from(reason);
        }
        if let Some(o) = change.outcome {
            r.outcome = Some(o.as_str().into());
        }
        if change.appointment_at.is_some() {
            r.appointment_at = change.appointment_at;
        }
        match change.to {
            Status::Accepted => r.accepted_at = Some(change.at),
            Status::Arrived => r.arrived_at = Some(change.at),
            Status::Completed | Status::Rejected | Status::Cancelled => {
                r.completed_at = Some(change.at)
            }
            Status::Requested => {}
        }
        r
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ReferralEvent {
    pub id: Uuid,
    pub referral_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub kind: String,
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    pub milestone: Option<String>,
    pub account_id: Option<Uuid>,
    pub detail: String,
}

/// A status change decided on a referral, with what it changes besides the status.
#[derive(Debug, Clone)]
pub struct Change {
    pub to: Status,
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
    pub appointment_at: Option<OffsetDateTime>,
    pub account: Option<Uuid>,
    pub at: OffsetDateTime,
}

/// Why a change did not happen.
#[derive(Debug)]
pub enum Refused<E> {
    NotFound,
    /// The decision refused it.
    Rejected(E),
    /// Someone else moved the referral between the decision and the update.
    Raced,
}

/// Whom a new referral involves, for [`ReferralParties`].
#[derive(Debug, Clone, Copy)]
pub struct PartiesProbe {
    pub resident: Uuid,
    pub from: Uuid,
    pub to: Uuid,
    pub department: Option<Uuid>,
    /// For a downward referral: the upward referral it answers.
    pub parent: Option<Uuid>,
}

const SELECT: &str = "SELECT f.id, f.resident_id, r.name AS resident_name, f.direction, f.urgency, f.status, f.pathway,
    f.from_institution_id, fi.name AS from_name, f.to_institution_id, ti.name AS to_name, f.to_department_id,
    d.name AS to_department_name, f.parent_id, f.reason, f.icd10_code, f.icd10_text, f.summary, f.instructions,
    f.preferred_date, f.appointment_at, f.outcome, f.status_reason, f.created_at, f.updated_at, f.accepted_at,
    f.arrived_at, f.completed_at, f.version
    FROM referrals f JOIN residents r ON r.community_id = f.community_id AND r.id = f.resident_id
    JOIN institutions fi ON fi.community_id = f.community_id AND fi.id = f.from_institution_id JOIN institutions ti ON ti.community_id = f.community_id AND ti.id = f.to_institution_id
    LEFT JOIN departments d ON d.community_id = f.community_id AND d.id = f.to_department_id";

const INSERT_REFERRAL: &str = "INSERT INTO referrals (id, community_id, resident_id, direction, urgency, urgency_rank, status, open, pathway,
        from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code, icd10_text,
        summary, instructions, preferred_date, created_by, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, 'requested', TRUE, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, 0)";

const INSERT_EVENT: &str = "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

const PARTIES: &str = "SELECT
      (SELECT institution_id FROM residents WHERE community_id = $1 AND id = $2) AS resident_institution,
      (SELECT name FROM residents WHERE community_id = $1 AND id = $2) AS resident_name,
      (SELECT kind FROM institutions WHERE community_id = $1 AND id = $3) AS from_kind,
      (SELECT name FROM institutions WHERE community_id = $1 AND id = $3) AS from_name,
      (SELECT kind FROM institutions WHERE community_id = $1 AND id = $4 AND active = $6) AS to_kind,
      (SELECT name FROM institutions WHERE community_id = $1 AND id = $4) AS to_name,
      (SELECT active FROM departments WHERE community_id = $1 AND institution_id = $4 AND id = $5) AS department_active,
      (SELECT name FROM departments WHERE community_id = $1 AND institution_id = $4 AND id = $5) AS department_name,
      (SELECT resident_id FROM referrals WHERE community_id = $1 AND id = $7) AS parent_resident,
      (SELECT direction FROM referrals WHERE community_id = $1 AND id = $7) AS parent_direction";

/// What sending a referral must check, read in one query.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ReferralParties {
    /// The resident's home institution (none: no such resident).
    pub resident_institution: Option<Uuid>,
    pub resident_name: Option<String>,
    /// The sending institution's kind.
    pub from_kind: Option<String>,
    pub from_name: Option<String>,
    /// The receiving institution's kind, if it exists and is active.
    pub to_kind: Option<String>,
    pub to_name: Option<String>,
    /// Whether the named department belongs to the receiving institution and is active.
    pub department_active: Option<bool>,
    pub department_name: Option<String>,
    /// The parent referral's resident and direction, if it exists.
    pub parent_resident: Option<Uuid>,
    pub parent_direction: Option<String>,
}

/// The events a new referral starts with: requested, and for an emergency the first
/// green-channel milestones. (kind, status_to, milestone, at)
fn opening_events(
    n: &NewReferral,
) -> Vec<(
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    OffsetDateTime,
)> {
    let t = n.created_at;
    let mut events = vec![("status", Some(Status::Requested.as_str()), None, t)];
    if n.urgency == Urgency::Emergency {
        if let Some(c) = n.first_contact_at {
            events.push(("milestone", None, Some(Milestone::FirstContact.as_str()), c));
        }
        events.push(("milestone", None, Some(Milestone::ReferralSent.as_str()), t));
    }
    events
}

type EventRow<'a> = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'a str,
);

/// The event rows of a change once the status has moved: the status change, and for an
/// emergency the matching green-channel milestone. (kind, from, to, milestone, detail)
fn event_rows<'a>(from: Status, change: &'a Change, urgency: &str) -> Vec<EventRow<'a>> {
    let detail = change.reason.as_deref().unwrap_or("");
    let mut rows = vec![(
        "status",
        Some(from.as_str()),
        Some(change.to.as_str()),
        None,
        detail,
    )];
    let milestone = match change.to {
        Status::Accepted => Some(Milestone::Accepted),
        Status::Arrived => Some(Milestone::Arrived),
        _ => None,
    };
    if let (Some(m), true) = (milestone, urgency == Urgency::Emergency.as_str()) {
        rows.push(("milestone", None, None, Some(m.as_str()), ""));
    }
    rows
}

/// [`event_rows`] as values of [`INSERT_EVENT`].
fn action_events(
    community: Uuid,
    id: Uuid,
    from: Status,
    change: &Change,
    urgency: &str,
) -> Vec<Vec<Value>> {
    event_rows(from, change, urgency)
        .into_iter()
        .map(|(kind, sf, st, m, d)| {
            params![
                new_id(),
                community,
                id,
                change.at,
                kind,
                sf,
                st,
                m,
                change.account,
                d
            ]
            .to_vec()
        })
        .collect()
}

/// The conditional UPDATE of a change (only from `from`), returning the urgency, with its
/// values for a direct SQLite connection.
fn update_of(community: Uuid, id: Uuid, from: Status, change: &Change) -> (String, Vec<Value>) {
    let stamp = match change.to {
        Status::Accepted => ", accepted_at = $7",
        Status::Arrived => ", arrived_at = $7",
        Status::Completed | Status::Rejected | Status::Cancelled => ", completed_at = $7",
        Status::Requested => "",
    };
    let sql = format!(
        "UPDATE referrals SET status = $3, open = $4, version = version + 1, updated_at = $7,
            status_reason = COALESCE($5, status_reason), outcome = COALESCE($6, outcome),
            appointment_at = COALESCE($8, appointment_at),
            accepted_on = COALESCE($10, accepted_on){stamp}
         WHERE community_id = $1 AND id = $2 AND status = $9 RETURNING urgency"
    );
    let values = params![
        community,
        id,
        change.to.as_str(),
        !change.to.is_terminal(),
        change.reason,
        change.outcome.map(|o| o.as_str()),
        change.at,
        change.appointment_at,
        from.as_str(),
        accepted_on(change)
    ];
    (sql, values.to_vec())
}

/// The day (China time) an accepting change happens on; `None` for any other change.
fn accepted_on(change: &Change) -> Option<Date> {
    (change.to == Status::Accepted).then(|| local_date(change.at))
}

/// What accepting `r` adds to the indicators' monthly counters: nothing for any other
/// change.
fn acceptance_tally(r: &Referral, change: &Change) -> Tally {
    let mut t = Tally::default();
    if let Some(day) = accepted_on(change) {
        let ends = (r.from_institution_id, r.to_institution_id);
        t.add_acceptances(Month::of(day), r.direction, ends, 1);
    }
    t
}

static GET_REFERRAL: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{SELECT} WHERE f.community_id = $1 AND f.id = $2"));

fn urgency_rank(u: Urgency) -> i32 {
    match u {
        Urgency::Emergency => 0,
        Urgency::Urgent => 1,
        Urgency::Routine => 2,
    }
}

impl Store {
    pub async fn get_referral(&self, community: Uuid, id: ReferralId) -> Result<Referral> {
        let id = id.uuid();
        if let Some(lite) = &self.lite {
            return lite.read(|c| referral_lite(c, community, id));
        }
        on_db!(self, pool => sqlx::query_as::<_, Referral>(AssertSqlSafe(GET_REFERRAL.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// Creates a referral after `check` has approved it against what the registry says
    /// about its parties ([`ReferralParties`]); the referral, its first events (for the
    /// green channel, its first milestones) and the audit row go in one transaction.
    /// On SQLite the check runs on the writer's connection, so nothing changes between
    /// the check and the insert.
    pub async fn create_referral_checked<E, F>(
        &self,
        community: Uuid,
        probe: PartiesProbe,
        audit: Option<&AuditEntry<'_>>,
        check: F,
    ) -> Result<std::result::Result<Referral, E>>
    where
        E: Send + 'static,
        F: FnOnce(&ReferralParties) -> std::result::Result<NewReferral, E> + Send + 'static,
    {
        let id = new_id();
        if let Some(lite) = &self.lite {
            let audit = audit.map(|e| audit_row(community, e, Some(id)));
            return lite
                .write(move |c| {
                    let parties = parties_lite(c, community, &probe)?;
                    let n = match check(&parties) {
                        Ok(n) => n,
                        Err(e) => return Ok(Err(e)),
                    };
                    insert_lite(c, community, id, &n, audit.as_deref())?;
                    Ok(Ok(Referral::created(id, n, &parties)))
                })
                .await;
        }
        let parties = on_db!(self, pool => sqlx::query_as::<_, ReferralParties>(PARTIES)
            .bind(community).bind(probe.resident).bind(probe.from).bind(probe.to)
            .bind(probe.department).bind(true).bind(probe.parent)
            .fetch_one(pool).await.store())?;
        let n = match check(&parties) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        let t = n.created_at;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(INSERT_REFERRAL)
                .bind(id).bind(community).bind(n.resident_id).bind(n.direction.as_str()).bind(n.urgency.as_str())
                .bind(urgency_rank(n.urgency)).bind(n.pathway.map(|p| p.as_str()))
                .bind(n.from_institution_id).bind(n.to_institution_id).bind(n.to_department_id).bind(n.parent_id)
                .bind(&n.reason).bind(&n.icd10_code).bind(&n.icd10_text).bind(&n.summary).bind(&n.instructions)
                .bind(n.preferred_date).bind(n.created_by).bind(t)
                .execute(&mut *tx).await.store()?;
            for (kind, status, milestone, at) in opening_events(&n) {
                sqlx::query(INSERT_EVENT).bind(new_id()).bind(community).bind(id).bind(at).bind(kind)
                    .bind(None::<&str>).bind(status).bind(milestone).bind(n.created_by).bind("")
                    .execute(&mut *tx).await.store()?;
            }
            if let Some(e) = audit {
                insert_audit!(&mut *tx, community, e, Some(id)).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(Ok(Referral::created(id, n, &parties)))
    }

    /// Changes a referral as `decide` says, given the referral as it stands: the status
    /// moves (only from the status `decide` saw), with its event, the matching
    /// green-channel milestone and the audit row, in one transaction. Returns the
    /// referral as changed, or why nothing changed.
    pub async fn change_referral<E, F>(
        &self,
        community: Uuid,
        id: ReferralId,
        audit: Option<&AuditEntry<'_>>,
        decide: F,
    ) -> Result<std::result::Result<Referral, Refused<E>>>
    where
        E: Send + 'static,
        F: FnOnce(&Referral) -> std::result::Result<Change, E> + Send + 'static,
    {
        let id = id.uuid();
        if let Some(lite) = &self.lite {
            let audit = audit.map(|e| audit_row(community, e, Some(id)));
            return lite
                .write(move |c| {
                    let Some(r) = first(c, &GET_REFERRAL, &params![community, id], referral_row)?
                    else {
                        return Ok(Err(Refused::NotFound));
                    };
                    let change = match decide(&r) {
                        Ok(change) => change,
                        Err(e) => return Ok(Err(Refused::Rejected(e))),
                    };
                    let (sql, values) = update_of(community, id, r.status, &change);
                    let Some(urgency) = first(c, &sql, &values, |row| {
                        crate::lite::Columns::new(row).text()
                    })?
                    else {
                        return Ok(Err(Refused::Raced));
                    };
                    for event in action_events(community, id, r.status, &change, &urgency) {
                        execute(c, INSERT_EVENT, &event)?;
                    }
                    add_tally_lite(c, community, &acceptance_tally(&r, &change))?;
                    if let Some(row) = &audit {
                        execute(c, INSERT_AUDIT, row)?;
                    }
                    Ok(Ok(r.changed(&change)))
                })
                .await;
        }
        let r = match self.get_referral(community, id.into()).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => return Ok(Err(Refused::NotFound)),
            Err(e) => return Err(e),
        };
        let change = match decide(&r) {
            Ok(change) => change,
            Err(e) => return Ok(Err(Refused::Rejected(e))),
        };
        let (sql, _) = update_of(community, id, r.status, &change);
        let moved = on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let urgent: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .bind(community).bind(id).bind(change.to.as_str()).bind(!change.to.is_terminal())
                .bind(change.reason.as_deref()).bind(change.outcome.map(|o| o.as_str())).bind(change.at)
                .bind(change.appointment_at).bind(r.status.as_str()).bind(accepted_on(&change))
                .fetch_optional(&mut *tx).await.store()?;
            let moved = urgent.is_some();
            if let Some(urgency) = urgent {
                for (kind, sf, st, m, d) in event_rows(r.status, &change, &urgency) {
                    sqlx::query(INSERT_EVENT).bind(new_id()).bind(community).bind(id).bind(change.at).bind(kind)
                        .bind(sf).bind(st).bind(m).bind(change.account).bind(d)
                        .execute(&mut *tx).await.store()?;
                }
                let tally = acceptance_tally(&r, &change);
                add_tally!(tx, community, tally);
                if let Some(e) = audit {
                    insert_audit!(&mut *tx, community, e, Some(id)).await.store()?;
                }
                tx.commit().await.store()?;
            }
            moved
        });
        if !moved {
            return Ok(Err(Refused::Raced));
        }
        Ok(Ok(r.changed(&change)))
    }

    /// A referral's events, oldest first.
    pub async fn referral_events(
        &self,
        community: Uuid,
        id: ReferralId,
    ) -> Result<Vec<ReferralEvent>> {
        let id = id.uuid();
        on_db!(self, pool => sqlx::query_as::<_, ReferralEvent>(
            "SELECT id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail
             FROM referral_events WHERE community_id = $1 AND referral_id = $2 ORDER BY at, id")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }
}

/// Today's time, for callers that need the same clock as the store.
pub fn timestamp() -> OffsetDateTime {
    now()
}
