//! Accounts (账号) and their login sessions. Passwords arrive here already hashed;
//! session tokens arrive as hashes, so a database leak yields no usable token.

use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write, one_row};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::access::Role;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Account {
    pub id: Uuid,
    pub community_id: Uuid,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub institution_id: Uuid,
    pub department_id: Option<Uuid>,
    pub active: bool,
}

impl Account {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub institution_id: Uuid,
    pub department_id: Option<Uuid>,
}

/// A live session joined to its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.community_id, a.username, a.display_name, a.password_hash, a.role, a.institution_id, a.department_id, a.active";

impl Store {
    pub async fn create_account(&self, community: Uuid, new: &NewAccount<'_>) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO accounts (id, community_id, username, display_name, password_hash, role, institution_id,
                department_id, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9)")
            .bind(id).bind(community).bind(new.username).bind(new.display_name).bind(new.password_hash)
            .bind(new.role.as_str()).bind(new.institution_id).bind(new.department_id).bind(now())
            .execute(pool).await.store().map(|_| ()))?;
        Ok(id)
    }

    /// The account of `username` in `community` (an account belongs to one community).
    pub async fn find_account(&self, community: Uuid, username: &str) -> Result<Option<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.community_id = $1 AND a.username = $2"
        );
        on_db!(self, pool => sqlx::query_as::<_, Account>(AssertSqlSafe(sql.as_str())).bind(community).bind(username).fetch_optional(pool).await.store())
    }

    pub async fn list_accounts(&self, community: Uuid) -> Result<Vec<Account>> {
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.community_id = $1 ORDER BY a.username"
        );
        on_db!(self, pool => sqlx::query_as::<_, Account>(AssertSqlSafe(sql.as_str())).bind(community).fetch_all(pool).await.store())
    }

    /// Display names of the accounts `ids` (those that exist), by id.
    pub async fn account_names(
        &self,
        community: Uuid,
        ids: &[Uuid],
    ) -> Result<Vec<(Uuid, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        on_db!(self, pool => {
            let mut qb = sqlx::QueryBuilder::new("SELECT id, display_name FROM accounts WHERE community_id = ");
            qb.push_bind(community);
            crate::push_in(&mut qb, "id", ids);
            qb.build_query_as::<(Uuid, String)>().fetch_all(pool).await.store()
        })
    }

    pub async fn set_password(&self, community: Uuid, id: Uuid, password_hash: &str) -> Result<()> {
        one_row(
            on_db_write!(self, pool => sqlx::query("UPDATE accounts SET password_hash = $3 WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).bind(password_hash).execute(pool).await.store().map(|r| r.rows_affected()))?,
        )
    }

    pub async fn create_session(
        &self,
        community: Uuid,
        token_hash: &str,
        account: Uuid,
        csrf: &str,
        created_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at, community_id) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(token_hash).bind(account).bind(csrf).bind(created_at).bind(expires_at).bind(community)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    /// The live session of a token hash in `community`, whose account is active.
    pub async fn find_session(&self, community: Uuid, token_hash: &str) -> Result<Option<Session>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            account: Account,
            csrf_token: String,
            created_at: OffsetDateTime,
            expires_at: OffsetDateTime,
        }
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS}, s.csrf_token, s.created_at, s.expires_at FROM sessions s
             JOIN accounts a ON a.community_id = s.community_id AND a.id = s.account_id
             WHERE s.community_id = $3 AND s.token_hash = $1 AND s.expires_at > $2 AND a.active = TRUE"
        );
        let row = on_db!(self, pool => sqlx::query_as::<_, Row>(AssertSqlSafe(sql.as_str())).bind(token_hash).bind(now()).bind(community)
            .fetch_optional(pool).await.store())?;
        Ok(row.map(|r| Session {
            account: r.account,
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            expires_at: r.expires_at,
        }))
    }

    /// Moves a session's deadline (the idle timeout slides while it is used).
    pub async fn extend_session(
        &self,
        community: Uuid,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        on_db_write!(self, pool => sqlx::query("UPDATE sessions SET expires_at = $1 WHERE community_id = $3 AND token_hash = $2")
            .bind(expires_at).bind(token_hash).bind(community).execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    /// Deletes the sessions that have expired; returns how many.
    pub async fn purge_sessions(&self) -> Result<u64> {
        on_db_write!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now()).execute(pool).await.store().map(|r| r.rows_affected()))
    }

    /// Activates or deactivates an account of `community`; `NotFound` if there is none.
    pub async fn set_account_active(&self, community: Uuid, id: Uuid, active: bool) -> Result<()> {
        let n = on_db_write!(self, pool => sqlx::query("UPDATE accounts SET active = $1 WHERE community_id = $2 AND id = $3")
            .bind(active).bind(community).bind(id).execute(pool).await.store().map(|r| r.rows_affected()))?;
        one_row(n)
    }

    /// Ends every session of an account.
    pub async fn delete_account_sessions(&self, community: Uuid, account: Uuid) -> Result<()> {
        on_db_write!(self, pool => sqlx::query("DELETE FROM sessions WHERE community_id = $2 AND account_id = $1")
            .bind(account).bind(community).execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&self, community: Uuid, token_hash: &str) -> Result<()> {
        on_db_write!(self, pool => sqlx::query("DELETE FROM sessions WHERE community_id = $2 AND token_hash = $1")
            .bind(token_hash).bind(community).execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }
}
