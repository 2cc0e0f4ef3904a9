//! Changing a team: its name, leader, members and villages replaced in one transaction
//! with the audit row, or the team disbanded (kept for history, no longer offered).

use super::NewTeam;
use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, now, on_db_write};
use uuid::Uuid;

impl Store {
    /// Replaces an active team's name, leader, members and villages.
    pub async fn update_team(
        &self,
        community: Uuid,
        id: Uuid,
        n: &NewTeam,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let changed = sqlx::query("UPDATE family_teams SET name = $1, leader_staff_id = $2, updated_at = $3
                 WHERE community_id = $4 AND id = $5 AND active = TRUE")
                .bind(&n.name).bind(n.leader_staff_id).bind(t).bind(community).bind(id)
                .execute(&mut *tx).await.store()?.rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("DELETE FROM family_team_members WHERE community_id = $1 AND team_id = $2")
                .bind(community).bind(id).execute(&mut *tx).await.store()?;
            sqlx::query("DELETE FROM family_team_villages WHERE community_id = $1 AND team_id = $2")
                .bind(community).bind(id).execute(&mut *tx).await.store()?;
            for (staff, role) in &n.members {
                sqlx::query("INSERT INTO family_team_members (team_id, staff_id, role, community_id) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(*staff).bind(*role).bind(community).execute(&mut *tx).await.store()?;
            }
            for village in &n.villages {
                sqlx::query("INSERT INTO family_team_villages (team_id, institution_id, community_id) VALUES ($1, $2, $3)")
                    .bind(id).bind(*village).bind(community).execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// Marks a team disbanded, unless it holds an active contract (checked in the same
    /// statement, so a contract signed meanwhile keeps it).
    pub async fn disband_team(
        &self,
        community: Uuid,
        id: Uuid,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let changed = sqlx::query("UPDATE family_teams SET active = FALSE, updated_at = $1
                 WHERE community_id = $2 AND id = $3 AND active = TRUE AND NOT EXISTS
                   (SELECT 1 FROM family_contracts c WHERE c.community_id = $2 AND c.team_id = $3 AND c.status = 'active')")
                .bind(t).bind(community).bind(id)
                .execute(&mut *tx).await.store()?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { constraint: "team_has_contracts".into() });
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
