//! Fresh, isolated databases for tests: a new SQLite file each time, and — when
//! `YIGONG_TEST_PG` names a PostgreSQL server — a new schema on it each time.

use crate::{Db, Result, Store};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;

/// The PostgreSQL URL tests run against, if the PostgreSQL leg is on.
pub fn postgres_url() -> Option<String> {
    std::env::var("YIGONG_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A migrated store on a new SQLite file in the temp directory.
pub async fn sqlite() -> Result<Store> {
    let dir = std::env::temp_dir().join("yigong-tests");
    std::fs::create_dir_all(&dir).map_err(sqlx::Error::Io)?;
    let path = dir.join(format!("{}.db", uuid::Uuid::now_v7()));
    let store = Store::connect(&format!("sqlite:{}", path.display())).await?;
    store.migrate().await?;
    Ok(store)
}

/// A migrated store in a new schema of the `YIGONG_TEST_PG` server.
pub async fn postgres(url: &str) -> Result<Store> {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let opts = PgConnectOptions::from_str(url)?.options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await?;
    let store = Store {
        db: Db::Postgres(pool),
        write_gate: Default::default(),
        lite: None,
    };
    store.migrate().await?;
    Ok(store)
}

/// One fresh store per engine under test: SQLite always, PostgreSQL when enabled.
pub async fn each_engine() -> Result<Vec<Store>> {
    let mut v = vec![sqlite().await?];
    if let Some(url) = postgres_url() {
        v.push(postgres(&url).await?);
    }
    Ok(v)
}

/// A new, empty database on the `url` server; returns its URL (for a test that starts
/// the server binary, which takes a URL rather than a schema).
pub async fn postgres_database(url: &str) -> Result<String> {
    let name = format!("yigong_t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let opts = PgConnectOptions::from_str(url)?;
    let (host, port) = (opts.get_host(), opts.get_port());
    let user = opts.get_username();
    Ok(format!("postgres://{user}@{host}:{port}/{name}"))
}

/// Drops a database made by [`postgres_database`] (its connections are ended).
pub async fn drop_postgres_database(url: &str, database_url: &str) -> Result<()> {
    let name = PgConnectOptions::from_str(database_url)?
        .get_database()
        .unwrap_or_default()
        .to_string();
    assert!(
        name.starts_with("yigong_t_"),
        "{name} was not made by a test"
    );
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&admin)
    .await?;
    admin.close().await;
    Ok(())
}

/// Rows whose state disagrees with their history: a referral whose status is not its
/// last status event's, an ECG study whose status does not follow from its last event
/// or that has no upload event, a chronic register whose last visit is not its newest
/// follow-up's. Empty when the database is consistent.
pub async fn inconsistencies(store: &Store) -> Result<Vec<String>> {
    const CHECKS: &[(&str, &str)] = &[
        (
            "referrals whose status is not their last status event's",
            "SELECT COUNT(*) FROM referrals r
             WHERE r.status IS DISTINCT FROM (SELECT e.status_to FROM referral_events e
                 WHERE e.referral_id = r.id AND e.kind = 'status' ORDER BY e.at DESC, e.id DESC LIMIT 1)",
        ),
        (
            "ECG studies without an upload event",
            "SELECT COUNT(*) FROM ecg_studies s
             WHERE NOT EXISTS (SELECT 1 FROM ecg_events e WHERE e.study_id = s.id AND e.kind = 'uploaded')",
        ),
        (
            "ECG studies whose status does not follow from their last event",
            "SELECT COUNT(*) FROM ecg_studies s
             WHERE s.status <> (SELECT CASE e.kind WHEN 'claim' THEN 'reading' WHEN 'report' THEN 'reported'
                     WHEN 'acknowledge' THEN 'reported' ELSE 'awaiting' END
                 FROM ecg_events e WHERE e.study_id = s.id ORDER BY e.at DESC, e.id DESC LIMIT 1)",
        ),
        (
            "chronic registers whose last visit is not their newest follow-up's",
            "SELECT COUNT(*) FROM chronic_registers g
             WHERE EXISTS (SELECT 1 FROM chronic_follow_ups f WHERE f.register_id = g.id)
               AND g.last_visit_on IS DISTINCT FROM (SELECT f.visit_on FROM chronic_follow_ups f
                 WHERE f.register_id = g.id ORDER BY f.created_at DESC, f.id DESC LIMIT 1)",
        ),
    ];
    let mut found = vec![];
    for (what, sql) in CHECKS {
        let n: i64 = crate::on_db!(store, pool => sqlx::query_scalar(*sql).fetch_one(pool).await?);
        if n > 0 {
            found.push(format!("{n} {what}"));
        }
    }
    Ok(found)
}

/// Every id in `table`'s `column` (`id` of a table, or `entity_id` of the audit
/// events): for checks that hold a whole run's writes against the database at once.
pub async fn ids_in(
    store: &Store,
    table: &str,
    column: &str,
) -> Result<std::collections::HashSet<uuid::Uuid>> {
    assert!(
        [table, column]
            .iter()
            .all(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "a table and a column name"
    );
    let sql = format!("SELECT {column} FROM {table} WHERE {column} IS NOT NULL");
    let ids: Vec<uuid::Uuid> = crate::on_db!(store, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?);
    Ok(ids.into_iter().collect())
}
