//! The shared diagnostic centres in the store: orders and their results (lab values,
//! imaging and pathology reports), the earlier results recognition looks at, the results
//! reused instead of a new order, and the laboratories' quality assessments.

mod bulk;
mod consult;
mod figures;
mod files;
mod lists;
mod settings;
mod slots;
mod sterile;
pub use bulk::*;
pub use consult::*;
pub use figures::*;
pub use files::*;
pub use lists::*;
pub use slots::*;
pub use sterile::*;

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::{Centre, Flag, Urgency};
use yigong_domain::diagnostics::order::Status;
use yigong_domain::diagnostics::recognition::RepeatReason;
use yigong_domain::ids::OrderId;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Order {
    #[sqlx(try_from = "Uuid")]
    pub id: OrderId,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub item_code: String,
    #[sqlx(try_from = "String")]
    pub centre: Centre,
    pub from_institution_id: Uuid,
    pub from_institution_name: String,
    pub performer_id: Uuid,
    pub performer_name: String,
    pub ordered_by: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub urgency: Urgency,
    pub question: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub repeat_reason: Option<String>,
    pub repeat_of: Option<Uuid>,
    pub price_fen: i64,
    #[serde(with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
    pub claimed_by: Option<Uuid>,
    pub claimed_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
    pub reported_by: Option<Uuid>,
    pub findings: String,
    pub impression: String,
    pub critical: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(skip)]
    pub version: i64,
}

/// A reported laboratory value.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize)]
pub struct ResultValue {
    pub analyte: String,
    pub value: f64,
    pub unit: String,
    pub ref_low: f64,
    pub ref_high: f64,
    #[sqlx(try_from = "String")]
    pub flag: Flag,
}

pub(crate) const SELECT: &str = "SELECT o.id, o.resident_id, r.name AS resident_name, o.item_code, o.centre,
    o.from_institution_id, f.name AS from_institution_name, o.performer_id, p.name AS performer_name,
    o.ordered_by, o.urgency, o.question, o.status, o.repeat_reason, o.repeat_of, o.price_fen, o.received_at,
    o.claimed_by, a.display_name AS claimed_by_name, o.claimed_at, o.reported_at, o.reported_by, o.findings,
    o.impression, o.critical, o.acknowledged_at, o.created_at, o.version
    FROM diag_orders o JOIN residents r ON r.community_id = o.community_id AND r.id = o.resident_id
    JOIN institutions f ON f.community_id = o.community_id AND f.id = o.from_institution_id
    JOIN institutions p ON p.community_id = o.community_id AND p.id = o.performer_id
    LEFT JOIN accounts a ON a.community_id = o.community_id AND a.id = o.claimed_by";

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub resident_id: Uuid,
    pub item_code: String,
    pub centre: Centre,
    pub from_institution_id: Uuid,
    pub performer_id: Uuid,
    pub urgency: Urgency,
    pub question: String,
    pub repeat: Option<(RepeatReason, Uuid)>,
    pub price_fen: i64,
}

/// An earlier reported result of a patient's item, as recognition looks at it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EarlierRow {
    pub id: Uuid,
    pub reported_at: OffsetDateTime,
    pub performer_id: Uuid,
    pub performer_name: String,
    pub performer_kind: String,
    /// The performer's latest quality assessment for the centre was passed.
    pub passed: bool,
}

/// The columns an action changes, decided by the caller on the order as it stood.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub status: Status,
    pub received_at: Option<OffsetDateTime>,
    pub claimed_by: Option<Uuid>,
    pub claimed_at: Option<OffsetDateTime>,
    pub report: Option<NewResult>,
    pub acknowledged_by: Option<Uuid>,
}

/// A result as the centre signs it.
#[derive(Debug, Clone, Default)]
pub struct NewResult {
    pub values: Vec<ResultValue>,
    pub findings: String,
    pub impression: String,
    pub critical: bool,
}

