//! Hypertension and diabetes registers: enrolment with a responsible doctor, screenings,
//! follow-up visits (each sets the next due date the rules decided), and the worklist of
//! who is due or overdue at a set of clinics.

pub mod calls;
pub mod counted;
pub mod managed;

use crate::audit::{AuditEntry, insert_audit};
use crate::indicators::tallies::add_tally;
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use counted::chronic_pass;
use serde::Serialize;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::Date;
use uuid::Uuid;
use yigong_domain::chronic::{Plan, UNVISITED_RISK};

#[derive(Debug, Clone)]
pub struct NewRegister {
    pub resident_id: Uuid,
    /// `hypertension` or `diabetes`
    pub disease: &'static str,
    /// The resident's clinic, where the follow-ups happen.
    pub institution_id: Uuid,
    pub responsible_staff_id: Option<Uuid>,
    pub diagnosed_on: Date,
    pub enrolled_on: Date,
    /// The first follow-up.
    pub next_due: Date,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Register {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub birth_date: Date,
    pub disease: String,
    pub status: String,
    pub institution_id: Uuid,
    pub responsible_staff_id: Option<Uuid>,
    #[serde(serialize_with = "crate::iso_date")]
    pub diagnosed_on: Date,
    #[serde(serialize_with = "crate::iso_date")]
    pub enrolled_on: Date,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub last_visit_on: Option<Date>,
    pub last_controlled: Option<bool>,
    #[serde(serialize_with = "crate::iso_date")]
    pub next_due: Date,
    pub version: i64,
}

/// A follow-up visit as recorded, with what the rules decided from it.
#[derive(Debug, Clone, Default)]
pub struct NewFollowUp {
    pub visit_on: Option<Date>,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub symptoms: String,
    pub danger_symptoms: bool,
    pub adverse_reaction: bool,
    pub new_complication: bool,
    pub medications: String,
    pub adherence: String,
    pub advice: String,
    /// Lifestyle advice codes, comma-separated.
    pub lifestyle: String,
    pub controlled: Option<bool>,
    /// `Plan::as_str`
    pub plan: &'static str,
    /// `clinic`, `home` or `phone` (empty: `clinic`).
    pub visit_type: &'static str,
    pub next_due: Option<Date>,
    pub recorded_by: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FollowUp {
    pub id: Uuid,
    #[serde(serialize_with = "crate::iso_date")]
    pub visit_on: Date,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub medications: String,
    pub adherence: String,
    pub lifestyle: String,
    pub advice: String,
    pub controlled: Option<bool>,
    pub plan: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub next_due: Date,
    pub visit_type: String,
}

/// One line of the follow-up worklist.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct DueRow {
    pub register_id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub phone: String,
    pub address: String,
    pub institution_name: String,
    pub disease: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub next_due: Date,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub last_visit_on: Option<Date>,
    pub last_controlled: Option<bool>,
    /// What the last visit decided (`Plan::as_str`), none before the first.
    pub last_plan: Option<String>,
    /// A call found a wrong number: the next step is a home visit.
    pub visit_at_home: bool,
}

/// The worklist's risk order as SQL, from the domain's [`Plan::risk`].
fn risk_order() -> String {
    let mut sql = String::from("CASE g.last_plan");
    for p in Plan::ALL {
        sql.push_str(&format!(" WHEN '{}' THEN {}", p.as_str(), p.risk()));
    }
    sql.push_str(&format!(" ELSE {UNVISITED_RISK} END"));
    sql
}

/// Binds: id, community, resident, disease, clinic, responsible doctor, diagnosed,
/// enrolled, next due, now.
pub(crate) const INSERT_REGISTER: &str = "INSERT INTO chronic_registers (id, community_id, resident_id, disease, status,
        institution_id, responsible_staff_id, diagnosed_on, enrolled_on, next_due, created_at, updated_at)
    VALUES ($1, $2, $3, $4, 'managed', $5, $6, $7, $8, $9, $10, $10)";

