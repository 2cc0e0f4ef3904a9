//! Members and their development (发展党员) through the API: an applicant or activist
//! added to a branch, a member's record with every step taken, and the next step, allowed
//! only once its stage has lasted as long as the rules ask (an activist a year, a
//! probationary member a year). The branch secretary and the committee decide.

use super::work::org_in_reach;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::development::{StageProblem, advance, earliest_end, next};
use yigong_domain::party::mobility::Mobility;
use yigong_domain::party::org::MemberStatus;
use yigong_store::party::{Member, MoveLine, NewMember, NewStep, PartyOrg, PointLine, Step};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// A member the user reaches, their organisation, and whether the user decides for it;
/// 404 (audited) for one out of reach.
pub async fn member_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<(Member, PartyOrg, bool)> {
    let member = match state.store.get_member(state.community.id, id).await {
        Ok(m) => m,
        Err(yigong_store::StoreError::NotFound) => {
            user.audit(state, action, "party_member", Some(id), false, "reach")
                .await?;
            return Err(ApiError::not_found());
        }
        Err(e) => return Err(e.into()),
    };
    let (org, writes) = org_in_reach(state, user, member.org_id, action).await?;
    Ok((member, org, writes))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewMemberBody {
    #[serde(default)]
    pub name: String,
    /// `applicant` or `activist`: development starts at one of these.
    #[serde(default)]
    pub status: String,
    /// The day the stage began, `YYYY-MM-DD`, not after today.
    #[serde(default)]
    pub since: String,
}

/// Adds an applicant or activist to a branch; the new member's id.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    b: &NewMemberBody,
) -> ApiResult<Uuid> {
    let (o, writes) = org_in_reach(state, user, org, "party.member_added").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let mut problems = Vec::new();
    let name = super::required_text(&mut problems, "name", &b.name, 40);
    let status = match b.status.as_str() {
        "applicant" => Some("applicant"),
        "activist" => Some("activist"),
        _ => None,
    };
    if status.is_none() {
        problems.push(unprocessable("status", "invalid_field"));
    }
    let since = crate::ui::list::date(Some(&b.since)).filter(|d| *d <= clock::today());
    if since.is_none() {
        problems.push(unprocessable("since", "date_invalid"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(status), Some(since)) = (status, since) else {
        return Err(ApiError::internal());
    };
    let new = NewMember {
        staff_id: None,
        name: name.to_string(),
        status,
        status_since: since,
        joined_on: None,
        full_time: false,
        dues_basis: "working",
        pay_fen: 0,
    };
    let entry = user.audit_entry("party.member_added", "party_member", None, true, status);
    Ok(state
        .store
        .add_member(state.community.id, o.id, &new, &entry)
        .await?)
}

/// Adds an applicant or activist to a branch (its secretary or the committee).
#[utoipa::path(post, path = "/party/orgs/{id}/members", params(("id" = Uuid, Path)), request_body = NewMemberBody,
    responses((status = 201, body = Object), (status = 404), (status = 422)))]
pub async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
    AppJson(b): AppJson<NewMemberBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = add(&state, &user, org, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// A member's record with their development.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    #[schema(value_type = Object)]
    pub member: Member,
    pub org: String,
    #[schema(value_type = Vec<Object>)]
    pub steps: Vec<Step>,
    /// Where the member went and came back from, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub moves: Vec<MoveLine>,
    /// The points ledger, newest first, and this year's total.
    #[schema(value_type = Vec<Object>)]
    pub points: Vec<PointLine>,
    pub year_points: i64,
    /// The next stage, none for a full member.
    pub next: Option<&'static str>,
    /// The first day the next step may be taken.
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "yigong_store::opt_iso_date")]
    pub earliest: Option<time::Date>,
    pub writes: bool,
}

pub async fn view(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<MemberView> {
    let (member, org, writes) = member_in_reach(state, user, id, "party.member").await?;
    let steps = state.store.member_steps(state.community.id, id).await?;
    let moves = state.store.member_moves(state.community.id, id).await?;
    let points = state.store.member_points(state.community.id, id).await?;
    let year = clock::today().year();
    let year_points = points
        .iter()
        .filter(|p| p.year == year)
        .map(|p| i64::from(p.points))
        .sum();
    let status = MemberStatus::parse(&member.status).ok_or_else(ApiError::internal)?;
    user.audit(state, "party.member", "party_member", Some(id), true, "")
        .await?;
    Ok(MemberView {
        next: next(status).map(MemberStatus::as_str),
        earliest: next(status).map(|_| earliest_end(status, member.status_since)),
        member,
        org: org.name,
        steps,
        moves,
        points,
        year_points,
        writes,
    })
}

/// A member's record with every development step.
#[utoipa::path(get, path = "/party/members/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = MemberView), (status = 404)))]
pub async fn member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<MemberView>> {
    Ok(Json(view(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AdvanceBody {
    /// The day it was decided, `YYYY-MM-DD`, not after today.
    #[serde(default)]
    pub on: String,
    /// The meeting or body that decided it.
    #[serde(default)]
    pub note: String,
}

/// Moves a member one stage on; the stage reached. `stage_too_early` (422, with the first
/// allowed day) before the stage has lasted long enough; `stage_final` (409) for a full
/// member.
pub async fn step(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &AdvanceBody,
) -> ApiResult<&'static str> {
    let (member, _, writes) = member_in_reach(state, user, id, "party.member_step").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    if member.mobility == Mobility::Transferred.as_str() {
        return Err(ApiError::new(StatusCode::CONFLICT, "member_transferred"));
    }
    let on = crate::ui::list::date(Some(&b.on))
        .filter(|d| *d <= clock::today())
        .ok_or_else(|| unprocessable("on", "date_invalid"))?;
    if b.note.chars().count() > 200 {
        return Err(unprocessable("note", "too_long"));
    }
    let from = MemberStatus::parse(&member.status).ok_or_else(ApiError::internal)?;
    let to = advance(from, member.status_since, on).map_err(|p| match p {
        StageProblem::NoNextStage => ApiError::field(StatusCode::CONFLICT, "on", p.code()),
        StageProblem::TooEarly(d) => unprocessable("on", p.code()).with_detail(d.to_string()),
    })?;
    let new = NewStep {
        from: from.as_str(),
        to: to.as_str(),
        on,
        note: b.note.trim().to_string(),
    };
    let entry = user.audit_entry(
        "party.member_step",
        "party_member",
        Some(id),
        true,
        to.as_str(),
    );
    if !state
        .store
        .advance_member(state.community.id, id, &new, &entry)
        .await?
    {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "on",
            "member_changed",
        ));
    }
    Ok(to.as_str())
}

/// Takes a member's next development step.
#[utoipa::path(post, path = "/party/members/{id}/advance", params(("id" = Uuid, Path)), request_body = AdvanceBody,
    responses((status = 200, body = Object), (status = 404), (status = 409, description = "`stage_final`"), (status = 422, description = "`stage_too_early`, with the first allowed day")))]
pub async fn advance_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<AdvanceBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let status = step(&state, &user, id, &b).await?;
    Ok(Json(serde_json::json!({ "status": status })))
}
