//! Staff through the API: everyone signed in may search; registrars change records.

use crate::api::{AppJson, AppQuery, opt_uuid};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::PhoneUse;
use yigong_domain::registry::{FieldError, StaffInput};
use yigong_store::Deactivatable;
use yigong_store::PageRequest;
use yigong_store::staff::{StaffMember, StaffQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail, update))
        .routes(routes!(deactivate))
        .routes(routes!(reactivate))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: Uuid,
    pub name: String,
    pub sex: String,
    pub id_number: String,
    pub title: String,
    pub specialty: String,
    pub phone: Option<String>,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub active: bool,
}

impl StaffView {
    pub fn of(user: &CurrentUser, s: StaffMember) -> Self {
        Self {
            id: s.id,
            name: s.name,
            sex: s.sex,
            id_number: user.shown_id_number(&s.id_number),
            title: s.title,
            specialty: s.specialty,
            phone: s.phone.map(|p| user.shown_phone(PhoneUse::Record, &p)),
            institution_id: s.institution_id,
            institution_name: s.institution_name,
            department_id: s.department_id,
            department_name: s.department_name,
            active: s.active,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StaffPage {
    pub items: Vec<StaffView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub q: Option<String>,
    pub institution_id: Option<String>,
    pub include_inactive: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &ListParams,
    paging: PageRequest,
) -> ApiResult<StaffPage> {
    let q = StaffQuery {
        q: p.q.clone().filter(|q| q.chars().count() <= 40),
        institution: opt_uuid(&p.institution_id, "institution")?,
        include_inactive: p.include_inactive.unwrap_or(false),
    };
    let page = state
        .store
        .search_staff(state.community.id, &q, paging)
        .await?;
    Ok(StaffPage {
        items: page
            .items
            .into_iter()
            .map(|s| StaffView::of(user, s))
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

#[utoipa::path(get, path = "/staff", params(ListParams), responses((status = 200, body = StaffPage)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<Json<StaffPage>> {
    let paging = PageRequest::new(p.page, p.per_page);
    Ok(Json(search(&state, &user, &p, paging).await?))
}

#[utoipa::path(get, path = "/staff/{id}", responses((status = 200, body = StaffView), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<StaffView>> {
    Ok(Json(StaffView::of(
        &user,
        state.store.get_staff(state.community.id, id).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StaffBody {
    pub name: String,
    pub id_number: String,
    pub sex: Option<String>,
    pub title: String,
    pub specialty: Option<String>,
    pub phone: Option<String>,
    pub institution_id: Uuid,
    pub department_id: Option<Uuid>,
}

impl StaffBody {
    fn input(&self) -> StaffInput {
        StaffInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            sex: self.sex.clone(),
            title: self.title.clone(),
            specialty: self.specialty.clone(),
            phone: self.phone.clone(),
        }
    }
}

async fn check_placement(state: &AppState, body: &StaffBody) -> ApiResult<()> {
    if state
        .store
        .get_institution(state.community.id, body.institution_id)
        .await
        .is_err()
    {
        return Err(crate::registry::api::institutions::unknown_institution());
    }
    if let Some(d) = body.department_id {
        let depts = state
            .store
            .list_departments(state.community.id, body.institution_id)
            .await?;
        if !depts.iter().any(|x| x.id == d) {
            return Err(FieldError::new("department", "department_invalid").into());
        }
    }
    Ok(())
}

/// Creates a staff member: every field checked at once, the placement checked, audited.
pub async fn create_staff(
    state: &AppState,
    user: &CurrentUser,
    body: &StaffBody,
) -> ApiResult<Uuid> {
    user.require(user.role.edits_registry())?;
    let valid = body.input().checked().map_err(ApiError::from)?;
    check_placement(state, body).await?;
    let id = state
        .store
        .insert_staff(
            state.community.id,
            body.institution_id,
            body.department_id,
            &valid,
        )
        .await?;
    user.audit(state, "staff.create", "staff", Some(id), true, "")
        .await?;
    Ok(id)
}

/// Changes a staff member. An ID number sent back as it was shown (masked) keeps the
/// stored one.
pub async fn update_staff(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    body: &StaffBody,
) -> ApiResult<()> {
    user.require(user.role.edits_registry())?;
    let current = state.store.get_staff(state.community.id, id).await?;
    let mut input = body.input();
    if input.id_number.trim() == user.shown_id_number(&current.id_number) {
        input.id_number = current.id_number;
    }
    let valid = input.checked().map_err(ApiError::from)?;
    check_placement(state, body).await?;
    state
        .store
        .update_staff(
            state.community.id,
            id,
            body.institution_id,
            body.department_id,
            &valid,
        )
        .await?;
    user.audit(state, "staff.update", "staff", Some(id), true, "")
        .await?;
    Ok(())
}

#[utoipa::path(post, path = "/staff", request_body = StaffBody,
    responses((status = 201, body = StaffView), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(body): AppJson<StaffBody>,
) -> ApiResult<(StatusCode, Json<StaffView>)> {
    let id = create_staff(&state, &user, &body).await?;
    let s = state.store.get_staff(state.community.id, id).await?;
    Ok((StatusCode::CREATED, Json(StaffView::of(&user, s))))
}

#[utoipa::path(put, path = "/staff/{id}", request_body = StaffBody,
    responses((status = 200, body = StaffView), (status = 404), (status = 409, description = "ID number exists"), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(body): AppJson<StaffBody>,
) -> ApiResult<Json<StaffView>> {
    update_staff(&state, &user, id, &body).await?;
    Ok(Json(StaffView::of(
        &user,
        state.store.get_staff(state.community.id, id).await?,
    )))
}

#[utoipa::path(post, path = "/staff/{id}/deactivate", responses((status = 204), (status = 404)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    super::set_registry_active(&state, &user, Deactivatable::Staff, "staff", id, false).await
}

#[utoipa::path(post, path = "/staff/{id}/reactivate", responses((status = 204), (status = 404)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    super::set_registry_active(&state, &user, Deactivatable::Staff, "staff", id, true).await
}
