//! Fresh, isolated databases for tests: a new SQLite file each time, and — when
//! `YIGONG_TEST_PG` names a PostgreSQL server — a new schema on it each time.

use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use yigong_store::{Pool, Result, Store};

/// The PostgreSQL URL tests run against, if the PostgreSQL leg is on.
pub fn postgres_url() -> Option<String> {
    std::env::var("YIGONG_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A migrated store on a new SQLite file in the temp directory.
pub async fn sqlite() -> Result<Store> {
    let store = empty_sqlite().await?;
    store.migrate().await?;
    Ok(store)
}

/// A store on a new SQLite file with no migration applied.
pub async fn empty_sqlite() -> Result<Store> {
    let path = sqlite_path()?;
    Store::connect(&format!("sqlite:{}", path.display())).await
}

/// A new file name in the tests' folder of the temp directory.
pub fn sqlite_path() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join("yigong-tests");
    std::fs::create_dir_all(&dir).map_err(sqlx::Error::Io)?;
    Ok(dir.join(format!("{}.db", uuid::Uuid::now_v7())))
}

/// A migrated store in a new schema of the `YIGONG_TEST_PG` server.
pub async fn postgres(url: &str) -> Result<Store> {
    let store = empty_postgres(url).await?;
    store.migrate().await?;
    Ok(store)
}

/// A store in a new schema of the `url` server with no migration applied.
pub async fn empty_postgres(url: &str) -> Result<Store> {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    // Every connection of the store's pool starts in the new schema.
    let sep = if url.contains('?') { '&' } else { '?' };
    Store::connect(&format!("{url}{sep}options=-c%20search_path%3D{schema}")).await
}

/// One fresh store per engine under test: SQLite always, PostgreSQL when enabled.
pub async fn each_engine() -> Result<Vec<Store>> {
    let mut v = vec![sqlite().await?];
    if let Some(url) = postgres_url() {
        v.push(postgres(&url).await?);
    }
    Ok(v)
}

/// One store per engine under test with no migration applied (for tests of a
/// migration's effect on the data before it).
pub async fn each_empty_engine() -> Result<Vec<Store>> {
    let mut v = vec![empty_sqlite().await?];
    if let Some(url) = postgres_url() {
        v.push(empty_postgres(&url).await?);
    }
    Ok(v)
}

/// A new, empty database on the `url` server; returns its URL (for a test that starts
/// the server binary, which takes a URL rather than a schema).
pub async fn postgres_database(url: &str) -> Result<String> {
    postgres_database_from(url, None).await
}

/// A new database on the `url` server, a copy of `template` if one is named (a database
/// no session is connected to); returns its URL.
pub async fn postgres_database_from(url: &str, template: Option<&str>) -> Result<String> {
    let name = format!("yigong_t_{}", uuid::Uuid::now_v7().simple());
    let from = template.map_or_else(String::new, |t| format!(" TEMPLATE {t}"));
    let admin = sqlx::PgPool::connect(url).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}{from}")))
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
    let query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()));
    let ids: Vec<uuid::Uuid> = match store.pool() {
        Pool::Sqlite(pool) => query.fetch_all(pool).await?,
        Pool::Postgres(pool) => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .fetch_all(pool)
                .await?
        }
    };
    Ok(ids.into_iter().collect())
}

/// One table as both engines can describe it: columns with their nullability, the value
/// lists of `CHECK (column IN (…))` constraints, and indexes as (unique, columns).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TableShape {
    pub columns: std::collections::BTreeMap<String, bool>,
    pub checks: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    pub indexes: std::collections::BTreeSet<(bool, Vec<String>)>,
}

