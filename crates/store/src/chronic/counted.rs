//! The chronic-care counters of the indicators (`domain::indicators::chronic`), kept with
//! every write to a register: each write takes back what the register added before and
//! adds what it adds now, in the write's transaction.

use std::collections::HashMap;
use time::Date;
use uuid::Uuid;
use yigong_domain::chronic::{Disease, STANDARD};
use yigong_domain::indicators::chronic::{Register, Visit, add_register};
use yigong_domain::indicators::tally::Tally;

/// A register's row as the counters read it: id, disease, clinic, enrolled, ended.
pub type RegisterRow = (Uuid, String, Uuid, Date, Option<Date>);
/// A visit's row: register, day, controlled, visit type.
pub type VisitRow = (Uuid, Date, Option<bool>, String);

pub(crate) const REGISTERS: &str = "SELECT id, disease, institution_id, enrolled_on, ended_on FROM chronic_registers WHERE community_id = $1";
pub(crate) const VISITS: &str =
    "SELECT register_id, visit_on, controlled, visit_type FROM chronic_follow_ups
    WHERE community_id = $1";

/// Visit rows as the rules read them, per register (a phone call is not face to face).
fn by_register(visits: &[VisitRow]) -> HashMap<Uuid, Vec<Visit>> {
    let mut seen: HashMap<Uuid, Vec<Visit>> = HashMap::new();
    for (register, on, controlled, kind) in visits {
        seen.entry(*register).or_default().push(Visit {
            on: *on,
            controlled: *controlled,
            face_to_face: kind != "phone",
        });
    }
    seen
}

/// What the registers with these visits add, `sign` times.
pub(crate) fn tally_of(registers: &[RegisterRow], visits: &[VisitRow], sign: i64) -> Tally {
    let mut seen = by_register(visits);
    let mut t = Tally::default();
    for (id, disease, institution, enrolled_on, ended_on) in registers {
        let Some(disease) = Disease::parse(disease) else {
            continue;
        };
        let r = Register {
            disease,
            institution: *institution,
            enrolled_on: *enrolled_on,
            ended_on: *ended_on,
        };
        let v = seen.remove(id).unwrap_or_default();
        add_register(&mut t, &r, &v, &STANDARD, sign);
    }
    t
}

/// What one register (or, with `None`, every register of the community) adds now,
/// `sign` times, read in the transaction `$tx`.
macro_rules! chronic_pass {
    ($tx:expr, $community:expr, $only:expr, $sign:expr) => {{
        let only: Option<Uuid> = $only;
        let (registers, visits): (
            Vec<$crate::chronic::counted::RegisterRow>,
            Vec<$crate::chronic::counted::VisitRow>,
        ) = match only {
            Some(id) => (
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{} AND id = $2",
                    $crate::chronic::counted::REGISTERS
                )))
                .bind($community)
                .bind(id)
                .fetch_all(&mut *$tx)
                .await
                .store()?,
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{} AND register_id = $2",
                    $crate::chronic::counted::VISITS
                )))
                .bind($community)
                .bind(id)
                .fetch_all(&mut *$tx)
                .await
                .store()?,
            ),
            None => (
                sqlx::query_as($crate::chronic::counted::REGISTERS)
                    .bind($community)
                    .fetch_all(&mut *$tx)
                    .await
                    .store()?,
                sqlx::query_as($crate::chronic::counted::VISITS)
                    .bind($community)
                    .fetch_all(&mut *$tx)
                    .await
                    .store()?,
            ),
        };
        $crate::chronic::counted::tally_of(&registers, &visits, $sign)
    }};
}
pub(crate) use chronic_pass;

/// A register as the indicators' case list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedRegister {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub enrolled_on: Date,
    pub ended_on: Option<Date>,
    pub resident_name: String,
    /// The whole ID number: the caller masks it.
    pub id_number: String,
    pub place: String,
    pub level: String,
}

impl crate::Store {
    /// The registers of `disease` kept at `places` and under management at some time in
    /// `year`, each with its visits of that year.
    pub async fn registers_in_year(
        &self,
        community: Uuid,
        disease: Disease,
        places: &[Uuid],
        year: i32,
    ) -> crate::Result<Vec<(ListedRegister, Vec<Visit>)>> {
        use crate::OrConflict;
        use sqlx::QueryBuilder;
        let first = Date::from_ordinal_date(year, 1)
            .map_err(|e| crate::StoreError::Engine(e.to_string()))?;
        let next = Date::from_ordinal_date(year + 1, 1)
            .map_err(|e| crate::StoreError::Engine(e.to_string()))?;
        let (registers, visits) = crate::on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT g.id, g.institution_id, g.enrolled_on, g.ended_on, r.name AS resident_name, r.id_number,
                    i.name AS place, i.kind AS level
                 FROM chronic_registers g JOIN residents r ON r.community_id = g.community_id AND r.id = g.resident_id
                 JOIN institutions i ON i.community_id = g.community_id AND i.id = g.institution_id
                 WHERE g.community_id = ");
            qb.push_bind(community).push(" AND g.disease = ").push_bind(disease.as_str())
                .push(" AND g.enrolled_on < ").push_bind(next)
                .push(" AND (g.ended_on IS NULL OR g.ended_on >= ").push_bind(first).push(")");
            crate::push_in(&mut qb, "g.institution_id", places);
            let registers: Vec<ListedRegister> = qb.build_query_as().fetch_all(pool).await.store()?;
            let mut qv = QueryBuilder::new(
                "SELECT register_id, visit_on, controlled, visit_type FROM chronic_follow_ups WHERE community_id = ");
            qv.push_bind(community).push(" AND disease = ").push_bind(disease.as_str())
                .push(" AND visit_on >= ").push_bind(first).push(" AND visit_on < ").push_bind(next);
            crate::push_in(&mut qv, "institution_id", places);
            let visits: Vec<VisitRow> = qv.build_query_as().fetch_all(pool).await.store()?;
            (registers, visits)
        });
        let mut seen = by_register(&visits);
        Ok(registers
            .into_iter()
            .map(|r| {
                let v = seen.remove(&r.id).unwrap_or_default();
                (r, v)
            })
            .collect())
    }
}

impl crate::Store {
    /// Every register and every visit as the counters read them, for an export or an
    /// independent recount.
    pub async fn chronic_rows(
        &self,
        community: Uuid,
    ) -> crate::Result<(Vec<RegisterRow>, Vec<VisitRow>)> {
        use crate::OrConflict;
        crate::on_db!(self, pool => {
            let registers = sqlx::query_as(REGISTERS).bind(community).fetch_all(pool).await.store()?;
            let visits = sqlx::query_as(VISITS).bind(community).fetch_all(pool).await.store()?;
            Ok((registers, visits))
        })
    }
}
