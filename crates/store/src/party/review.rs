//! The committee's review of the work branches and sites submit (decision 0012): a
//! branch's activity held and minuted, a site's task reported done. Reviewing moves the
//! item from submitted to evaluated with the committee's comment as evidence.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A work item waiting for the committee's review.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ReviewItem {
    pub id: Uuid,
    /// `activity` or `site_task`.
    pub kind: String,
    pub subject: String,
    pub title: String,
    /// The branch, or the site's institution.
    pub place: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub held_on: Option<Date>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// What the review queue holds: submitted activities (but the committee's own joint
/// meetings) and submitted site tasks.
const QUEUE: &str = "FROM party_work w
     LEFT JOIN party_orgs o ON o.community_id = w.community_id AND o.id = w.org_id
     LEFT JOIN fs_sites s ON s.community_id = w.community_id AND s.id = w.site_id
     LEFT JOIN institutions i ON i.community_id = s.community_id AND i.id = s.institution_id
     WHERE w.community_id = $1 AND w.status = 'submitted' AND w.kind IN ('activity', 'site_task')
        AND w.subject <> 'joint_meeting'";

impl Store {
    /// The newest `limit` items waiting for review, and how many wait in all.
    pub async fn awaiting_review(
        &self,
        community: Uuid,
        limit: i64,
    ) -> Result<(Vec<ReviewItem>, i64)> {
        let list = format!(
            "SELECT w.id, w.kind, w.subject, w.title, COALESCE(o.name, i.name, '') AS place, w.held_on,
                w.updated_at {QUEUE} ORDER BY w.updated_at DESC, w.id LIMIT $2"
        );
        let count = format!("SELECT COUNT(*) {QUEUE}");
        let items = on_db!(self, pool => sqlx::query_as::<_, ReviewItem>(sqlx::AssertSqlSafe(list.as_str()))
            .bind(community).bind(limit).fetch_all(pool).await.store())?;
        let total = on_db!(self, pool => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count.as_str()))
            .bind(community).fetch_one(pool).await.store())?;
        Ok((items, total))
    }

    /// Reviews a submitted activity or site task with the committee's comment and its
    /// audit row; `false` when it was not waiting for review (nothing written).
    pub async fn review_work(
        &self,
        community: Uuid,
        work: Uuid,
        comment: &str,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_work SET status = 'evaluated', updated_at = $1
                 WHERE community_id = $2 AND id = $3 AND status = 'submitted'
                    AND kind IN ('activity', 'site_task') AND subject <> 'joint_meeting'")
                .bind(t).bind(community).bind(work)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'review', $4, $5, $6)")
                .bind(new_id()).bind(community).bind(work).bind(comment).bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(work)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }
}
