//! Contracts as the office and the clinics watch them: those due for renewal, and the
//! coverage rates by clinic and by key population.

use super::{ListQuery, list_for};
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use time::Duration;
use uuid::Uuid;
use yigong_store::PageRequest;

#[derive(Debug, Default, Deserialize)]
pub struct DueQuery {
    /// Days ahead (default 30, the renewal window).
    pub within: Option<i64>,
    pub page: Option<i64>,
    /// Up to 200 (default 200).
    pub per_page: Option<i64>,
}

/// Contracts of the user's teams that end within the window (or have ended unrenewed).
#[utoipa::path(get, path = "/contracts/due", params(("within" = Option<i64>, Query, description = "Days ahead, default 30"),
        ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query, description = "Up to 200")),
    responses((status = 200, description = "Contracts of the user's teams due for renewal")))]
pub async fn contracts_due(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<DueQuery>,
) -> ApiResult<Json<Vec<yigong_store::family::Contract>>> {
    let page = PageRequest::new(
        q.page,
        Some(q.per_page.unwrap_or(PageRequest::MAX_PER_PAGE)),
    );
    Ok(Json(due_for(&state, &user, q.within, page).await?.items))
}

pub async fn due_for(
    state: &AppState,
    user: &CurrentUser,
    within: Option<i64>,
    page: PageRequest,
) -> ApiResult<yigong_store::Page<yigong_store::family::Contract>> {
    let all = ListQuery {
        per_page: Some(PageRequest::MAX_PER_PAGE),
        ..ListQuery::default()
    };
    let ids: Vec<Uuid> = list_for(state, user, &all)
        .await?
        .items
        .iter()
        .map(|t| t.id)
        .collect();
    let window = within
        .unwrap_or(yigong_domain::family::RENEWAL_WINDOW_DAYS)
        .clamp(0, 366);
    let by = crate::chronic::api::today() + Duration::days(window);
    let due = state
        .store
        .contracts_due(state.community.id, &ids, &user.scope, by, page)
        .await?;
    user.audit(
        state,
        "contract.due",
        "resident",
        None,
        true,
        &format!("results={}", due.items.len()),
    )
    .await?;
    Ok(due)
}

/// Contract coverage of the user's clinics (all of them for the office).
pub async fn rates_for(
    state: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<yigong_store::family::ContractRate>> {
    let rates = state
        .store
        .contract_rates(state.community.id, crate::chronic::api::today())
        .await?;
    if user.role.sees_figures() {
        return Ok(rates);
    }
    let clinics = crate::chronic::api::clinics(user)?;
    Ok(rates
        .into_iter()
        .filter(|r| clinics.contains(&r.institution_id))
        .collect())
}

#[utoipa::path(get, path = "/contracts/rates",
    responses((status = 200, description = "Residents, contracted, key population and key population contracted by clinic")))]
pub async fn contract_rates(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<yigong_store::family::ContractRate>>> {
    Ok(Json(rates_for(&state, &user).await?))
}

/// Contract coverage by key group among the user's clinics' residents (all for the office).
pub async fn groups_for(
    state: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<yigong_store::family::GroupRate>> {
    let office = user.role.sees_figures();
    let clinics = if office {
        None
    } else {
        Some(crate::chronic::api::clinics(user)?)
    };
    Ok(state
        .store
        .contract_groups(
            state.community.id,
            clinics.as_deref(),
            crate::chronic::api::today(),
        )
        .await?)
}

#[utoipa::path(get, path = "/contracts/groups",
    responses((status = 200, description = "Contract coverage by key group")))]
pub async fn contract_groups(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<yigong_store::family::GroupRate>>> {
    Ok(Json(groups_for(&state, &user).await?))
}

/// The contracts behind a clinic's coverage, for those who reach its residents (refused
/// and audited otherwise; reach is checked before anything is read).
pub async fn contracted_for(
    state: &AppState,
    user: &CurrentUser,
    clinic: Uuid,
    page: PageRequest,
) -> ApiResult<yigong_store::Page<yigong_store::family::Contract>> {
    let sees = user.scope.allows(clinic);
    user.require_audited(
        state,
        sees,
        "family.contracted",
        "family_contract",
        Some(clinic),
    )
    .await?;
    let found = state
        .store
        .contracted_at(state.community.id, clinic, page)
        .await?;
    user.audit_list(state, "family.contracted", "family_contract", found.total)
        .await?;
    Ok(found)
}
