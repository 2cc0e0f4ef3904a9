//! Family-doctor teams (the members, the villages they cover) and contracts: signed for a
//! year, renewed, transferred to another team, or ended with a reason. A resident has at
//! most one active contract; the database holds that line (a unique partial index).

mod contracted;
mod renewals;
mod teams;

use crate::audit::{AuditEntry, insert_audit};
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use serde::Serialize;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::family::Term;

#[derive(Debug, Clone)]
pub struct NewTeam {
    pub name: String,
    /// The township health centre the team works from.
    pub institution_id: Uuid,
    pub leader_staff_id: Uuid,
    /// (staff, role as `MemberRole::as_str`)
    pub members: Vec<(Uuid, &'static str)>,
    pub villages: Vec<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub leader_staff_id: Uuid,
    pub leader_name: String,
    pub active: bool,
    pub members: i64,
    pub villages: i64,
    pub contracts: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TeamMember {
    pub staff_id: Uuid,
    pub name: String,
    pub role: String,
    pub institution_name: String,
}

#[derive(Debug, Clone)]
pub struct NewContract {
    pub resident_id: Uuid,
    pub team_id: Uuid,
    pub package: String,
    /// Key-population groups, comma-separated.
    pub key_groups: String,
    pub start_date: Date,
    pub end_date: Date,
    pub created_by: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Contract {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub team_id: Uuid,
    pub team_name: String,
    pub package: String,
    pub key_groups: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub start_date: Date,
    #[serde(serialize_with = "crate::iso_date")]
    pub end_date: Date,
    pub status: String,
    pub end_reason: Option<String>,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub ended_on: Option<Date>,
    pub previous_id: Option<Uuid>,
}

const TEAM_SELECT: &str = "SELECT t.id, t.name, t.institution_id, i.name AS institution_name, t.leader_staff_id,
    s.name AS leader_name, t.active,
    (SELECT COUNT(*) FROM family_team_members m WHERE m.community_id = t.community_id AND m.team_id = t.id) AS members,
    (SELECT COUNT(*) FROM family_team_villages v WHERE v.community_id = t.community_id AND v.team_id = t.id) AS villages,
    (SELECT COUNT(*) FROM family_contracts c WHERE c.community_id = t.community_id AND c.team_id = t.id AND c.status = 'active') AS contracts
    FROM family_teams t JOIN institutions i ON i.community_id = t.community_id AND i.id = t.institution_id JOIN staff s ON s.community_id = t.community_id AND s.id = t.leader_staff_id";

const CONTRACT_SELECT: &str = "SELECT c.id, c.resident_id, r.name AS resident_name, c.team_id, t.name AS team_name,
    c.package, c.key_groups, c.start_date, c.end_date, c.status, c.end_reason, c.ended_on, c.previous_id
    FROM family_contracts c JOIN residents r ON r.community_id = c.community_id AND r.id = c.resident_id JOIN family_teams t ON t.community_id = c.community_id AND t.id = c.team_id";

fn push_team_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    institutions: Option<&[Uuid]>,
    name: Option<&str>,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE t.community_id = ").push_bind(community);
    if let Some(ids) = institutions {
        crate::push_in(qb, "t.institution_id", ids);
    }
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        // A part of the name, wildcards in it taken literally.
        let escaped = name
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        qb.push(" AND t.name LIKE ")
            .push_bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
    }
}

/// A unique-index conflict on the active contract, said plainly.
fn active_conflict(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict { .. } => StoreError::Conflict {
            constraint: "active_contract".into(),
        },
        other => other,
    }
}

impl Store {
    /// Stores a team with its members and villages, and the audit row; returns its id.
    pub async fn create_team(
        &self,
        community: Uuid,
        n: &NewTeam,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO family_teams (id, community_id, name, institution_id, leader_staff_id, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)")
                .bind(id).bind(community).bind(&n.name).bind(n.institution_id).bind(n.leader_staff_id).bind(t)
                .execute(&mut *tx).await.store()?;
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
        Ok(id)
    }

