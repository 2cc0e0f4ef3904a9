//! The appraisal's rows: the score sheet's items, the manual points given per quarter,
//! and the published quarters, each frozen as the JSON the page showed when it was
//! published. A published quarter takes no more manual points: the check and the write
//! share a transaction.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::indicators::appraisal::{ItemKind, ValidItem};

/// One item of the sheet.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AppraisalItem {
    pub id: Uuid,
    pub position: i64,
    #[sqlx(try_from = "String")]
    pub kind: ItemKind,
    /// The indicator's code (an indicator item), empty for a manual one.
    pub code: String,
    /// What a manual item appraises, empty for an indicator.
    pub name: String,
    pub weight: i64,
    pub target: Option<f64>,
}

/// Points given to one member for one manual item in a quarter.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ManualScore {
    pub institution_id: Uuid,
    pub item_id: Uuid,
    pub points: f64,
    pub evidence: String,
    pub entered_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub entered_at: OffsetDateTime,
}

/// A published quarter.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Round {
    pub published_at: OffsetDateTime,
    pub published_by: Option<String>,
    /// The sheet and the scores as published (JSON).
    pub frozen: String,
}

/// What happened to a manual score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scored {
    Saved,
    /// The quarter is published: nothing changed.
    Frozen,
    /// No such item on the sheet (or not a manual one).
    NoItem,
}

impl Store {
    /// The sheet, in its order.
    pub async fn appraisal_items(&self, community: Uuid) -> Result<Vec<AppraisalItem>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT id, position, kind, code, name, weight, target FROM appraisal_items
             WHERE community_id = $1 ORDER BY position, id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Adds an item at the end of the sheet, with its audit row; its id.
    pub async fn add_appraisal_item(
        &self,
        community: Uuid,
        item: &ValidItem,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(
                "INSERT INTO appraisal_items (id, community_id, position, kind, code, name, weight, target, created_at)
                 SELECT $1, $2, COALESCE(MAX(position), 0) + 1, $3, $4, $5, $6, $7, $8
                 FROM appraisal_items WHERE community_id = $2")
                .bind(id).bind(community).bind(item.kind.as_str()).bind(&item.code).bind(&item.name)
                .bind(item.weight).bind(item.target).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Changes an item's weight and target; whether it exists.
    pub async fn change_appraisal_item(
        &self,
        community: Uuid,
        id: Uuid,
        (weight, target): (i64, Option<f64>),
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query(
                "UPDATE appraisal_items SET weight = $3, target = $4 WHERE community_id = $1 AND id = $2")
                .bind(community).bind(id).bind(weight).bind(target)
                .execute(&mut *tx).await.store()?.rows_affected();
            if n == 1 {
                insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
                tx.commit().await.store()?;
            }
            Ok(n == 1)
        })
    }

    /// Takes an item off the sheet with the manual points given for it (published
    /// quarters keep theirs in their frozen copy); whether it existed.
    pub async fn remove_appraisal_item(
        &self,
        community: Uuid,
        id: Uuid,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("DELETE FROM appraisal_manual_scores WHERE community_id = $1 AND item_id = $2")
                .bind(community).bind(id).execute(&mut *tx).await.store()?;
            let n = sqlx::query("DELETE FROM appraisal_items WHERE community_id = $1 AND id = $2")
                .bind(community).bind(id).execute(&mut *tx).await.store()?.rows_affected();
            if n == 1 {
                insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
                tx.commit().await.store()?;
            }
            Ok(n == 1)
        })
    }

    /// The manual points of a quarter, with who entered them.
    pub async fn manual_scores(&self, community: Uuid, quarter: &str) -> Result<Vec<ManualScore>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT s.institution_id, s.item_id, s.points, s.evidence, a.display_name AS entered_by, s.entered_at
             FROM appraisal_manual_scores s
             LEFT JOIN accounts a ON a.community_id = s.community_id AND a.id = s.entered_by
             WHERE s.community_id = $1 AND s.quarter = $2")
            .bind(community).bind(quarter).fetch_all(pool).await.store())
    }

    /// Gives (or corrects) one member's points for a manual item in a quarter, unless
    /// the quarter is published.
    pub async fn set_manual_score(
        &self,
        community: Uuid,
        (quarter, institution, item): (&str, Uuid, Uuid),
        (points, evidence): (f64, &str),
        audit: &AuditEntry<'_>,
    ) -> Result<Scored> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let frozen: Option<String> = sqlx::query_scalar(
                "SELECT quarter FROM appraisal_rounds WHERE community_id = $1 AND quarter = $2")
                .bind(community).bind(quarter).fetch_optional(&mut *tx).await.store()?;
            if frozen.is_some() {
                return Ok(Scored::Frozen);
            }
            let manual: Option<String> = sqlx::query_scalar(
                "SELECT kind FROM appraisal_items WHERE community_id = $1 AND id = $2 AND kind = 'manual'")
                .bind(community).bind(item).fetch_optional(&mut *tx).await.store()?;
            if manual.is_none() {
                return Ok(Scored::NoItem);
            }
            sqlx::query(
                "INSERT INTO appraisal_manual_scores (community_id, quarter, institution_id, item_id, points, evidence,
                    entered_by, entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (community_id, quarter, institution_id, item_id)
                 DO UPDATE SET points = excluded.points, evidence = excluded.evidence,
                    entered_by = excluded.entered_by, entered_at = excluded.entered_at")
                .bind(community).bind(quarter).bind(institution).bind(item).bind(points).bind(evidence)
                .bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(item)).await.store()?;
            tx.commit().await.store()?;
            Ok(Scored::Saved)
        })
    }

    /// A published quarter, if it is one.
    pub async fn appraisal_round(&self, community: Uuid, quarter: &str) -> Result<Option<Round>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT r.published_at, a.display_name AS published_by, r.frozen FROM appraisal_rounds r
             LEFT JOIN accounts a ON a.community_id = r.community_id AND a.id = r.published_by
             WHERE r.community_id = $1 AND r.quarter = $2")
            .bind(community).bind(quarter).fetch_optional(pool).await.store())
    }

    /// Publishes a quarter with its frozen copy; `false` when it was already published
    /// (the first copy stays).
    pub async fn publish_appraisal(
        &self,
        community: Uuid,
        quarter: &str,
        frozen: &str,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query(
                "INSERT INTO appraisal_rounds (community_id, quarter, published_at, published_by, frozen)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, quarter) DO NOTHING")
                .bind(community).bind(quarter).bind(now()).bind(audit.account_id).bind(frozen)
                .execute(&mut *tx).await.store()?.rows_affected();
            if n == 1 {
                insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
                tx.commit().await.store()?;
            }
            Ok(n == 1)
        })
    }
}
