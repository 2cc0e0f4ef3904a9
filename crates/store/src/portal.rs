//! The residents' window in the store: one-time codes (hashed, with their tries), resident
//! sessions (token hashed, with the token their forms carry), and the notices pushed to a
//! resident with the channel that carried them.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A live code as the check reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Code {
    pub code_hash: String,
    pub attempts: i64,
    pub expires_at: OffsetDateTime,
}

/// A resident's live session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PortalSession {
    pub resident_id: Uuid,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

/// A notice pushed to a resident.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Notice {
    pub id: Uuid,
    pub kind: String,
    pub ref_id: Uuid,
    pub channel: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Replaces the resident's code with a new one, with the audit row.
    pub async fn set_portal_code(
        &self,
        community: Uuid,
        (resident, code_hash): (Uuid, &str),
        expires_at: OffsetDateTime,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("DELETE FROM portal_codes WHERE community_id = $1 AND resident_id = $2")
                .bind(community).bind(resident).execute(&mut *tx).await.store()?;
            sqlx::query("INSERT INTO portal_codes (community_id, resident_id, code_hash, created_at, expires_at)
                    VALUES ($1, $2, $3, $4, $5)")
                .bind(community).bind(resident).bind(code_hash).bind(now()).bind(expires_at)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(resident)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    pub async fn portal_code(&self, community: Uuid, resident: Uuid) -> Result<Option<Code>> {
        on_db!(self, pool => sqlx::query_as::<_, Code>(
            "SELECT code_hash, attempts, expires_at FROM portal_codes WHERE community_id = $1 AND resident_id = $2")
            .bind(community).bind(resident).fetch_optional(pool).await.store())
    }

    /// Counts a wrong try of the resident's code.
    pub async fn miss_portal_code(&self, community: Uuid, resident: Uuid) -> Result<()> {
        on_db_write!(self, pool => sqlx::query(
            "UPDATE portal_codes SET attempts = attempts + 1 WHERE community_id = $1 AND resident_id = $2")
            .bind(community).bind(resident).execute(pool).await.store().map(|_| ()))
    }

    /// Spends the resident's code and opens a session, with the audit row.
    pub async fn open_portal_session(
        &self,
        community: Uuid,
        (resident, token_hash, csrf): (Uuid, &str, &str),
        expires_at: OffsetDateTime,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("DELETE FROM portal_codes WHERE community_id = $1 AND resident_id = $2")
                .bind(community).bind(resident).execute(&mut *tx).await.store()?;
            sqlx::query("DELETE FROM portal_sessions WHERE community_id = $1 AND expires_at <= $2")
                .bind(community).bind(now()).execute(&mut *tx).await.store()?;
            sqlx::query("INSERT INTO portal_sessions (community_id, token_hash, resident_id, csrf_token, created_at,
                    expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(community).bind(token_hash).bind(resident).bind(csrf).bind(now()).bind(expires_at)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(resident)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// The live session of a token hash, its resident still active.
    pub async fn portal_session(
        &self,
        community: Uuid,
        token_hash: &str,
    ) -> Result<Option<PortalSession>> {
        on_db!(self, pool => sqlx::query_as::<_, PortalSession>(
            "SELECT s.resident_id, s.csrf_token, s.expires_at FROM portal_sessions s
             JOIN residents r ON r.community_id = s.community_id AND r.id = s.resident_id
             WHERE s.community_id = $1 AND s.token_hash = $2 AND s.expires_at > $3 AND r.active = TRUE")
            .bind(community).bind(token_hash).bind(now()).fetch_optional(pool).await.store())
    }

    pub async fn end_portal_session(&self, community: Uuid, token_hash: &str) -> Result<()> {
        on_db_write!(self, pool => sqlx::query("DELETE FROM portal_sessions WHERE community_id = $1 AND token_hash = $2")
            .bind(community).bind(token_hash).execute(pool).await.store().map(|_| ()))
    }

    /// Records a notice pushed to a resident through `channel`.
    pub async fn add_notice(
        &self,
        community: Uuid,
        (resident, kind, ref_id): (Uuid, &str, Uuid),
        channel: &str,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => sqlx::query("INSERT INTO portal_notices (id, community_id, resident_id, kind, ref_id,
                channel, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id).bind(community).bind(resident).bind(kind).bind(ref_id).bind(channel).bind(now())
            .execute(pool).await.store().map(|_| ()))?;
        Ok(id)
    }

    /// A resident's notices, the latest first.
    pub async fn notices(
        &self,
        community: Uuid,
        resident: Uuid,
        limit: i64,
    ) -> Result<Vec<Notice>> {
        on_db!(self, pool => sqlx::query_as::<_, Notice>(
            "SELECT id, kind, ref_id, channel, created_at FROM portal_notices WHERE community_id = $1 AND resident_id = $2
             ORDER BY created_at DESC, id DESC LIMIT $3")
            .bind(community).bind(resident).bind(limit).fetch_all(pool).await.store())
    }
}
