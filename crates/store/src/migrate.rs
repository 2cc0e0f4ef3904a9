//! Forward-only migrations, embedded in the binary: one folder per engine with the
//! same version numbers, applied in order, each in its own transaction.

use crate::{Db, OrConflict, Result, Store, StoreError, now, on_db, on_db_write};

/// One migration: its version, its name, and its SQL for each engine.
pub struct Migration {
    pub version: i64,
    /// The file stem, `NNNN_name`.
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// `migration!(1, "0001_registry")`: the version and the file stem in both folders.
macro_rules! migration {
    ($version:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sqlite: include_str!(concat!("../../../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../../../migrations/postgres/", $file, ".sql")),
        }
    };
}

/// Every migration, oldest first. A test checks this list against both folders.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_registry"),
    migration!(2, "0002_accounts_audit"),
    migration!(3, "0003_referrals"),
    migration!(4, "0004_worklist_covering_index"),
    migration!(5, "0005_lean_event_tables"),
    migration!(6, "0006_ecg"),
    migration!(7, "0007_family_chronic"),
    migration!(8, "0008_screening_risk"),
    migration!(9, "0009_audit_request"),
    migration!(10, "0010_distribution_keys"),
    migration!(11, "0011_package_codes"),
    migration!(12, "0012_measures_to_one_decimal"),
    migration!(13, "0013_visit_types_and_calls"),
    migration!(14, "0014_party"),
    migration!(15, "0015_party_work"),
    migration!(16, "0016_referral_search"),
    migration!(17, "0017_site_evaluations"),
    migration!(18, "0018_party_dues"),
    migration!(19, "0019_member_development"),
    migration!(20, "0020_point_rules"),
    migration!(21, "0021_joint_meetings"),
    migration!(22, "0022_star_ratings"),
    migration!(23, "0023_member_mobility"),
    migration!(24, "0024_party_attachments"),
    migration!(25, "0025_diagnostics"),
    migration!(26, "0026_diag_settings"),
    migration!(27, "0027_sterile_supply"),
    migration!(28, "0028_teleconsultations"),
    migration!(29, "0029_diag_attachments"),
    migration!(30, "0030_outreach"),
    migration!(31, "0031_resident_portal"),
    migration!(32, "0032_booking_ids"),
    migration!(33, "0033_exam_slots"),
    migration!(34, "0034_indicators"),
    migration!(35, "0035_referral_acceptance"),
    migration!(36, "0036_appraisal"),
    migration!(37, "0037_ecg_reported_on"),
    migration!(38, "0038_indicator_corrections"),
    migration!(39, "0039_population"),
    migration!(40, "0040_green_channel"),
    migration!(41, "0041_consult_answered_on"),
    migration!(42, "0042_indicator_rollups"),
    migration!(43, "0043_case_days"),
    migration!(44, "0044_register_ends"),
];

impl Store {
    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        self.migrate_up_to(i64::MAX).await
    }

    /// Applies the migrations not yet applied up to version `last` (to test what a
    /// migration does to the data written before it); returns how many ran.
    pub async fn migrate_up_to(&self, last: i64) -> Result<usize> {
        on_db_write!(self, pool => sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .execute(pool).await.store().map(|_| ()))?;
        let done: Vec<i64> = on_db!(self, pool => sqlx::query_scalar(
            "SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(pool).await.store())?;
        let mut ran = 0;
        for m in MIGRATIONS
            .iter()
            .filter(|m| m.version <= last && !done.contains(&m.version))
        {
            match &self.db {
                Db::Sqlite(pool) => {
                    let _gate = self.write_gate.lock().await;
                    apply_sqlite(pool, m).await?;
                }
                Db::Postgres(pool) => {
                    let mut tx = pool.begin().await?;
                    sqlx::raw_sql(m.postgres).execute(&mut *tx).await?;
                    record(&mut tx, m).await?;
                    tx.commit().await?;
                }
            }
            tracing::info!(version = m.version, name = m.name, "migration applied");
            ran += 1;
        }
        Ok(ran)
    }

    /// Versions applied so far.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        on_db!(self, pool => sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(pool).await.store())
    }
}

async fn record<'c, DB: sqlx::Database>(
    tx: &mut sqlx::Transaction<'c, DB>,
    m: &Migration,
) -> Result<()>
where
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    &'static str: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
        .bind(m.version)
        .bind(m.name)
        .bind(now().to_string())
        .execute(&mut **tx)
        .await
        .store()?;
    Ok(())
}

/// A SQLite migration runs with foreign keys off, which lets it rebuild a table that
/// others refer to (the procedure SQLite documents for changing a table), and checks
/// them all before it commits: a migration that leaves a dangling reference fails and
/// changes nothing.
async fn apply_sqlite(pool: &sqlx::SqlitePool, m: &Migration) -> Result<()> {
    let mut conn = pool.acquire().await.store()?;
    sqlx::raw_sql("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .store()?;
    let applied = async {
        let mut tx = sqlx::Connection::begin(&mut *conn).await.store()?;
        sqlx::raw_sql(m.sqlite).execute(&mut *tx).await.store()?;
        let dangling: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&mut *tx)
                .await
                .store()?;
        if let Some((table,)) = dangling.first() {
            return Err(StoreError::Engine(format!(
                "migration {} leaves {} dangling references (first in {table})",
                m.name,
                dangling.len()
            )));
        }
        record(&mut tx, m).await?;
        tx.commit().await.store()
    }
    .await;
    let restored = sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .store();
    if restored.is_err() {
        // Never hand a connection without foreign keys back to the pool.
        conn.detach();
    }
    applied.and(restored.map(|_| ()))
}
