//! Pairing in the store (结对共建): a department of a hospital paired with a township
//! branch, and the joint activities they hold, kept as the branch's activities that name
//! the pairing (decision 0012), with their minutes.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A pairing with its joint activities counted.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Pairing {
    pub id: Uuid,
    pub department_id: Uuid,
    pub department: String,
    pub hospital: String,
    pub org_id: Uuid,
    pub branch: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub since: Date,
    pub note: String,
    pub activities: i64,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub last_held: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct NewPairing {
    pub department_id: Uuid,
    pub org_id: Uuid,
    pub since: Date,
    pub note: String,
}

/// A joint activity held, with its minutes.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct JointActivity {
    pub id: Uuid,
    pub title: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub held_on: Date,
    pub minutes: String,
}

#[derive(Debug, Clone)]
pub struct NewJointActivity {
    pub title: String,
    pub held_on: Date,
    pub minutes: String,
}

impl Store {
    /// Pairs a department with a branch, with its audit row; its id (a conflict when the
    /// two are already paired).
    pub async fn add_pairing(
        &self,
        community: Uuid,
        n: &NewPairing,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_pairings (id, community_id, department_id, org_id, since, note,
                    created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id).bind(community).bind(n.department_id).bind(n.org_id).bind(n.since).bind(&n.note)
                .bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Every pairing, by hospital department, with its joint activities counted.
    pub async fn pairings(&self, community: Uuid) -> Result<Vec<Pairing>> {
        on_db!(self, pool => sqlx::query_as::<_, Pairing>(
            "SELECT p.id, p.department_id, d.name AS department, i.name AS hospital, p.org_id,
                o.name AS branch, p.since, p.note,
                (SELECT COUNT(*) FROM party_work w WHERE w.community_id = p.community_id
                    AND w.pairing_id = p.id) AS activities,
                (SELECT MAX(w.held_on) FROM party_work w WHERE w.community_id = p.community_id
                    AND w.pairing_id = p.id) AS last_held
             FROM party_pairings p
             JOIN departments d ON d.community_id = p.community_id AND d.id = p.department_id
             JOIN institutions i ON i.community_id = d.community_id AND i.id = d.institution_id
             JOIN party_orgs o ON o.community_id = p.community_id AND o.id = p.org_id
             WHERE p.community_id = $1 ORDER BY i.name, d.name, o.name")
            .bind(community).fetch_all(pool).await.store())
    }

    /// A pairing's joint activities, the latest first.
    pub async fn joint_activities(
        &self,
        community: Uuid,
        pairing: Uuid,
    ) -> Result<Vec<JointActivity>> {
        on_db!(self, pool => sqlx::query_as::<_, JointActivity>(
            "SELECT w.id, w.title, w.held_on,
                COALESCE((SELECT e.text FROM party_evidence e WHERE e.community_id = w.community_id
                    AND e.work_id = w.id AND e.kind = 'minutes' ORDER BY e.created_at LIMIT 1), '') AS minutes
             FROM party_work w WHERE w.community_id = $1 AND w.pairing_id = $2 AND w.held_on IS NOT NULL
             ORDER BY w.held_on DESC, w.created_at DESC")
            .bind(community).bind(pairing).fetch_all(pool).await.store())
    }

    /// Records a joint activity of a pairing held: an activity of its branch that names the
    /// pairing, with its minutes and audit row; its id.
    pub async fn record_joint_activity(
        &self,
        community: Uuid,
        pairing: Uuid,
        n: &NewJointActivity,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let added = sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, pairing_id, subject, title,
                    due_on, held_on, status, created_by, created_at, updated_at)
                 SELECT $1, $2, 'activity', p.org_id, p.id, 'joint_activity', $3, $4, $4, 'submitted', $5, $6, $6
                 FROM party_pairings p WHERE p.community_id = $2 AND p.id = $7")
                .bind(id).bind(community).bind(&n.title).bind(n.held_on).bind(audit.account_id).bind(t)
                .bind(pairing)
                .execute(&mut *tx).await.store()?.rows_affected();
            if added == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'minutes', $4, $5, $6)")
                .bind(new_id()).bind(community).bind(id).bind(&n.minutes).bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }
}