const REGISTER_SELECT: &str = "SELECT g.id, g.resident_id, r.name AS resident_name, r.birth_date, g.disease, g.status,
    g.institution_id, g.responsible_staff_id, g.diagnosed_on, g.enrolled_on, g.last_visit_on, g.last_controlled,
    g.next_due, g.version
    FROM chronic_registers g JOIN residents r ON r.community_id = g.community_id AND r.id = g.resident_id";

/// Managed registers of `institutions` due by `due_by`, except those a call has given
/// grace until after `today`.
fn push_due_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    institutions: &[Uuid],
    today: Date,
    due_by: Date,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE g.community_id = ").push_bind(community);
    qb.push(" AND g.status = 'managed' AND g.next_due <= ")
        .push_bind(due_by);
    qb.push(" AND (g.quiet_until IS NULL OR g.quiet_until <= ")
        .push_bind(today)
        .push(")");
    crate::push_in(qb, "g.institution_id", institutions);
}

impl Store {
    /// Enrols a resident into a register; a resident already on it is a conflict.
    pub async fn enrol(
        &self,
        community: Uuid,
        n: &NewRegister,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(INSERT_REGISTER)
                .bind(id).bind(community).bind(n.resident_id).bind(n.disease).bind(n.institution_id)
                .bind(n.responsible_staff_id).bind(n.diagnosed_on).bind(n.enrolled_on).bind(n.next_due).bind(t)
                .execute(&mut *tx).await.store()?;
            let counted = chronic_pass!(tx, community, Some(id), 1);
            add_tally!(tx, community, counted);
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    pub async fn get_register(&self, community: Uuid, id: Uuid) -> Result<Register> {
        let sql = format!("{REGISTER_SELECT} WHERE g.community_id = $1 AND g.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Register>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// A resident's registers.
    pub async fn registers_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<Register>> {
        let sql = format!(
            "{REGISTER_SELECT} WHERE g.community_id = $1 AND g.resident_id = $2 ORDER BY g.disease"
        );
        on_db!(self, pool => sqlx::query_as::<_, Register>(AssertSqlSafe(sql.as_str())).bind(community).bind(resident)
            .fetch_all(pool).await.store())
    }

    /// Records a visit decided on the register at `version`, and moves the register's
    /// next due date, in one transaction: the visit's id, or `None` when the register
    /// changed meanwhile.
    pub async fn record_follow_up(
        &self,
        community: Uuid,
        register: Uuid,
        version: i64,
        f: &NewFollowUp,
        audit: &AuditEntry<'_>,
    ) -> Result<Option<Uuid>> {
        let (visit_on, next_due) = match (f.visit_on, f.next_due) {
            (Some(v), Some(n)) => (v, n),
            _ => {
                return Err(StoreError::Engine(
                    "a follow-up needs its visit and next due dates".into(),
                ));
            }
        };
        let t = now();
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mut counted = chronic_pass!(tx, community, Some(register), -1);
            let moved = sqlx::query(
                "UPDATE chronic_registers SET last_visit_on = $3, last_controlled = $4, next_due = $5, updated_at = $6,
                    version = version + 1, last_plan = $8, quiet_until = NULL, visit_at_home = FALSE
                 WHERE community_id = $1 AND id = $2 AND version = $7 AND status = 'managed'")
                .bind(community).bind(register).bind(visit_on).bind(f.controlled).bind(next_due).bind(t).bind(version)
                .bind(f.plan)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(None);
            }
            sqlx::query(
                "INSERT INTO chronic_follow_ups (id, community_id, register_id, institution_id, disease, visit_on, systolic,
                    diastolic, glucose, weight_kg, height_cm, symptoms, danger_symptoms, adverse_reaction, new_complication,
                    medications, adherence, advice, controlled, plan, next_due, recorded_by, created_at, lifestyle, visit_type)
                 SELECT $1, $2, $3, g.institution_id, g.disease, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    $16, $17, $18, $19, $20, $21, $22, $23 FROM chronic_registers g WHERE g.community_id = $2 AND g.id = $3")
                .bind(id).bind(community).bind(register).bind(visit_on).bind(f.systolic).bind(f.diastolic).bind(f.glucose)
                .bind(f.weight_kg).bind(f.height_cm).bind(&f.symptoms).bind(f.danger_symptoms).bind(f.adverse_reaction)
                .bind(f.new_complication).bind(&f.medications).bind(&f.adherence).bind(&f.advice).bind(f.controlled)
                .bind(f.plan).bind(next_due).bind(f.recorded_by).bind(t).bind(&f.lifestyle)
                .bind(if f.visit_type.is_empty() { "clinic" } else { f.visit_type })
                .execute(&mut *tx).await.store()?;
            counted.merge(&chronic_pass!(tx, community, Some(register), 1));
            add_tally!(tx, community, counted);
            insert_audit!(&mut *tx, community, audit, Some(register)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(id))
    }

    /// A register's visits, newest first.
    pub async fn follow_ups(&self, community: Uuid, register: Uuid) -> Result<Vec<FollowUp>> {
        on_db!(self, pool => sqlx::query_as::<_, FollowUp>(
            "SELECT id, visit_on, systolic, diastolic, glucose, weight_kg, height_cm, medications, adherence, lifestyle, advice,
                controlled, plan, next_due, visit_type FROM chronic_follow_ups
             WHERE community_id = $1 AND register_id = $2 ORDER BY visit_on DESC, id DESC")
            .bind(community).bind(register).fetch_all(pool).await.store())
    }

    /// Who is due by `due_by` among the registers kept at `institutions`: the overdue
    /// (due before `today`) first, each part by risk (what the last visit decided), then
    /// by due date.
    pub async fn follow_up_worklist(
        &self,
        community: Uuid,
        institutions: &[Uuid],
        today: Date,
        due_by: Date,
        page: PageRequest,
    ) -> Result<Page<DueRow>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT g.id AS register_id, g.resident_id, r.name AS resident_name, r.phone, r.address,
                    i.name AS institution_name, g.disease, g.next_due, g.last_visit_on, g.last_controlled, g.last_plan,
                    g.visit_at_home
                 FROM chronic_registers g JOIN residents r ON r.community_id = g.community_id AND r.id = g.resident_id
                 JOIN institutions i ON i.community_id = g.community_id AND i.id = g.institution_id");
            push_due_filter(&mut qb, community, institutions, today, due_by);
            qb.push(" ORDER BY CASE WHEN g.next_due < ").push_bind(today).push(" THEN 0 ELSE 1 END, ")
                .push(risk_order()).push(", g.next_due, g.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<DueRow>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM chronic_registers g");
            push_due_filter(&mut qc, community, institutions, today, due_by);
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
}

impl Store {
    /// Counts the indicators' chronic-care counters again from every register and visit,
    /// in one transaction (after a bulk load; the rebuild does the same with the rest).
    pub async fn recount_chronic(&self, community: Uuid) -> Result<()> {
        let sql = format!(
            "DELETE FROM indicator_tallies WHERE community_id = $1 AND measure IN ({})",
            crate::indicators::tallies::kept_by_year_codes()
        );
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(AssertSqlSafe(sql.as_str())).bind(community).execute(&mut *tx).await.store()?;
            let counted = chronic_pass!(tx, community, None, 1);
            add_tally!(tx, community, counted);
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// Loads registers with their visits as they happened (demo or migrated data): the
    /// register's last visit, last result and next due date follow from its last visit.
    /// No audit rows, and the indicators' counters are left to [`Store::recount_chronic`]
    /// once everything is loaded.
    pub async fn bulk_load_chronic(
        &self,
        community: Uuid,
        rows: &[(NewRegister, Vec<NewFollowUp>)],
    ) -> Result<()> {
        let t = now();
        for chunk in rows.chunks(2000) {
            let ids: Vec<Uuid> = chunk.iter().map(|_| new_id()).collect();
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                for (part, part_ids) in chunk.chunks(300).zip(ids.chunks(300)) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO chronic_registers (id, community_id, resident_id, disease, status, institution_id,
                            responsible_staff_id, diagnosed_on, enrolled_on, last_visit_on, last_controlled, next_due,
                            created_at, updated_at, version, last_plan) ");
                    qb.push_values(part.iter().zip(part_ids), |mut b, ((r, visits), id)| {
                        let last = visits.last();
                        b.push_bind(*id).push_bind(community).push_bind(r.resident_id).push_bind(r.disease)
                            .push_bind("managed").push_bind(r.institution_id).push_bind(r.responsible_staff_id)
                            .push_bind(r.diagnosed_on).push_bind(r.enrolled_on).push_bind(last.and_then(|f| f.visit_on))
                            .push_bind(last.and_then(|f| f.controlled))
                            .push_bind(last.and_then(|f| f.next_due).unwrap_or(r.next_due))
                            .push_bind(t).push_bind(t).push_bind(visits.len() as i64).push_bind(last.map(|f| f.plan));
                    });
                    qb.build().execute(&mut *tx).await.store()?;
                    let visits: Vec<(Uuid, &NewRegister, &NewFollowUp)> = part
                        .iter()
                        .zip(part_ids)
                        .flat_map(|((r, vs), id)| vs.iter().map(move |v| (*id, r, v)))
                        .collect();
                    for vpart in visits.chunks(400) {
                        let mut qv = QueryBuilder::new(
                            "INSERT INTO chronic_follow_ups (id, community_id, register_id, institution_id, disease, visit_on,
                                systolic, diastolic, glucose, weight_kg, controlled, plan, next_due, recorded_by, created_at) ");
                        qv.push_values(vpart, |mut b, (rid, r, f)| {
                            b.push_bind(new_id()).push_bind(community).push_bind(*rid).push_bind(r.institution_id)
                                .push_bind(r.disease).push_bind(f.visit_on)
                                .push_bind(f.systolic).push_bind(f.diastolic).push_bind(f.glucose).push_bind(f.weight_kg)
                                .push_bind(f.controlled).push_bind(f.plan).push_bind(f.next_due).push_bind(f.recorded_by)
                                .push_bind(t);
                        });
                        qv.build().execute(&mut *tx).await.store()?;
                    }
                }
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}

/// Management figures of the patients of one clinic, one responsible doctor (if any)
/// and one disease.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct QualityRow {
    pub clinic: Uuid,
    pub doctor: Option<Uuid>,
    pub disease: String,
    /// Patients under management.
    pub managed: i64,
    /// Of them, seen at least the standard's number of times since the start date.
    pub standardised: i64,
    /// Of them, whose latest visit since the start date was controlled.
    pub controlled: i64,
}

/// What the monthly control figure is counted from (`domain::chronic::figures`): the
/// managed registers at some clinics, and their visits over a span.
#[derive(Debug, Clone, Default)]
pub struct ControlHistory {
    /// (register, disease, enrolled on)
    pub registers: Vec<(Uuid, String, Date)>,
    /// (register, visited on, controlled)
    pub visits: Vec<(Uuid, Date, Option<bool>)>,
}

impl Store {
    /// Managed, standardised and controlled patients at `institutions`, counting visits
    /// since `since`; `visits_needed` is the standard's visits a year. One row per clinic,
    /// responsible doctor and disease: callers sum them as they group.
    pub async fn chronic_quality(
        &self,
        community: Uuid,
        institutions: &[Uuid],
        since: Date,
        visits_needed: i64,
    ) -> Result<Vec<QualityRow>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT g.institution_id AS clinic, g.responsible_staff_id AS doctor, g.disease,
                COUNT(*) AS managed,
                SUM(CASE WHEN (SELECT COUNT(*) FROM chronic_follow_ups f WHERE f.register_id = g.id AND f.visit_on >= ");
            qb.push_bind(since).push(") >= ").push_bind(visits_needed).push(" THEN 1 ELSE 0 END) AS standardised,
                SUM(CASE WHEN g.last_controlled = TRUE AND g.last_visit_on >= ").push_bind(since)
                .push(" THEN 1 ELSE 0 END) AS controlled FROM chronic_registers g WHERE g.community_id = ").push_bind(community)
                .push(" AND g.status = 'managed'");
            crate::push_in(&mut qb, "g.institution_id", institutions);
            qb.push(" GROUP BY g.institution_id, g.responsible_staff_id, g.disease");
            qb.build_query_as::<QualityRow>().fetch_all(pool).await.store()
        })
    }

    /// The managed registers at `institutions` and their visits from `from` until before
    /// `to` (two index range reads; the counting is the domain's).
    pub async fn control_history(
        &self,
        community: Uuid,
        institutions: &[Uuid],
        from: Date,
        to: Date,
    ) -> Result<ControlHistory> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT g.id, g.disease, g.enrolled_on FROM chronic_registers g WHERE g.community_id = ");
            qb.push_bind(community).push(" AND g.status = 'managed'");
            crate::push_in(&mut qb, "g.institution_id", institutions);
            let registers = qb.build_query_as::<(Uuid, String, Date)>().fetch_all(pool).await.store()?;
            let mut qv = QueryBuilder::new(
                "SELECT f.register_id, f.visit_on, f.controlled FROM chronic_follow_ups f WHERE f.community_id = ");
            qv.push_bind(community);
            crate::push_in(&mut qv, "f.institution_id", institutions);
            qv.push(" AND f.visit_on >= ").push_bind(from).push(" AND f.visit_on < ").push_bind(to);
            let visits = qv.build_query_as::<(Uuid, Date, Option<bool>)>().fetch_all(pool).await.store()?;
            Ok(ControlHistory { registers, visits })
        })
    }
}

impl Store {
    /// Every managed register as (id, clinic, disease).
    pub async fn register_places(&self, community: Uuid) -> Result<Vec<(Uuid, Uuid, String)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, Uuid, String)>(
            "SELECT id, institution_id, disease FROM chronic_registers WHERE community_id = $1 AND status = 'managed' ORDER BY id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Adds past visits to existing registers (migrated history): the registers' current
    /// state is left as it is. No audit rows; the indicators' counters are left to
    /// [`Store::recount_chronic`].
    pub async fn bulk_add_follow_ups(
        &self,
        community: Uuid,
        rows: &[(Uuid, Uuid, String, NewFollowUp)],
    ) -> Result<()> {
        let t = now();
        for chunk in rows.chunks(20_000) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                for part in chunk.chunks(400) {
                    let mut qv = QueryBuilder::new(
                        "INSERT INTO chronic_follow_ups (id, community_id, register_id, institution_id, disease, visit_on,
                            systolic, diastolic, glucose, controlled, plan, next_due, created_at) ");
                    qv.push_values(part, |mut b, (register, clinic, disease, f)| {
                        b.push_bind(new_id()).push_bind(community).push_bind(*register).push_bind(*clinic)
                            .push_bind(disease.clone()).push_bind(f.visit_on).push_bind(f.systolic).push_bind(f.diastolic)
                            .push_bind(f.glucose).push_bind(f.controlled).push_bind(f.plan).push_bind(f.next_due).push_bind(t);
                    });
                    qv.build().execute(&mut *tx).await.store()?;
                }
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}

/// A visit with its register, for exchange (FHIR).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct VisitRecord {
    pub id: Uuid,
    pub register_id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub institution_id: Uuid,
    pub disease: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub visit_on: Date,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
}

const VISIT_SELECT: &str = "SELECT f.id, f.register_id, g.resident_id, r.name AS resident_name, f.institution_id, f.disease,
    f.visit_on, f.systolic, f.diastolic, f.glucose
    FROM chronic_follow_ups f JOIN chronic_registers g ON g.community_id = f.community_id AND g.id = f.register_id JOIN residents r ON r.community_id = g.community_id AND r.id = g.resident_id";

impl Store {
    pub async fn get_visit(&self, community: Uuid, id: Uuid) -> Result<VisitRecord> {
        let sql = format!("{VISIT_SELECT} WHERE f.community_id = $1 AND f.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, VisitRecord>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// All of a resident's visits, newest first.
    pub async fn visits_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<VisitRecord>> {
        let sql = format!(
            "{VISIT_SELECT} WHERE f.community_id = $1 AND g.resident_id = $2 ORDER BY f.visit_on DESC, f.id DESC"
        );
        on_db!(self, pool => sqlx::query_as::<_, VisitRecord>(AssertSqlSafe(sql.as_str())).bind(community).bind(resident)
            .fetch_all(pool).await.store())
    }
}
