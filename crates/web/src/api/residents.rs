//! Residents through the API: search within the caller's scope, read (audited),
//! create, edit and deactivate. Out-of-scope records answer 404, never 403.

use super::{AppJson, AppQuery, Paging, opt_uuid};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::registry::{FieldError, ResidentInput};
use yigong_store::residents::{Resident, ResidentQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/residents", get(list).post(create))
        .route("/residents/{id}", get(detail).put(update))
        .route("/residents/{id}/deactivate", post(deactivate))
        .route("/residents/{id}/reactivate", post(reactivate))
}

/// A resident as the caller may see it: identifiers masked unless the role needs them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResidentView {
    pub id: Uuid,
    pub name: String,
    pub sex: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    pub id_number: String,
    pub phone: String,
    pub identifiers_masked: bool,
    pub address: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl ResidentView {
    pub fn of(user: &CurrentUser, r: Resident) -> Self {
        Self {
            id: r.id,
            name: r.name,
            sex: r.sex,
            birth_date: r.birth_date.to_string(),
            id_number: user.shown_id_number(&r.id_number),
            phone: user.shown_phone(&r.phone),
            identifiers_masked: !user.role.sees_full_identifiers(),
            address: r.address,
            institution_id: r.institution_id,
            institution_name: r.institution_name,
            active: r.active,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ResidentPage {
    pub items: Vec<ResidentView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// Name fragment, pinyin initials, or the start or end of an ID number.
    pub q: Option<String>,
    pub institution_id: Option<String>,
    pub include_inactive: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Searches residents within the caller's scope.
#[utoipa::path(get, path = "/api/v1/residents", params(ListParams), responses((status = 200, body = ResidentPage)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<Json<ResidentPage>> {
    let page = search(&state, &user, &p).await?;
    Ok(Json(page))
}

/// The search shared by the API and the UI; audited as one event.
pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &ListParams,
) -> ApiResult<ResidentPage> {
    let query = ResidentQuery {
        q: p.q.clone().filter(|q| q.chars().count() <= 40),
        institution: opt_uuid(&p.institution_id, "institution")?,
        include_inactive: p.include_inactive.unwrap_or(false),
    };
    let paging = Paging {
        page: p.page,
        per_page: p.per_page,
    }
    .request();
    let page = state
        .store
        .search_residents(state.community.id, &user.scope, &query, paging)
        .await?;
    user.audit(
        state,
        "resident.search",
        "resident",
        None,
        true,
        &format!("results={}", page.total),
    )
    .await?;
    Ok(ResidentPage {
        items: page
            .items
            .into_iter()
            .map(|r| ResidentView::of(user, r))
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Loads a resident the caller may see, auditing the read either way.
pub async fn load_in_scope(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<Resident> {
    let found = match state.store.get_resident(state.community.id, id).await {
        Ok(r) => Some(r),
        Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let allowed = found
        .as_ref()
        .is_some_and(|r| user.scope.allows(r.institution_id));
    user.audit(state, action, "resident", Some(id), allowed, "")
        .await?;
    match found {
        Some(r) if allowed => Ok(r),
        _ => Err(ApiError::not_found()),
    }
}

/// Reads one resident (audited).
#[utoipa::path(get, path = "/api/v1/residents/{id}", responses((status = 200, body = ResidentView), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ResidentView>> {
    let r = load_in_scope(&state, &user, id, "resident.read").await?;
    Ok(Json(ResidentView::of(&user, r)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ResidentBody {
    pub name: String,
    pub id_number: String,
    pub sex: Option<String>,
    /// YYYY-MM-DD
    pub birth_date: Option<String>,
    pub phone: String,
    pub address: Option<String>,
    /// The township centre or village clinic the resident is registered to.
    pub institution_id: Uuid,
}

impl ResidentBody {
    pub fn input(&self) -> ResidentInput {
        ResidentInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            sex: self.sex.clone(),
            birth_date: self.birth_date.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
        }
    }
}

/// The institution must exist, hold residents, and be inside the caller's scope.
pub async fn check_home_institution(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<()> {
    let inst = match state.store.get_institution(state.community.id, id).await {
        Ok(i) => i,
        Err(yigong_store::StoreError::NotFound) => {
            return Err(FieldError::new("institution", "not_found").into());
        }
        Err(e) => return Err(e.into()),
    };
    if !user.scope.allows(inst.id) {
        return Err(FieldError::new("institution", "not_found").into());
    }
    if !inst.kind().is_some_and(|k| k.holds_residents()) || !inst.active {
        return Err(FieldError::new("institution", "institution_invalid").into());
    }
    Ok(())
}

/// Registers a resident.
#[utoipa::path(post, path = "/api/v1/residents", request_body = ResidentBody,
    responses((status = 201, body = ResidentView), (status = 409, description = "ID number exists"), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(body): AppJson<ResidentBody>,
) -> ApiResult<(StatusCode, Json<ResidentView>)> {
    let id = create_resident(&state, &user, &body).await?;
    let r = state.store.get_resident(state.community.id, id).await?;
    Ok((StatusCode::CREATED, Json(ResidentView::of(&user, r))))
}

pub async fn create_resident(
    state: &AppState,
    user: &CurrentUser,
    body: &ResidentBody,
) -> ApiResult<Uuid> {
    user.require(user.role.edits_residents())?;
    let valid = body.input().validate()?;
    check_home_institution(state, user, body.institution_id).await?;
    let id = state
        .store
        .insert_resident(state.community.id, body.institution_id, &valid)
        .await?;
    user.audit(state, "resident.create", "resident", Some(id), true, "")
        .await?;
    Ok(id)
}

/// Corrects a resident's record.
#[utoipa::path(put, path = "/api/v1/residents/{id}", request_body = ResidentBody,
    responses((status = 200, body = ResidentView), (status = 404), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(body): AppJson<ResidentBody>,
) -> ApiResult<Json<ResidentView>> {
    update_resident(&state, &user, id, &body).await?;
    let r = state.store.get_resident(state.community.id, id).await?;
    Ok(Json(ResidentView::of(&user, r)))
}

pub async fn update_resident(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &ResidentBody,
) -> ApiResult<()> {
    load_in_scope(state, user, id, "resident.update").await?;
    user.require(user.role.edits_residents())?;
    let valid = body.input().validate()?;
    check_home_institution(state, user, body.institution_id).await?;
    state
        .store
        .update_resident(state.community.id, id, body.institution_id, &valid)
        .await?;
    Ok(())
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: Uuid,
    active: bool,
) -> ApiResult<StatusCode> {
    set_resident_active(&state, &user, id, active).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_resident_active(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    active: bool,
) -> ApiResult<()> {
    let action = if active {
        "resident.reactivate"
    } else {
        "resident.deactivate"
    };
    load_in_scope(state, user, id, action).await?;
    user.require(user.role.edits_residents())?;
    state
        .store
        .set_active(
            yigong_store::Deactivatable::Resident,
            state.community.id,
            id,
            active,
        )
        .await?;
    Ok(())
}

/// Deactivates a resident (records are never deleted).
#[utoipa::path(post, path = "/api/v1/residents/{id}/deactivate", responses((status = 204), (status = 404)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(state, user, id, false).await
}

/// Reactivates a resident.
#[utoipa::path(post, path = "/api/v1/residents/{id}/reactivate", responses((status = 204), (status = 404)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(state, user, id, true).await
}
