//! A member's moves in the store: leaving for a time, returning, a transfer to another
//! branch of the community, a transfer out; each recorded with the day, the note and who
//! decided, the member's place changing in the same transaction.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A move as recorded, with the branches' names.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MoveLine {
    #[serde(rename = "move")]
    pub kind: String,
    pub from_org: String,
    pub to_org: Option<String>,
    #[serde(serialize_with = "crate::iso_date")]
    pub moved_on: Date,
    pub note: String,
    pub decided_by: Option<String>,
}

/// A move to record: the member's mobility goes from `from` to `to` (and their branch
/// from `from_org` to `to_org`, for a transfer within the community).
#[derive(Debug, Clone)]
pub struct NewMove {
    pub kind: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub from_org: Uuid,
    pub to_org: Option<Uuid>,
    pub on: Date,
    pub note: String,
}

impl Store {
    /// Records a move, only while the member is still at `m.from` in `m.from_org`, with
    /// its audit row; `Ok(false)` when they were not (nothing written).
    pub async fn move_member(
        &self,
        community: Uuid,
        member: Uuid,
        m: &NewMove,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_members SET mobility = $1, mobility_note = $2,
                    org_id = COALESCE($3, org_id)
                 WHERE community_id = $4 AND id = $5 AND mobility = $6 AND org_id = $7")
                .bind(m.to).bind(&m.note).bind(m.to_org).bind(community).bind(member).bind(m.from)
                .bind(m.from_org)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            sqlx::query("INSERT INTO party_member_moves (id, community_id, member_id, move, from_org_id, to_org_id,
                    moved_on, note, decided_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(new_id()).bind(community).bind(member).bind(m.kind).bind(m.from_org).bind(m.to_org)
                .bind(m.on).bind(&m.note).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(member)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// A member's moves, oldest first.
    pub async fn member_moves(&self, community: Uuid, member: Uuid) -> Result<Vec<MoveLine>> {
        on_db!(self, pool => sqlx::query_as::<_, MoveLine>(
            "SELECT v.move AS kind, f.name AS from_org, t.name AS to_org, v.moved_on, v.note,
                a.display_name AS decided_by
             FROM party_member_moves v
             JOIN party_orgs f ON f.community_id = v.community_id AND f.id = v.from_org_id
             LEFT JOIN party_orgs t ON t.community_id = v.community_id AND t.id = v.to_org_id
             LEFT JOIN accounts a ON a.community_id = v.community_id AND a.id = v.decided_by
             WHERE v.community_id = $1 AND v.member_id = $2 ORDER BY v.moved_on, v.created_at")
            .bind(community).bind(member).fetch_all(pool).await.store())
    }
}
