//! Residents through the API: search within the caller's scope, read (audited),
//! create, edit and deactivate. Out-of-scope records answer 404, never 403.

use crate::api::{AppJson, AppQuery, Paging, opt_uuid};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::PhoneUse;
use yigong_domain::identity::ResidentIdNumber;
use yigong_domain::registry::{FieldError, ResidentInput};
use yigong_domain::text::SearchTerm;
use yigong_store::residents::{COUNT_CAP, Resident, ResidentQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail, update))
        .routes(routes!(deactivate))
        .routes(routes!(reactivate))
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
            phone: user.shown_phone(PhoneUse::Record, &r.phone),
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
    /// Matches, counted up to 1,000.
    pub total: i64,
    /// More matches than `total`: narrow the search.
    pub total_capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// The longest search term accepted.
pub const QUERY_MAX_CHARS: usize = 40;

/// Checks a search term against the caller's rights before it reaches the index.
/// Roles that see ID numbers masked may look one up only whole (a fragment would
/// reveal the hidden digits), at most 20 times an hour, each audited.
pub async fn vet_query(
    state: &AppState,
    user: &CurrentUser,
    q: Option<&str>,
) -> ApiResult<Option<String>> {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.chars().count() > QUERY_MAX_CHARS {
        return Err(FieldError::new("q", "query_too_long").into());
    }
    let is_id = matches!(SearchTerm::parse(q), Some(SearchTerm::IdFragment(_)));
    if is_id && user.role.probes_identifiers() {
        if ResidentIdNumber::parse(q).is_err() {
            return Err(FieldError::new("q", "id_search_needs_whole_number").into());
        }
        identifier_probe(state, user, "resident.id_lookup").await?;
    }
    Ok(Some(q.to_string()))
}

/// Counts one exact identifier look-up by a masked role against its hourly allowance;
/// past it the look-up is refused (429) and the refusal audited.
pub async fn identifier_probe(state: &AppState, user: &CurrentUser, action: &str) -> ApiResult<()> {
    if !user.role.probes_identifiers() {
        return Ok(());
    }
    match state
        .throttles
        .identifier
        .take(&user.account_id.to_string())
    {
        Ok(()) => user.audit(state, action, "resident", None, true, "").await,
        Err(_) => {
            user.audit(state, action, "resident", None, false, "throttled")
                .await?;
            Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_identifier_lookups",
            ))
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Name fragment, pinyin initials, or the start or end of an ID number.
    pub q: Option<String>,
    pub institution_id: Option<String>,
    pub include_inactive: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Searches residents within the caller's scope.
#[utoipa::path(get, path = "/residents", params(ListParams), responses((status = 200, body = ResidentPage)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<Json<ResidentPage>> {
    let page = search(&state, &user, &p, false).await?;
    Ok(Json(page))
}

/// The search shared by the API and the UI; audited as one event.
pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &ListParams,
    export: bool,
) -> ApiResult<ResidentPage> {
    let query = ResidentQuery {
        q: vet_query(state, user, p.q.as_deref()).await?,
        institution: opt_uuid(&p.institution_id, "institution")?,
        include_inactive: p.include_inactive.unwrap_or(false),
    };
    let paging = if export {
        yigong_store::PageRequest::export()
    } else {
        Paging {
            page: p.page,
            per_page: p.per_page,
        }
        .request()
    };
    let page = state
        .store
        .search_residents(state.community.id, &user.scope, &query, paging)
        .await?;
    user.audit(
        state,
        if export {
            "resident.export"
        } else {
            "resident.search"
        },
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
        total: page.total.min(COUNT_CAP),
        total_capped: page.total > COUNT_CAP,
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
    let found = state
        .store
        .get_resident_in(state.community.id, &user.scope, id)
        .await?;
    user.audit(state, action, "resident", Some(id), found.is_some(), "")
        .await?;
    found.ok_or_else(ApiError::not_found)
}

/// Reads one resident (audited).
#[utoipa::path(get, path = "/residents/{id}", responses((status = 200, body = ResidentView), (status = 404)))]
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
#[utoipa::path(post, path = "/residents", request_body = ResidentBody,
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
    user.require_audited(
        state,
        user.role.edits_residents(),
        "resident.create",
        "resident",
        None,
    )
    .await?;
    let valid = body.input().checked()?;
    check_home_institution(state, user, body.institution_id).await?;
    let inserted = state
        .store
        .insert_resident(state.community.id, body.institution_id, &valid)
        .await;
    let id = refuse_duplicate(state, user, "resident.create", None, inserted).await?;
    user.audit(state, "resident.create", "resident", Some(id), true, "")
        .await?;
    Ok(id)
}

/// Corrects a resident's record.
#[utoipa::path(put, path = "/residents/{id}", request_body = ResidentBody,
    responses((status = 200, body = ResidentView), (status = 404), (status = 409, description = "ID number exists"), (status = 422)))]
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
    user.require_audited(
        state,
        user.role.edits_residents(),
        "resident.update",
        "resident",
        Some(id),
    )
    .await?;
    let stored = load_in_scope(state, user, id, "resident.update").await?;
    let mut input = body.input();
    // A role that edits identifiers masked sends the mask back for "unchanged". The
    // stored value goes to the database only: nothing here renders it.
    if input.id_number.trim() == user.shown_id_number(&stored.id_number) {
        input.id_number = stored.id_number;
    }
    if input.phone.trim() == user.shown_phone(PhoneUse::Record, &stored.phone) {
        input.phone = stored.phone;
    }
    let valid = input.checked()?;
    check_home_institution(state, user, body.institution_id).await?;
    let updated = state
        .store
        .update_resident(state.community.id, id, body.institution_id, &valid)
        .await;
    refuse_duplicate(state, user, "resident.update", Some(id), updated).await
}

/// A store result whose conflict (the ID number is registered already) is audited and,
/// for a role that sees ID numbers masked, counted as an identifier look-up: the answer
/// tells that the number exists.
async fn refuse_duplicate<T>(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    id: Option<Uuid>,
    result: Result<T, yigong_store::StoreError>,
) -> ApiResult<T> {
    match result {
        Err(e @ yigong_store::StoreError::Conflict { .. }) => {
            identifier_probe(state, user, "resident.duplicate_id").await?;
            user.audit(state, action, "resident", id, false, "duplicate")
                .await?;
            Err(e.into())
        }
        other => Ok(other?),
    }
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
    user.require_audited(
        state,
        user.role.edits_residents(),
        action,
        "resident",
        Some(id),
    )
    .await?;
    load_in_scope(state, user, id, action).await?;
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
#[utoipa::path(post, path = "/residents/{id}/deactivate", responses((status = 204), (status = 404)))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(state, user, id, false).await
}

/// Reactivates a resident.
#[utoipa::path(post, path = "/residents/{id}/reactivate", responses((status = 204), (status = 404)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(state, user, id, true).await
}
