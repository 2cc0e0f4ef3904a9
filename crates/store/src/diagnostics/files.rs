//! Files attached to an order's result, written with their audit row; listed without
//! their bytes, read with them.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::ids::OrderId;

/// An attachment of an order, without its bytes.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct OrderFile {
    pub id: Uuid,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Attaches a file to an order, with its audit row; its id.
    pub async fn attach_to_order(
        &self,
        community: Uuid,
        order: OrderId,
        (name, content_type, data): (&str, &str, &[u8]),
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO diag_attachments (id, community_id, order_id, name, content_type, size, data,
                    uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(community).bind(order.uuid()).bind(name).bind(content_type).bind(data.len() as i64)
                .bind(data).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(order.uuid())).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// An order's attachments, the first first.
    pub async fn order_files(&self, community: Uuid, order: OrderId) -> Result<Vec<OrderFile>> {
        on_db!(self, pool => sqlx::query_as::<_, OrderFile>(
            "SELECT id, name, content_type, size, created_at FROM diag_attachments
             WHERE community_id = $1 AND order_id = $2 ORDER BY created_at, id")
            .bind(community).bind(order.uuid()).fetch_all(pool).await.store())
    }

    /// An order's attachment with its bytes (not found unless it is that order's).
    pub async fn order_file(
        &self,
        community: Uuid,
        order: OrderId,
        id: Uuid,
    ) -> Result<(OrderFile, Vec<u8>)> {
        let found: Option<(Uuid, String, String, i64, OffsetDateTime, Vec<u8>)> = on_db!(self, pool => sqlx::query_as(
            "SELECT id, name, content_type, size, created_at, data FROM diag_attachments
             WHERE community_id = $1 AND order_id = $2 AND id = $3")
            .bind(community).bind(order.uuid()).bind(id).fetch_optional(pool).await.store()?);
        let (id, name, content_type, size, created_at, data) = found.ok_or(StoreError::NotFound)?;
        Ok((
            OrderFile {
                id,
                name,
                content_type,
                size,
                created_at,
            },
            data,
        ))
    }
}
