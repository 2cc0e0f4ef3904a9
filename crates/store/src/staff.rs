//! Staff (医务人员) of the community's institutions.

use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
    one_row,
};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use sqlx::QueryBuilder;
use uuid::Uuid;
use yigong_domain::registry::ValidStaff;
use yigong_domain::text::{SearchTerm, pinyin_initials, prefix_upper_bound};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StaffMember {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub name: String,
    pub sex: String,
    pub id_number: String,
    pub title: String,
    pub specialty: String,
    pub phone: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, Default)]
pub struct StaffQuery {
    pub q: Option<String>,
    pub institution: Option<Uuid>,
    pub include_inactive: bool,
}

const SELECT: &str = "SELECT s.id, s.institution_id, i.name AS institution_name, s.department_id,
    d.name AS department_name, s.name, s.sex, s.id_number, s.title, s.specialty, s.phone, s.active
    FROM staff s JOIN institutions i ON i.community_id = s.community_id AND i.id = s.institution_id LEFT JOIN departments d ON d.community_id = s.community_id AND d.id = s.department_id";

fn push_filters<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, community: Uuid, query: &StaffQuery)
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE s.community_id = ").push_bind(community);
    if let Some(inst) = query.institution {
        qb.push(" AND s.institution_id = ").push_bind(inst);
    }
    if !query.include_inactive {
        qb.push(" AND s.active = TRUE");
    }
    let (column, prefix) = match query.q.as_deref().and_then(SearchTerm::parse) {
        None => return,
        Some(SearchTerm::Name(q)) => ("name", q),
        Some(SearchTerm::Initials(q)) => ("initials", q),
        Some(SearchTerm::IdFragment(q)) => ("id_number", q),
    };
    let upper = prefix_upper_bound(&prefix);
    qb.push(format!(" AND s.{column} >= ")).push_bind(prefix);
    qb.push(format!(" AND s.{column} < ")).push_bind(upper);
}

impl Store {
    pub async fn search_staff(
        &self,
        community: Uuid,
        query: &StaffQuery,
        page: PageRequest,
    ) -> Result<Page<StaffMember>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_filters(&mut qb, community, query);
            qb.push(" ORDER BY s.name, s.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<StaffMember>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM staff s");
            push_filters(&mut qc, community, query);
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

    /// Every active staff member of one institution, by name.
    pub async fn staff_of(&self, community: Uuid, institution: Uuid) -> Result<Vec<StaffMember>> {
        let sql = format!(
            "{SELECT} WHERE s.community_id = $1 AND s.institution_id = $2 AND s.active ORDER BY s.name, s.id"
        );
        on_db!(self, pool => sqlx::query_as::<_, StaffMember>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(institution).fetch_all(pool).await.store())
    }

    pub async fn get_staff(&self, community: Uuid, id: Uuid) -> Result<StaffMember> {
        let sql = format!("{SELECT} WHERE s.community_id = $1 AND s.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, StaffMember>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    pub async fn insert_staff(
        &self,
        community: Uuid,
        institution: Uuid,
        department: Option<Uuid>,
        s: &ValidStaff,
    ) -> Result<Uuid> {
        let id = new_id();
        let t = now();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO staff (id, community_id, institution_id, department_id, name, initials, sex, id_number,
                title, specialty, phone, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12, $12)")
            .bind(id).bind(community).bind(institution).bind(department)
            .bind(&s.name).bind(pinyin_initials(&s.name)).bind(s.sex.as_str()).bind(s.id_number.as_str())
            .bind(s.title).bind(&s.specialty).bind(s.phone.as_ref().map(|p| p.as_str())).bind(t)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(id)
    }

    pub async fn update_staff(
        &self,
        community: Uuid,
        id: Uuid,
        institution: Uuid,
        department: Option<Uuid>,
        s: &ValidStaff,
    ) -> Result<()> {
        one_row(on_db_write!(self, pool => sqlx::query(
            "UPDATE staff SET institution_id = $3, department_id = $4, name = $5, initials = $6, sex = $7,
                id_number = $8, title = $9, specialty = $10, phone = $11, updated_at = $12
             WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).bind(institution).bind(department)
            .bind(&s.name).bind(pinyin_initials(&s.name)).bind(s.sex.as_str()).bind(s.id_number.as_str())
            .bind(s.title).bind(&s.specialty).bind(s.phone.as_ref().map(|p| p.as_str())).bind(now())
            .execute(pool).await.store().map(|r| r.rows_affected()))?)
    }

    /// Inserts or updates (by ID number) a batch of staff in one transaction.
    pub async fn upsert_staff(
        &self,
        community: Uuid,
        rows: &[(Uuid, Option<Uuid>, ValidStaff)],
    ) -> Result<(u64, u64)> {
        if rows.is_empty() {
            return Ok((0, 0));
        }
        let t = now();
        let inserted: i64 = on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let count = "SELECT COUNT(*) FROM staff WHERE community_id = $1";
            let before: i64 = sqlx::query_scalar(count).bind(community).fetch_one(&mut *tx).await.store()?;
            for chunk in rows.chunks(crate::residents::STATEMENT_ROWS) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO staff (id, community_id, institution_id, department_id, name, initials, sex, id_number,
                        title, specialty, phone, active, created_at, updated_at) ");
                qb.push_values(chunk, |mut b, (inst, dept, s)| {
                    b.push_bind(new_id()).push_bind(community).push_bind(*inst).push_bind(*dept)
                        .push_bind(s.name.as_str()).push_bind(pinyin_initials(&s.name)).push_bind(s.sex.as_str())
                        .push_bind(s.id_number.as_str()).push_bind(s.title).push_bind(s.specialty.as_str())
                        .push_bind(s.phone.as_ref().map(|p| p.as_str().to_string()))
                        .push("TRUE").push_bind(t).push_bind(t);
                });
                qb.push(" ON CONFLICT (community_id, id_number) DO UPDATE SET institution_id = excluded.institution_id,
                    department_id = excluded.department_id, name = excluded.name, initials = excluded.initials,
                    sex = excluded.sex, title = excluded.title, specialty = excluded.specialty, phone = excluded.phone,
                    updated_at = excluded.updated_at");
                qb.build().execute(&mut *tx).await.store()?;
            }
            let after: i64 = sqlx::query_scalar(count).bind(community).fetch_one(&mut *tx).await.store()?;
            tx.commit().await.store()?;
            after - before
        });
        let inserted = inserted.max(0) as u64;
        Ok((inserted, rows.len() as u64 - inserted))
    }
}
