//! Examination time slots: a centre opens slots for an item on a day; a resident books one
//! for an order their clinic placed (one slot per order), the slot's counter moving only
//! while places remain, as a session's does.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::Centre;
use yigong_domain::outreach::slots::Refusal;

#[derive(Debug, Clone)]
pub struct NewSlot {
    pub centre: Centre,
    pub item_code: String,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SlotRow {
    pub id: Uuid,
    pub centre: String,
    pub item_code: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
    pub booked: i64,
}

const SLOTS: &str =
    "SELECT id, centre, item_code, day, start_min, end_min, capacity, booked FROM diag_slots";

impl Store {
    /// Opens slots at once, with one audit row; their ids.
    pub async fn add_slots(
        &self,
        community: Uuid,
        rows: &[NewSlot],
        audit: &AuditEntry<'_>,
    ) -> Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = rows.iter().map(|_| new_id()).collect();
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (id, s) in ids.iter().zip(rows) {
                sqlx::query("INSERT INTO diag_slots (id, community_id, centre, item_code, day, start_min, end_min, capacity,
                        created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                    .bind(*id).bind(community).bind(s.centre.as_str()).bind(&s.item_code).bind(s.day).bind(s.start_min)
                    .bind(s.end_min).bind(s.capacity).bind(audit.account_id).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, ids.first().copied()).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(ids)
    }

    /// The slots of an item (or of every item of a centre) between two days, in order.
    pub async fn slots(
        &self,
        community: Uuid,
        (centre, item): (Option<Centre>, Option<&str>),
        (from, to): (Date, Date),
    ) -> Result<Vec<SlotRow>> {
        let sql = format!(
            "{SLOTS} WHERE community_id = $1 AND ($2 IS NULL OR centre = $2) AND ($3 IS NULL OR item_code = $3)
             AND day >= $4 AND day <= $5 ORDER BY day, start_min, item_code, id"
        );
        on_db!(self, pool => sqlx::query_as::<_, SlotRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(centre.map(Centre::as_str)).bind(item).bind(from).bind(to)
            .fetch_all(pool).await.store())
    }

    pub async fn get_slot(&self, community: Uuid, id: Uuid) -> Result<SlotRow> {
        let sql = format!("{SLOTS} WHERE community_id = $1 AND id = $2");
        on_db!(self, pool => sqlx::query_as::<_, SlotRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// The slot booked for an order, if one is.
    pub async fn order_slot(&self, community: Uuid, order: Uuid) -> Result<Option<SlotRow>> {
        on_db!(self, pool => sqlx::query_as::<_, SlotRow>(
            "SELECT s.id, s.centre, s.item_code, s.day, s.start_min, s.end_min, s.capacity, s.booked
             FROM diag_slot_bookings b JOIN diag_slots s ON s.community_id = b.community_id AND s.id = b.slot_id
             WHERE b.community_id = $1 AND b.order_id = $2")
            .bind(community).bind(order).fetch_optional(pool).await.store())
    }

    /// Books `slot` for an order of `resident` as of `today`, with the audit row; a
    /// refusal writes nothing.
    pub async fn book_slot(
        &self,
        community: Uuid,
        (slot, order, resident): (Uuid, Uuid, Uuid),
        today: Date,
        audit: &AuditEntry<'_>,
    ) -> Result<std::result::Result<(), Refusal>> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let held: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(1 AS BIGINT) FROM diag_slot_bookings WHERE community_id = $1 AND order_id = $2")
                .bind(community).bind(order).fetch_optional(&mut *tx).await.store()?;
            if held.is_some() {
                return Ok(Err(Refusal::AlreadyBooked));
            }
            let n = sqlx::query("UPDATE diag_slots SET booked = booked + 1
                 WHERE community_id = $1 AND id = $2 AND day >= $3 AND booked < capacity")
                .bind(community).bind(slot).bind(today).execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                let open: Option<bool> = sqlx::query_scalar(
                    "SELECT day >= $3 FROM diag_slots WHERE community_id = $1 AND id = $2")
                    .bind(community).bind(slot).bind(today).fetch_optional(&mut *tx).await.store()?;
                return match open {
                    None => Err(StoreError::NotFound),
                    Some(true) => Ok(Err(Refusal::Full)),
                    Some(false) => Ok(Err(Refusal::Closed)),
                };
            }
            let inserted = sqlx::query("INSERT INTO diag_slot_bookings (community_id, order_id, slot_id, resident_id, created_at)
                    VALUES ($1, $2, $3, $4, $5)")
                .bind(community).bind(order).bind(slot).bind(resident).bind(now()).execute(&mut *tx).await.store();
            match inserted {
                Err(StoreError::Conflict { .. }) => return Ok(Err(Refusal::AlreadyBooked)),
                other => other?,
            };
            insert_audit!(&mut *tx, community, audit, Some(order)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Ok(()))
    }

    /// Gives an order's slot back; false if it held none.
    pub async fn cancel_slot(
        &self,
        community: Uuid,
        order: Uuid,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let slot: Option<Uuid> = sqlx::query_scalar(
                "DELETE FROM diag_slot_bookings WHERE community_id = $1 AND order_id = $2 RETURNING slot_id")
                .bind(community).bind(order).fetch_optional(&mut *tx).await.store()?;
            let Some(slot) = slot else {
                return Ok(false);
            };
            sqlx::query("UPDATE diag_slots SET booked = booked - 1 WHERE community_id = $1 AND id = $2")
                .bind(community).bind(slot).execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(order)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }
}
