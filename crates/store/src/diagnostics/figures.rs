//! What the office's page counts: results recognised instead of repeated (with the money
//! saved) against orders repeated with a reason, and the order-to-report times.

use crate::{OrConflict, Result, Store, on_db};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::{Centre, Urgency};

/// Recognition in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Recognition {
    /// Earlier results taken instead of a new order.
    pub reused: i64,
    /// The price of the tests not repeated, in fen.
    pub saved_fen: i64,
    /// Orders placed again although an earlier result was offered, with a reason.
    pub repeated: i64,
}

/// A reported order as the turnaround figures read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Turnaround {
    pub id: Uuid,
    pub item_code: String,
    #[sqlx(try_from = "String")]
    pub centre: Centre,
    pub from_institution_name: String,
    #[sqlx(try_from = "String")]
    pub urgency: Urgency,
    pub resident_name: String,
    pub created_at: OffsetDateTime,
    pub reported_at: OffsetDateTime,
}

impl Store {
    /// Recognition between two instants.
    pub async fn recognition(
        &self,
        community: Uuid,
        (from, before): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Recognition> {
        on_db!(self, pool => {
            let (reused, saved_fen): (i64, i64) = sqlx::query_as(
                "SELECT COUNT(*), CAST(COALESCE(SUM(price_fen), 0) AS BIGINT) FROM diag_reuses
                 WHERE community_id = $1 AND created_at >= $2 AND created_at < $3")
                .bind(community).bind(from).bind(before).fetch_one(pool).await.store()?;
            let repeated: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM diag_orders WHERE community_id = $1 AND repeat_of IS NOT NULL
                    AND created_at >= $2 AND created_at < $3")
                .bind(community).bind(from).bind(before).fetch_one(pool).await.store()?;
            Ok(Recognition { reused, saved_fen, repeated })
        })
    }

    /// The orders sent to a centre (performed elsewhere than where they were placed) and
    /// reported between two instants, with when they were placed.
    pub async fn turnarounds(
        &self,
        community: Uuid,
        (from, before): (OffsetDateTime, OffsetDateTime),
    ) -> Result<Vec<Turnaround>> {
        on_db!(self, pool => sqlx::query_as::<_, Turnaround>(
            "SELECT o.id, o.item_code, o.centre, f.name AS from_institution_name, o.urgency, r.name AS resident_name,
                o.created_at, o.reported_at
             FROM diag_orders o JOIN institutions f ON f.community_id = o.community_id AND f.id = o.from_institution_id
             JOIN residents r ON r.community_id = o.community_id AND r.id = o.resident_id
             WHERE o.community_id = $1 AND o.status = 'reported' AND o.reported_at >= $2 AND o.reported_at < $3
                AND o.performer_id <> o.from_institution_id
             ORDER BY o.reported_at")
            .bind(community).bind(from).bind(before).fetch_all(pool).await.store())
    }
}
