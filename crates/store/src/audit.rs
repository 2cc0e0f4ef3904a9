//! The audit trail (审计日志): who read or changed what, when, from where, and whether
//! it was allowed. Rows are only ever inserted.

use crate::{OrConflict, Page, PageRequest, Result, Store, on_db, on_db_write};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_events (id, community_id, at, account_id, username, action, entity, entity_id, outcome, ip, detail, method, path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// The audit INSERT on any executor (a pool, or a transaction whose change it records);
/// `$entity_id` overrides the entry's for rows created in the same transaction.
macro_rules! insert_audit {
    ($conn:expr, $community:expr, $e:expr, $entity_id:expr) => {
        sqlx::query($crate::audit::INSERT_AUDIT)
            .bind($crate::new_id())
            .bind($community)
            .bind($crate::now())
            .bind($e.account_id)
            .bind($e.username)
            .bind($e.action)
            .bind($e.entity)
            .bind($entity_id)
            .bind(if $e.allowed { "allowed" } else { "denied" })
            .bind($e.ip)
            .bind($e.detail)
            .bind($e.method)
            .bind($e.path)
            .execute($conn)
    };
}
pub(crate) use insert_audit;

/// The values of [`INSERT_AUDIT`] for a direct SQLite connection, owned so that the
/// write can wait in the writer's queue.
pub(crate) fn audit_row(
    community: Uuid,
    e: &AuditEntry<'_>,
    entity_id: Option<Uuid>,
) -> Vec<rusqlite::types::Value> {
    let outcome = if e.allowed { "allowed" } else { "denied" };
    crate::lite::params![
        crate::new_id(),
        community,
        crate::now(),
        e.account_id,
        e.username,
        e.action,
        e.entity,
        entity_id,
        outcome,
        e.ip,
        e.detail,
        e.method,
        e.path
    ]
    .to_vec()
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub account_id: Option<Uuid>,
    pub username: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
    pub allowed: bool,
    pub ip: &'a str,
    pub detail: &'a str,
    /// The request behind the event (empty outside HTTP).
    pub method: &'a str,
    pub path: &'a str,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditEvent {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub account_id: Option<Uuid>,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub outcome: String,
    pub ip: String,
    pub detail: String,
    pub method: String,
    pub path: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub username: Option<String>,
    pub entity_id: Option<Uuid>,
    pub outcome: Option<String>,
    /// One action code (`resident.read`, …).
    pub action: Option<String>,
    /// Only events at or after this instant.
    pub since: Option<OffsetDateTime>,
}

fn push_filters<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, community: Uuid, q: &AuditQuery)
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    OffsetDateTime: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE community_id = ").push_bind(community);
    if let Some(t) = q.since {
        qb.push(" AND at >= ").push_bind(t);
    }
    if let Some(u) = q.username.as_deref().filter(|u| !u.is_empty()) {
        qb.push(" AND username = ").push_bind(u.to_string());
    }
    if let Some(e) = q.entity_id {
        qb.push(" AND entity_id = ").push_bind(e);
    }
    if let Some(o) = q.outcome.as_deref().filter(|o| !o.is_empty()) {
        qb.push(" AND outcome = ").push_bind(o.to_string());
    }
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty()) {
        qb.push(" AND action = ").push_bind(a.to_string());
    }
}

impl Store {
    pub async fn record_audit(&self, community: Uuid, e: &AuditEntry<'_>) -> Result<()> {
        if let Some(lite) = &self.lite {
            let row = audit_row(community, e, e.entity_id);
            return lite
                .write(move |c| crate::lite::execute(c, INSERT_AUDIT, &row).map(|_| ()))
                .await;
        }
        on_db_write!(self, pool => insert_audit!(pool, community, e, e.entity_id).await.store().map(|_| ()))?;
        Ok(())
    }

    /// Newest first.
    pub async fn list_audit(
        &self,
        community: Uuid,
        q: &AuditQuery,
        page: PageRequest,
    ) -> Result<Page<AuditEvent>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT id, at, account_id, username, action, entity, entity_id, outcome, ip, detail, method, path FROM audit_events");
            push_filters(&mut qb, community, q);
            qb.push(" ORDER BY at DESC, id DESC LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<AuditEvent>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM audit_events");
            push_filters(&mut qc, community, q);
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
}