    pub async fn get_team(&self, community: Uuid, id: Uuid) -> Result<Team> {
        let sql = format!("{TEAM_SELECT} WHERE t.community_id = $1 AND t.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Team>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// Teams, optionally only those working from one of `institutions`.
    pub async fn list_teams(
        &self,
        community: Uuid,
        institutions: Option<&[Uuid]>,
        page: PageRequest,
    ) -> Result<Page<Team>> {
        self.find_teams(community, institutions, None, page).await
    }

    /// Teams working from one of `institutions` (any without), whose name holds `name`.
    pub async fn find_teams(
        &self,
        community: Uuid,
        institutions: Option<&[Uuid]>,
        name: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Team>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(TEAM_SELECT);
            push_team_filter(&mut qb, community, institutions, name);
            qb.push(" ORDER BY t.name, t.id LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Team>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM family_teams t");
            push_team_filter(&mut qc, community, institutions, name);
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

    pub async fn team_members(&self, community: Uuid, team: Uuid) -> Result<Vec<TeamMember>> {
        on_db!(self, pool => sqlx::query_as::<_, TeamMember>(
            "SELECT m.staff_id, s.name, m.role, i.name AS institution_name
             FROM family_team_members m JOIN staff s ON s.community_id = m.community_id AND s.id = m.staff_id JOIN institutions i ON i.community_id = s.community_id AND i.id = s.institution_id
             JOIN family_teams t ON t.community_id = m.community_id AND t.id = m.team_id
             WHERE t.community_id = $1 AND m.team_id = $2 ORDER BY m.role, s.name")
            .bind(community).bind(team).fetch_all(pool).await.store())
    }

    /// The villages a team covers: (institution id, name).
    pub async fn team_villages(&self, community: Uuid, team: Uuid) -> Result<Vec<(Uuid, String)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, String)>(
            "SELECT i.id, i.name FROM family_team_villages v JOIN institutions i ON i.community_id = v.community_id AND i.id = v.institution_id
             WHERE i.community_id = $1 AND v.team_id = $2 ORDER BY i.code")
            .bind(community).bind(team).fetch_all(pool).await.store())
    }

    /// Signs a contract; a resident who already has an active one is a conflict
    /// (`active_contract`).
    pub async fn sign_contract(
        &self,
        community: Uuid,
        n: &NewContract,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        self.insert_contract(community, n, None, audit)
            .await
            .map_err(active_conflict)
    }

    async fn insert_contract(
        &self,
        community: Uuid,
        n: &NewContract,
        // The contract this one follows, and what happens to it: `renewed`, or ended
        // with a reason.
        previous: Option<(Uuid, &'static str, Option<&'static str>)>,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            if let Some((old, status, reason)) = previous {
                let moved = sqlx::query(
                    "UPDATE family_contracts SET status = $3, end_reason = $4, ended_on = $5, updated_at = $6
                     WHERE community_id = $1 AND id = $2 AND status = 'active'")
                    .bind(community).bind(old).bind(status).bind(reason).bind(n.start_date).bind(t)
                    .execute(&mut *tx).await.store()?.rows_affected();
                if moved == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            sqlx::query(
                "INSERT INTO family_contracts (id, community_id, resident_id, team_id, package, key_groups, start_date,
                    end_date, status, previous_id, created_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $11)")
                .bind(id).bind(community).bind(n.resident_id).bind(n.team_id).bind(&n.package).bind(&n.key_groups)
                .bind(n.start_date).bind(n.end_date).bind(previous.map(|p| p.0)).bind(n.created_by).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The next year of an active contract, with the same team.
    pub async fn renew_contract(
        &self,
        community: Uuid,
        old: &Contract,
        term: Term,
        by: Option<Uuid>,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let n = NewContract {
            resident_id: old.resident_id,
            team_id: old.team_id,
            package: old.package.clone(),
            key_groups: old.key_groups.clone(),
            start_date: term.start,
            end_date: term.end,
            created_by: by,
        };
        self.insert_contract(community, &n, Some((old.id, "renewed", None)), audit)
            .await
    }

    /// Ends an active contract and signs the resident to `team` from `start`.
    pub async fn transfer_contract(
        &self,
        community: Uuid,
        old: &Contract,
        team: Uuid,
        term: Term,
        by: Option<Uuid>,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let n = NewContract {
            resident_id: old.resident_id,
            team_id: team,
            package: old.package.clone(),
            key_groups: old.key_groups.clone(),
            start_date: term.start,
            end_date: term.end,
            created_by: by,
        };
        self.insert_contract(
            community,
            &n,
            Some((old.id, "ended", Some("transferred"))),
            audit,
        )
        .await
    }

    /// Ends an active contract; `Ok(false)` if it was not active.
    pub async fn end_contract(
        &self,
        community: Uuid,
        id: Uuid,
        reason: &'static str,
        on: Date,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let t: OffsetDateTime = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query(
                "UPDATE family_contracts SET status = 'ended', end_reason = $3, ended_on = $4, updated_at = $5
                 WHERE community_id = $1 AND id = $2 AND status = 'active'")
                .bind(community).bind(id).bind(reason).bind(on).bind(t)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    pub async fn get_contract(&self, community: Uuid, id: Uuid) -> Result<Contract> {
        let sql = format!("{CONTRACT_SELECT} WHERE c.community_id = $1 AND c.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Contract>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// A resident's contracts, newest first.
    pub async fn contracts_of(&self, community: Uuid, resident: Uuid) -> Result<Vec<Contract>> {
        let sql = format!(
            "{CONTRACT_SELECT} WHERE c.community_id = $1 AND c.resident_id = $2 ORDER BY c.start_date DESC, c.id DESC"
        );
        on_db!(self, pool => sqlx::query_as::<_, Contract>(AssertSqlSafe(sql.as_str())).bind(community).bind(resident)
            .fetch_all(pool).await.store())
    }
}

impl Store {
    /// Loads teams as they stand (demo or migrated data): no audit rows. Returns their
    /// ids in order.
    pub async fn bulk_load_teams(&self, community: Uuid, teams: &[NewTeam]) -> Result<Vec<Uuid>> {
        let t = now();
        let ids: Vec<Uuid> = teams.iter().map(|_| new_id()).collect();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (team, id) in teams.iter().zip(&ids) {
                sqlx::query("INSERT INTO family_teams (id, community_id, name, institution_id, leader_staff_id, active, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)")
                    .bind(*id).bind(community).bind(&team.name).bind(team.institution_id).bind(team.leader_staff_id).bind(t)
                    .execute(&mut *tx).await.store()?;
                for (staff, role) in &team.members {
                    sqlx::query("INSERT INTO family_team_members (team_id, staff_id, role, community_id) VALUES ($1, $2, $3, $4)")
                        .bind(*id).bind(*staff).bind(*role).bind(community).execute(&mut *tx).await.store()?;
                }
                for village in &team.villages {
                    sqlx::query("INSERT INTO family_team_villages (team_id, institution_id, community_id) VALUES ($1, $2, $3)")
                        .bind(*id).bind(*village).bind(community).execute(&mut *tx).await.store()?;
                }
            }
            tx.commit().await.store()?;
        });
        Ok(ids)
    }

    /// Loads active contracts (demo or migrated data): no audit rows.
    pub async fn bulk_load_contracts(
        &self,
        community: Uuid,
        contracts: &[NewContract],
    ) -> Result<()> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for part in contracts.chunks(500) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO family_contracts (id, community_id, resident_id, team_id, package, key_groups, start_date,
                        end_date, status, created_by, created_at, updated_at) ");
                qb.push_values(part, |mut b, c| {
                    b.push_bind(new_id()).push_bind(community).push_bind(c.resident_id).push_bind(c.team_id)
                        .push_bind(c.package.clone()).push_bind(c.key_groups.clone()).push_bind(c.start_date)
                        .push_bind(c.end_date).push_bind("active").push_bind(c.created_by).push_bind(t).push_bind(t);
                });
                qb.build().execute(&mut *tx).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(())
    }
}

/// Contract coverage of one clinic's residents.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ContractRate {
    pub institution_id: Uuid,
    pub institution_name: String,
    pub residents: i64,
    pub contracted: i64,
    /// Residents 65 and over, children under 7, and patients on a register.
    pub key_population: i64,
    pub key_contracted: i64,
}

impl Store {
    /// Contract coverage by clinic on `today` (key population by age and registers).
    pub async fn contract_rates(&self, community: Uuid, today: Date) -> Result<Vec<ContractRate>> {
        let yigong_domain::family::AgeBounds {
            elderly_born_by,
            child_born_after,
        } = yigong_domain::family::age_bounds(today);
        on_db!(self, pool => sqlx::query_as::<_, ContractRate>(
            "SELECT x.institution_id, i.name AS institution_name, COUNT(*) AS residents,
                SUM(x.contracted) AS contracted, SUM(x.key_member) AS key_population,
                SUM(x.key_member * x.contracted) AS key_contracted
             FROM (SELECT r.community_id, r.institution_id,
                    CASE WHEN EXISTS (SELECT 1 FROM family_contracts c WHERE c.community_id = r.community_id AND c.resident_id = r.id AND c.status = 'active')
                        THEN 1 ELSE 0 END AS contracted,
                    CASE WHEN r.birth_date <= $2 OR r.birth_date > $3 OR EXISTS (SELECT 1 FROM chronic_registers g
                        WHERE g.community_id = r.community_id AND g.resident_id = r.id AND g.status = 'managed') THEN 1 ELSE 0 END AS key_member
                   FROM residents r WHERE r.community_id = $1 AND r.active = TRUE) x
             JOIN institutions i ON i.community_id = x.community_id AND i.id = x.institution_id
             GROUP BY x.institution_id, i.name ORDER BY i.name")
            .bind(community).bind(elderly_born_by).bind(child_born_after).fetch_all(pool).await.store())
    }
}

/// Contract coverage of one key group. The registry and the registers know who is in
/// the derived groups (65 and over, children 0–6, the registers); for the others only the
/// contracts tagged with them are known.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRate {
    /// `KeyGroup::as_str`
    pub group: &'static str,
    /// Residents in the group, when the registry can tell.
    pub population: Option<i64>,
    pub contracted: i64,
}

impl Store {
    /// Contract coverage by key group on `today` among the residents of `clinics` (all
    /// clinics when `None`), in one pass over the residents.
    pub async fn contract_groups(
        &self,
        community: Uuid,
        clinics: Option<&[Uuid]>,
        today: Date,
    ) -> Result<Vec<GroupRate>> {
        use yigong_domain::family::KeyGroup;
        let yigong_domain::family::AgeBounds {
            elderly_born_by,
            child_born_after,
        } = yigong_domain::family::age_bounds(today);
        let on_register = |d: &str| {
            format!(
                "EXISTS (SELECT 1 FROM chronic_registers g WHERE g.community_id = r.community_id AND g.resident_id = r.id AND g.disease = '{d}' AND g.status = 'managed')"
            )
        };
        let mut qb = String::from("SELECT ");
        let mut derived = Vec::new();
        for g in KeyGroup::ALL {
            let member = match g {
                KeyGroup::Elderly => Some("r.birth_date <= $2".to_string()),
                KeyGroup::Child => Some("r.birth_date > $3".to_string()),
                KeyGroup::Hypertension => Some(on_register("hypertension")),
                KeyGroup::Diabetes => Some(on_register("diabetes")),
                _ => None,
            };
            match member {
                Some(m) => qb.push_str(&format!(
                    "SUM(CASE WHEN {m} THEN 1 ELSE 0 END), SUM(CASE WHEN c.id IS NOT NULL AND {m} THEN 1 ELSE 0 END), "
                )),
                None => qb.push_str(&format!(
                    "CAST(0 AS BIGINT), SUM(CASE WHEN (',' || c.key_groups || ',') LIKE '%,{},%' THEN 1 ELSE 0 END), ",
                    g.as_str()
                )),
            }
            derived.push(g.derived());
        }
        qb.push_str(
            "COUNT(*) FROM residents r LEFT JOIN family_contracts c ON c.community_id = r.community_id AND c.resident_id = r.id AND c.status = 'active'
             WHERE r.community_id = $1 AND r.active = TRUE",
        );
        if let Some(ids) = clinics {
            let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 4)).collect();
            qb.push_str(&format!(
                " AND r.institution_id IN ({})",
                if marks.is_empty() {
                    "NULL".to_string()
                } else {
                    marks.join(", ")
                }
            ));
        }
        let counts: Vec<i64> = on_db!(self, pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(qb.as_str()))
                .bind(community).bind(elderly_born_by).bind(child_born_after);
            for id in clinics.unwrap_or_default() {
                query = query.bind(*id);
            }
            let row = query.fetch_one(pool).await.store()?;
            (0..KeyGroup::ALL.len() * 2)
                .map(|i| sqlx::Row::try_get::<Option<i64>, _>(&row, i).map(|v| v.unwrap_or(0)))
                .collect::<std::result::Result<Vec<i64>, _>>()
                .store()?
        });
        Ok(KeyGroup::ALL
            .iter()
            .zip(derived)
            .enumerate()
            .map(|(i, (g, derived))| GroupRate {
                group: g.as_str(),
                population: derived.then(|| counts[2 * i]),
                contracted: counts[2 * i + 1],
            })
            .collect())
    }
}

impl Store {
    /// The active teams covering any of `villages`: (team, team name, village).
    pub async fn teams_covering(
        &self,
        community: Uuid,
        villages: &[Uuid],
    ) -> Result<Vec<(Uuid, String, Uuid)>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT t.id, t.name, v.institution_id FROM family_team_villages v JOIN family_teams t ON t.community_id = v.community_id AND t.id = v.team_id
                 WHERE t.active = TRUE AND t.community_id = ");
            qb.push_bind(community);
            crate::push_in(&mut qb, "v.institution_id", villages);
            qb.build_query_as::<(Uuid, String, Uuid)>().fetch_all(pool).await.store()
        })
    }

    /// Names of staff members by id.
    pub async fn staff_names(&self, community: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT id, name FROM staff WHERE community_id = ");
            qb.push_bind(community);
            crate::push_in(&mut qb, "id", ids);
            qb.build_query_as::<(Uuid, String)>().fetch_all(pool).await.store()
        })
    }
}
