//! Calls to overdue patients: each call is kept, and what it found changes the register
//! in the same transaction (a week's grace, a home visit instead of a call, or the
//! register ended because the patient moved away or died).

use super::counted::chronic_pass;
use crate::audit::{AuditEntry, insert_audit};
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A call as the rules decided it (`domain::chronic::calls`).
#[derive(Debug, Clone)]
pub struct NewCall<'a> {
    pub called_on: Date,
    /// `will_come`, `wrong_number`, `moved` or `died`.
    pub outcome: &'a str,
    /// Off the overdue list until this day.
    pub quiet_until: Option<Date>,
    /// The next step is a home visit rather than another call.
    pub visit_at_home: bool,
    /// The register ends, for this reason (`moved`, `died`).
    pub ends: Option<&'a str>,
    pub recorded_by: Option<Uuid>,
}

/// A call as kept.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Call {
    pub id: Uuid,
    #[serde(serialize_with = "crate::iso_date")]
    pub called_on: Date,
    pub outcome: String,
    pub recorded_by: Option<Uuid>,
}

impl Store {
    /// Keeps a call and applies it to the register at `version`; `None` when the
    /// register changed meanwhile or is no longer managed.
    pub async fn record_call(
        &self,
        community: Uuid,
        register: Uuid,
        version: i64,
        c: &NewCall<'_>,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mut counted = chronic_pass!(tx, community, Some(register), -1);
            let changed = sqlx::query(
                "UPDATE chronic_registers SET quiet_until = $3, visit_at_home = $4,
                    status = CASE WHEN $5 IS NULL THEN status ELSE 'ended' END, end_reason = $5,
                    ended_on = CASE WHEN $5 IS NULL THEN ended_on ELSE $8 END,
                    updated_at = $6, version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $7 AND status = 'managed'")
                .bind(community).bind(register).bind(c.quiet_until).bind(c.visit_at_home).bind(c.ends)
                .bind(t).bind(version).bind(c.called_on)
                .execute(&mut *tx).await.store()?.rows_affected();
            if changed == 0 {
                return Ok(None);
            }
            counted.merge(&chronic_pass!(tx, community, Some(register), 1));
            add_tally!(tx, community, counted);
            sqlx::query(
                "INSERT INTO chronic_calls (id, community_id, register_id, called_on, outcome, recorded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(community).bind(register).bind(c.called_on).bind(c.outcome)
                .bind(c.recorded_by).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(register)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// A register's calls, newest first.
    pub async fn calls_of(&self, community: Uuid, register: Uuid) -> Result<Vec<Call>> {
        on_db!(self, pool => sqlx::query_as::<_, Call>(
            "SELECT id, called_on, outcome, recorded_by FROM chronic_calls
             WHERE community_id = $1 AND register_id = $2 ORDER BY called_on DESC, created_at DESC")
            .bind(community).bind(register).fetch_all(pool).await.store())
    }
}
