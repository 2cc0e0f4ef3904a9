//! Referrals (转诊) and their event log. Every state change is a conditional UPDATE on
//! the expected status (so two people cannot both accept) plus an event row, in one
//! transaction; timelines and counts are read back from the events.

use crate::audit::{AuditEntry, INSERT_AUDIT, audit_row, insert_audit};
use crate::lite::{execute, first, params};
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use rusqlite::types::Value;
use serde::Serialize;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::ReferralScope;
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
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub direction: String,
    pub urgency: String,
    pub status: String,
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
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Requested)
    }
    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Up)
    }

    /// A referral as [`INSERT_REFERRAL`] wrote it, named from its parties.
    fn created(id: Uuid, n: NewReferral, p: &ReferralParties) -> Referral {
        Referral {
            id,
            resident_id: n.resident_id,
            resident_name: p.resident_name.clone().unwrap_or_default(),
            direction: n.direction.as_str().into(),
            urgency: n.urgency.as_str().into(),
            status: Status::Requested.as_str().into(),
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
        r.status = change.to.as_str().into();
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

/// Filters of a referral list.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    /// Only referrals sent to this institution that are still open (the incoming worklist).
    pub incoming_to: Option<Uuid>,
    pub incoming_department: Option<Uuid>,
    pub direction: Option<Direction>,
    pub status: Option<Status>,
    pub urgency: Option<Urgency>,
    pub resident_id: Option<Uuid>,
    pub open_only: bool,
}

const SELECT: &str = "SELECT f.id, f.resident_id, r.name AS resident_name, f.direction, f.urgency, f.status, f.pathway,
    f.from_institution_id, fi.name AS from_name, f.to_institution_id, ti.name AS to_name, f.to_department_id,
    d.name AS to_department_name, f.parent_id, f.reason, f.icd10_code, f.icd10_text, f.summary, f.instructions,
    f.preferred_date, f.appointment_at, f.outcome, f.status_reason, f.created_at, f.updated_at, f.accepted_at,
    f.arrived_at, f.completed_at, f.version
    FROM referrals f JOIN residents r ON r.id = f.resident_id
    JOIN institutions fi ON fi.id = f.from_institution_id JOIN institutions ti ON ti.id = f.to_institution_id
    LEFT JOIN departments d ON d.id = f.to_department_id";

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
            appointment_at = COALESCE($8, appointment_at){stamp}
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
        from.as_str()
    ];
    (sql, values.to_vec())
}

fn referral_lite(c: &rusqlite::Connection, community: Uuid, id: Uuid) -> Result<Referral> {
    first(c, &GET_REFERRAL, &params![community, id], referral_row)?.ok_or(StoreError::NotFound)
}

fn parties_lite(
    c: &rusqlite::Connection,
    community: Uuid,
    p: &PartiesProbe,
) -> Result<ReferralParties> {
    let values = params![
        community,
        p.resident,
        p.from,
        p.to,
        p.department,
        true,
        p.parent
    ];
    let parties = first(c, PARTIES, &values, |row| {
        let mut c = crate::lite::Columns::new(row);
        Ok(ReferralParties {
            resident_institution: c.opt_uuid()?,
            resident_name: c.opt_text()?,
            from_kind: c.opt_text()?,
            from_name: c.opt_text()?,
            to_kind: c.opt_text()?,
            to_name: c.opt_text()?,
            department_active: c.opt_bool()?,
            department_name: c.opt_text()?,
            parent_resident: c.opt_uuid()?,
            parent_direction: c.opt_text()?,
        })
    })?;
    Ok(parties.unwrap_or_default())
}

