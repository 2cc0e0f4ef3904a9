//! Member points through the API: the rules tree in force (the defaults with the
//! committee's own settings), the committee changing a rule's points and yearly cap, and
//! points awarded by hand to a member with their evidence, cut to the rule's cap.

use super::members::member_in_reach;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::party::points::{PointEntry, PointRule, award, check_setting, effective_rules};
use yigong_store::party::NewPoints;

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The rules in force.
pub async fn rules(state: &AppState) -> ApiResult<Vec<PointRule>> {
    let own = state.store.point_settings(state.community.id).await?;
    Ok(effective_rules(&own))
}

/// A rule as the API answers it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RuleView {
    pub code: String,
    pub group: String,
    pub points: i32,
    pub yearly_cap: Option<i32>,
}

/// The points rules in force, for anyone in the party organisation's reach.
#[utoipa::path(get, path = "/party/point-rules",
    responses((status = 200, body = [RuleView]), (status = 404)))]
pub async fn list_rules(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<RuleView>>> {
    super::structure_for(&state, &user).await?;
    let list = rules(&state)
        .await?
        .into_iter()
        .map(|r| RuleView {
            group: r.parent.unwrap_or_default(),
            code: r.code,
            points: r.points,
            yearly_cap: r.yearly_cap,
        })
        .collect();
    Ok(Json(list))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RuleBody {
    pub points: i32,
    #[serde(default)]
    pub yearly_cap: Option<i32>,
}

/// Sets a rule's points and cap (the committee only).
pub async fn set_rule(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    b: &RuleBody,
) -> ApiResult<()> {
    if user.role != Role::PartySecretary {
        user.audit(state, "party.point_rule", "party_org", None, false, "role")
            .await?;
        return Err(ApiError::not_found());
    }
    let Some(rule) = rules(state).await?.into_iter().find(|r| r.code == code) else {
        return Err(ApiError::not_found());
    };
    check_setting(&rule.code, b.points, b.yearly_cap).map_err(|code| match code {
        "cap_invalid" => unprocessable("yearly_cap", code),
        _ => unprocessable("points", code),
    })?;
    let entry = user.audit_entry("party.point_rule", "party_org", None, true, &rule.code);
    state
        .store
        .set_point_rule(
            state.community.id,
            (&rule.code, b.points, b.yearly_cap),
            &entry,
        )
        .await?;
    Ok(())
}

/// Changes a rule's points and yearly cap (the committee).
#[utoipa::path(put, path = "/party/point-rules/{code}", params(("code" = String, Path)), request_body = RuleBody,
    responses((status = 204), (status = 404), (status = 422)))]
pub async fn update_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    AppJson(b): AppJson<RuleBody>,
) -> ApiResult<StatusCode> {
    set_rule(&state, &user, &code, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AwardBody {
    #[serde(default)]
    pub rule: String,
    /// What happened: the service given, the commendation, the fault.
    #[serde(default)]
    pub evidence: String,
}

/// Awards a rule's points for a platform event (`outreach:<session>`, `mentoring:<pair>`)
/// to the party member who is `staff`, if they are one: never twice for one event, cut to
/// the rule's yearly cap; the points written (none: not a member, capped or given).
pub async fn award_event(
    state: &AppState,
    user: &CurrentUser,
    staff: Uuid,
    (rule, source, evidence): (&str, &str, &str),
) -> ApiResult<Option<i32>> {
    let c = state.community.id;
    let Some(member) = state.store.member_of_staff(c, staff).await? else {
        return Ok(None);
    };
    let Some(rule) = rules(state).await?.into_iter().find(|r| r.code == rule) else {
        return Ok(None);
    };
    let year = yigong_domain::clock::today().year();
    let ledger: Vec<PointEntry> = state
        .store
        .member_points(c, member)
        .await?
        .into_iter()
        .map(|l| PointEntry {
            member,
            rule: l.rule,
            points: l.points,
            year: l.year,
            source: l.source,
        })
        .collect();
    let Ok(entry) = award(&ledger, &rule, member, year, Some(source)) else {
        return Ok(None);
    };
    let new = NewPoints {
        member_id: member,
        rule: entry.rule,
        points: entry.points,
        year,
        source: Some(source.to_string()),
        evidence: evidence.to_string(),
    };
    let audit = user.audit_entry(
        "party.points",
        "party_member",
        Some(member),
        true,
        &new.rule,
    );
    Ok(state
        .store
        .award_points(c, &new, &audit)
        .await?
        .then_some(new.points))
}

/// Awards (or deducts) a rule's points to a member by hand, cut to what the rule's
/// yearly cap leaves; the points written. `points_capped` (409) once the cap is reached.
pub async fn give(
    state: &AppState,
    user: &CurrentUser,
    member: Uuid,
    b: &AwardBody,
) -> ApiResult<i32> {
    let c = state.community.id;
    let (m, _, writes) = member_in_reach(state, user, member, "party.points").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let rule = rules(state).await?.into_iter().find(|r| r.code == b.rule);
    let mut problems = Vec::new();
    if rule.is_none() {
        problems.push(unprocessable("rule", "invalid_field"));
    }
    let evidence = super::required_text(&mut problems, "evidence", &b.evidence, 500);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let Some(rule) = rule else {
        return Err(ApiError::internal());
    };
    let year = yigong_domain::clock::today().year();
    let ledger: Vec<PointEntry> = state
        .store
        .member_points(c, m.id)
        .await?
        .into_iter()
        .map(|l| PointEntry {
            member: m.id,
            rule: l.rule,
            points: l.points,
            year: l.year,
            source: l.source,
        })
        .collect();
    let entry = award(&ledger, &rule, m.id, year, None)
        .map_err(|p| ApiError::field(StatusCode::CONFLICT, "rule", p.code()))?;
    let new = NewPoints {
        member_id: m.id,
        rule: entry.rule,
        points: entry.points,
        year,
        source: None,
        evidence: evidence.to_string(),
    };
    let audit = user.audit_entry("party.points", "party_member", Some(m.id), true, &new.rule);
    state.store.award_points(c, &new, &audit).await?;
    Ok(new.points)
}

/// Awards or deducts points to a member, with evidence.
#[utoipa::path(post, path = "/party/members/{id}/points", params(("id" = Uuid, Path)), request_body = AwardBody,
    responses((status = 201, body = Object), (status = 404), (status = 409, description = "`points_capped`"), (status = 422)))]
pub async fn award_points(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<AwardBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let points = give(&state, &user, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "points": points })),
    ))
}
