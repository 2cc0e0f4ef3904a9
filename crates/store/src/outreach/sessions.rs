//! Dated sessions: the lists by place, expert and period, the office's cancellations and
//! moves, the township's record of a held session with the registered patients seen, and
//! the rows the counts of sessions and people served are made from.

use crate::audit::{AuditEntry, insert_audit};
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Page, PageRequest, Result, Store, StoreError, now, on_db, on_db_write};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::tally::{Tally, of_session};
use yigong_domain::outreach::session::Status;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SessionRow {
    pub id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: String,
    /// The expert's title code.
    pub expert_title: String,
    pub specialty: String,
    pub department: Option<String>,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub institution_code: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
    pub booked: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub note: String,
    pub people_served: i64,
    pub procedures: i64,
    pub teaching_rounds: i64,
    pub lectures: i64,
    pub summary: String,
    pub version: i64,
}

/// Which sessions a list holds.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// At these places only (none: anywhere).
    pub institutions: Option<Vec<Uuid>>,
    pub expert: Option<Uuid>,
    pub status: Option<Status>,
    /// Days from and to, both included.
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// A registered patient seen at a session.
#[derive(Debug, Clone)]
pub struct Visit {
    pub resident_id: Uuid,
    /// The township doctor who sat with the expert.
    pub doctor_id: Option<Uuid>,
    pub note: String,
    pub referral_id: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct VisitRow {
    pub resident_id: Uuid,
    pub resident_name: String,
    pub doctor_id: Option<Uuid>,
    pub doctor_name: Option<String>,
    pub note: String,
    pub referral_id: Option<Uuid>,
}

/// The township's record of a held session.
#[derive(Debug, Clone, Default)]
pub struct SessionRecord {
    pub people_served: i64,
    pub procedures: i64,
    pub teaching_rounds: i64,
    pub lectures: i64,
    pub summary: String,
    pub visits: Vec<Visit>,
}

/// A held session as the counts read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServedRow {
    pub expert: String,
    pub department: Option<String>,
    pub institution: String,
    pub day: Date,
    pub people_served: i64,
}

pub(super) const SELECT: &str = "SELECT o.id, o.expert_id, s.name AS expert_name, s.title AS expert_title, s.specialty,
    d.name AS department, o.institution_id, i.name AS institution_name, i.code AS institution_code, o.day, o.start_min,
    o.end_min, o.capacity, o.booked, o.status, o.note, o.people_served, o.procedures, o.teaching_rounds, o.lectures,
    o.summary, o.version
    FROM outreach_sessions o JOIN staff s ON s.community_id = o.community_id AND s.id = o.expert_id
    LEFT JOIN departments d ON d.community_id = s.community_id AND d.id = s.department_id
    JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id";

fn push_filter<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, community: Uuid, f: &SessionFilter)
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE o.community_id = ").push_bind(community);
    if let Some(ids) = &f.institutions {
        qb.push(" AND o.institution_id IN (");
        let mut sep = qb.separated(", ");
        for i in ids {
            sep.push_bind(*i);
        }
        if ids.is_empty() {
            sep.push("NULL");
        }
        qb.push(")");
    }
    if let Some(e) = f.expert {
        qb.push(" AND o.expert_id = ").push_bind(e);
    }
    if let Some(st) = f.status {
        qb.push(" AND o.status = ")
            .push_bind(st.as_str().to_string());
    }
    if let Some(d) = f.from {
        qb.push(" AND o.day >= ").push_bind(d);
    }
    if let Some(d) = f.to {
        qb.push(" AND o.day <= ").push_bind(d);
    }
}

impl SessionFilter {
    /// The held sessions between two days, at these places only if given.
    fn held(institutions: Option<&[Uuid]>, (from, to): (Date, Date)) -> Self {
        Self {
            institutions: institutions.map(<[Uuid]>::to_vec),
            status: Some(Status::Held),
            from: Some(from),
            to: Some(to),
            ..Self::default()
        }
    }
}

