//! Party dues in the store: each member's basis and pay, and the ledger of months paid,
//! one row per member and month (a month paid twice is not written twice).

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A member with what the dues are worked out from.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct DuesMember {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub dues_basis: String,
    pub pay_fen: i64,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub joined_on: Option<Date>,
}

/// A month paid.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct DuesPaid {
    pub member_id: Uuid,
    /// year × 12 + month.
    pub month: i32,
    pub amount_fen: i64,
    #[serde(serialize_with = "crate::iso_date")]
    pub paid_on: Date,
}

/// A payment: the months it covers, each at `amount_fen` and with the day it was paid.
#[derive(Debug, Clone)]
pub struct NewDues {
    pub member_id: Uuid,
    pub months: Vec<(i32, Date)>,
    pub amount_fen: i64,
}

impl Store {
    /// The members of an organisation who owe dues (probationary and full, not transferred
    /// out: a mobile member still pays their branch).
    pub async fn dues_members(&self, community: Uuid, org: Uuid) -> Result<Vec<DuesMember>> {
        on_db!(self, pool => sqlx::query_as::<_, DuesMember>(
            "SELECT id, name, status, dues_basis, pay_fen, joined_on FROM party_members
             WHERE community_id = $1 AND org_id = $2 AND status IN ('probationary', 'full')
                AND mobility <> 'transferred'
             ORDER BY name, id")
            .bind(community).bind(org).fetch_all(pool).await.store())
    }

    /// The months paid by an organisation's members in `[first, last]`.
    pub async fn dues_paid(
        &self,
        community: Uuid,
        org: Uuid,
        (first, last): (i32, i32),
    ) -> Result<Vec<DuesPaid>> {
        on_db!(self, pool => sqlx::query_as::<_, DuesPaid>(
            "SELECT d.member_id, d.month, d.amount_fen, d.paid_on FROM party_dues d
             JOIN party_members m ON m.community_id = d.community_id AND m.id = d.member_id
             WHERE d.community_id = $1 AND m.org_id = $2 AND d.month >= $3 AND d.month <= $4
             ORDER BY d.month")
            .bind(community).bind(org).bind(first).bind(last).fetch_all(pool).await.store())
    }

    /// Records a payment with its audit row; the months written (a month already paid
    /// is skipped, not written twice).
    pub async fn record_dues(
        &self,
        community: Uuid,
        n: &NewDues,
        audit: &AuditEntry<'_>,
    ) -> Result<u64> {
        let t = now();
        let mut written = 0;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (month, paid_on) in &n.months {
                written += sqlx::query("INSERT INTO party_dues (id, community_id, member_id, month, amount_fen, paid_on,
                        recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
                    .bind(new_id()).bind(community).bind(n.member_id).bind(month).bind(n.amount_fen)
                    .bind(paid_on).bind(audit.account_id).bind(t)
                    .execute(&mut *tx).await.store()?.rows_affected();
            }
            insert_audit!(&mut *tx, community, audit, Some(n.member_id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(written)
    }

    /// Sets a member's dues basis and monthly after-tax pay, with its audit row.
    pub async fn set_member_pay(
        &self,
        community: Uuid,
        member: Uuid,
        (basis, pay_fen): (&str, i64),
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("UPDATE party_members SET dues_basis = $1, pay_fen = $2 WHERE community_id = $3 AND id = $4")
                .bind(basis).bind(pay_fen).bind(community).bind(member)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(member)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
