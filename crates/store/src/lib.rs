//! Yigong persistence: one `Store` over SQLite (embedded, the default) or PostgreSQL.
//!
//! Every query is written once, in the SQL subset both engines run, inside the
//! [`on_db!`] macro, which compiles the body once per engine (see
//! `docs/decisions/0001-one-store-two-engines.md`).

pub mod accounts;
pub mod audit;
pub mod chronic;
pub mod ecg;
pub mod family;
pub mod imports;
pub mod institutions;
mod integrity;
mod lite;
pub mod migrate;
pub mod referrals;
pub mod residents;
pub mod screening;
pub mod staff;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

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

/// Storage failures, in the terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("referenced row missing")]
    MissingReference,
    #[error(transparent)]
    Other(#[from] sqlx::Error),
    #[error("SQLite: {0}")]
    Engine(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, message) => match f.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    StoreError::Conflict {
                        constraint: unique_field(message.as_deref().unwrap_or(""), None),
                    }
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::MissingReference,
                _ => StoreError::Engine(e.to_string()),
            },
            _ => StoreError::Engine(e.to_string()),
        }
    }
}

impl StoreError {
    fn from_sqlx(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) => match d.kind() {
                sqlx::error::ErrorKind::UniqueViolation => StoreError::Conflict {
                    constraint: unique_field(d.message(), d.constraint()),
                },
                sqlx::error::ErrorKind::ForeignKeyViolation => StoreError::MissingReference,
                _ => StoreError::Other(e),
            },
            _ => StoreError::Other(e),
        }
    }
}

/// Names the column a unique violation is about, from either engine's message.
fn unique_field(message: &str, constraint: Option<&str>) -> String {
    let text = constraint.unwrap_or(message);
    for field in ["id_number", "username", "code"] {
        if text.contains(field) {
            return field.to_string();
        }
    }
    text.to_string()
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) trait OrConflict<T> {
    fn store(self) -> Result<T>;
}

impl<T> OrConflict<T> for std::result::Result<T, sqlx::Error> {
    fn store(self) -> Result<T> {
        self.map_err(StoreError::from_sqlx)
    }
}

/// An UPDATE that touched no row names a row that does not exist.
pub(crate) fn one_row(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// One page of a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A page request, clamped to sane bounds: a page number, or (for FHIR's `_offset`) any
/// number of rows to skip.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
    skip: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 200;
    /// Pages past this are past the end of any list (and keep the offset from overflowing).
    pub const MAX_PAGE: i64 = 1_000_000;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        let page = page.unwrap_or(1).clamp(1, Self::MAX_PAGE);
        let per_page = per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE);
        Self {
            page,
            per_page,
            skip: (page - 1) * per_page,
        }
    }

    /// `count` rows after skipping `offset` (which need not be a whole number of pages).
    pub fn at_offset(offset: i64, count: i64) -> Self {
        let per_page = count.clamp(1, Self::MAX_PER_PAGE);
        let skip = offset.clamp(0, (Self::MAX_PAGE - 1) * per_page);
        Self {
            page: skip / per_page + 1,
            per_page,
            skip,
        }
    }

    pub fn offset(&self) -> i64 {
        self.skip
    }
}

/// Appends ` AND {column} IN (…ids)` (an empty list matches nothing).
pub(crate) fn push_in<DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<DB>,
    column: &str,
    ids: &[Uuid],
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} IN ("));
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    if ids.is_empty() {
        sep.push("NULL");
    }
    qb.push(")");
}

/// Serialises a date as `YYYY-MM-DD` (for `#[serde(serialize_with)]`).
pub fn iso_date<S: serde::Serializer>(
    d: &time::Date,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// [`iso_date`] for an optional date.
pub fn opt_iso_date<S: serde::Serializer>(
    d: &Option<time::Date>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    // Microseconds: what PostgreSQL keeps, so values read back compare equal.
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

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

/// Registry rows that are deactivated, never deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deactivatable {
    Institution,
    Department,
    Staff,
    Resident,
}

impl Deactivatable {
    fn table(self) -> &'static str {
        match self {
            Deactivatable::Institution => "institutions",
            Deactivatable::Department => "departments",
            Deactivatable::Staff => "staff",
            Deactivatable::Resident => "residents",
        }
    }
}

impl Store {
    /// Deactivates or reactivates a registry row.
    pub async fn set_active(
        &self,
        kind: Deactivatable,
        community: Uuid,
        id: Uuid,
        active: bool,
    ) -> Result<()> {
        let stamp = if kind == Deactivatable::Department {
            ""
        } else {
            ", updated_at = $4"
        };
        let sql = format!(
            "UPDATE {} SET active = $3{stamp} WHERE community_id = $1 AND id = $2",
            kind.table()
        );
        one_row(
            on_db_write!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).bind(active).bind(now())
            .execute(pool).await.store().map(|r| r.rows_affected()))?,
        )
    }
}

/// 医共体 — a county medical community: the tenant every row belongs to.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Community {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

impl Store {
    pub async fn create_community(&self, code: &str, name: &str) -> Result<Community> {
        let id = new_id();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO communities (id, code, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(code).bind(name).bind(now())
            .execute(pool).await.store().map(|_| ()))?;
        Ok(Community {
            id,
            code: code.into(),
            name: name.into(),
        })
    }

    /// The first community created: a single-county deployment has just this one.
    pub async fn first_community(&self) -> Result<Option<Community>> {
        on_db!(self, pool => sqlx::query_as::<_, Community>(
            "SELECT id, code, name FROM communities ORDER BY created_at, id LIMIT 1")
            .fetch_optional(pool).await.store())
    }
}

#[cfg(test)]
mod tests {
    use super::PageRequest;

    #[test]
    fn pages_and_offsets() {
        let p = PageRequest::new(Some(3), Some(10));
        assert_eq!((p.page, p.per_page, p.offset()), (3, 10, 20));
        let p = PageRequest::at_offset(7, 5);
        assert_eq!((p.page, p.per_page, p.offset()), (2, 5, 7));
        let p = PageRequest::at_offset(-4, 0);
        assert_eq!((p.page, p.per_page, p.offset()), (1, 1, 0));
        let p = PageRequest::new(Some(i64::MAX), Some(i64::MAX));
        assert_eq!(p.offset(), (PageRequest::MAX_PAGE - 1) * 200);
    }
}
