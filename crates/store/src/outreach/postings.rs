//! Postings (派驻) of staff to grassroots sites, or up to the lead hospital as the other
//! half of an exchange (派一送一, the two rows sharing `exchange_id`), and the rows the
//! official indicator is computed from.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;
use yigong_domain::outreach::posting::{Direction, Kind};

#[derive(Debug, Clone)]
pub struct NewPosting {
    pub staff_id: Uuid,
    pub institution_id: Uuid,
    pub kind: Kind,
    pub direction: Direction,
    pub start_on: Date,
    pub end_on: Option<Date>,
    pub note: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PostingRow {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: String,
    /// The staff member's title code.
    pub title: String,
    pub home: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    #[serde(serialize_with = "crate::iso_date")]
    pub start_on: Date,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub end_on: Option<Date>,
    pub exchange_id: Option<Uuid>,
    pub note: String,
}

const SELECT: &str =
    "SELECT p.id, p.staff_id, s.name AS staff_name, s.title, h.name AS home, p.institution_id,
    i.name AS institution_name, p.kind, p.direction, p.start_on, p.end_on, p.exchange_id, p.note
    FROM outreach_postings p JOIN staff s ON s.community_id = p.community_id AND s.id = p.staff_id
    JOIN institutions h ON h.community_id = s.community_id AND h.id = s.institution_id
    JOIN institutions i ON i.community_id = p.community_id AND i.id = p.institution_id";

impl Store {
    /// Records postings in one transaction (two for an exchange, sharing its id), with one
    /// audit row; their ids.
    pub async fn add_postings(
        &self,
        community: Uuid,
        rows: &[NewPosting],
        audit: &AuditEntry<'_>,
    ) -> Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = rows.iter().map(|_| new_id()).collect();
        let exchange = (rows.len() == 2).then(new_id);
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (id, p) in ids.iter().zip(rows) {
                sqlx::query("INSERT INTO outreach_postings (id, community_id, staff_id, institution_id, kind, direction,
                        start_on, end_on, exchange_id, note, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                    .bind(*id).bind(community).bind(p.staff_id).bind(p.institution_id).bind(p.kind.as_str())
                    .bind(p.direction.as_str()).bind(p.start_on).bind(p.end_on).bind(exchange).bind(&p.note)
                    .bind(audit.account_id).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, ids.first().copied()).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(ids)
    }

    /// Ends a posting on `day` (and the other half of its exchange); false when it had ended.
    pub async fn end_posting(
        &self,
        community: Uuid,
        (id, day): (Uuid, Date),
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query("UPDATE outreach_postings SET end_on = $3 WHERE community_id = $1
                    AND (id = $2 OR exchange_id IN (SELECT exchange_id FROM outreach_postings WHERE community_id = $1 AND id = $2))
                    AND (end_on IS NULL OR end_on > $3) AND start_on <= $3")
                .bind(community).bind(id).bind(day).execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    pub async fn get_posting(&self, community: Uuid, id: Uuid) -> Result<PostingRow> {
        let sql = format!("{SELECT} WHERE p.community_id = $1 AND p.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, PostingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// The postings that overlap the days from `from` to `to`, the latest start first.
    pub async fn postings(
        &self,
        community: Uuid,
        (from, to): (Date, Date),
    ) -> Result<Vec<PostingRow>> {
        let sql = format!(
            "{SELECT} WHERE p.community_id = $1 AND p.start_on <= $3 AND (p.end_on IS NULL OR p.end_on >= $2)
             ORDER BY p.start_on DESC, s.name, p.id"
        );
        on_db!(self, pool => sqlx::query_as::<_, PostingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(from).bind(to).fetch_all(pool).await.store())
    }
}
