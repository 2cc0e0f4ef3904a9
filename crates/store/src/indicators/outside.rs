//! The register of residents' care outside the county: entered one by one or imported
//! from the insurance settlement data (a settlement number stored once), each counted
//! at the resident's registered institution in the month of the visit or discharge.

use super::BatchOutcome;
use super::tallies::add_tally;
use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db_write};
use uuid::Uuid;
use yigong_domain::indicators::outside::ValidOutside;
use yigong_domain::indicators::tally::{Tally, of_outside};

/// One outside visit to store, its resident resolved and its referral checked.
#[derive(Debug, Clone)]
pub struct NewOutside {
    pub resident_id: Uuid,
    /// The resident's registered institution, where the visit is counted.
    pub institution_id: Uuid,
    pub visit: ValidOutside,
    pub referral_id: Option<Uuid>,
    /// `manual` or `import`.
    pub source: &'static str,
}

impl Store {
    /// Stores outside visits in one transaction with their tallies and one audit row; a
    /// settlement number already stored is left alone (a re-import adds nothing).
    pub async fn add_outside_visits(
        &self,
        community: Uuid,
        rows: &[NewOutside],
        audit: &AuditEntry<'_>,
    ) -> Result<(BatchOutcome, Vec<Uuid>)> {
        let t = now();
        let mut outcome = BatchOutcome::default();
        let mut ids = Vec::new();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mut tally = Tally::default();
            for r in rows {
                let id = new_id();
                let v = &r.visit;
                let n = sqlx::query(
                    "INSERT INTO outside_visits (id, community_id, resident_id, institution_id, settlement_no, kind,
                        started_on, ended_on, month, hospital, level, total_fen, insurance_fen, referral_id, source,
                        created_by, created_at, day)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                     ON CONFLICT (community_id, settlement_no) WHERE settlement_no <> '' DO NOTHING")
                    .bind(id).bind(community).bind(r.resident_id).bind(r.institution_id).bind(&v.settlement_no)
                    .bind(v.kind.as_str()).bind(v.started_on).bind(v.ended_on).bind(v.month().key())
                    .bind(&v.hospital).bind(v.level.as_str()).bind(v.total_fen).bind(v.insurance_fen)
                    .bind(r.referral_id).bind(r.source).bind(audit.account_id).bind(t).bind(v.day())
                    .execute(&mut *tx).await.store()?.rows_affected();
                if n == 0 {
                    outcome.unchanged += 1;
                    continue;
                }
                ids.push(id);
                outcome.inserted += 1;
                tally.add(v.month(), r.institution_id, &of_outside(v, r.referral_id.is_some()), 1);
            }
            add_tally!(tx, community, tally);
            insert_audit!(&mut *tx, community, audit, ids.first().copied()).await.store()?;
            tx.commit().await.store()?;
        });
        Ok((outcome, ids))
    }
}
