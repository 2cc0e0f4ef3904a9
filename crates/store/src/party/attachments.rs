//! Files attached to party work in the store: a spending's receipt or an activity's
//! minutes, written with their audit row; listed without their bytes, read with them.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    Work(Uuid),
    Spending(Uuid),
}

/// An attachment without its bytes.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Attachment {
    pub id: Uuid,
    pub work_id: Option<Uuid>,
    pub spending_id: Option<Uuid>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

const COLUMNS: &str =
    "id, work_id, spending_id, name, content_type, CAST(size AS BIGINT) AS size, created_at";

impl Store {
    /// Attaches a file, with its audit row; its id.
    pub async fn attach(
        &self,
        community: Uuid,
        parent: Parent,
        n: &NewAttachment,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        let (work, spending) = match parent {
            Parent::Work(w) => (Some(w), None),
            Parent::Spending(s) => (None, Some(s)),
        };
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_attachments (id, community_id, work_id, spending_id, name, content_type, size,
                    data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id).bind(community).bind(work).bind(spending).bind(&n.name).bind(n.content_type)
                .bind(n.data.len() as i64).bind(&n.data).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The files attached to the spendings of a site, oldest first.
    pub async fn site_receipts(&self, community: Uuid, site: Uuid) -> Result<Vec<Attachment>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM party_attachments WHERE community_id = $1 AND spending_id IN
                (SELECT id FROM fs_spending WHERE community_id = $1 AND site_id = $2)
             ORDER BY created_at, id"
        );
        on_db!(self, pool => sqlx::query_as::<_, Attachment>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(site).fetch_all(pool).await.store())
    }

    /// The files attached to a work item, oldest first.
    pub async fn work_attachments(&self, community: Uuid, work: Uuid) -> Result<Vec<Attachment>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM party_attachments WHERE community_id = $1 AND work_id = $2
             ORDER BY created_at, id"
        );
        on_db!(self, pool => sqlx::query_as::<_, Attachment>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(work).fetch_all(pool).await.store())
    }

    /// An attachment without its bytes (to check reach before reading them).
    pub async fn get_attachment(&self, community: Uuid, id: Uuid) -> Result<Attachment> {
        let sql =
            format!("SELECT {COLUMNS} FROM party_attachments WHERE community_id = $1 AND id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Attachment>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// An attachment's bytes.
    pub async fn attachment_bytes(&self, community: Uuid, id: Uuid) -> Result<Vec<u8>> {
        on_db!(self, pool => sqlx::query_scalar::<_, Vec<u8>>(
            "SELECT data FROM party_attachments WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// The site a spending belongs to.
    pub async fn spending_site(&self, community: Uuid, spending: Uuid) -> Result<Uuid> {
        on_db!(self, pool => sqlx::query_scalar::<_, Uuid>(
            "SELECT site_id FROM fs_spending WHERE community_id = $1 AND id = $2")
            .bind(community).bind(spending).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }
}
