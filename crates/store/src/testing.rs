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
