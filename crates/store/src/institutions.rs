//! Institutions (机构) in their hierarchy, and their departments (科室).

use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write, one_row};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use uuid::Uuid;
use yigong_domain::registry::InstitutionKind;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Institution {
    pub id: Uuid,
    pub community_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
}

impl Institution {
    pub fn kind(&self) -> Option<InstitutionKind> {
        InstitutionKind::parse(&self.kind)
    }
}

/// What is needed to create an institution (already validated by the caller).
#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub parent_id: Option<Uuid>,
    pub kind: InstitutionKind,
    pub code: String,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Department {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub code: String,
    pub name: String,
    pub active: bool,
}

const INSTITUTION_COLUMNS: &str = "id, community_id, parent_id, kind, code, name, address, active";

impl Store {
    pub async fn insert_institution(
        &self,
        community: Uuid,
        new: &NewInstitution,
    ) -> Result<Institution> {
        let id = new_id();
        let t = now();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO institutions (id, community_id, parent_id, kind, code, name, address, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8)")
            .bind(id).bind(community).bind(new.parent_id).bind(new.kind.as_str())
            .bind(&new.code).bind(&new.name).bind(&new.address).bind(t)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(Institution {
            id,
            community_id: community,
            parent_id: new.parent_id,
            kind: new.kind.as_str().into(),
            code: new.code.clone(),
            name: new.name.clone(),
            address: new.address.clone(),
            active: true,
        })
    }

    /// Every institution of the community, ordered for a tree: by kind level, then code.
    pub async fn list_institutions(&self, community: Uuid) -> Result<Vec<Institution>> {
        let sql = format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE community_id = $1
             ORDER BY CASE kind WHEN 'lead' THEN 0 WHEN 'member' THEN 1 WHEN 'township' THEN 2
                      WHEN 'village' THEN 3 ELSE 4 END, code"
        );
        on_db!(self, pool => sqlx::query_as::<_, Institution>(AssertSqlSafe(sql.as_str())).bind(community).fetch_all(pool).await.store())
    }

    pub async fn get_institution(&self, community: Uuid, id: Uuid) -> Result<Institution> {
        let sql = format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE community_id = $1 AND id = $2"
        );
        on_db!(self, pool => sqlx::query_as::<_, Institution>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    pub async fn find_institution_by_code(
        &self,
        community: Uuid,
        code: &str,
    ) -> Result<Option<Institution>> {
        let sql = format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE community_id = $1 AND code = $2"
        );
        on_db!(self, pool => sqlx::query_as::<_, Institution>(AssertSqlSafe(sql.as_str())).bind(community).bind(code)
            .fetch_optional(pool).await.store())
    }

    /// Ids of the direct children of an institution.
    pub async fn child_institutions(&self, community: Uuid, id: Uuid) -> Result<Vec<Uuid>> {
        on_db!(self, pool => sqlx::query_scalar(
            "SELECT id FROM institutions WHERE community_id = $1 AND parent_id = $2 ORDER BY code")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    pub async fn update_institution(
        &self,
        community: Uuid,
        id: Uuid,
        name: &str,
        address: &str,
    ) -> Result<()> {
        one_row(on_db_write!(self, pool => sqlx::query(
            "UPDATE institutions SET name = $3, address = $4, updated_at = $5 WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).bind(name).bind(address).bind(now())
            .execute(pool).await.store().map(|r| r.rows_affected()))?)
    }

    pub async fn insert_department(
        &self,
        community: Uuid,
        institution: Uuid,
        code: &str,
        name: &str,
    ) -> Result<Department> {
        let id = new_id();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO departments (id, community_id, institution_id, code, name, active) VALUES ($1, $2, $3, $4, $5, TRUE)")
            .bind(id).bind(community).bind(institution).bind(code).bind(name)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(Department {
            id,
            institution_id: institution,
            code: code.into(),
            name: name.into(),
            active: true,
        })
    }

    pub async fn list_departments(
        &self,
        community: Uuid,
        institution: Uuid,
    ) -> Result<Vec<Department>> {
        on_db!(self, pool => sqlx::query_as::<_, Department>(
            "SELECT id, institution_id, code, name, active FROM departments
             WHERE community_id = $1 AND institution_id = $2 ORDER BY code")
            .bind(community).bind(institution).fetch_all(pool).await.store())
    }

    pub async fn find_department(
        &self,
        community: Uuid,
        institution: Uuid,
        code: &str,
    ) -> Result<Option<Department>> {
        on_db!(self, pool => sqlx::query_as::<_, Department>(
            "SELECT id, institution_id, code, name, active FROM departments
             WHERE community_id = $1 AND institution_id = $2 AND code = $3")
            .bind(community).bind(institution).bind(code).fetch_optional(pool).await.store())
    }

    /// The institution a department belongs to.
    pub async fn department_institution(&self, community: Uuid, department: Uuid) -> Result<Uuid> {
        on_db!(self, pool => sqlx::query_scalar::<_, Uuid>(
            "SELECT institution_id FROM departments WHERE community_id = $1 AND id = $2")
            .bind(community).bind(department).fetch_optional(pool).await.store())?
        .ok_or(crate::StoreError::NotFound)
    }
}
