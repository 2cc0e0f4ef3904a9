//! Import reports: the outcome of one file import, with its rejected rows as CSV so the
//! user can download, fix and re-import them.

use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ImportReport {
    pub id: Uuid,
    pub kind: String,
    pub file_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub total_rows: i64,
    pub inserted: i64,
    pub updated: i64,
    pub rejected: i64,
    #[serde(skip)]
    pub rejects_csv: String,
}

pub struct NewImportReport<'a> {
    pub account_id: Option<Uuid>,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub total_rows: i64,
    pub inserted: i64,
    pub updated: i64,
    pub rejected: i64,
    pub rejects_csv: &'a str,
}

impl Store {
    pub async fn save_import_report(
        &self,
        community: Uuid,
        r: &NewImportReport<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO import_reports (id, community_id, account_id, kind, file_name, at, total_rows, inserted, updated,
                rejected, rejects_csv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .bind(id).bind(community).bind(r.account_id).bind(r.kind).bind(r.file_name).bind(now())
            .bind(r.total_rows).bind(r.inserted).bind(r.updated).bind(r.rejected).bind(r.rejects_csv)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(id)
    }

    pub async fn get_import_report(&self, community: Uuid, id: Uuid) -> Result<ImportReport> {
        on_db!(self, pool => sqlx::query_as::<_, ImportReport>(
            "SELECT id, kind, file_name, at, total_rows, inserted, updated, rejected, rejects_csv
             FROM import_reports WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }
}
