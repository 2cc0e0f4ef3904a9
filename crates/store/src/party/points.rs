//! Member points in the store: the community's settings of the rules, a member's ledger
//! with its evidence, and an entry awarded by hand (an event's entry never twice).

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// One line of a member's ledger.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PointLine {
    pub rule: String,
    pub points: i32,
    pub year: i32,
    pub source: Option<String>,
    pub evidence: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// An entry to write, its points already cut to the rule's cap.
#[derive(Debug, Clone)]
pub struct NewPoints {
    pub member_id: Uuid,
    pub rule: String,
    pub points: i32,
    pub year: i32,
    pub source: Option<String>,
    pub evidence: String,
}

impl Store {
    /// The community's settings: (code, points, yearly cap).
    pub async fn point_settings(&self, community: Uuid) -> Result<Vec<(String, i32, Option<i32>)>> {
        on_db!(self, pool => sqlx::query_as::<_, (String, i32, Option<i32>)>(
            "SELECT code, points, yearly_cap FROM party_point_rules WHERE community_id = $1 ORDER BY code")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Sets a rule's points and cap, with its audit row.
    pub async fn set_point_rule(
        &self,
        community: Uuid,
        (code, points, cap): (&str, i32, Option<i32>),
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_point_rules (community_id, code, points, yearly_cap, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (community_id, code) DO UPDATE SET points = $3, yearly_cap = $4, updated_by = $5, updated_at = $6")
                .bind(community).bind(code).bind(points).bind(cap).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// The party member who is this staff member (not transferred out), if any.
    pub async fn member_of_staff(&self, community: Uuid, staff: Uuid) -> Result<Option<Uuid>> {
        on_db!(self, pool => sqlx::query_scalar(
            "SELECT id FROM party_members WHERE community_id = $1 AND staff_id = $2 AND mobility <> 'transferred'
             ORDER BY id LIMIT 1")
            .bind(community).bind(staff).fetch_optional(pool).await.store())
    }

    /// A member's ledger, newest first.
    pub async fn member_points(&self, community: Uuid, member: Uuid) -> Result<Vec<PointLine>> {
        on_db!(self, pool => sqlx::query_as::<_, PointLine>(
            "SELECT rule, points, year, source, evidence, created_at FROM party_points
             WHERE community_id = $1 AND member_id = $2 ORDER BY created_at DESC, id")
            .bind(community).bind(member).fetch_all(pool).await.store())
    }

    /// Writes an entry with its audit row; `Ok(false)` when its event already gave this
    /// member points (nothing written).
    pub async fn award_points(
        &self,
        community: Uuid,
        n: &NewPoints,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let written = sqlx::query("INSERT INTO party_points (id, community_id, member_id, rule, points, year, source,
                    evidence, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING")
                .bind(new_id()).bind(community).bind(n.member_id).bind(&n.rule).bind(n.points).bind(n.year)
                .bind(&n.source).bind(&n.evidence).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?.rows_affected();
            if written == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(n.member_id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }
}
