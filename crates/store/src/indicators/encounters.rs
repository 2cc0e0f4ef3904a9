//! Encounters imported from the county's systems: stored in batches, each in one
//! transaction with its tally and one audit row. A row whose institution and visit
//! number are already stored is left alone when identical, or corrected (its old
//! counts taken back, its new ones added) when the system sent other values.

use super::BatchOutcome;
use super::tallies::add_tally;
use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db_write};
use sqlx::QueryBuilder;
use std::collections::{HashMap, HashSet};
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::{Kind, ValidEncounter};
use yigong_domain::indicators::tally::{Tally, of_encounter};

/// One row to store: where it happened, and what.
pub type EncounterAt = (Uuid, ValidEncounter);

/// A stored row as compared with an incoming one.
#[derive(sqlx::FromRow)]
pub(super) struct Stored {
    pub(super) institution_id: Uuid,
    pub(super) visit_no: String,
    pub(super) department: String,
    pub(super) id_number: String,
    #[sqlx(try_from = "String")]
    pub(super) kind: Kind,
    pub(super) started_on: Date,
    pub(super) ended_on: Option<Date>,
    pub(super) diagnoses: String,
    pub(super) total_fen: i64,
    pub(super) insurance_fen: i64,
}

impl Stored {
    pub(super) fn valid(self) -> ValidEncounter {
        ValidEncounter {
            visit_no: self.visit_no,
            department: self.department,
            id_number: self.id_number,
            kind: self.kind,
            started_on: self.started_on,
            ended_on: self.ended_on,
            diagnoses: self.diagnoses.split(';').map(str::to_string).collect(),
            total_fen: self.total_fen,
            insurance_fen: self.insurance_fen,
        }
    }
}

/// Rows per INSERT statement (13 values each, well inside both engines' limits).
const PART: usize = 400;

impl Store {
    /// Stores a batch of encounters in one transaction, with its tallies and one audit
    /// row. The batch must not hold the same institution and visit number twice.
    pub async fn store_encounters(
        &self,
        community: Uuid,
        rows: &[EncounterAt],
        audit: &AuditEntry<'_>,
    ) -> Result<BatchOutcome> {
        if let Some(lite) = &self.lite {
            let audit = crate::audit::audit_row(community, audit, None);
            let rows = rows.to_vec();
            return lite
                .write(move |c| super::lite::store(c, community, &rows, &audit))
                .await;
        }
        let t = now();
        let mut outcome = BatchOutcome::default();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mut residents: HashMap<String, Uuid> = HashMap::new();
            for part in rows.chunks(PART) {
                let mut qb = QueryBuilder::new("SELECT id_number, id FROM residents WHERE community_id = ");
                qb.push_bind(community).push(" AND id_number IN (");
                let mut sep = qb.separated(", ");
                for (_, e) in part {
                    sep.push_bind(e.id_number.clone());
                }
                qb.push(")");
                let found: Vec<(String, Uuid)> = qb.build_query_as().fetch_all(&mut *tx).await.store()?;
                residents.extend(found);
            }
            let mut tally = Tally::default();
            let mut inserted: HashSet<(Uuid, String)> = HashSet::new();
            for part in rows.chunks(PART) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO encounters (id, community_id, institution_id, visit_no, department, resident_id,
                        id_number, kind, started_on, ended_on, month, diagnoses, total_fen, insurance_fen, created_at, day) ");
                qb.push_values(part, |mut b, (inst, e)| {
                    b.push_bind(new_id()).push_bind(community).push_bind(*inst).push_bind(e.visit_no.clone())
                        .push_bind(e.department.clone()).push_bind(residents.get(&e.id_number).copied())
                        .push_bind(e.id_number.clone()).push_bind(e.kind.as_str()).push_bind(e.started_on)
                        .push_bind(e.ended_on).push_bind(e.month().key()).push_bind(e.diagnoses.join(";"))
                        .push_bind(e.total_fen).push_bind(e.insurance_fen).push_bind(t).push_bind(e.day());
                });
                qb.push(" ON CONFLICT (community_id, institution_id, visit_no) DO NOTHING RETURNING institution_id, visit_no");
                let new: Vec<(Uuid, String)> = qb.build_query_as().fetch_all(&mut *tx).await.store()?;
                inserted.extend(new);
            }
            let mut again = Vec::new();
            for (inst, e) in rows {
                if inserted.contains(&(*inst, e.visit_no.clone())) {
                    tally.add(e.month(), *inst, &of_encounter(e), 1);
                    outcome.inserted += 1;
                } else {
                    again.push((*inst, e));
                }
            }
            for part in again.chunks(PART) {
                let mut qb = QueryBuilder::new(
                    "SELECT institution_id, visit_no, department, id_number, kind, started_on, ended_on, diagnoses,
                        total_fen, insurance_fen FROM encounters WHERE community_id = ");
                qb.push_bind(community).push(" AND (institution_id, visit_no) IN (");
                let mut sep = qb.separated(", ");
                for (inst, e) in part {
                    sep.push("(").push_bind_unseparated(*inst).push_unseparated(", ")
                        .push_bind_unseparated(e.visit_no.clone()).push_unseparated(")");
                }
                qb.push(")");
                let stored: Vec<Stored> = qb.build_query_as().fetch_all(&mut *tx).await.store()?;
                let mut old: HashMap<(Uuid, String), ValidEncounter> = stored
                    .into_iter().map(|s| ((s.institution_id, s.visit_no.clone()), s.valid())).collect();
                for (inst, e) in part {
                    let Some(before) = old.remove(&(*inst, e.visit_no.clone())) else { continue };
                    if &before == *e {
                        outcome.unchanged += 1;
                        continue;
                    }
                    sqlx::query(super::lite::UPDATE)
                        .bind(community).bind(*inst).bind(&e.visit_no).bind(&e.department)
                        .bind(residents.get(&e.id_number).copied()).bind(&e.id_number).bind(e.kind.as_str())
                        .bind(e.started_on).bind(e.ended_on).bind(e.month().key()).bind(e.diagnoses.join(";"))
                        .bind(e.total_fen).bind(e.insurance_fen).bind(e.day())
                        .execute(&mut *tx).await.store()?;
                    tally.add(before.month(), *inst, &of_encounter(&before), -1);
                    tally.add(e.month(), *inst, &of_encounter(e), 1);
                    outcome.updated += 1;
                }
            }
            add_tally!(tx, community, tally);
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(outcome)
    }
}

impl Store {
    /// Every resident's id, ID number and registered institution (the demo's generator).
    pub async fn resident_keys(&self, community: Uuid) -> Result<Vec<(Uuid, String, Uuid)>> {
        crate::on_db!(self, pool => sqlx::query_as(
            "SELECT id, id_number, institution_id FROM residents WHERE community_id = $1 ORDER BY id_number")
            .bind(community).fetch_all(pool).await.store())
    }
}
