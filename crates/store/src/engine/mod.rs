//! The engine room: one [`Store`] over SQLite or PostgreSQL, the [`on_db!`] macros that
//! compile a query once per engine, the typed errors callers act on, paging, ids and
//! clock values as both engines store them, and SQLite's direct connections (`lite`).

mod errors;
pub(crate) mod lite;
mod paging;
mod values;

pub use errors::*;
pub use paging::*;
pub use values::*;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A borrowed connection pool of either engine (see [`Store::pool`]).
pub enum Pool<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database behind the platform. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// SQLite admits one writer at a time; writers queue here instead of meeting
    /// SQLITE_BUSY and sleeping in the busy handler. Unused on PostgreSQL.
    pub(crate) write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite on a file: direct connections for the hot paths (see [`lite`]).
    pub(crate) lite: Option<std::sync::Arc<lite::Lite>>,
}

/// Runs `$body` with `$pool` bound to the engine's pool: the same source compiled for
/// SQLite and for PostgreSQL.
macro_rules! on_db {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// [`on_db!`] for statements that write: on SQLite the body runs holding the write gate.
macro_rules! on_db_write {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => {
                let _gate = $store.write_gate.lock().await;
                $body
            }
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db_write;

impl Store {
    /// Opens a store by URL scheme: `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536")
                // Sorts and statement journals in memory, not in temporary files.
                .pragma("temp_store", "memory");
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let write_gate = std::sync::Arc::new(tokio::sync::Mutex::new(()));
            let lite = (!in_memory).then(|| {
                std::sync::Arc::new(lite::Lite::new(opts.get_filename(), write_gate.clone()))
            });
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .min_connections(1)
                // A connection to a local file does not go stale; testing it costs a
                // round trip to its thread on every acquire.
                .test_before_acquire(false)
                .connect_with(opts)
                .await?;
            Ok(Self {
                db: Db::Sqlite(pool),
                write_gate,
                lite,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Self {
                db: Db::Postgres(pool),
                write_gate: Default::default(),
                lite: None,
            })
        } else {
            Err(StoreError::Other(sqlx::Error::Configuration(
                "database URL must start with sqlite: or postgres:".into(),
            )))
        }
    }

    /// The connection pool itself, for tools that read the schema (the test kit's
    /// schema-parity check); the product's own queries live in this crate.
    pub fn pool(&self) -> Pool<'_> {
        match &self.db {
            Db::Sqlite(p) => Pool::Sqlite(p),
            Db::Postgres(p) => Pool::Postgres(p),
        }
    }

    pub fn engine(&self) -> Engine {
        match self.db {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }
}
