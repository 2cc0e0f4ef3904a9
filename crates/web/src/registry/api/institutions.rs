//! Institutions and departments through the API. Everyone signed in may read the
//! registry; administrators and the community office change it.

use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::registry::{FieldError, InstitutionKind, validate_institution};
use yigong_store::Deactivatable;
use yigong_store::institutions::{Department, Institution, NewInstitution};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail, update))
        .routes(routes!(deactivate))
        .routes(routes!(reactivate))
        .routes(routes!(departments, create_department))
        .routes(routes!(deactivate_department))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub kind: Option<String>,
    pub parent_id: Option<Uuid>,
    /// Name or code fragment.
    pub q: Option<String>,
}

/// Every institution, filterable by kind, parent and a name or code fragment.
#[utoipa::path(get, path = "/institutions", params(ListParams), responses((status = 200, body = [Object])))]
pub async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<Json<Vec<Institution>>> {
    let all = state.store.list_institutions(state.community.id).await?;
    let q = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    Ok(Json(
        all.into_iter()
            .filter(|i| p.kind.as_deref().is_none_or(|k| i.kind == k))
            .filter(|i| p.parent_id.is_none_or(|pid| i.parent_id == Some(pid)))
            .filter(|i| q.is_none_or(|q| i.name.contains(q) || i.code.contains(q)))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/institutions/{id}", responses((status = 200, body = Object), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Institution>> {
    Ok(Json(
        state.store.get_institution(state.community.id, id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InstitutionBody {
    pub kind: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    #[serde(default)]
    pub address: String,
}

/// Checks a new institution against the hierarchy rules.
pub async fn validated(state: &AppState, body: &InstitutionBody) -> ApiResult<NewInstitution> {
    let kind =
        InstitutionKind::parse(body.kind.trim()).ok_or(FieldError::new("kind", "invalid_field"))?;
    let (name, code) = validate_institution(&body.name, &body.code)?;
    if body.address.chars().count() > 200 {
        return Err(FieldError::new("address", "too_long").into());
    }
    let parent_kind = match body.parent_id {
        None => None,
        Some(pid) => match state.store.get_institution(state.community.id, pid).await {
            Ok(p) => p.kind(),
            Err(yigong_store::StoreError::NotFound) => {
                return Err(FieldError::new("parent", "not_found").into());
            }
            Err(e) => return Err(e.into()),
        },
    };
    if parent_kind != kind.allowed_parent() {
        return Err(FieldError::new("parent", "parent_invalid").into());
    }
    Ok(NewInstitution {
        parent_id: body.parent_id,
        kind,
        code,
        name,
        address: body.address.trim().into(),
    })
}

/// Creates an institution under its parent, audited.
pub async fn create_institution(
    state: &AppState,
    user: &CurrentUser,
    body: &InstitutionBody,
) -> ApiResult<Institution> {
    user.require(user.role.edits_registry())?;
    let new = validated(state, body).await?;
    let inst = state
        .store
        .insert_institution(state.community.id, &new)
        .await?;
    user.audit(
        state,
        "institution.create",
        "institution",
        Some(inst.id),
        true,
        &inst.code,
    )
    .await?;
    Ok(inst)
}

/// Creates an institution under its parent.
#[utoipa::path(post, path = "/institutions", request_body = InstitutionBody,
    responses((status = 201, body = Object), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(body): AppJson<InstitutionBody>,
) -> ApiResult<(StatusCode, Json<Institution>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_institution(&state, &user, &body).await?),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InstitutionPatch {
    pub name: String,
    #[serde(default)]
    pub address: String,
}

/// Renames an institution or changes its address, audited.
pub async fn update_institution(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &InstitutionPatch,
) -> ApiResult<()> {
    user.require(user.role.edits_registry())?;
    let current = state.store.get_institution(state.community.id, id).await?;
    let (name, _) = validate_institution(&body.name, &current.code)?;
    if body.address.chars().count() > 200 {
        return Err(FieldError::new("address", "too_long").into());
    }
    state
        .store
        .update_institution(state.community.id, id, &name, body.address.trim())
        .await?;
    user.audit(
        state,
        "institution.update",
        "institution",
        Some(id),
        true,
        "",
    )
    .await
}

/// Renames an institution or changes its address.
#[utoipa::path(put, path = "/institutions/{id}", request_body = InstitutionPatch,
    responses((status = 200, body = Object), (status = 404), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(body): AppJson<InstitutionPatch>,
) -> ApiResult<Json<Institution>> {
    update_institution(&state, &user, id, &body).await?;
    Ok(Json(
        state.store.get_institution(state.community.id, id).await?,
    ))
}

/// Deactivates an institution (never deleted).
#[utoipa::path(post, path = "/institutions/{id}/deactivate", responses((status = 204), (status = 404)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    super::set_registry_active(
        &state,
        &user,
        Deactivatable::Institution,
        "institution",
        id,
        false,
    )
    .await
}

#[utoipa::path(post, path = "/institutions/{id}/reactivate", responses((status = 204), (status = 404)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    super::set_registry_active(
        &state,
        &user,
        Deactivatable::Institution,
        "institution",
        id,
        true,
    )
    .await
}

/// The departments of an institution.
#[utoipa::path(get, path = "/institutions/{id}/departments", responses((status = 200, body = [Object])))]
pub async fn departments(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<Department>>> {
    state.store.get_institution(state.community.id, id).await?;
    Ok(Json(
        state.store.list_departments(state.community.id, id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DepartmentBody {
    pub code: String,
    pub name: String,
}

/// Adds a department to an institution, audited.
pub async fn add_department(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &DepartmentBody,
) -> ApiResult<Department> {
    user.require(user.role.edits_registry())?;
    state.store.get_institution(state.community.id, id).await?;
    let (name, code) = validate_institution(&body.name, &body.code)?;
    let d = state
        .store
        .insert_department(state.community.id, id, &code, &name)
        .await?;
    user.audit(
        state,
        "department.create",
        "department",
        Some(d.id),
        true,
        &d.code,
    )
    .await?;
    Ok(d)
}

#[utoipa::path(post, path = "/institutions/{id}/departments", request_body = DepartmentBody,
    responses((status = 201, body = Object), (status = 409), (status = 422)))]
pub async fn create_department(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(body): AppJson<DepartmentBody>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_department(&state, &user, id, &body).await?),
    ))
}

#[utoipa::path(post, path = "/departments/{id}/deactivate", responses((status = 204), (status = 404)))]
pub async fn deactivate_department(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    super::set_registry_active(
        &state,
        &user,
        Deactivatable::Department,
        "department",
        id,
        false,
    )
    .await
}

/// The error for an unknown institution named in a body.
pub fn unknown_institution() -> ApiError {
    FieldError::new("institution", "not_found").into()
}