impl Store {
    /// Places an order with its audit row; its id.
    pub async fn place_order(
        &self,
        community: Uuid,
        n: &NewOrder,
        audit: &AuditEntry<'_>,
    ) -> Result<OrderId> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO diag_orders (id, community_id, resident_id, item_code, centre, from_institution_id,
                    performer_id, ordered_by, urgency, question, status, repeat_reason, repeat_of, price_fen, created_at,
                    updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'ordered', $11, $12, $13, $14, $14)")
                .bind(id).bind(community).bind(n.resident_id).bind(&n.item_code).bind(n.centre.as_str())
                .bind(n.from_institution_id).bind(n.performer_id).bind(audit.account_id).bind(n.urgency.as_str())
                .bind(&n.question).bind(n.repeat.map(|r| r.0.as_str())).bind(n.repeat.map(|r| r.1))
                .bind(n.price_fen).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(OrderId::from(id))
    }

    pub async fn get_order(&self, community: Uuid, id: OrderId) -> Result<Order> {
        let sql = format!("{SELECT} WHERE o.community_id = $1 AND o.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Order>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id.uuid()).fetch_optional(pool).await.store()?)
        .ok_or(crate::StoreError::NotFound)
    }

    /// A laboratory order's values, in the order they were entered.
    pub async fn order_values(&self, community: Uuid, id: OrderId) -> Result<Vec<ResultValue>> {
        on_db!(self, pool => sqlx::query_as::<_, ResultValue>(
            "SELECT analyte, value, unit, ref_low, ref_high, flag FROM diag_values
             WHERE community_id = $1 AND order_id = $2 ORDER BY position")
            .bind(community).bind(id.uuid()).fetch_all(pool).await.store())
    }

    /// The patient's reported results of an item since `since`, the latest first, with
    /// what recognition needs to know of whoever performed them.
    pub async fn earlier_results(
        &self,
        community: Uuid,
        resident: Uuid,
        item: &str,
        since: OffsetDateTime,
    ) -> Result<Vec<EarlierRow>> {
        on_db!(self, pool => sqlx::query_as::<_, EarlierRow>(
            "SELECT o.id, o.reported_at, o.performer_id, p.name AS performer_name, p.kind AS performer_kind,
                COALESCE((SELECT q.passed FROM diag_quality q WHERE q.community_id = o.community_id
                    AND q.institution_id = o.performer_id AND q.centre = o.centre
                    ORDER BY q.assessed_on DESC LIMIT 1), FALSE) AS passed
             FROM diag_orders o JOIN institutions p ON p.community_id = o.community_id AND p.id = o.performer_id
             WHERE o.community_id = $1 AND o.resident_id = $2 AND o.item_code = $3 AND o.reported_at >= $4
                AND o.status = 'reported'
             ORDER BY o.reported_at DESC LIMIT 20")
            .bind(community).bind(resident).bind(item).bind(since).fetch_all(pool).await.store())
    }

    /// Applies a change decided on the order at `version`, with its values and audit row,
    /// in one transaction. `Ok(false)` when the order moved on meanwhile: nothing is
    /// written.
    pub async fn change_order(
        &self,
        community: Uuid,
        (id, version): (OrderId, i64),
        c: &OrderChange,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let (id, t) = (id.uuid(), now());
        let r = c.report.as_ref();
        let ack = c.acknowledged_by.map(|_| t);
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query(
                "UPDATE diag_orders SET status = $3, received_at = $4, claimed_by = $5, claimed_at = $6,
                    reported_at = COALESCE($7, reported_at), reported_by = COALESCE($8, reported_by),
                    findings = COALESCE($9, findings), impression = COALESCE($10, impression),
                    critical = COALESCE($11, critical), acknowledged_at = COALESCE($12, acknowledged_at),
                    acknowledged_by = COALESCE($13, acknowledged_by), updated_at = $14, version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $15")
                .bind(community).bind(id).bind(c.status.as_str()).bind(c.received_at).bind(c.claimed_by)
                .bind(c.claimed_at).bind(r.map(|_| t)).bind(r.and(audit.account_id))
                .bind(r.map(|r| r.findings.clone())).bind(r.map(|r| r.impression.clone())).bind(r.map(|r| r.critical))
                .bind(ack).bind(c.acknowledged_by).bind(t).bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            for (n, v) in r.map_or(&[][..], |r| &r.values).iter().enumerate() {
                sqlx::query("INSERT INTO diag_values (community_id, order_id, analyte, position, value, unit, ref_low,
                        ref_high, flag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(community).bind(id).bind(&v.analyte).bind(n as i64).bind(v.value).bind(&v.unit)
                    .bind(v.ref_low).bind(v.ref_high).bind(v.flag.as_str())
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Records an earlier result taken instead of a new order (a repeat avoided), with its
    /// audit row.
    pub async fn reuse_result(
        &self,
        community: Uuid,
        (result, institution, price_fen): (&Order, Uuid, i64),
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO diag_reuses (id, community_id, resident_id, item_code, result_id, institution_id,
                    reused_by, price_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(community).bind(result.resident_id).bind(&result.item_code).bind(result.id.uuid())
                .bind(institution).bind(audit.account_id).bind(price_fen).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(result.id.uuid())).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Records a laboratory's external quality assessment for a centre's work.
    pub async fn record_quality(
        &self,
        community: Uuid,
        (institution, centre, assessed_on, passed): (Uuid, Centre, Date, bool),
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO diag_quality (community_id, institution_id, centre, assessed_on, passed)
                 VALUES ($1, $2, $3, $4, $5)")
                .bind(community).bind(institution).bind(centre.as_str()).bind(assessed_on).bind(passed)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(institution)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
