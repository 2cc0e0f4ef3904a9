//! Family-doctor teams through the API: the office creates a "1+2+1+N" team for a
//! township (the composition is checked against the members' workplaces), and anyone
//! whose work touches the team's villages sees its members, villages, contracts and open
//! follow-up work.

mod coverage;
pub use coverage::*;
mod teams;
pub use teams::*;

use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::ResidentScope;
use yigong_domain::family::Package;
use yigong_store::family::{Team, TeamMember};
use yigong_store::{Page, PageRequest};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail, update))
        .routes(routes!(disband))
        .routes(routes!(create_contract))
        .routes(routes!(contracts_due))
        .routes(routes!(contract_rates))
        .routes(routes!(contract_groups))
        .routes(routes!(contract_action))
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The townships whose teams the user sees: all for the office, their own (or their
/// village's) for grassroots doctors.
async fn township_scope(state: &AppState, user: &CurrentUser) -> ApiResult<Option<Vec<Uuid>>> {
    if user.role.sees_figures() {
        return Ok(None);
    }
    match &user.scope {
        ResidentScope::Institutions(ids) => {
            let home = state
                .store
                .get_institution(state.community.id, user.institution_id)
                .await?;
            Ok(Some(match home.kind.as_str() {
                "village" => home.parent_id.into_iter().collect(),
                _ => ids.clone(),
            }))
        }
        _ => Err(ApiError::forbidden()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// A part of the team's name.
    pub q: Option<String>,
    /// Only the teams of this township.
    pub township: Option<Uuid>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
) -> ApiResult<Page<Team>> {
    teams_for(state, user, q, PageRequest::new(q.page, q.per_page)).await
}

/// The teams the user's work touches, narrowed by name and township, paged as asked.
pub async fn teams_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
    paging: PageRequest,
) -> ApiResult<Page<Team>> {
    let scope = township_scope(state, user).await?;
    let townships = match (scope, q.township) {
        (None, None) => None,
        (None, Some(t)) => Some(vec![t]),
        (Some(s), None) => Some(s),
        (Some(s), Some(t)) => Some(s.into_iter().filter(|x| *x == t).collect()),
    };
    let name =
        q.q.as_deref()
            .map(|n| n.chars().take(40).collect::<String>());
    Ok(state
        .store
        .find_teams(
            state.community.id,
            townships.as_deref(),
            name.as_deref(),
            paging,
        )
        .await?)
}

#[utoipa::path(get, path = "/teams", params(("q" = Option<String>, Query, description = "a part of the team's name"), ("township" = Option<Uuid>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "The teams the user's work touches")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<Page<Team>>> {
    Ok(Json(list_for(&state, &user, &q).await?))
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamDetail {
    pub team: Team,
    pub members: Vec<TeamMember>,
    pub villages: Vec<(Uuid, String)>,
    /// Follow-ups due this week or overdue at the team's villages.
    pub open_follow_ups: i64,
}

pub async fn detail_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<TeamDetail> {
    let c = state.community.id;
    let scope = township_scope(state, user).await?;
    let team = match state.store.get_team(c, id).await {
        Ok(t) if scope.as_ref().is_none_or(|s| s.contains(&t.institution_id)) => t,
        Ok(_) | Err(yigong_store::StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let villages = state.store.team_villages(c, id).await?;
    let ids: Vec<Uuid> = villages.iter().map(|v| v.0).collect();
    let today = crate::chronic::api::today();
    let open = state
        .store
        .follow_up_worklist(
            c,
            &ids,
            today,
            today + Duration::days(7),
            PageRequest::new(None, Some(1)),
        )
        .await?;
    Ok(TeamDetail {
        members: state.store.team_members(c, id).await?,
        villages,
        open_follow_ups: open.total,
        team,
    })
}

#[utoipa::path(get, path = "/teams/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, description = "Members, villages, contracts and open follow-ups"), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<TeamDetail>> {
    Ok(Json(detail_of(&state, &user, id).await?))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ContractBody {
    pub resident_id: Uuid,
    pub team_id: Uuid,
    /// The package's code: `basic`, `key_population`, `elderly`, `chronic` or
    /// `maternal_child`; empty chooses by key group (`key_population` for a resident in
    /// any, `basic` otherwise).
    #[serde(default)]
    pub package: String,
    /// Key groups the registry cannot know (`pregnant`, `severe_mental`,
    /// `tuberculosis`, `disabled`, `low_income`); age and registers add theirs.
    #[serde(default)]
    pub key_groups: Vec<String>,
    /// YYYY-MM-DD; defaults to today.
    pub start_date: Option<String>,
}

/// The resident if the user may sign them, and the team if it serves their clinic.
async fn parties(
    state: &AppState,
    user: &CurrentUser,
    resident: Uuid,
    team: Uuid,
) -> ApiResult<(yigong_store::residents::Resident, Team)> {
    let c = state.community.id;
    let clinics = crate::chronic::api::clinics(user)?;
    let resident = match state.store.get_resident(c, resident).await {
        Ok(r) if clinics.contains(&r.institution_id) => r,
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            user.audit(
                state,
                "family.contract",
                "resident",
                Some(resident),
                false,
                "reach",
            )
            .await?;
            return Err(unprocessable("resident", "not_found"));
        }
        Err(e) => return Err(e.into()),
    };
    let team = match state.store.get_team(c, team).await {
        Ok(t) => t,
        // The same answer as a team that does not serve the resident: no oracle of ids.
        Err(yigong_store::StoreError::NotFound) => {
            return Err(unprocessable("team", "team_does_not_serve"));
        }
        Err(e) => return Err(e.into()),
    };
    let covered = state.store.team_villages(c, team.id).await?;
    if team.institution_id != resident.institution_id
        && !covered.iter().any(|v| v.0 == resident.institution_id)
    {
        return Err(unprocessable("team", "team_does_not_serve"));
    }
    Ok((resident, team))
}

/// Signs a resident to a team for a year; key groups from age and registers are added.
pub async fn sign(
    state: &AppState,
    user: &CurrentUser,
    b: &ContractBody,
) -> ApiResult<yigong_store::family::Contract> {
    use yigong_domain::family::{KeyGroup, Term, derived_groups};
    let c = state.community.id;
    let (resident, team) = parties(state, user, b.resident_id, b.team_id).await?;
    let today = crate::chronic::api::today();
    let start = match b.start_date.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => yigong_domain::registry::parse_date(raw)
            .ok_or_else(|| unprocessable("start_date", "date_invalid"))?,
        None => today,
    };
    let package = match b.package.trim() {
        "" => None,
        code => {
            Some(Package::parse(code).ok_or_else(|| unprocessable("package", "invalid_field"))?)
        }
    };
    let diseases: Vec<yigong_domain::chronic::Disease> = state
        .store
        .registers_of(c, resident.id)
        .await?
        .iter()
        .filter(|r| r.status == "managed")
        .filter_map(|r| yigong_domain::chronic::Disease::parse(&r.disease))
        .collect();
    let mut groups = derived_groups(resident.birth_date, today, &diseases);
    for g in &b.key_groups {
        let g = KeyGroup::parse(g.trim())
            .ok_or_else(|| unprocessable("key_groups", "invalid_field").with_detail(g.clone()))?;
        if g.derived() {
            return Err(unprocessable("key_groups", "key_group_derived").with_detail(g.as_str()));
        }
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    groups.sort();
    let term = Term::year_from(start);
    let new = yigong_store::family::NewContract {
        resident_id: resident.id,
        team_id: team.id,
        package: package
            .unwrap_or_else(|| Package::default_for(&groups))
            .as_str()
            .to_string(),
        key_groups: groups
            .iter()
            .map(|g| g.as_str())
            .collect::<Vec<_>>()
            .join(","),
        start_date: term.start,
        end_date: term.end,
        created_by: Some(user.account_id),
    };
    let entry = user.audit_entry("family.contract.sign", "family_contract", None, true, "");
    let id = match state.store.sign_contract(c, &new, &entry).await {
        Ok(id) => id,
        Err(yigong_store::StoreError::Conflict { .. }) => {
            return Err(ApiError::field(
                StatusCode::CONFLICT,
                "resident",
                "contract_active",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(state.store.get_contract(c, id).await?)
}

#[utoipa::path(post, path = "/contracts",
    request_body = ContractBody,
    responses((status = 201, description = "The contract for a year"), (status = 409, description = "The resident has an active contract"), (status = 422)))]
pub async fn create_contract(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::api::AppJson(b): crate::api::AppJson<ContractBody>,
) -> ApiResult<(StatusCode, Json<yigong_store::family::Contract>)> {
    Ok((StatusCode::CREATED, Json(sign(&state, &user, &b).await?)))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ContractAction {
    /// For `transfer`: the new team.
    pub team_id: Option<Uuid>,
    /// For `end`: `moved`, `deceased`, `declined`, `expired`.
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/contracts/{id}/{action}",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`renew`, `transfer` or `end`")),
    request_body(content = Option<ContractAction>, description = "`team_id` for `transfer`; `reason` for `end`; may be empty"),
    responses((status = 200, description = "The contract now in force (or the ended one)"), (status = 404), (status = 409), (status = 422)))]
pub async fn contract_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(Uuid, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<yigong_store::family::Contract>> {
    let b: ContractAction = crate::api::optional_json(&body)?;
    Ok(Json(act(&state, &user, id, &action, &b, None).await?))
}

/// The contract, when its resident is in one of the user's clinics and (if the request
/// names one) is that resident; otherwise the refusal is audited and answered 404.
async fn contract_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
    of_resident: Option<Uuid>,
) -> ApiResult<yigong_store::family::Contract> {
    let c = state.community.id;
    let clinics = crate::chronic::api::clinics(user)?;
    let old = match state.store.get_contract(c, id).await {
        Ok(k) => k,
        Err(yigong_store::StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let resident = state.store.get_resident(c, old.resident_id).await?;
    if !clinics.contains(&resident.institution_id)
        || of_resident.is_some_and(|r| r != old.resident_id)
    {
        let action = format!("family.contract.{action}");
        user.audit(state, &action, "family_contract", Some(id), false, "reach")
            .await?;
        return Err(ApiError::not_found());
    }
    Ok(old)
}

/// Renews, transfers or ends an active contract of a resident the user may sign.
pub async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
    b: &ContractAction,
    // The resident the request names (a page's URL): a contract of another is refused
    // before anything is written.
    of_resident: Option<Uuid>,
) -> ApiResult<yigong_store::family::Contract> {
    use yigong_domain::family::{EndReason, Term};
    let c = state.community.id;
    let old = contract_in_reach(state, user, id, action, of_resident).await?;
    if old.status != "active" {
        return Err(ApiError::new(StatusCode::CONFLICT, "contract_not_active"));
    }
    let today = crate::chronic::api::today();
    let not_active = |e: yigong_store::StoreError| match e {
        yigong_store::StoreError::NotFound => {
            ApiError::new(StatusCode::CONFLICT, "contract_not_active")
        }
        e => e.into(),
    };
    let new_id = match action {
        "renew" => {
            let term = Term {
                start: old.start_date,
                end: old.end_date,
            }
            .renewed();
            let entry = user.audit_entry(
                "family.contract.renew",
                "family_contract",
                Some(id),
                true,
                "",
            );
            state
                .store
                .renew_contract(c, &old, term, Some(user.account_id), &entry)
                .await
                .map_err(not_active)?
        }
        "transfer" => {
            let team = b.team_id.ok_or_else(|| unprocessable("team", "required"))?;
            parties(state, user, old.resident_id, team).await?;
            let entry = user.audit_entry(
                "family.contract.transfer",
                "family_contract",
                Some(id),
                true,
                "",
            );
            state
                .store
                .transfer_contract(
                    c,
                    &old,
                    team,
                    Term::year_from(today),
                    Some(user.account_id),
                    &entry,
                )
                .await
                .map_err(not_active)?
        }
        "end" => {
            let reason = b
                .reason
                .as_deref()
                .and_then(EndReason::parse)
                .filter(|r| *r != EndReason::Transferred)
                .ok_or_else(|| unprocessable("reason", "required"))?;
            let entry = user.audit_entry(
                "family.contract.end",
                "family_contract",
                Some(id),
                true,
                reason.as_str(),
            );
            if !state
                .store
                .end_contract(c, id, reason.as_str(), today, &entry)
                .await?
            {
                return Err(ApiError::new(StatusCode::CONFLICT, "contract_not_active"));
            }
            id
        }
        _ => return Err(ApiError::not_found()),
    };
    Ok(state.store.get_contract(c, new_id).await?)
}
