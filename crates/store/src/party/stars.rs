//! Star-rated branches in the store: the community's scale, each branch's criteria of a
//! year as `star_criterion` work items (one per branch, year and criterion) with their
//! evidence, and the yearly rating that scores them all at once.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A criterion of a branch's year as it stands.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StarCriterion {
    pub id: Uuid,
    /// The criterion's code (`leadership`, `org_life`, …).
    pub subject: String,
    pub status: String,
    pub score: Option<i32>,
}

/// A yearly rating as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StarRating {
    pub id: Uuid,
    pub org_id: Uuid,
    pub org: String,
    pub year: i32,
    /// `code=n` pairs, `;`-separated, in the sheet's order.
    pub scores: String,
    pub total: i32,
    pub stars: i32,
    /// The scale it was rated on (`70,80,90`).
    pub thresholds: String,
    pub comment: String,
    pub rated_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Evidence filed for a criterion: the criterion moves from `from` to `to` as the rules
/// decided (`open` when it has no item yet).
#[derive(Debug, Clone)]
pub struct StarEvidence {
    pub criterion: &'static str,
    pub text: String,
    pub from: &'static str,
    pub to: &'static str,
    pub at: OffsetDateTime,
}

/// A rating to record: each criterion's score, and what they make.
#[derive(Debug, Clone)]
pub struct NewStarRating {
    pub scores: Vec<(&'static str, i32)>,
    pub scores_text: String,
    pub total: i32,
    pub stars: i32,
    pub thresholds: String,
    pub comment: String,
    pub at: OffsetDateTime,
}

const RATING_COLUMNS: &str =
    "SELECT r.id, r.org_id, o.name AS org, r.year, r.scores, r.total, r.stars,
        r.thresholds, r.comment, a.display_name AS rated_by, r.created_at
     FROM party_star_ratings r
     JOIN party_orgs o ON o.community_id = r.community_id AND o.id = r.org_id
     LEFT JOIN accounts a ON a.community_id = r.community_id AND a.id = r.rated_by
     WHERE r.community_id = $1";

impl Store {
    /// The scale the community set, if it set one.
    pub async fn star_scale(&self, community: Uuid) -> Result<Option<String>> {
        on_db!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT thresholds FROM party_star_settings WHERE community_id = $1")
            .bind(community).fetch_optional(pool).await.store())
    }