impl Store {
    /// A page of sessions, by day and time.
    pub async fn find_sessions(
        &self,
        community: Uuid,
        f: &SessionFilter,
        page: PageRequest,
    ) -> Result<Page<SessionRow>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_filter(&mut qb, community, f);
            qb.push(" ORDER BY o.day, o.start_min, i.name, s.name LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<SessionRow>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM outreach_sessions o");
            push_filter(&mut qc, community, f);
            let total: i64 = qc.build_query_scalar().fetch_one(pool).await.store()?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    pub async fn get_session(&self, community: Uuid, id: Uuid) -> Result<SessionRow> {
        let sql = format!("{SELECT} WHERE o.community_id = $1 AND o.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// The registered patients seen at a session.
    pub async fn session_visits(&self, community: Uuid, id: Uuid) -> Result<Vec<VisitRow>> {
        on_db!(self, pool => sqlx::query_as::<_, VisitRow>(
            "SELECT v.resident_id, r.name AS resident_name, v.doctor_id, s.name AS doctor_name, v.note, v.referral_id
             FROM outreach_visits v JOIN residents r ON r.community_id = v.community_id AND r.id = v.resident_id
             LEFT JOIN staff s ON s.community_id = v.community_id AND s.id = v.doctor_id
             WHERE v.community_id = $1 AND v.session_id = $2 ORDER BY r.name, v.resident_id")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    /// Cancels a planned session at `version` with the reason; false when it moved on.
    pub async fn cancel_session(
        &self,
        community: Uuid,
        (id, version): (Uuid, i64),
        reason: &str,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query("UPDATE outreach_sessions SET status = 'cancelled', note = $3, updated_at = $4,
                    version = version + 1 WHERE community_id = $1 AND id = $2 AND version = $5 AND status = 'planned'")
                .bind(community).bind(id).bind(reason).bind(now()).bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Moves a planned session to another expert or time (a swap), with the reason.
    pub async fn move_session(
        &self,
        community: Uuid,
        (id, version): (Uuid, i64),
        (expert, day, start_min, end_min): (Uuid, Date, i64, i64),
        reason: &str,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query("UPDATE outreach_sessions SET expert_id = $3, day = $4, start_min = $5, end_min = $6,
                    note = $7, updated_at = $8, version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $9 AND status = 'planned'")
                .bind(community).bind(id).bind(expert).bind(day).bind(start_min).bind(end_min).bind(reason).bind(now())
                .bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Records a held session (or corrects the record) at `version`: its counts and the
    /// registered patients seen, replacing those listed before; false when it moved on.
    pub async fn record_session(
        &self,
        community: Uuid,
        (id, version): (Uuid, i64),
        r: &SessionRecord,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            // What the session counted before, to move the indicators' counters by the change.
            let before: Option<(String, i64, Uuid, Date)> = sqlx::query_as(
                "SELECT status, people_served, institution_id, day FROM outreach_sessions
                 WHERE community_id = $1 AND id = $2")
                .bind(community).bind(id).fetch_optional(&mut *tx).await.store()?;
            let n = sqlx::query("UPDATE outreach_sessions SET status = 'held', people_served = $3, procedures = $4,
                    teaching_rounds = $5, lectures = $6, summary = $7, recorded_by = $8, recorded_at = $9, updated_at = $9,
                    version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $10 AND status <> 'cancelled'")
                .bind(community).bind(id).bind(r.people_served).bind(r.procedures).bind(r.teaching_rounds)
                .bind(r.lectures).bind(&r.summary).bind(audit.account_id).bind(t).bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            if let Some((status, served, place, day)) = before {
                let mut tally = Tally::default();
                if status == "held" {
                    tally.add(Month::of(day), place, &of_session(served), -1);
                }
                tally.add(Month::of(day), place, &of_session(r.people_served), 1);
                add_tally!(tx, community, tally);
            }
            sqlx::query("DELETE FROM outreach_visits WHERE community_id = $1 AND session_id = $2")
                .bind(community).bind(id).execute(&mut *tx).await.store()?;
            for v in &r.visits {
                sqlx::query("INSERT INTO outreach_visits (community_id, session_id, resident_id, doctor_id, note,
                        referral_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(community).bind(id).bind(v.resident_id).bind(v.doctor_id).bind(&v.note).bind(v.referral_id)
                    .bind(t).execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Held sessions and the people they served between two days (both included), at
    /// these places only if given.
    pub async fn outreach_totals(
        &self,
        community: Uuid,
        institutions: Option<&[Uuid]>,
        (from, to): (Date, Date),
    ) -> Result<(i64, i64)> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT COUNT(*), CAST(COALESCE(SUM(o.people_served), 0) AS BIGINT) FROM outreach_sessions o");
            let f = SessionFilter::held(institutions, (from, to));
            push_filter(&mut qb, community, &f);
            qb.build_query_as::<(i64, i64)>().fetch_one(pool).await.store()
        })
    }

    /// Every held session between two days, for the counts by expert, department, place
    /// and month.
    pub async fn served_rows(
        &self,
        community: Uuid,
        institutions: Option<&[Uuid]>,
        (from, to): (Date, Date),
    ) -> Result<Vec<ServedRow>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT s.name AS expert, d.name AS department, i.name AS institution, o.day, o.people_served
                 FROM outreach_sessions o JOIN staff s ON s.community_id = o.community_id AND s.id = o.expert_id
                 LEFT JOIN departments d ON d.community_id = s.community_id AND d.id = s.department_id
                 JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id");
            let f = SessionFilter::held(institutions, (from, to));
            push_filter(&mut qb, community, &f);
            qb.build_query_as::<ServedRow>().fetch_all(pool).await.store()
        })
    }
}
