//! Family-doctor teams through the API: the office creates a "1+2+1+N" team for a
//! township (the composition is checked against the members' workplaces), and anyone
//! whose work touches the team's villages sees its members, villages, contracts and open
//! follow-up work.

use super::AppQuery;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::Duration;
use uuid::Uuid;
use yigong_domain::access::ResidentScope;
use yigong_domain::family::{MemberRole, TeamProblem, check_team};
use yigong_store::family::{NewTeam, Team, TeamMember};
use yigong_store::{Page, PageRequest};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(list).post(create))
        .route("/teams/{id}", get(detail))
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The townships whose teams the user sees: all for the office, their own (or their
/// village's) for grassroots doctors.
async fn township_scope(state: &AppState, user: &CurrentUser) -> ApiResult<Option<Vec<Uuid>>> {
    if user.role.edits_registry() || user.role == yigong_domain::access::Role::BureauViewer {
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
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn list_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
) -> ApiResult<Page<Team>> {
    let scope = township_scope(state, user).await?;
    Ok(state
        .store
        .list_teams(
            state.community.id,
            scope.as_deref(),
            PageRequest::new(q.page, q.per_page),
        )
        .await?)
}

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
    let due_by = crate::api::chronic::today() + Duration::days(7);
    let open = state
        .store
        .follow_up_worklist(c, &ids, due_by, PageRequest::new(None, Some(1)))
        .await?;
    Ok(TeamDetail {
        members: state.store.team_members(c, id).await?,
        villages,
        open_follow_ups: open.total,
        team,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<TeamDetail>> {
    Ok(Json(detail_of(&state, &user, id).await?))
}

#[derive(Debug, Clone, Deserialize)]
pub struct MemberBody {
    pub staff_id: Uuid,
    /// `specialist`, `township_clinician`, `public_health`, `village_doctor`, `nurse`,
    /// `pharmacist`, `lab`
    pub role: String,
}

#[derive(Debug, Clone, Deserialize)]
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
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    super::AppJson(b): super::AppJson<TeamBody>,
) -> ApiResult<(StatusCode, Json<TeamDetail>)> {
    user.require(user.role.edits_registry())?;
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
        checked.push((role, kind));
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
            TeamProblem::Missing(r) | TeamProblem::WrongLevel(r) => e.with_detail(r.as_str()),
            TeamProblem::LeaderNotMember => e,
        }
    })?;
    let new = NewTeam {
        name: name.to_string(),
        institution_id: b.institution_id,
        leader_staff_id: b.leader_staff_id,
        members,
        villages: b.villages.clone(),
    };
    let entry = user.audit_entry("family.team.create", "family_team", None, true, "");
    let id = state.store.create_team(c, &new, &entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &user, id).await?),
    ))
}
