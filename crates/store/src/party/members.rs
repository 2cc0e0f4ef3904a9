//! Party members one at a time: adding an applicant or activist to a branch, and member
//! development (发展党员) as steps from stage to stage, each recorded with its day and
//! who decided, the status moving only from the stage the rules checked.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A member as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Member {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub status: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub status_since: Date,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub joined_on: Option<Date>,
    pub dues_basis: String,
    pub pay_fen: i64,
    /// `settled`, `mobile` or `transferred`, and what was noted (where to).
    pub mobility: String,
    pub mobility_note: String,
}

/// A development step as recorded.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Step {
    pub from_status: String,
    pub to_status: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub decided_on: Date,
    pub note: String,
    pub decided_by: Option<String>,
}

/// A step to record: the status moves from `from` to `to` on `on`.
#[derive(Debug, Clone)]
pub struct NewStep {
    pub from: &'static str,
    pub to: &'static str,
    pub on: Date,
    pub note: String,
}

impl Store {
    /// Adds one member to an organisation with its audit row; the new id.
    pub async fn add_member(
        &self,
        community: Uuid,
        org: Uuid,
        m: &super::NewMember,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_members (id, community_id, org_id, staff_id, name, status, status_since,
                    joined_on, full_time, dues_basis, pay_fen, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(id).bind(community).bind(org).bind(m.staff_id).bind(&m.name).bind(m.status)
                .bind(m.status_since).bind(m.joined_on).bind(m.full_time).bind(m.dues_basis).bind(m.pay_fen).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    pub async fn get_member(&self, community: Uuid, id: Uuid) -> Result<Member> {
        on_db!(self, pool => sqlx::query_as::<_, Member>(
            "SELECT id, org_id, name, status, status_since, joined_on, dues_basis, pay_fen, mobility, mobility_note
             FROM party_members
             WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// Moves a member one stage on, only from `s.from`, with the step and its audit row;
    /// `Ok(false)` when the member was no longer at `s.from` (nothing written). Joining
    /// as a probationary member sets the day they joined.
    pub async fn advance_member(
        &self,
        community: Uuid,
        member: Uuid,
        s: &NewStep,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_members SET status = $1, status_since = $2,
                    joined_on = CASE WHEN $1 = 'probationary' THEN $2 ELSE joined_on END
                 WHERE community_id = $3 AND id = $4 AND status = $5")
                .bind(s.to).bind(s.on).bind(community).bind(member).bind(s.from)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            sqlx::query("INSERT INTO party_member_steps (id, community_id, member_id, from_status, to_status, decided_on,
                    note, decided_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(new_id()).bind(community).bind(member).bind(s.from).bind(s.to).bind(s.on).bind(&s.note)
                .bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(member)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// A member's development steps, oldest first.
    pub async fn member_steps(&self, community: Uuid, member: Uuid) -> Result<Vec<Step>> {
        on_db!(self, pool => sqlx::query_as::<_, Step>(
            "SELECT s.from_status, s.to_status, s.decided_on, s.note, a.display_name AS decided_by
             FROM party_member_steps s LEFT JOIN accounts a ON a.community_id = s.community_id AND a.id = s.decided_by
             WHERE s.community_id = $1 AND s.member_id = $2 ORDER BY s.decided_on, s.created_at")
            .bind(community).bind(member).fetch_all(pool).await.store())
    }
}
