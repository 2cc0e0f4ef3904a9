//! Yigong persistence: one `Store` over SQLite (embedded, the default) or PostgreSQL.
//!
//! Every query is written once, in the SQL subset both engines run, inside the
//! [`on_db!`] macro, which compiles the body once per engine (see
//! `docs/decisions/0001-one-store-two-engines.md`).

pub mod accounts;
pub mod audit;
pub mod chronic;
pub mod diagnostics;
pub mod ecg;
mod engine;
pub mod family;
pub mod imports;
pub mod indicators;
pub mod institutions;
mod integrity;
pub mod migrate;
pub mod outreach;
pub mod party;
pub mod portal;
pub mod referrals;
pub mod residents;
pub mod screening;
pub mod staff;

pub use engine::*;
pub(crate) use engine::{Db, lite, on_db, on_db_write};

use uuid::Uuid;

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