fn insert_lite(
    c: &rusqlite::Connection,
    community: Uuid,
    id: Uuid,
    n: &NewReferral,
    audit: Option<&[Value]>,
) -> Result<()> {
    execute(
        c,
        INSERT_REFERRAL,
        &params![
            id,
            community,
            n.resident_id,
            n.direction.as_str(),
            n.urgency.as_str(),
            urgency_rank(n.urgency),
            n.pathway.map(|p| p.as_str()),
            n.from_institution_id,
            n.to_institution_id,
            n.to_department_id,
            n.parent_id,
            n.reason,
            n.icd10_code,
            n.icd10_text,
            n.summary,
            n.instructions,
            n.preferred_date,
            n.created_by,
            n.created_at
        ],
    )?;
    for (kind, status, milestone, at) in opening_events(n) {
        execute(
            c,
            INSERT_EVENT,
            &params![
                new_id(),
                community,
                id,
                at,
                kind,
                None::<&str>,
                status,
                milestone,
                n.created_by,
                ""
            ],
        )?;
    }
    if let Some(row) = audit {
        execute(c, INSERT_AUDIT, row)?;
    }
    Ok(())
}

fn referral_row(row: &rusqlite::Row<'_>) -> Result<Referral> {
    // The columns of SELECT, in order.
    let mut c = crate::lite::Columns::new(row);
    Ok(Referral {
        id: c.uuid()?,
        resident_id: c.uuid()?,
        resident_name: c.text()?,
        direction: c.text()?,
        urgency: c.text()?,
        status: c.text()?,
        pathway: c.opt_text()?,
        from_institution_id: c.uuid()?,
        from_name: c.text()?,
        to_institution_id: c.uuid()?,
        to_name: c.text()?,
        to_department_id: c.opt_uuid()?,
        to_department_name: c.opt_text()?,
        parent_id: c.opt_uuid()?,
        reason: c.text()?,
        icd10_code: c.text()?,
        icd10_text: c.text()?,
        summary: c.text()?,
        instructions: c.text()?,
        preferred_date: c.opt_date()?,
        appointment_at: c.opt_time()?,
        outcome: c.opt_text()?,
        status_reason: c.text()?,
        created_at: c.time()?,
        updated_at: c.time()?,
        accepted_at: c.opt_time()?,
        arrived_at: c.opt_time()?,
        completed_at: c.opt_time()?,
        version: c.int()?,
    })
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

fn push_filters<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    scope: &ReferralScope,
    f: &ReferralFilter,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE f.community_id = ").push_bind(community);
    match scope {
        ReferralScope::All => {}
        ReferralScope::Institutions(ids) => {
            qb.push(" AND (f.from_institution_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(") OR f.to_institution_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push("))");
        }
        ReferralScope::Receiving {
            institution,
            department,
        } => {
            qb.push(" AND (f.from_institution_id = ")
                .push_bind(*institution);
            qb.push(" OR (f.to_institution_id = ")
                .push_bind(*institution);
            if let Some(d) = department {
                qb.push(" AND (f.to_department_id IS NULL OR f.to_department_id = ")
                    .push_bind(*d)
                    .push(")");
            }
            qb.push("))");
        }
        ReferralScope::None => {
            qb.push(" AND 1 = 0");
        }
    }
    if let Some(i) = f.incoming_to {
        qb.push(" AND f.to_institution_id = ")
            .push_bind(i)
            .push(" AND f.open = ")
            .push_bind(true);
    }
    if let Some(d) = f.incoming_department {
        qb.push(" AND f.to_department_id = ").push_bind(d);
    }
    if let Some(d) = f.direction {
        qb.push(" AND f.direction = ")
            .push_bind(d.as_str().to_string());
    }
    if let Some(s) = f.status {
        qb.push(" AND f.status = ")
            .push_bind(s.as_str().to_string());
    }
    if let Some(u) = f.urgency {
        qb.push(" AND f.urgency = ")
            .push_bind(u.as_str().to_string());
    }
    if let Some(r) = f.resident_id {
        qb.push(" AND f.resident_id = ").push_bind(r);
    }
    if f.open_only {
        qb.push(" AND f.open = ").push_bind(true);
    }
}

