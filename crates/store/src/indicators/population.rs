//! Residents per institution: the registry's count of active residents (kept by the
//! triggers of migration 0039) and the official figures the office enters per year.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// An official figure as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PopulationRow {
    pub institution_id: Uuid,
    pub year: i32,
    pub residents: i64,
    /// Where the figure comes from (the statistics bureau's yearbook, a census, …).
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Store {
    /// The registry's active residents per institution (institutions without any left
    /// out).
    pub async fn registry_counts(&self, community: Uuid) -> Result<Vec<(Uuid, i64)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT institution_id, CAST(residents AS BIGINT) FROM resident_counts
             WHERE community_id = $1 AND residents <> 0 ORDER BY institution_id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Every official figure of the community, the latest year first.
    pub async fn populations(&self, community: Uuid) -> Result<Vec<PopulationRow>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT institution_id, CAST(year AS INTEGER) AS year, CAST(residents AS BIGINT) AS residents,
                source, updated_at
             FROM populations WHERE community_id = $1 ORDER BY year DESC, institution_id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Stores an institution's official figure for a year (residents and source), or
    /// removes it (`None`: the registry's count stands again), with its audit row.
    pub async fn set_population(
        &self,
        community: Uuid,
        (institution, year): (Uuid, i32),
        figure: Option<(i64, &str)>,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            match figure {
                None => {
                    sqlx::query("DELETE FROM populations WHERE community_id = $1 AND institution_id = $2 AND year = $3")
                        .bind(community).bind(institution).bind(year).execute(&mut *tx).await.store()?;
                }
                Some((residents, source)) => {
                    sqlx::query(
                        "INSERT INTO populations (community_id, institution_id, year, residents, source, updated_by, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (community_id, institution_id, year)
                         DO UPDATE SET residents = excluded.residents, source = excluded.source,
                            updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                        .bind(community).bind(institution).bind(year).bind(residents).bind(source)
                        .bind(audit.account_id).bind(now())
                        .execute(&mut *tx).await.store()?;
                }
            }
            insert_audit!(&mut *tx, community, audit, Some(institution)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
