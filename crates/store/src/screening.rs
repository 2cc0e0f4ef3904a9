//! Screenings (blood pressure, fasting glucose, the COPD-SQ questionnaire) from any
//! clinic, and the suspicions they open at the resident's clinic until a doctor confirms
//! the diagnosis (enrolling the resident into the register in the same transaction) or
//! excludes it.

use crate::audit::{AuditEntry, insert_audit};
use crate::chronic::NewRegister;
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewScreening {
    pub resident_id: Uuid,
    /// Where the screening took place (any clinic).
    pub institution_id: Uuid,
    /// The resident's own clinic, where a suspicion goes.
    pub home_institution_id: Uuid,
    pub screened_on: Option<Date>,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub copd_score: Option<i32>,
    /// `key=value;…`, empty when the questionnaire was not asked.
    pub copd_answers: String,
    /// Finding codes, comma-separated.
    pub findings: String,
    /// The conditions to open a suspicion for (`Condition::as_str`); one already open,
    /// or a disease already on register, opens nothing.
    pub suspect: Vec<&'static str>,
    pub recorded_by: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Screening {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub institution_id: Uuid,
    pub institution_name: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub screened_on: Date,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub copd_score: Option<i32>,
    pub copd_answers: String,
    pub findings: String,
}

/// A suspicion with its resident and the screening that raised it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Suspicion {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub birth_date: Date,
    pub phone: String,
    pub address: String,
    pub condition: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub screening_id: Uuid,
    #[serde(serialize_with = "crate::iso_date")]
    pub opened_on: Date,
    pub status: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub closed_on: Option<Date>,
    pub basis: Option<String>,
    pub note: String,
    pub register_id: Option<Uuid>,
}

/// How a suspicion is closed.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    /// `confirmed` or `excluded`
    pub outcome: &'static str,
    pub basis: Option<&'static str>,
    pub note: &'a str,
    pub on: Date,
    pub decided_by: Option<Uuid>,
    /// For a confirmed hypertension or diabetes: the register to open.
    pub register: Option<NewRegister>,
}

const SCREENING_SELECT: &str = "SELECT s.id, s.resident_id, s.institution_id, i.name AS institution_name, s.screened_on,
    s.systolic, s.diastolic, s.glucose, s.weight_kg, s.height_cm, s.copd_score, s.copd_answers, s.findings
    FROM chronic_screenings s JOIN institutions i ON i.community_id = s.community_id AND i.id = s.institution_id";

const SUSPICION_SELECT: &str = "SELECT u.id, u.resident_id, r.name AS resident_name, r.birth_date, r.phone, r.address,
    u.condition, u.institution_id, i.name AS institution_name, u.screening_id, u.opened_on, u.status, u.closed_on,
    u.basis, u.note, u.register_id
    FROM chronic_suspicions u JOIN residents r ON r.community_id = u.community_id AND r.id = u.resident_id JOIN institutions i ON i.community_id = u.community_id AND i.id = u.institution_id";

/// Opens a suspicion unless one is open already or the disease is on register.
const OPEN_SUSPICION: &str = "INSERT INTO chronic_suspicions (id, community_id, resident_id, condition,
        institution_id, screening_id, opened_on, status, created_at, updated_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, 'open', $8, $8
    WHERE NOT EXISTS (SELECT 1 FROM chronic_suspicions WHERE resident_id = $3 AND condition = $4 AND status = 'open')
      AND NOT EXISTS (SELECT 1 FROM chronic_registers WHERE resident_id = $3 AND disease = $4 AND status = 'managed')";

fn push_open_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    clinics: &[Uuid],
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE u.community_id = ").push_bind(community);
    qb.push(" AND u.status = 'open'");
    crate::push_in(qb, "u.institution_id", clinics);
}