/// The `CHECK` value lists in `sql`: for each `CHECK (…)`, its first identifier and the
/// quoted literals inside (`kind IN ('a', 'b')` and PostgreSQL's
/// `(kind = ANY (ARRAY['a'::text, 'b'::text]))` alike). Checks without literals are left out.
pub fn check_lists(sql: &str) -> Vec<(String, std::collections::BTreeSet<String>)> {
    let mut out = vec![];
    let upper = sql.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + "CHECK".len();
        let Some(open) = sql[start..].find('(').map(|o| start + o) else {
            break;
        };
        let mut depth = 0;
        let mut end = open;
        let mut in_quote = false;
        for (i, c) in sql[open..].char_indices() {
            match c {
                '\'' => in_quote = !in_quote,
                '(' if !in_quote => depth += 1,
                ')' if !in_quote => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &sql[open + 1..end];
        let column: String = body
            .trim_start_matches(|c: char| c == '(' || c.is_whitespace() || c == '"')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let literals: std::collections::BTreeSet<String> = body
            .split('\'')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        if !column.is_empty() && !literals.is_empty() {
            out.push((column, literals));
        }
        from = end.max(start);
    }
    out
}

/// Every table of the store's schema, as [`TableShape`]s.
pub async fn schema(store: &Store) -> Result<std::collections::BTreeMap<String, TableShape>> {
    use sqlx::Row;
    let mut tables = std::collections::BTreeMap::new();
    match store.pool() {
        Pool::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(pool)
            .await?;
            for row in rows {
                let (name, sql): (String, String) = (row.get(0), row.get(1));
                let mut shape = TableShape::default();
                for c in sqlx::query("SELECT name, \"notnull\", pk FROM pragma_table_info(?)")
                    .bind(&name)
                    .fetch_all(pool)
                    .await?
                {
                    let (column, not_null, pk): (String, i64, i64) = (c.get(0), c.get(1), c.get(2));
                    shape.columns.insert(column, not_null == 0 && pk == 0);
                }
                for (column, values) in check_lists(&sql) {
                    shape.checks.insert(column, values);
                }
                for i in sqlx::query("SELECT name, \"unique\" FROM pragma_index_list(?)")
                    .bind(&name)
                    .fetch_all(pool)
                    .await?
                {
                    let (index, unique): (String, i64) = (i.get(0), i.get(1));
                    let columns: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                            .bind(&index)
                            .fetch_all(pool)
                            .await?;
                    shape.indexes.insert((unique == 1, columns));
                }
                tables.insert(name, shape);
            }
        }
        Pool::Postgres(pool) => {
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
            .fetch_all(pool)
            .await?;
            for name in names {
                let mut shape = TableShape::default();
                for c in sqlx::query(
                    "SELECT column_name::text, is_nullable::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?
                {
                    let (column, nullable): (String, String) = (c.get(0), c.get(1));
                    shape.columns.insert(column, nullable == "YES");
                }
                let checks: Vec<String> = sqlx::query_scalar(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                     JOIN pg_class t ON t.oid = c.conrelid
                     WHERE c.contype = 'c' AND t.relname = $1 AND t.relnamespace = current_schema()::regnamespace",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?;
                for def in checks {
                    for (column, values) in check_lists(&def) {
                        shape.checks.insert(column, values);
                    }
                }
                let defs: Vec<String> = sqlx::query_scalar(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1",
                )
                .bind(&name)
                .fetch_all(pool)
                .await?;
                for def in defs {
                    let unique = def.starts_with("CREATE UNIQUE");
                    let inside = def
                        .split_once(" USING ")
                        .and_then(|(_, r)| r.split_once('('))
                        .map(|(_, r)| r.rsplit_once(')').map_or(r, |(l, _)| l))
                        .unwrap_or_default();
                    // Up to a partial index's WHERE, as SQLite lists only the columns.
                    let inside = inside.split(") WHERE").next().unwrap_or(inside);
                    let columns = inside
                        .split(',')
                        .map(|c| c.trim().trim_matches('"').to_string())
                        .collect();
                    shape.indexes.insert((unique, columns));
                }
                tables.insert(name, shape);
            }
        }
    }
    Ok(tables)
}
