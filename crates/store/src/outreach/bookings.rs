//! Residents' bookings of a place at a session: the capacity holds under concurrent
//! requests (the session's counter moves only while places remain, one row lock at a
//! time), and a resident holds one place per session.

use super::SessionRow;
use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::outreach::slots::Refusal;

/// How a booking went.
pub type Booked = std::result::Result<(), Refusal>;

impl Store {
    /// Books a place at a session for a resident as of `today`, with the audit row; a
    /// refusal writes nothing.
    pub async fn book_session(
        &self,
        community: Uuid,
        (session, resident): (Uuid, Uuid),
        today: Date,
        audit: &AuditEntry<'_>,
    ) -> Result<Booked> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mine: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(1 AS BIGINT) FROM outreach_bookings WHERE community_id = $1 AND session_id = $2 AND resident_id = $3")
                .bind(community).bind(session).bind(resident).fetch_optional(&mut *tx).await.store()?;
            if mine.is_some() {
                return Ok(Err(Refusal::AlreadyBooked));
            }
            let n = sqlx::query("UPDATE outreach_sessions SET booked = booked + 1
                 WHERE community_id = $1 AND id = $2 AND status = 'planned' AND day >= $3 AND booked < capacity")
                .bind(community).bind(session).bind(today).execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                let open: Option<bool> = sqlx::query_scalar(
                    "SELECT status = 'planned' AND day >= $3 FROM outreach_sessions WHERE community_id = $1 AND id = $2")
                    .bind(community).bind(session).bind(today).fetch_optional(&mut *tx).await.store()?;
                return match open {
                    None => Err(StoreError::NotFound),
                    Some(true) => Ok(Err(Refusal::Full)),
                    Some(false) => Ok(Err(Refusal::Closed)),
                };
            }
            let inserted = sqlx::query("INSERT INTO outreach_bookings (id, community_id, session_id, resident_id, created_at)
                    VALUES ($1, $2, $3, $4, $5)")
                .bind(new_id()).bind(community).bind(session).bind(resident).bind(now()).execute(&mut *tx).await.store();
            match inserted {
                Err(StoreError::Conflict { .. }) => return Ok(Err(Refusal::AlreadyBooked)),
                other => other?,
            };
            insert_audit!(&mut *tx, community, audit, Some(session)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Ok(()))
    }

    /// Gives a resident's place back (before the session's day); false if they held none.
    pub async fn cancel_booking(
        &self,
        community: Uuid,
        (session, resident): (Uuid, Uuid),
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query("DELETE FROM outreach_bookings WHERE community_id = $1 AND session_id = $2 AND resident_id = $3")
                .bind(community).bind(session).bind(resident).execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            sqlx::query("UPDATE outreach_sessions SET booked = booked - 1 WHERE community_id = $1 AND id = $2")
                .bind(community).bind(session).execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(session)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// The sessions a resident booked, the latest day first.
    pub async fn resident_bookings(
        &self,
        community: Uuid,
        resident: Uuid,
    ) -> Result<Vec<SessionRow>> {
        let sql = format!(
            "{} JOIN outreach_bookings b ON b.community_id = o.community_id AND b.session_id = o.id
             WHERE o.community_id = $1 AND b.resident_id = $2 ORDER BY o.day DESC, o.start_min",
            super::sessions::SELECT
        );
        on_db!(self, pool => sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(resident).fetch_all(pool).await.store())
    }

    /// Who booked a session: `(resident, name, when)`, in booking order.
    pub async fn session_bookings(
        &self,
        community: Uuid,
        session: Uuid,
    ) -> Result<Vec<(Uuid, String, OffsetDateTime)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT b.resident_id, r.name, b.created_at FROM outreach_bookings b
             JOIN residents r ON r.community_id = b.community_id AND r.id = b.resident_id
             WHERE b.community_id = $1 AND b.session_id = $2 ORDER BY b.created_at, b.resident_id")
            .bind(community).bind(session).fetch_all(pool).await.store())
    }

    /// The first resident who booked a place (the demo's sign-in): `(name, ID number, phone)`.
    pub async fn first_booker(&self, community: Uuid) -> Result<Option<(String, String, String)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT r.name, r.id_number, r.phone FROM outreach_bookings b
             JOIN residents r ON r.community_id = b.community_id AND r.id = b.resident_id
             WHERE b.community_id = $1 AND r.active = TRUE ORDER BY b.created_at, r.id LIMIT 1")
            .bind(community).fetch_optional(pool).await.store())
    }

    /// One booking with its session, if it exists.
    pub async fn get_booking(&self, community: Uuid, id: Uuid) -> Result<Option<BookingRow>> {
        let sql = format!("{BOOKINGS} WHERE b.community_id = $1 AND b.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, BookingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store())
    }

    /// A resident's bookings with their sessions, the latest day first.
    pub async fn bookings_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<BookingRow>> {
        let sql = format!(
            "{BOOKINGS} WHERE b.community_id = $1 AND b.resident_id = $2 ORDER BY o.day DESC, o.start_min, b.id"
        );
        on_db!(self, pool => sqlx::query_as::<_, BookingRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(resident).fetch_all(pool).await.store())
    }
}

/// A booking as an appointment reads it: the resident, where they registered, and the
/// session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    /// The resident's own clinic, for the reach of whoever reads it.
    pub resident_institution_id: Uuid,
    pub created_at: OffsetDateTime,
    pub session_id: Uuid,
    pub day: time::Date,
    pub start_min: i64,
    pub end_min: i64,
    #[sqlx(try_from = "String")]
    pub status: yigong_domain::outreach::session::Status,
    pub expert_id: Uuid,
    pub expert_name: String,
}

const BOOKINGS: &str = "SELECT b.id, b.resident_id, r.name AS resident_name, r.institution_id AS resident_institution_id,
    b.created_at, o.id AS session_id, o.day, o.start_min, o.end_min, o.status, o.expert_id, s.name AS expert_name
    FROM outreach_bookings b JOIN residents r ON r.community_id = b.community_id AND r.id = b.resident_id
    JOIN outreach_sessions o ON o.community_id = b.community_id AND o.id = b.session_id
    JOIN staff s ON s.community_id = o.community_id AND s.id = o.expert_id";