    /// Sets the community's scale, with its audit row.
    pub async fn set_star_scale(
        &self,
        community: Uuid,
        thresholds: &str,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_star_settings (community_id, thresholds, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (community_id)
                 DO UPDATE SET thresholds = excluded.thresholds, updated_by = excluded.updated_by,
                    updated_at = excluded.updated_at")
                .bind(community).bind(thresholds).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// A branch's criteria of a year that have an item (those with evidence or a score).
    pub async fn star_criteria(
        &self,
        community: Uuid,
        org: Uuid,
        year: i32,
    ) -> Result<Vec<StarCriterion>> {
        on_db!(self, pool => sqlx::query_as::<_, StarCriterion>(
            "SELECT id, subject, status, score FROM party_work
             WHERE community_id = $1 AND org_id = $2 AND kind = 'star_criterion' AND title = $3")
            .bind(community).bind(org).bind(year.to_string()).fetch_all(pool).await.store())
    }

    /// Files evidence for a criterion of a branch's year, with its audit row: the item is
    /// made on the first evidence, and moves only from `e.from`; `Ok(None)` when it had
    /// moved on (nothing written).
    pub async fn file_star_evidence(
        &self,
        community: Uuid,
        (org, year): (Uuid, i32),
        e: &StarEvidence,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let year_end = Date::from_calendar_date(year, time::Month::December, 31)
            .map_err(|_| crate::StoreError::NotFound)?;
        let evidence = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, subject, title, due_on, status,
                    created_by, created_at, updated_at)
                 VALUES ($1, $2, 'star_criterion', $3, $4, $5, $6, 'open', $7, $8, $8) ON CONFLICT DO NOTHING")
                .bind(new_id()).bind(community).bind(org).bind(e.criterion).bind(year.to_string())
                .bind(year_end).bind(audit.account_id).bind(e.at)
                .execute(&mut *tx).await.store()?;
            let item = sqlx::query_scalar::<_, Uuid>("UPDATE party_work SET status = $1, updated_at = $2
                 WHERE community_id = $3 AND org_id = $4 AND kind = 'star_criterion' AND subject = $5
                    AND title = $6 AND status = $7 RETURNING id")
                .bind(e.to).bind(e.at).bind(community).bind(org).bind(e.criterion)
                .bind(year.to_string()).bind(e.from)
                .fetch_optional(&mut *tx).await.store()?;
            let Some(item) = item else {
                return Ok(None);
            };
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'star_evidence', $4, $5, $6)")
                .bind(evidence).bind(community).bind(item).bind(&e.text).bind(audit.account_id).bind(e.at)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(item)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(evidence))
    }

    /// Rates a branch's year in one transaction with its audit row: the rating (a conflict
    /// when the year is rated already), and every criterion scored and moved from
    /// submitted to evaluated; `Ok(None)` when a criterion was no longer submitted
    /// (nothing written).
    pub async fn rate_branch(
        &self,
        community: Uuid,
        (org, year): (Uuid, i32),
        r: &NewStarRating,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_star_ratings (id, community_id, org_id, year, scores, total, stars,
                    thresholds, comment, rated_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(id).bind(community).bind(org).bind(year).bind(&r.scores_text).bind(r.total).bind(r.stars)
                .bind(&r.thresholds).bind(&r.comment).bind(audit.account_id).bind(r.at)
                .execute(&mut *tx).await.store()?;
            for (criterion, score) in &r.scores {
                let moved = sqlx::query("UPDATE party_work SET status = 'evaluated', score = $1, updated_at = $2
                     WHERE community_id = $3 AND org_id = $4 AND kind = 'star_criterion' AND subject = $5
                        AND title = $6 AND status = 'submitted'")
                    .bind(score).bind(r.at).bind(community).bind(org).bind(*criterion).bind(year.to_string())
                    .execute(&mut *tx).await.store()?.rows_affected();
                if moved == 0 {
                    return Ok(None);
                }
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// The ratings of one branch over the years (newest first), or of every branch in one
    /// year (best first).
    pub async fn star_ratings(
        &self,
        community: Uuid,
        (org, year): (Option<Uuid>, Option<i32>),
    ) -> Result<Vec<StarRating>> {
        let sql = format!(
            "{RATING_COLUMNS} AND ($2 IS NULL OR r.org_id = $2) AND ($3 IS NULL OR r.year = $3)
             ORDER BY r.year DESC, r.total DESC, o.name"
        );
        on_db!(self, pool => sqlx::query_as::<_, StarRating>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(org).bind(year).fetch_all(pool).await.store())
    }

    /// A past year's ratings written at once (a community's history): for each branch its
    /// criteria evaluated with their scores and evidence, and its rating, by `rated_by`.
    pub async fn insert_star_history(
        &self,
        community: Uuid,
        (year, at, rated_by): (i32, OffsetDateTime, Uuid),
        rated: &[(Uuid, NewStarRating)],
    ) -> Result<()> {
        let year_end = Date::from_calendar_date(year, time::Month::December, 31)
            .map_err(|_| crate::StoreError::NotFound)?;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (org, r) in rated {
                for (criterion, score) in &r.scores {
                    let item = new_id();
                    sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, subject, title, due_on,
                            status, score, created_by, created_at, updated_at)
                         VALUES ($1, $2, 'star_criterion', $3, $4, $5, $6, 'evaluated', $7, $8, $9, $9)")
                        .bind(item).bind(community).bind(org).bind(*criterion).bind(year.to_string())
                        .bind(year_end).bind(score).bind(rated_by).bind(at)
                        .execute(&mut *tx).await.store()?;
                    sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by,
                            created_at) VALUES ($1, $2, $3, 'star_evidence', $4, $5, $6)")
                        .bind(new_id()).bind(community).bind(item).bind(&r.comment).bind(rated_by).bind(at)
                        .execute(&mut *tx).await.store()?;
                }
                sqlx::query("INSERT INTO party_star_ratings (id, community_id, org_id, year, scores, total, stars,
                        thresholds, comment, rated_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                    .bind(new_id()).bind(community).bind(org).bind(year).bind(&r.scores_text).bind(r.total)
                    .bind(r.stars).bind(&r.thresholds).bind(&r.comment).bind(rated_by).bind(at)
                    .execute(&mut *tx).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
