//! A first secretary's site at work (decision 0012): its tasks (party_work rows of kind
//! `site_task`), the progress reports filed against them as evidence, and the committee's
//! quarterly evaluation, once per site and quarter.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A site's task with its reports.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SiteTask {
    pub id: Uuid,
    /// The template's code (`health_centre`, `chest_pain_unit`, …).
    pub subject: String,
    pub title: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub due_on: Option<Date>,
    pub status: String,
    pub reports: i64,
}

/// A progress report, with its task.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Report {
    pub id: Uuid,
    pub task_id: Uuid,
    pub subject: String,
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A progress report to file: the task moves from `from` to `to` (the same when it is
/// already under way and not reported done), as the rules decided.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub task: Uuid,
    pub text: String,
    pub from: &'static str,
    pub to: &'static str,
    pub at: OffsetDateTime,
}

/// A quarterly evaluation as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Evaluation {
    pub id: Uuid,
    pub quarter: String,
    /// `code=n` pairs, `;`-separated, in the sheet's order.
    pub scores: String,
    pub total: i32,
    pub grade: String,
    pub comment: String,
    pub evaluator: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewEvaluation {
    pub quarter: String,
    pub scores: String,
    pub total: i32,
    pub grade: &'static str,
    pub comment: String,
}

impl Store {
    /// A site's tasks in the order they are due, with how many reports each has.
    pub async fn site_tasks(&self, community: Uuid, site: Uuid) -> Result<Vec<SiteTask>> {
        on_db!(self, pool => sqlx::query_as::<_, SiteTask>(
            "SELECT w.id, w.subject, w.title, w.due_on, w.status,
                (SELECT COUNT(*) FROM party_evidence e WHERE e.community_id = w.community_id
                    AND e.work_id = w.id) AS reports
             FROM party_work w WHERE w.community_id = $1 AND w.site_id = $2 AND w.kind = 'site_task'
             ORDER BY w.due_on, w.subject, w.id")
            .bind(community).bind(site).fetch_all(pool).await.store())
    }

    /// Files a progress report on a task of `site` with its audit row, moving the task
    /// only from `r.from`; `Ok(None)` when the task is not the site's or no longer at
    /// `r.from` (nothing written).
    pub async fn report_progress(
        &self,
        community: Uuid,
        site: Uuid,
        r: &NewReport,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_work SET status = $1, updated_at = $2
                 WHERE community_id = $3 AND id = $4 AND site_id = $5 AND kind = 'site_task' AND status = $6")
                .bind(r.to).bind(now()).bind(community).bind(r.task).bind(site).bind(r.from)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(None);
            }
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'progress', $4, $5, $6)")
                .bind(id).bind(community).bind(r.task).bind(&r.text).bind(audit.account_id).bind(r.at)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// A site's progress reports filed in `[from, to)`, newest first.
    pub async fn site_reports(
        &self,
        community: Uuid,
        site: Uuid,
        (from, to): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<Report>> {
        on_db!(self, pool => sqlx::query_as::<_, Report>(
            "SELECT e.id, e.work_id AS task_id, w.subject, e.text, e.created_at
             FROM party_evidence e JOIN party_work w ON w.community_id = e.community_id AND w.id = e.work_id
             WHERE e.community_id = $1 AND w.site_id = $2 AND w.kind = 'site_task'
                AND e.created_at >= $3 AND e.created_at < $4
             ORDER BY e.created_at DESC, e.id")
            .bind(community).bind(site).bind(from).bind(to).fetch_all(pool).await.store())
    }

    /// Records a quarter's evaluation with its audit row; `Ok(None)` when the quarter was
    /// already evaluated (nothing written).
    pub async fn record_evaluation(
        &self,
        community: Uuid,
        site: Uuid,
        e: &NewEvaluation,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let written = sqlx::query("INSERT INTO fs_evaluations (id, community_id, site_id, quarter, scores, total,
                    grade, comment, evaluated_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT DO NOTHING")
                .bind(id).bind(community).bind(site).bind(&e.quarter).bind(&e.scores).bind(e.total)
                .bind(e.grade).bind(&e.comment).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?.rows_affected();
            if written == 0 {
                return Ok(None);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// A site's evaluations, the latest quarter first.
    pub async fn evaluations(&self, community: Uuid, site: Uuid) -> Result<Vec<Evaluation>> {
        on_db!(self, pool => sqlx::query_as::<_, Evaluation>(
            "SELECT e.id, e.quarter, e.scores, e.total, e.grade, e.comment, a.display_name AS evaluator, e.created_at
             FROM fs_evaluations e LEFT JOIN accounts a ON a.community_id = e.community_id AND a.id = e.evaluated_by
             WHERE e.community_id = $1 AND e.site_id = $2 ORDER BY e.quarter DESC")
            .bind(community).bind(site).fetch_all(pool).await.store())
    }
}

/// What a site's area (the institution and its villages) did in a period, from the
/// platform's own records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Outcomes {
    pub referrals: i64,
    pub ecg_uploads: i64,
    pub follow_ups: i64,
    pub enrolled: i64,
}

impl Store {
    /// The outcome counts of `institution` and its villages over the days `[first, last]`.
    pub async fn site_outcomes(
        &self,
        community: Uuid,
        institution: Uuid,
        (first, last): (Date, Date),
    ) -> Result<Outcomes> {
        let from = yigong_domain::clock::start_of(first);
        let to = yigong_domain::clock::start_of(last.next_day().unwrap_or(last));
        on_db!(self, pool => sqlx::query_as::<_, Outcomes>(
            "WITH area AS (SELECT id FROM institutions WHERE community_id = $1 AND (id = $2 OR parent_id = $2))
             SELECT
                (SELECT COUNT(*) FROM referrals r WHERE r.community_id = $1
                    AND r.from_institution_id IN (SELECT id FROM area) AND r.created_at >= $3 AND r.created_at < $4) AS referrals,
                (SELECT COUNT(*) FROM ecg_studies s WHERE s.community_id = $1
                    AND s.from_institution_id IN (SELECT id FROM area) AND s.created_at >= $3 AND s.created_at < $4) AS ecg_uploads,
                (SELECT COUNT(*) FROM chronic_follow_ups f WHERE f.community_id = $1
                    AND f.institution_id IN (SELECT id FROM area) AND f.visit_on >= $5 AND f.visit_on <= $6) AS follow_ups,
                (SELECT COUNT(*) FROM chronic_registers c WHERE c.community_id = $1
                    AND c.institution_id IN (SELECT id FROM area) AND c.enrolled_on >= $5 AND c.enrolled_on <= $6) AS enrolled")
            .bind(community).bind(institution).bind(from).bind(to).bind(first).bind(last)
            .fetch_one(pool).await.store())
    }
}
