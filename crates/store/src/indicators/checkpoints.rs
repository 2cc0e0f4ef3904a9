//! How far an import of a file got, so that an interrupted one goes on where it stopped.

use crate::{OrConflict, Result, Store, now, on_db, on_db_write};
use uuid::Uuid;

impl Store {
    /// The rows of the file (by its hash) already stored, 0 if none.
    pub async fn import_checkpoint(
        &self,
        community: Uuid,
        kind: &str,
        file_hash: &str,
    ) -> Result<u64> {
        let n: Option<i64> = on_db!(self, pool => sqlx::query_scalar(
            "SELECT rows_done FROM import_checkpoints WHERE community_id = $1 AND kind = $2 AND file_hash = $3")
            .bind(community).bind(kind).bind(file_hash).fetch_optional(pool).await.store())?;
        Ok(n.unwrap_or(0).max(0) as u64)
    }

    /// Records that the first `rows_done` rows are stored; `None` clears the mark (the
    /// file was read to its end).
    pub async fn set_import_checkpoint(
        &self,
        community: Uuid,
        kind: &str,
        file_hash: &str,
        rows_done: Option<u64>,
    ) -> Result<()> {
        on_db_write!(self, pool => match rows_done {
            Some(n) => sqlx::query(
                "INSERT INTO import_checkpoints (community_id, kind, file_hash, rows_done, updated_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (community_id, kind, file_hash)
                 DO UPDATE SET rows_done = excluded.rows_done, updated_at = excluded.updated_at")
                .bind(community).bind(kind).bind(file_hash).bind(n as i64).bind(now())
                .execute(pool).await.store().map(|_| ()),
            None => sqlx::query("DELETE FROM import_checkpoints WHERE community_id = $1 AND kind = $2 AND file_hash = $3")
                .bind(community).bind(kind).bind(file_hash).execute(pool).await.store().map(|_| ()),
        })
    }
}
