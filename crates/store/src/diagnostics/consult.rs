//! Teleconsultations in the store: requests with the results and ECGs they bring, the
//! expert's schedule, opinions, ratings, and the referral that followed.

use crate::audit::{AuditEntry, insert_audit};
use crate::indicators::tallies::add_tally;
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::clock::local_date;
use yigong_domain::diagnostics::consult::{Kind, Status};
use yigong_domain::indicators::tally::{Tally, of_consult};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Consult {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub from_institution_id: Uuid,
    pub from_name: String,
    pub requested_by: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub question: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub expert_id: Option<Uuid>,
    pub expert_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub scheduled_at: Option<OffsetDateTime>,
    pub minutes: Option<i64>,
    pub opinion: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub rating: Option<i64>,
    pub rating_comment: String,
    pub referral_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(skip)]
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewConsult {
    pub resident_id: Uuid,
    pub from_institution_id: Uuid,
    pub kind: Kind,
    pub question: String,
    /// `("order" | "ecg", id)`: what it brings along.
    pub links: Vec<(&'static str, Uuid)>,
}

/// A consultation as the counts read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsultRow {
    pub expert: Option<String>,
    pub clinic: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub created_at: OffsetDateTime,
}

/// The columns a step changes.
#[derive(Debug, Clone)]
pub struct ConsultChange {
    pub status: Status,
    pub expert_id: Option<Uuid>,
    pub scheduled_at: Option<OffsetDateTime>,
    pub minutes: Option<i64>,
    pub opinion: String,
    pub answered_at: Option<OffsetDateTime>,
    pub rating: Option<i64>,
    pub rating_comment: String,
    pub referral_id: Option<Uuid>,
}

impl ConsultChange {
    /// The columns as `c` stands, for a step to change some of them.
    pub fn of(c: &Consult) -> Self {
        Self {
            status: c.status,
            expert_id: c.expert_id,
            scheduled_at: c.scheduled_at,
            minutes: c.minutes,
            opinion: c.opinion.clone(),
            answered_at: c.answered_at,
            rating: c.rating,
            rating_comment: c.rating_comment.clone(),
            referral_id: c.referral_id,
        }
    }
}

/// Which consultations a list holds: every one, or those of these clinics and this expert.
#[derive(Debug, Clone)]
pub enum ConsultFilter {
    All,
    Involving {
        institutions: Vec<Uuid>,
        expert: Uuid,
    },
}

const SELECT: &str = "SELECT t.id, t.resident_id, r.name AS resident_name, t.from_institution_id, i.name AS from_name,
    t.requested_by, t.kind, t.question, t.status, t.expert_id, a.display_name AS expert_name, t.scheduled_at, t.minutes,
    t.opinion, t.answered_at, t.rating, t.rating_comment, t.referral_id, t.created_at, t.version
    FROM teleconsultations t JOIN residents r ON r.community_id = t.community_id AND r.id = t.resident_id
    JOIN institutions i ON i.community_id = t.community_id AND i.id = t.from_institution_id
    LEFT JOIN accounts a ON a.community_id = t.community_id AND a.id = t.expert_id";

fn push_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    (filter, resident, status): (&ConsultFilter, Option<Uuid>, Option<Status>),
    (from, before): (Option<OffsetDateTime>, Option<OffsetDateTime>),
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    OffsetDateTime: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE t.community_id = ").push_bind(community);
    if let ConsultFilter::Involving {
        institutions,
        expert,
    } = filter
    {
        qb.push(" AND (t.expert_id = ").push_bind(*expert);
        qb.push(" OR t.from_institution_id IN (");
        let mut sep = qb.separated(", ");
        for i in institutions {
            sep.push_bind(*i);
        }
        if institutions.is_empty() {
            sep.push("NULL");
        }
        qb.push("))");
    }
    if let Some(r) = resident {
        qb.push(" AND t.resident_id = ").push_bind(r);
    }
    if let Some(st) = status {
        qb.push(" AND t.status = ")
            .push_bind(st.as_str().to_string());
    }
    if let Some(t) = from {
        qb.push(" AND t.created_at >= ").push_bind(t);
    }
    if let Some(t) = before {
        qb.push(" AND t.created_at < ").push_bind(t);
    }
}

