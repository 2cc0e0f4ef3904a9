//! Forward-only migrations, embedded in the binary: one folder per engine with the
//! same version numbers, applied in order, each in its own transaction.

use crate::{Db, OrConflict, Result, Store, now, on_db, on_db_write};

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
];

impl Store {
    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        on_db_write!(self, pool => sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            .execute(pool).await.store().map(|_| ()))?;
        let done: Vec<i64> = on_db!(self, pool => sqlx::query_scalar(
            "SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(pool).await.store())?;
        let mut ran = 0;
        for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
            let sql = match self.db {
                Db::Sqlite(_) => m.sqlite,
                Db::Postgres(_) => m.postgres,
            };
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version).bind(m.name).bind(now().to_string())
                    .execute(&mut *tx).await?;
                tx.commit().await?;
            });
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
