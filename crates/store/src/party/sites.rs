//! First-secretary sites (第一书记): the receiving site, the secretary, two years by
//! default, and the fund spent against its budget, in fen.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A site with its fund's standing.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Site {
    pub id: Uuid,
    pub institution_id: Uuid,
    /// The receiving site's name.
    pub name: String,
    pub sending_institution_id: Uuid,
    pub sending_name: String,
    pub secretary_account_id: Uuid,
    pub secretary_name: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub starts_on: Date,
    #[serde(serialize_with = "crate::iso_date")]
    pub ends_on: Date,
    pub budget_fen: i64,
    pub spent_fen: i64,
}

#[derive(Debug, Clone)]
pub struct NewSite {
    pub institution_id: Uuid,
    pub sending_institution_id: Uuid,
    pub secretary_account_id: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    pub budget_fen: i64,
    /// The tasks it starts with: each task's template code and the day it is due.
    pub tasks: Vec<(String, Date)>,
}

/// One line of a site's fund ledger.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Spending {
    pub id: Uuid,
    pub site_id: Uuid,
    pub amount_fen: i64,
    pub category: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub spent_on: Date,
    pub note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewSpending {
    pub amount_fen: i64,
    pub category: String,
    pub spent_on: Date,
    pub note: String,
    pub recorded_by: Option<Uuid>,
}

const SITE_SELECT: &str = "SELECT s.id, s.institution_id, i.name AS name, s.sending_institution_id,
    h.name AS sending_name, s.secretary_account_id, a.display_name AS secretary_name, s.starts_on, s.ends_on,
    s.budget_fen, s.spent_fen
    FROM fs_sites s JOIN institutions i ON i.community_id = s.community_id AND i.id = s.institution_id
    JOIN institutions h ON h.community_id = s.community_id AND h.id = s.sending_institution_id
    JOIN accounts a ON a.community_id = s.community_id AND a.id = s.secretary_account_id";

impl Store {
    /// Creates a site with its task list, in one transaction.
    pub async fn insert_site(&self, community: Uuid, n: &NewSite) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO fs_sites (id, community_id, institution_id, sending_institution_id,
                    secretary_account_id, starts_on, ends_on, budget_fen, spent_fen, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)")
                .bind(id).bind(community).bind(n.institution_id).bind(n.sending_institution_id)
                .bind(n.secretary_account_id).bind(n.starts_on).bind(n.ends_on).bind(n.budget_fen).bind(t)
                .execute(&mut *tx).await.store()?;
            for (subject, due) in &n.tasks {
                sqlx::query("INSERT INTO party_work (id, community_id, kind, site_id, subject, title, due_on, status,
                        created_at, updated_at) VALUES ($1, $2, 'site_task', $3, $4, '', $5, 'open', $6, $6)")
                    .bind(new_id()).bind(community).bind(id).bind(subject).bind(due).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The sites of one secretary, or all of them.
    pub async fn sites(&self, community: Uuid, secretary: Option<Uuid>) -> Result<Vec<Site>> {
        let only = if secretary.is_some() {
            " AND s.secretary_account_id = $2"
        } else {
            ""
        };
        let sql = format!("{SITE_SELECT} WHERE s.community_id = $1{only} ORDER BY i.name, s.id");
        on_db!(self, pool => {
            let q = sqlx::query_as::<_, Site>(AssertSqlSafe(sql.as_str())).bind(community);
            match secretary {
                Some(a) => q.bind(a).fetch_all(pool).await.store(),
                None => q.fetch_all(pool).await.store(),
            }
        })
    }

    pub async fn get_site(&self, community: Uuid, id: Uuid) -> Result<Site> {
        let sql = format!("{SITE_SELECT} WHERE s.community_id = $1 AND s.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Site>(AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// Records a spending with its audit row if it fits what remains of the budget;
    /// `Ok(None)` when it would overspend (nothing written).
    pub async fn record_spending(
        &self,
        community: Uuid,
        site: Uuid,
        n: &NewSpending,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let fits = sqlx::query("UPDATE fs_sites SET spent_fen = spent_fen + $1
                 WHERE community_id = $2 AND id = $3 AND spent_fen + $1 <= budget_fen")
                .bind(n.amount_fen).bind(community).bind(site)
                .execute(&mut *tx).await.store()?.rows_affected();
            if fits == 0 {
                return Ok(None);
            }
            sqlx::query("INSERT INTO fs_spending (id, community_id, site_id, amount_fen, category, spent_on, note,
                    recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(community).bind(site).bind(n.amount_fen).bind(&n.category).bind(n.spent_on)
                .bind(&n.note).bind(n.recorded_by).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// A site's fund ledger, newest first.
    pub async fn site_spending(&self, community: Uuid, site: Uuid) -> Result<Vec<Spending>> {
        on_db!(self, pool => sqlx::query_as::<_, Spending>(
            "SELECT id, site_id, amount_fen, category, spent_on, note, created_at FROM fs_spending
             WHERE community_id = $1 AND site_id = $2 ORDER BY spent_on DESC, created_at DESC, id")
            .bind(community).bind(site).fetch_all(pool).await.store())
    }
}