impl Store {
    /// Records a request with what it brings along and the audit row; its id.
    pub async fn add_consult(
        &self,
        community: Uuid,
        n: &NewConsult,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO teleconsultations (id, community_id, resident_id, from_institution_id, requested_by,
                    kind, question, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'requested', $8, $8)")
                .bind(id).bind(community).bind(n.resident_id).bind(n.from_institution_id).bind(audit.account_id)
                .bind(n.kind.as_str()).bind(&n.question).bind(t)
                .execute(&mut *tx).await.store()?;
            for (kind, ref_id) in &n.links {
                sqlx::query("INSERT INTO teleconsultation_links (community_id, consult_id, kind, ref_id) VALUES ($1, $2, $3, $4)")
                    .bind(community).bind(id).bind(*kind).bind(*ref_id)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    pub async fn get_consult(&self, community: Uuid, id: Uuid) -> Result<Consult> {
        let sql = format!("{SELECT} WHERE t.community_id = $1 AND t.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Consult>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// What a consultation brings along: `(kind, id)`.
    pub async fn consult_links(&self, community: Uuid, id: Uuid) -> Result<Vec<(String, Uuid)>> {
        on_db!(self, pool => sqlx::query_as::<_, (String, Uuid)>(
            "SELECT kind, ref_id FROM teleconsultation_links WHERE community_id = $1 AND consult_id = $2 ORDER BY kind, ref_id")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    /// A page of consultations (of one patient, in one status, if asked) requested in a
    /// period, the latest first.
    pub async fn find_consults(
        &self,
        community: Uuid,
        filter: (&ConsultFilter, Option<Uuid>, Option<Status>),
        period: (Option<OffsetDateTime>, Option<OffsetDateTime>),
        page: PageRequest,
    ) -> Result<Page<Consult>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_filter(&mut qb, community, filter, period);
            qb.push(" ORDER BY t.created_at DESC, t.id DESC LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Consult>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM teleconsultations t");
            push_filter(&mut qc, community, filter, period);
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

    /// Every consultation requested in a period, for the counts.
    pub async fn consult_rows(
        &self,
        community: Uuid,
        (from, before): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<ConsultRow>> {
        on_db!(self, pool => sqlx::query_as::<_, ConsultRow>(
            "SELECT a.display_name AS expert, i.name AS clinic, t.kind, t.status, t.created_at FROM teleconsultations t
             JOIN institutions i ON i.community_id = t.community_id AND i.id = t.from_institution_id
             LEFT JOIN accounts a ON a.community_id = t.community_id AND a.id = t.expert_id
             WHERE t.community_id = $1 AND t.created_at >= $2 AND t.created_at < $3")
            .bind(community).bind(from).bind(before).fetch_all(pool).await.store())
    }

    /// The expert's scheduled consultations between two instants, but one:
    /// `(start, minutes)`.
    pub async fn expert_commitments(
        &self,
        community: Uuid,
        (expert, except): (Uuid, Uuid),
        (from, before): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<(OffsetDateTime, i64)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT scheduled_at, minutes FROM teleconsultations WHERE community_id = $1 AND expert_id = $2 AND id <> $3
                AND status IN ('scheduled', 'answered') AND scheduled_at >= $4 AND scheduled_at < $5
             ORDER BY scheduled_at")
            .bind(community).bind(expert).bind(except).bind(from).bind(before).fetch_all(pool).await.store())
    }

    /// Applies a step decided on the consultation at `version`, with the audit row and
    /// the remote-diagnosis counter; `Ok(false)` when it moved on meanwhile.
    pub async fn change_consult(
        &self,
        community: Uuid,
        (id, version): (Uuid, i64),
        c: &ConsultChange,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let before: Option<(Uuid, Option<OffsetDateTime>)> = sqlx::query_as(
                "SELECT from_institution_id, answered_at FROM teleconsultations
                 WHERE community_id = $1 AND id = $2 AND version = $3")
                .bind(community).bind(id).bind(version).fetch_optional(&mut *tx).await.store()?;
            let Some((asked_by, was)) = before else {
                return Ok(false);
            };
            let moved = sqlx::query("UPDATE teleconsultations SET status = $3, expert_id = $4, scheduled_at = $5, minutes = $6,
                    opinion = $7, answered_at = $8, rating = $9, rating_comment = $10, referral_id = $11, updated_at = $12,
                    version = version + 1, answered_on = $14
                 WHERE community_id = $1 AND id = $2 AND version = $13")
                .bind(community).bind(id).bind(c.status.as_str()).bind(c.expert_id).bind(c.scheduled_at).bind(c.minutes)
                .bind(&c.opinion).bind(c.answered_at).bind(c.rating).bind(&c.rating_comment).bind(c.referral_id)
                .bind(now()).bind(version).bind(c.answered_at.map(local_date))
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            // The remote-diagnosis counter moves by what the answer changed.
            let mut tally = Tally::default();
            for (at, sign) in [(was, -1), (c.answered_at, 1)] {
                if let Some(at) = at {
                    let (m, parts) = of_consult(at);
                    tally.add(m, asked_by, &parts, sign);
                }
            }
            add_tally!(tx, community, tally);
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Loads past consultations at once (the demo): each request with its final columns.
    pub async fn bulk_load_consults(
        &self,
        community: Uuid,
        rows: &[(NewConsult, OffsetDateTime, ConsultChange)],
    ) -> Result<()> {
        for chunk in rows.chunks(200) {
            let mut tally = Tally::default();
            for (n, _, c) in chunk {
                if let Some(at) = c.answered_at {
                    let (m, parts) = of_consult(at);
                    tally.add(m, n.from_institution_id, &parts, 1);
                }
            }
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                let mut qb = QueryBuilder::new("INSERT INTO teleconsultations (id, community_id, resident_id,
                    from_institution_id, kind, question, status, expert_id, scheduled_at, minutes, opinion, answered_at,
                    answered_on, rating, rating_comment, created_at, updated_at) ");
                qb.push_values(chunk, |mut b, (n, at, c)| {
                    b.push_bind(new_id()).push_bind(community).push_bind(n.resident_id).push_bind(n.from_institution_id)
                        .push_bind(n.kind.as_str()).push_bind(n.question.clone()).push_bind(c.status.as_str())
                        .push_bind(c.expert_id).push_bind(c.scheduled_at).push_bind(c.minutes).push_bind(c.opinion.clone())
                        .push_bind(c.answered_at).push_bind(c.answered_at.map(local_date))
                        .push_bind(c.rating).push_bind(c.rating_comment.clone()).push_bind(*at)
                        .push_bind(c.answered_at.unwrap_or(*at));
                });
                qb.build().execute(&mut *tx).await.store()?;
                add_tally!(tx, community, tally);
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}
