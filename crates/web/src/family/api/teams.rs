//! Forming, changing and disbanding a family-doctor team: the "1+2+1+N" composition is
//! checked against the members' workplaces each time, and a team holding contracts is
//! not disbanded.

use super::{TeamDetail, detail_of, unprocessable};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::family::{MemberRole, TeamProblem, check_team};
use yigong_store::family::NewTeam;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct MemberBody {
    pub staff_id: Uuid,
    /// `specialist`, `township_clinician`, `public_health`, `village_doctor`, `nurse`,
    /// `pharmacist`, `lab`
    pub role: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TeamBody {
    pub name: String,
    /// The township health centre the team works from.
    pub institution_id: Uuid,
    pub leader_staff_id: Uuid,
    pub members: Vec<MemberBody>,
    /// Village clinics of that township.
    pub villages: Vec<Uuid>,
}

/// Creates a team (the community office); 422 says which part of "1+2+1" is missing or
/// who works at the wrong level.
#[utoipa::path(post, path = "/teams",
    request_body = TeamBody,
    responses((status = 201, description = "The team"), (status = 403), (status = 422, description = "Which part of 1+2+1 is missing or at the wrong level")))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::api::AppJson(b): crate::api::AppJson<TeamBody>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_for(&state, &user, &b).await?),
    ))
}

/// A team's composition checked: a name, a township, villages of that township, and
/// members who make up "1+2+1" at the right levels with the leader among them.
async fn checked(state: &AppState, b: &TeamBody) -> ApiResult<NewTeam> {
    let c = state.community.id;
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(unprocessable(
            "name",
            if name.is_empty() {
                "required"
            } else {
                "too_long"
            },
        ));
    }
    let institutions = state.store.list_institutions(c).await?;
    let kind_of = |id: Uuid| {
        institutions
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.kind())
    };
    if kind_of(b.institution_id) != Some(yigong_domain::registry::InstitutionKind::Township) {
        return Err(unprocessable("institution", "team_not_township"));
    }
    for v in &b.villages {
        let ok = institutions
            .iter()
            .any(|i| i.id == *v && i.kind == "village" && i.parent_id == Some(b.institution_id));
        if !ok {
            return Err(unprocessable("villages", "team_village_invalid"));
        }
    }
    if b.villages.is_empty() {
        return Err(unprocessable("villages", "required"));
    }
    let mut members = Vec::with_capacity(b.members.len());
    let mut checked = Vec::with_capacity(b.members.len());
    for m in &b.members {
        let role =
            MemberRole::parse(&m.role).ok_or_else(|| unprocessable("role", "role_invalid"))?;
        let staff = match state.store.get_staff(c, m.staff_id).await {
            Ok(s) => s,
            Err(yigong_store::StoreError::NotFound) => {
                return Err(unprocessable("members", "not_found"));
            }
            Err(e) => return Err(e.into()),
        };
        let kind = kind_of(staff.institution_id).ok_or_else(ApiError::internal)?;
        checked.push((role, kind, m.staff_id));
        members.push((m.staff_id, role.as_str()));
    }
    let leader = b
        .members
        .iter()
        .position(|m| m.staff_id == b.leader_staff_id)
        .unwrap_or(usize::MAX);
    check_team(&checked, leader).map_err(|p| {
        let e = unprocessable("members", p.code());
        match p {
            TeamProblem::Missing(r) | TeamProblem::WrongLevel(r) | TeamProblem::Twice(r) => {
                e.with_detail(r.as_str())
            }
            TeamProblem::LeaderNotMember => e,
        }
    })?;
    Ok(NewTeam {
        name: name.to_string(),
        institution_id: b.institution_id,
        leader_staff_id: b.leader_staff_id,
        members,
        villages: b.villages.clone(),
    })
}

/// Creates a team after checking its composition and villages.
pub async fn create_for(
    state: &AppState,
    user: &CurrentUser,
    b: &TeamBody,
) -> ApiResult<TeamDetail> {
    user.require(user.role.edits_registry())?;
    let new = checked(state, b).await?;
    let entry = user.audit_entry("family.team.create", "family_team", None, true, "");
    let id = state
        .store
        .create_team(state.community.id, &new, &entry)
        .await?;
    detail_of(state, user, id).await
}

/// Changes a team's name, members, leader and villages, checked as at creation; the
/// township stays. A disbanded team is not changed.
pub async fn update_for(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &TeamBody,
) -> ApiResult<TeamDetail> {
    user.require(user.role.edits_registry())?;
    let team = state.store.get_team(state.community.id, id).await?;
    if !team.active {
        return Err(ApiError::new(StatusCode::CONFLICT, "team_disbanded"));
    }
    if b.institution_id != team.institution_id {
        return Err(unprocessable("institution", "team_township_fixed"));
    }
    let new = checked(state, b).await?;
    let entry = user.audit_entry("family.team.update", "family_team", Some(id), true, "");
    state
        .store
        .update_team(state.community.id, id, &new, &entry)
        .await?;
    detail_of(state, user, id).await
}

/// Disbands a team with no active contracts (they are transferred first); its history
/// stays, and it is no longer offered.
pub async fn disband_for(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<()> {
    user.require(user.role.edits_registry())?;
    let team = state.store.get_team(state.community.id, id).await?;
    if team.contracts > 0 {
        return Err(ApiError::new(StatusCode::CONFLICT, "team_has_contracts"));
    }
    let entry = user.audit_entry("family.team.disband", "family_team", Some(id), true, "");
    match state
        .store
        .disband_team(state.community.id, id, &entry)
        .await
    {
        // A contract was signed since the check above.
        Err(yigong_store::StoreError::Conflict { .. }) => {
            Err(ApiError::new(StatusCode::CONFLICT, "team_has_contracts"))
        }
        r => Ok(r?),
    }
}

/// Changes a team (the community office), checked as at creation.
#[utoipa::path(put, path = "/teams/{id}", params(("id" = Uuid, Path)),
    request_body = TeamBody,
    responses((status = 200, description = "The team"), (status = 403), (status = 404), (status = 409, description = "The team is disbanded"), (status = 422)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    crate::api::AppJson(b): crate::api::AppJson<TeamBody>,
) -> ApiResult<Json<TeamDetail>> {
    Ok(Json(update_for(&state, &user, id, &b).await?))
}

/// Disbands a team whose contracts have all been transferred or ended.
#[utoipa::path(post, path = "/teams/{id}/disband", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "The team still holds active contracts")))]
pub async fn disband(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    disband_for(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
