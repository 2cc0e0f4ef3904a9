//! Referrals (转诊) and their event log. Every state change is a conditional UPDATE on
//! the expected status (so two people cannot both accept) plus an event row, in one
//! transaction; timelines and counts are read back from the events.

use crate::audit::{AuditEntry, insert_audit};
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
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
    #[serde(serialize_with = "opt_date")]
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

fn opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

impl Referral {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Requested)
    }
    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Up)
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

/// The changes an action makes besides the status.
#[derive(Debug, Clone, Default)]
pub struct ActionChanges<'a> {
    pub reason: Option<&'a str>,
    pub outcome: Option<Outcome>,
    pub appointment_at: Option<OffsetDateTime>,
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
    /// Creates a referral with its first event (and, for the green channel, its first milestones).
    pub async fn create_referral(
        &self,
        community: Uuid,
        n: &NewReferral,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<Uuid> {
        let id = new_id();
        let t = n.created_at;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(
                "INSERT INTO referrals (id, community_id, resident_id, direction, urgency, urgency_rank, status, open, pathway,
                    from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code, icd10_text,
                    summary, instructions, preferred_date, created_by, created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, 'requested', TRUE, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, 0)")
                .bind(id).bind(community).bind(n.resident_id).bind(n.direction.as_str()).bind(n.urgency.as_str())
                .bind(urgency_rank(n.urgency)).bind(n.pathway.map(|p| p.as_str()))
                .bind(n.from_institution_id).bind(n.to_institution_id).bind(n.to_department_id).bind(n.parent_id)
                .bind(&n.reason).bind(&n.icd10_code).bind(&n.icd10_text).bind(&n.summary).bind(&n.instructions)
                .bind(n.preferred_date).bind(n.created_by).bind(t)
                .execute(&mut *tx).await.store()?;
            let event = "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '')";
            sqlx::query(event).bind(new_id()).bind(community).bind(id).bind(t).bind("status")
                .bind(None::<String>).bind("requested").bind(None::<String>).bind(n.created_by)
                .execute(&mut *tx).await.store()?;
            if n.urgency == Urgency::Emergency {
                let mut milestones = vec![(Milestone::ReferralSent, t)];
                if let Some(c) = n.first_contact_at {
                    milestones.insert(0, (Milestone::FirstContact, c));
                }
                for (m, at) in milestones {
                    sqlx::query(event).bind(new_id()).bind(community).bind(id).bind(at).bind("milestone")
                        .bind(None::<String>).bind(None::<String>).bind(m.as_str()).bind(n.created_by)
                        .execute(&mut *tx).await.store()?;
                }
            }
            if let Some(e) = audit {
                insert_audit!(&mut *tx, community, e, Some(id)).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    pub async fn get_referral(&self, community: Uuid, id: Uuid) -> Result<Referral> {
        let sql = format!("{SELECT} WHERE f.community_id = $1 AND f.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Referral>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// Moves a referral from `expected` to `to` if it is still in `expected`; records the
    /// event (and the matching green-channel milestone). `Ok(false)`: someone else moved it first.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_referral_action(
        &self,
        community: Uuid,
        id: Uuid,
        expected: Status,
        to: Status,
        changes: &ActionChanges<'_>,
        account: Option<Uuid>,
        at: OffsetDateTime,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<bool> {
        let stamp = match to {
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
        let milestone = match to {
            Status::Accepted => Some(Milestone::Accepted),
            Status::Arrived => Some(Milestone::Arrived),
            _ => None,
        };
        let moved = on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let urgent: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .bind(community).bind(id).bind(to.as_str()).bind(!to.is_terminal())
                .bind(changes.reason).bind(changes.outcome.map(|o| o.as_str())).bind(at)
                .bind(changes.appointment_at).bind(expected.as_str())
                .fetch_optional(&mut *tx).await.store()?;
            let moved = urgent.is_some();
            if moved {
                let event = "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
                sqlx::query(event).bind(new_id()).bind(community).bind(id).bind(at).bind("status")
                    .bind(expected.as_str()).bind(to.as_str()).bind(None::<String>).bind(account)
                    .bind(changes.reason.unwrap_or(""))
                    .execute(&mut *tx).await.store()?;
                if let (Some(m), Some("emergency")) = (milestone, urgent.as_deref()) {
                    sqlx::query(event).bind(new_id()).bind(community).bind(id).bind(at).bind("milestone")
                        .bind(None::<String>).bind(None::<String>).bind(m.as_str()).bind(account).bind("")
                        .execute(&mut *tx).await.store()?;
                }
                if let Some(e) = audit {
                    insert_audit!(&mut *tx, community, e, Some(id)).await.store()?;
                }
                tx.commit().await.store()?;
            }
            moved
        });
        Ok(moved)
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
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail)
             VALUES ($1, $2, $3, $4, 'milestone', NULL, NULL, $5, $6, '')")
            .bind(new_id()).bind(community).bind(id).bind(at).bind(milestone.as_str()).bind(account)
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