impl Store {
    pub async fn get_referral(&self, community: Uuid, id: Uuid) -> Result<Referral> {
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
        id: Uuid,
        audit: Option<&AuditEntry<'_>>,
        decide: F,
    ) -> Result<std::result::Result<Referral, Refused<E>>>
    where
        E: Send + 'static,
        F: FnOnce(&Referral) -> std::result::Result<Change, E> + Send + 'static,
    {
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
                    let (sql, values) = update_of(community, id, r.status(), &change);
                    let Some(urgency) = first(c, &sql, &values, |row| {
                        crate::lite::Columns::new(row).text()
                    })?
                    else {
                        return Ok(Err(Refused::Raced));
                    };
                    for event in action_events(community, id, r.status(), &change, &urgency) {
                        execute(c, INSERT_EVENT, &event)?;
                    }
                    if let Some(row) = &audit {
                        execute(c, INSERT_AUDIT, row)?;
                    }
                    Ok(Ok(r.changed(&change)))
                })
                .await;
        }
        let r = match self.get_referral(community, id).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => return Ok(Err(Refused::NotFound)),
            Err(e) => return Err(e),
        };
        let change = match decide(&r) {
            Ok(change) => change,
            Err(e) => return Ok(Err(Refused::Rejected(e))),
        };
        let (sql, _) = update_of(community, id, r.status(), &change);
        let moved = on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let urgent: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .bind(community).bind(id).bind(change.to.as_str()).bind(!change.to.is_terminal())
                .bind(change.reason.as_deref()).bind(change.outcome.map(|o| o.as_str())).bind(change.at)
                .bind(change.appointment_at).bind(r.status.as_str())
                .fetch_optional(&mut *tx).await.store()?;
            let moved = urgent.is_some();
            if let Some(urgency) = urgent {
                for (kind, sf, st, m, d) in event_rows(r.status(), &change, &urgency) {
                    sqlx::query(INSERT_EVENT).bind(new_id()).bind(community).bind(id).bind(change.at).bind(kind)
                        .bind(sf).bind(st).bind(m).bind(change.account).bind(d)
                        .execute(&mut *tx).await.store()?;
                }
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

    /// Records a green-channel milestone (ambulance departed, admitted, first ECG …).
    pub async fn record_milestone(
        &self,
        community: Uuid,
        id: Uuid,
        milestone: Milestone,
        at: OffsetDateTime,
        account: Option<Uuid>,
    ) -> Result<()> {
        on_db_write!(self, pool => sqlx::query(INSERT_EVENT)
            .bind(new_id()).bind(community).bind(id).bind(at).bind("milestone").bind(None::<&str>)
            .bind(None::<&str>).bind(milestone.as_str()).bind(account).bind("")
            .execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    /// A referral's events, oldest first.
    pub async fn referral_events(&self, community: Uuid, id: Uuid) -> Result<Vec<ReferralEvent>> {
        on_db!(self, pool => sqlx::query_as::<_, ReferralEvent>(
            "SELECT id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail
             FROM referral_events WHERE community_id = $1 AND referral_id = $2 ORDER BY at, id")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    /// A page of referrals in scope: incoming worklists urgency first then oldest first;
    /// other lists newest first.
    pub async fn list_referrals(
        &self,
        community: Uuid,
        scope: &ReferralScope,
        filter: &ReferralFilter,
        page: PageRequest,
    ) -> Result<Page<Referral>> {
        let order = if filter.incoming_to.is_some() {
            " ORDER BY f.urgency_rank, f.created_at, f.id"
        } else {
            " ORDER BY f.created_at DESC, f.id DESC"
        };
        // Page the ids on `referrals` alone (an index walk in order), then join names for
        // just that page: joining every candidate first is what made large worklists slow.
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(format!("{SELECT} JOIN (SELECT f.id FROM referrals f"));
            push_filters(&mut qb, community, scope, filter);
            qb.push(order).push(" LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            qb.push(") page ON page.id = f.id").push(order);
            let items = qb.build_query_as::<Referral>().fetch_all(pool).await.store()?;
            let total: i64 = if page.page == 1 && (items.len() as i64) < page.per_page {
                items.len() as i64
            } else {
                let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM referrals f");
                push_filters(&mut qc, community, scope, filter);
                qc.build_query_scalar().fetch_one(pool).await.store()?
            };
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Open referrals created before `requested_before` still waiting for acceptance, or
    /// arrived before `arrived_before` with no outcome: the "needs attention" list.
    pub async fn stalled_referrals(
        &self,
        community: Uuid,
        requested_before: OffsetDateTime,
        arrived_before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<Referral>> {
        let sql = format!(
            "{SELECT} WHERE f.community_id = $1 AND f.open = $2 AND
               ((f.status = 'requested' AND f.created_at < $3) OR (f.status = 'arrived' AND f.arrived_at < $4))
             ORDER BY f.urgency_rank, f.created_at LIMIT $5"
        );
        on_db!(self, pool => sqlx::query_as::<_, Referral>(AssertSqlSafe(sql.as_str()))
            .bind(community).bind(true).bind(requested_before).bind(arrived_before).bind(limit)
            .fetch_all(pool).await.store())
    }

    /// Events (status changes and milestones) of referrals created in `[from, to)`, with
    /// the referral's routing, for the counts page.
    pub async fn referral_facts(
        &self,
        community: Uuid,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<ReferralFact>> {
        on_db!(self, pool => sqlx::query_as::<_, ReferralFact>(
            "SELECT f.id AS referral_id, f.direction, f.urgency, f.pathway, f.from_institution_id, f.to_institution_id,
                    f.to_department_id, f.created_at, e.at, e.kind, e.status_to, e.milestone
             FROM referrals f JOIN referral_events e ON e.referral_id = f.id
             WHERE f.community_id = $1 AND f.created_at >= $2 AND f.created_at < $3
             ORDER BY f.id, e.at")
            .bind(community).bind(from).bind(to).fetch_all(pool).await.store())
    }

    /// Targets set for this community's pathways (others use the default).
    pub async fn pathway_targets(&self, community: Uuid) -> Result<Vec<(String, i32)>> {
        on_db!(self, pool => sqlx::query_as::<_, (String, i32)>(
            "SELECT pathway, target_minutes FROM pathway_targets WHERE community_id = $1")
            .bind(community).fetch_all(pool).await.store())
    }

    pub async fn set_pathway_target(
        &self,
        community: Uuid,
        pathway: Pathway,
        minutes: i32,
    ) -> Result<()> {
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO pathway_targets (community_id, pathway, target_minutes) VALUES ($1, $2, $3)
             ON CONFLICT (community_id, pathway) DO UPDATE SET target_minutes = excluded.target_minutes")
            .bind(community).bind(pathway.as_str()).bind(minutes).execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    pub async fn count_referrals(&self, community: Uuid) -> Result<i64> {
        on_db!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM referrals WHERE community_id = $1")
            .bind(community).fetch_one(pool).await.store())
    }

    /// Loads many historical referrals with their events at once (demo and benchmark data),
    /// then refreshes PostgreSQL's planner statistics.
    pub async fn bulk_load_referrals(
        &self,
        community: Uuid,
        rows: &[(NewReferral, Vec<HistoryStep>)],
    ) -> Result<()> {
        for chunk in rows.chunks(2000) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                for part in chunk.chunks(200) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO referrals (id, community_id, resident_id, direction, urgency, urgency_rank, status, open,
                            pathway, from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code,
                            icd10_text, summary, instructions, preferred_date, created_by, created_at, updated_at,
                            accepted_at, arrived_at, completed_at, outcome, status_reason, version) ");
                    let mut ids = Vec::with_capacity(part.len());
                    qb.push_values(part, |mut b, (n, steps)| {
                        let id = new_id();
                        ids.push(id);
                        let last = steps.iter().filter_map(|s| s.status).next_back().unwrap_or(Status::Requested);
                        let when = |st: Status| steps.iter().find(|s| s.status == Some(st)).map(|s| s.at);
                        let ended = [Status::Completed, Status::Rejected, Status::Cancelled].into_iter().find_map(when);
                        let outcome = steps.iter().find_map(|s| s.outcome).map(|o| o.as_str());
                        b.push_bind(id).push_bind(community).push_bind(n.resident_id).push_bind(n.direction.as_str())
                            .push_bind(n.urgency.as_str()).push_bind(urgency_rank(n.urgency)).push_bind(last.as_str())
                            .push_bind(!last.is_terminal()).push_bind(n.pathway.map(|p| p.as_str()))
                            .push_bind(n.from_institution_id).push_bind(n.to_institution_id).push_bind(n.to_department_id)
                            .push_bind(n.parent_id).push_bind(n.reason.clone()).push_bind(n.icd10_code.clone())
                            .push_bind(n.icd10_text.clone()).push_bind(n.summary.clone()).push_bind(n.instructions.clone())
                            .push_bind(n.preferred_date).push_bind(n.created_by).push_bind(n.created_at)
                            .push_bind(steps.last().map_or(n.created_at, |s| s.at))
                            .push_bind(when(Status::Accepted)).push_bind(when(Status::Arrived)).push_bind(ended)
                            .push_bind(outcome).push_bind(steps.iter().find_map(|s| s.reason.clone()).unwrap_or_default())
                            .push_bind(steps.len() as i64);
                    });
                    qb.build().execute(&mut *tx).await.store()?;
                    let mut events = Vec::new();
                    for ((n, steps), id) in part.iter().zip(&ids) {
                        events.push((*id, n.created_at, Some(Status::Requested), None, None));
                        let mut prev = Status::Requested;
                        if n.urgency == Urgency::Emergency {
                            if let Some(c) = n.first_contact_at {
                                events.push((*id, c, None, Some(Milestone::FirstContact), None));
                            }
                            events.push((*id, n.created_at, None, Some(Milestone::ReferralSent), None));
                        }
                        for s in steps {
                            if let Some(st) = s.status {
                                events.push((*id, s.at, Some(st), None, Some(prev)));
                                prev = st;
                            }
                            if let Some(m) = s.milestone {
                                events.push((*id, s.at, None, Some(m), None));
                            }
                        }
                    }
                    for ev in events.chunks(500) {
                        let mut qe = QueryBuilder::new(
                            "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail) ");
                        qe.push_values(ev, |mut b, (rid, at, st, m, from)| {
                            b.push_bind(new_id()).push_bind(community).push_bind(*rid).push_bind(*at)
                                .push_bind(if st.is_some() { "status" } else { "milestone" })
                                .push_bind(from.map(|s| s.as_str())).push_bind(st.map(|s| s.as_str()))
                                .push_bind(m.map(|m| m.as_str())).push_bind(None::<Uuid>).push_bind("");
                        });
                        qe.build().execute(&mut *tx).await.store()?;
                    }
                }
                tx.commit().await.store()?;
            });
        }
        // PostgreSQL plans from statistics that a bulk load leaves stale. SQLite is left
        // alone: with statistics it prefers the institution-wide worklist index, because
        // downward referrals (no department) skew the department index's figures.
        if let crate::Db::Postgres(pool) = &self.db {
            // VACUUM also marks pages all-visible, so counts can be index-only.
            // One statement per call: VACUUM cannot share an implicit transaction.
            for sql in ["VACUUM ANALYZE referrals", "VACUUM ANALYZE referral_events"] {
                sqlx::raw_sql(sql).execute(pool).await.store()?;
            }
        }
        Ok(())
    }
}

/// One step of a historical referral: a status change and/or a milestone at a time.
#[derive(Debug, Clone)]
pub struct HistoryStep {
    pub at: OffsetDateTime,
    pub status: Option<Status>,
    pub milestone: Option<Milestone>,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
}

/// An event row with its referral's routing, for computing counts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralFact {
    pub referral_id: Uuid,
    pub direction: String,
    pub urgency: String,
    pub pathway: Option<String>,
    pub from_institution_id: Uuid,
    pub to_institution_id: Uuid,
    pub to_department_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub at: OffsetDateTime,
    pub kind: String,
    pub status_to: Option<String>,
    pub milestone: Option<String>,
}

/// Today's time, for callers that need the same clock as the store.
pub fn timestamp() -> OffsetDateTime {
    now()
}
