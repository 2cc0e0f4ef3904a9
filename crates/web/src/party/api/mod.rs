//! The party-building API: the structure within the caller's reach, and the first
//! secretaries' sites with their fund ledgers. Reach comes from the role and the posts an
//! account holds: the party committee (the party secretary's role) and the bureau see
//! all; a branch secretary sees their branch; a first secretary their sites; anyone else
//! is told there is nothing (404), and the refusal is audited.

mod attachments;
mod dues;
mod joint;
mod members;
mod moves;
mod pairing;
mod points;
mod review;
mod sites;
mod stars;
mod tasks;
mod work;
pub use attachments::{attach_minutes, attach_receipt, read_file};
pub use dues::*;
pub use joint::*;
pub use members::*;
pub use moves::*;
pub use pairing::*;
pub use points::*;
pub use review::*;
pub use sites::*;
pub use stars::*;
pub use tasks::*;
pub use work::*;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use yigong_domain::access::Role;
use yigong_store::party::PartyOrg;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(structure))
        .routes(routes!(sites::list_sites))
        .routes(routes!(sites::record_spending))
        .routes(routes!(tasks::list_tasks))
        .routes(routes!(tasks::file_report))
        .routes(routes!(tasks::quarter))
        .routes(routes!(tasks::record_evaluation))
        .routes(routes!(work::plan_activity))
        .routes(routes!(work::record_meeting))
        .routes(routes!(work::members))
        .routes(routes!(work::behind))
        .routes(routes!(members::add_member))
        .routes(routes!(members::member))
        .routes(routes!(members::advance_member))
        .routes(routes!(points::list_rules))
        .routes(routes!(points::update_rule))
        .routes(routes!(points::award_points))
        .routes(routes!(dues::dues))
        .routes(routes!(dues::record_payment))
        .routes(routes!(dues::update_pay))
        .routes(routes!(joint::list_meetings, joint::add_meeting))
        .routes(routes!(joint::meeting))
        .routes(routes!(joint::raise_issue))
        .routes(routes!(joint::issue))
        .routes(routes!(joint::issue_step_taken))
        .routes(routes!(joint::org_issues))
        .routes(routes!(pairing::list_pairings, pairing::add_pairing))
        .routes(routes!(pairing::pairing))
        .routes(routes!(pairing::add_joint_activity))
        .routes(routes!(stars::update_scale))
        .routes(routes!(stars::list_stars))
        .routes(routes!(stars::sheet))
        .routes(routes!(stars::add_star_evidence))
        .routes(routes!(stars::add_rating))
        .routes(routes!(review::review_queue))
        .routes(routes!(review::review_item))
        .routes(routes!(moves::move_member))
        .merge(attachments::router())
}

/// Whether the role sees the whole party organisation: the committee and the bureau.
pub fn sees_all(user: &CurrentUser) -> bool {
    matches!(user.role, Role::PartySecretary | Role::BureauViewer)
}

/// The structure's counts and organisations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Structure {
    pub committees: usize,
    pub branches: usize,
    pub members: i64,
    #[schema(value_type = Vec<Object>)]
    pub organizations: Vec<PartyOrg>,
}

/// The organisations the user reaches: all, or the branches they are secretary of.
pub async fn structure_for(state: &AppState, user: &CurrentUser) -> ApiResult<Structure> {
    let all = state.store.party_orgs(state.community.id).await?;
    let orgs: Vec<PartyOrg> = if sees_all(user) {
        all
    } else {
        all.into_iter()
            .filter(|o| o.secretary_account_id == Some(user.account_id))
            .collect()
    };
    if orgs.is_empty() {
        user.audit(state, "party.structure", "party_org", None, false, "reach")
            .await?;
        return Err(ApiError::not_found());
    }
    user.audit_list(state, "party.structure", "party_org", orgs.len() as i64)
        .await?;
    Ok(Structure {
        committees: orgs.iter().filter(|o| o.kind == "committee").count(),
        branches: orgs.iter().filter(|o| o.kind == "branch").count(),
        members: orgs.iter().map(|o| o.members).sum(),
        organizations: orgs,
    })
}

/// The party organisation within the caller's reach, with its counts.
#[utoipa::path(get, path = "/party/structure",
    responses((status = 200, body = Structure), (status = 404, description = "Nothing in the caller's reach")))]
pub async fn structure(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Structure>> {
    Ok(Json(structure_for(&state, &user).await?))
}

/// A text field that must be given and at most `max` characters long, trimmed; a problem
/// at `field` otherwise (what comes back is then not used).
pub(crate) fn required_text(
    problems: &mut Vec<ApiError>,
    field: &'static str,
    value: &str,
    max: usize,
) -> String {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        let code = if v.is_empty() { "required" } else { "too_long" };
        problems.push(ApiError::field(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            field,
            code,
        ));
    }
    v.to_string()
}

/// An optional day typed `YYYY-MM-DD`; a problem at `field` when it is not a day.
pub(crate) fn optional_day(
    problems: &mut Vec<ApiError>,
    field: &'static str,
    value: Option<&str>,
) -> Option<time::Date> {
    let d = value.map(str::trim).filter(|d| !d.is_empty())?;
    let parsed = crate::ui::list::date(Some(d));
    if parsed.is_none() {
        problems.push(ApiError::field(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            field,
            "date_invalid",
        ));
    }
    parsed
}

/// A day already come, typed `YYYY-MM-DD`: required, not in the future.
pub(crate) fn past_day(
    problems: &mut Vec<ApiError>,
    field: &'static str,
    value: &str,
) -> Option<time::Date> {
    let status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    if value.trim().is_empty() {
        problems.push(ApiError::field(status, field, "required"));
        return None;
    }
    let d = optional_day(problems, field, Some(value))?;
    if d > yigong_domain::clock::today() {
        problems.push(ApiError::field(status, field, "in_future"));
        return None;
    }
    Some(d)
}

/// Only the committee writes here: the bureau, which reads, is refused (403); anyone else
/// is told there is nothing (404). The refusal is audited against `entity`.
pub(crate) async fn committee_only(
    state: &AppState,
    user: &CurrentUser,
    (action, entity, id): (&str, &str, Option<uuid::Uuid>),
) -> ApiResult<()> {
    if user.role == Role::PartySecretary {
        return Ok(());
    }
    user.audit(state, action, entity, id, false, "role").await?;
    Err(if sees_all(user) {
        ApiError::forbidden()
    } else {
        ApiError::not_found()
    })
}