impl Store {
    /// Records a screening and opens the suspicions it raises, in one transaction.
    /// Returns the screening and the conditions newly opened.
    pub async fn record_screening(
        &self,
        community: Uuid,
        n: &NewScreening,
        audit: &AuditEntry<'_>,
    ) -> Result<(Uuid, Vec<&'static str>)> {
        let on = n
            .screened_on
            .ok_or_else(|| StoreError::Engine("a screening needs its date".into()))?;
        let (id, t) = (new_id(), now());
        let mut opened = Vec::new();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(
                "INSERT INTO chronic_screenings (id, community_id, resident_id, institution_id, screened_on, systolic,
                    diastolic, glucose, weight_kg, height_cm, copd_score, copd_answers, findings, recorded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)")
                .bind(id).bind(community).bind(n.resident_id).bind(n.institution_id).bind(on).bind(n.systolic)
                .bind(n.diastolic).bind(n.glucose).bind(n.weight_kg).bind(n.height_cm).bind(n.copd_score)
                .bind(&n.copd_answers).bind(&n.findings).bind(n.recorded_by).bind(t)
                .execute(&mut *tx).await.store()?;
            for condition in &n.suspect {
                let added = sqlx::query(OPEN_SUSPICION)
                    .bind(new_id()).bind(community).bind(n.resident_id).bind(*condition).bind(n.home_institution_id)
                    .bind(id).bind(on).bind(t)
                    .execute(&mut *tx).await.store()?.rows_affected();
                if added > 0 {
                    opened.push(*condition);
                }
            }
            insert_audit!(&mut *tx, community, audit, Some(n.resident_id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok((id, opened))
    }

    /// A resident's screenings, newest first.
    pub async fn screenings_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<Screening>> {
        on_db!(self, pool => sqlx::query_as::<_, Screening>(sqlx::AssertSqlSafe(format!(
            "{SCREENING_SELECT} WHERE s.community_id = $1 AND s.resident_id = $2
             ORDER BY s.screened_on DESC, s.created_at DESC LIMIT 50")))
            .bind(community).bind(resident).fetch_all(pool).await.store())
    }

    /// A resident's suspicions, the open ones first, then the newest.
    pub async fn suspicions_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<Suspicion>> {
        on_db!(self, pool => sqlx::query_as::<_, Suspicion>(sqlx::AssertSqlSafe(format!(
            "{SUSPICION_SELECT} WHERE u.community_id = $1 AND u.resident_id = $2
             ORDER BY CASE WHEN u.status = 'open' THEN 0 ELSE 1 END, u.opened_on DESC")))
            .bind(community).bind(resident).fetch_all(pool).await.store())
    }

    pub async fn get_suspicion(&self, community: Uuid, id: Uuid) -> Result<Suspicion> {
        on_db!(self, pool => sqlx::query_as::<_, Suspicion>(sqlx::AssertSqlSafe(format!(
            "{SUSPICION_SELECT} WHERE u.community_id = $1 AND u.id = $2")))
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// The open suspicions at `clinics`, the oldest first.
    pub async fn open_suspicions(
        &self,
        community: Uuid,
        clinics: &[Uuid],
        page: PageRequest,
    ) -> Result<Page<Suspicion>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SUSPICION_SELECT);
            push_open_filter(&mut qb, community, clinics);
            qb.push(" ORDER BY u.opened_on, u.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Suspicion>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM chronic_suspicions u");
            push_open_filter(&mut qc, community, clinics);
            let total: i64 = qc.build_query_scalar().fetch_one(pool).await.store()?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Closes an open suspicion; a confirmation with a register enrols the resident in
    /// the same transaction. `Ok(None)` when it was no longer open; a resident already
    /// on the register is a conflict. Returns the register opened, if any.
    pub async fn decide_suspicion(
        &self,
        community: Uuid,
        id: Uuid,
        d: &Decision<'_>,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Option<Uuid>>> {
        let t = now();
        let register = d.register.as_ref().map(|_| new_id());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            if let (Some(rid), Some(n)) = (register, &d.register) {
                sqlx::query(crate::chronic::INSERT_REGISTER)
                    .bind(rid).bind(community).bind(n.resident_id).bind(n.disease).bind(n.institution_id)
                    .bind(n.responsible_staff_id).bind(n.diagnosed_on).bind(n.enrolled_on).bind(n.next_due).bind(t)
                    .execute(&mut *tx).await.store()?;
                let counted = crate::chronic::counted::chronic_pass!(tx, community, Some(rid), 1);
                crate::indicators::tallies::add_tally!(tx, community, counted);
            }
            let closed = sqlx::query(
                "UPDATE chronic_suspicions SET status = $3, closed_on = $4, basis = $5, note = $6, register_id = $7,
                    decided_by = $8, updated_at = $9
                 WHERE community_id = $1 AND id = $2 AND status = 'open'")
                .bind(community).bind(id).bind(d.outcome).bind(d.on).bind(d.basis).bind(d.note).bind(register)
                .bind(d.decided_by).bind(t)
                .execute(&mut *tx).await.store()?.rows_affected();
            if closed == 0 {
                return Ok(None);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(register))
    }

    /// Loads screenings and their open suspicions as they happened (demo or migrated
    /// data). No audit rows.
    pub async fn bulk_load_screenings(&self, community: Uuid, rows: &[NewScreening]) -> Result<()> {
        let t = now();
        for chunk in rows.chunks(1000) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                let ids: Vec<Uuid> = chunk.iter().map(|_| new_id()).collect();
                for (part, part_ids) in chunk.chunks(200).zip(ids.chunks(200)) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO chronic_screenings (id, community_id, resident_id, institution_id, screened_on,
                            systolic, diastolic, glucose, weight_kg, height_cm, copd_score, copd_answers, findings,
                            recorded_by, created_at) ");
                    qb.push_values(part.iter().zip(part_ids), |mut b, (n, id)| {
                        b.push_bind(*id).push_bind(community).push_bind(n.resident_id).push_bind(n.institution_id)
                            .push_bind(n.screened_on).push_bind(n.systolic).push_bind(n.diastolic).push_bind(n.glucose)
                            .push_bind(n.weight_kg).push_bind(n.height_cm).push_bind(n.copd_score)
                            .push_bind(n.copd_answers.as_str()).push_bind(n.findings.as_str()).push_bind(n.recorded_by)
                            .push_bind(t);
                    });
                    qb.build().execute(&mut *tx).await.store()?;
                }
                for (n, id) in chunk.iter().zip(&ids) {
                    for condition in &n.suspect {
                        sqlx::query(OPEN_SUSPICION)
                            .bind(new_id()).bind(community).bind(n.resident_id).bind(*condition)
                            .bind(n.home_institution_id).bind(*id).bind(n.screened_on).bind(t)
                            .execute(&mut *tx).await.store()?;
                    }
                }
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}
