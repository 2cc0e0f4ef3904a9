//! An administrator's corrections of the indicators' definitions, one row per corrected
//! indicator with its fields as JSON (read and written by the caller); no body removes
//! the row, and the built-in definition stands again.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, now, on_db, on_db_write};
use uuid::Uuid;

impl Store {
    /// Every correction of the community: (indicator code, JSON body).
    pub async fn indicator_corrections(&self, community: Uuid) -> Result<Vec<(String, String)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT code, body FROM indicator_corrections WHERE community_id = $1 ORDER BY code")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Stores an indicator's correction, or removes it (`None`), with its audit row.
    pub async fn set_indicator_correction(
        &self,
        community: Uuid,
        code: &str,
        body: Option<&str>,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            match body {
                None => {
                    sqlx::query("DELETE FROM indicator_corrections WHERE community_id = $1 AND code = $2")
                        .bind(community).bind(code).execute(&mut *tx).await.store()?;
                }
                Some(body) => {
                    sqlx::query(
                        "INSERT INTO indicator_corrections (community_id, code, body, updated_by, updated_at)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, code)
                         DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by,
                            updated_at = excluded.updated_at")
                        .bind(community).bind(code).bind(body).bind(audit.account_id).bind(now())
                        .execute(&mut *tx).await.store()?;
                }
            }
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
