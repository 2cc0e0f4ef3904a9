//! Star-rated branches through the API (星级党支部): the scale the committee sets (three
//! or five levels), a branch's sheet of a year with the evidence its secretary files for
//! each criterion, and the committee's yearly rating that scores every criterion at once,
//! with each branch's history. The committee writes and rates, a branch secretary files
//! evidence for their branch, the bureau reads; anyone else is told there is nothing.

use super::{committee_only, org_in_reach, required_text};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock;
use yigong_domain::party::star::{
    STAR_CRITERIA, THREE_LEVELS, parse_scale, scale_text, star_sheet,
};
use yigong_domain::party::work::{
    ScoreProblem, WorkKind, WorkStatus, evidence_step, score_text, stars, total,
};
use yigong_store::StoreError;
use yigong_store::party::{Evidence, NewStarRating, PartyOrg, StarEvidence, StarRating};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The scale in force: the community's, or three levels.
pub async fn scale(state: &AppState) -> ApiResult<Vec<u32>> {
    let set = state.store.star_scale(state.community.id).await?;
    Ok(set
        .and_then(|t| parse_scale(&t).ok())
        .unwrap_or_else(|| THREE_LEVELS.to_vec()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScaleBody {
    /// Three or five rising thresholds out of 100, separated by commas (`70,80,90`).
    pub thresholds: String,
}

/// Sets the scale (the committee).
pub async fn set_scale(state: &AppState, user: &CurrentUser, b: &ScaleBody) -> ApiResult<()> {
    committee_only(state, user, ("party.star_scale", "party_org", None)).await?;
    let t = parse_scale(&b.thresholds).map_err(|p| unprocessable("thresholds", p.code()))?;
    let text = scale_text(&t);
    let entry = user.audit_entry("party.star_scale", "party_org", None, true, &text);
    Ok(state
        .store
        .set_star_scale(state.community.id, &text, &entry)
        .await?)
}

/// Sets the scale the stars are counted on.
#[utoipa::path(put, path = "/party/star-scale", request_body = ScaleBody,
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn update_scale(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ScaleBody>,
) -> ApiResult<Json<serde_json::Value>> {
    set_scale(&state, &user, &b).await?;
    let t = scale(&state).await?;
    Ok(Json(serde_json::json!({ "thresholds": t })))
}

/// A year of the rating: from 2000 to this one.
fn year_of(year: i32) -> ApiResult<i32> {
    if (2000..=clock::today().year()).contains(&year) {
        Ok(year)
    } else {
        Err(unprocessable("year", "invalid_field"))
    }
}

/// The year's ratings of the branches in reach, with the scale.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StarsView {
    pub year: i32,
    pub thresholds: Vec<u32>,
    /// Branches in reach, and of them those rated.
    pub branches: usize,
    #[schema(value_type = Vec<Object>)]
    pub ratings: Vec<StarRating>,
}

pub async fn stars_of_year(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
) -> ApiResult<StarsView> {
    let s = super::structure_for(state, user).await?;
    let year = year_of(year)?;
    let branches: Vec<Uuid> = s
        .organizations
        .iter()
        .filter(|o| o.kind == "branch")
        .map(|o| o.id)
        .collect();
    let mut ratings = state
        .store
        .star_ratings(state.community.id, (None, Some(year)))
        .await?;
    ratings.retain(|r| branches.contains(&r.org_id));
    Ok(StarsView {
        year,
        thresholds: scale(state).await?,
        branches: branches.len(),
        ratings,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// The year (this year when not given).
    pub year: Option<i32>,
}

/// The star ratings of a year.
#[utoipa::path(get, path = "/party/stars", params(YearQuery),
    responses((status = 200, body = StarsView), (status = 404), (status = 422)))]
pub async fn list_stars(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<StarsView>> {
    let year = q.year.unwrap_or_else(|| clock::today().year());
    Ok(Json(stars_of_year(&state, &user, year).await?))
}

/// A criterion of a branch's year: the most it gives, where it stands, its evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriterionView {
    pub code: &'static str,
    pub max: u32,
    pub status: String,
    pub score: Option<i32>,
    #[schema(value_type = Vec<Object>)]
    pub evidence: Vec<Evidence>,
}

/// A branch's sheet of a year, its rating once rated, and its history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SheetView {
    pub org_id: Uuid,
    pub org: String,
    pub year: i32,
    pub thresholds: Vec<u32>,
    pub criteria: Vec<CriterionView>,
    #[schema(value_type = Option<Object>)]
    pub rating: Option<StarRating>,
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<StarRating>,
    /// Whether the caller files evidence, and whether they rate.
    pub writes: bool,
    pub rates: bool,
}

/// A branch in reach (committees are not rated) and whether the caller writes to it.
async fn branch_in_reach(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    action: &str,
) -> ApiResult<(PartyOrg, bool)> {
    let (o, writes) = org_in_reach(state, user, org, action).await?;
    if o.kind != "branch" {
        return Err(ApiError::not_found());
    }
    Ok((o, writes))
}

pub async fn sheet_of(
    state: &AppState,
    user: &CurrentUser,
    (org, year): (Uuid, i32),
) -> ApiResult<SheetView> {
    let (o, writes) = branch_in_reach(state, user, org, "party.stars").await?;
    let year = year_of(year)?;
    let c = state.community.id;
    let items = state.store.star_criteria(c, o.id, year).await?;
    let mut criteria = Vec::new();
    for (code, max) in STAR_CRITERIA {
        let item = items.iter().find(|i| i.subject == code);
        let evidence = match item {
            Some(i) => state.store.work_evidence(c, i.id).await?,
            None => Vec::new(),
        };
        criteria.push(CriterionView {
            code,
            max,
            status: item.map_or_else(|| "open".into(), |i| i.status.clone()),
            score: item.and_then(|i| i.score),
            evidence,
        });
    }
    let history = state.store.star_ratings(c, (Some(o.id), None)).await?;
    user.audit(
        state,
        "party.stars",
        "party_org",
        Some(o.id),
        true,
        &year.to_string(),
    )
    .await?;
    Ok(SheetView {
        org_id: o.id,
        org: o.name,
        year,
        thresholds: scale(state).await?,
        rating: history.iter().find(|r| r.year == year).cloned(),
        criteria,
        history,
        writes,
        rates: user.role == Role::PartySecretary,
    })
}

/// A branch's star-rating sheet of a year.
#[utoipa::path(get, path = "/party/orgs/{id}/stars/{year}", params(("id" = Uuid, Path), ("year" = i32, Path)),
    responses((status = 200, body = SheetView), (status = 404), (status = 422)))]
pub async fn sheet(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, year)): Path<(Uuid, i32)>,
) -> ApiResult<Json<SheetView>> {
    Ok(Json(sheet_of(&state, &user, (org, year)).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StarEvidenceBody {
    /// `leadership`, `org_life`, `member_management`, `integration`, `service` or `rules`.
    #[serde(default)]
    pub criterion: String,
    #[serde(default)]
    pub text: String,
    /// The criterion's evidence is complete: submit it for the rating.
    #[serde(default)]
    pub done: bool,
}

/// Files evidence for a criterion of a branch's year; the status the criterion reached.
pub async fn file_evidence(
    state: &AppState,
    user: &CurrentUser,
    (org, year): (Uuid, i32),
    b: &StarEvidenceBody,
) -> ApiResult<&'static str> {
    let (o, writes) = branch_in_reach(state, user, org, "party.star_evidence").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let year = year_of(year)?;
    let mut problems = Vec::new();
    let criterion = STAR_CRITERIA
        .iter()
        .map(|c| c.0)
        .find(|c| *c == b.criterion);
    if criterion.is_none() {
        problems.push(unprocessable("criterion", "invalid_field"));
    }
    let text = required_text(&mut problems, "text", &b.text, 2000);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let criterion = criterion.ok_or_else(ApiError::internal)?;
    let items = state
        .store
        .star_criteria(state.community.id, o.id, year)
        .await?;
    let from = items
        .iter()
        .find(|i| i.subject == criterion)
        .map_or(Some(WorkStatus::Open), |i| WorkStatus::parse(&i.status))
        .ok_or_else(ApiError::internal)?;
    let to = evidence_step(WorkKind::StarCriterion, from, b.done)
        .map_err(|p| ApiError::field(StatusCode::CONFLICT, "criterion", p.code()))?;
    let e = StarEvidence {
        criterion,
        text,
        from: from.as_str(),
        to: to.as_str(),
        at: yigong_store::now(),
    };
    let entry = user.audit_entry(
        "party.star_evidence",
        "party_evidence",
        None,
        true,
        criterion,
    );
    state
        .store
        .file_star_evidence(state.community.id, (o.id, year), &e, &entry)
        .await?
        .ok_or_else(|| ApiError::field(StatusCode::CONFLICT, "criterion", "work_wrong_status"))?;
    Ok(to.as_str())
}

/// Files evidence for a criterion of a branch's star rating.
#[utoipa::path(post, path = "/party/orgs/{id}/stars/{year}/evidence", params(("id" = Uuid, Path), ("year" = i32, Path)),
    request_body = StarEvidenceBody,
    responses((status = 201, body = Object), (status = 404), (status = 409), (status = 422)))]
pub async fn add_star_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, year)): Path<(Uuid, i32)>,
    AppJson(b): AppJson<StarEvidenceBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let status = file_evidence(&state, &user, (org, year), &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "status": status })),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RatingBody {
    /// A score for each criterion, within its maximum.
    #[serde(default)]
    pub scores: BTreeMap<String, u32>,
    #[serde(default)]
    pub comment: String,
}

/// The field a criterion's score is refused at.
pub fn star_field(criterion: &str) -> &'static str {
    match criterion {
        "leadership" => "score_leadership",
        "org_life" => "score_org_life",
        "member_management" => "score_member_management",
        "integration" => "score_integration",
        "service" => "score_service",
        "rules" => "score_rules",
        _ => "scores",
    }
}

/// The committee rates a branch's year once, every criterion submitted and scored within
/// its maximum; the total and the stars on the scale in force are worked out here.
pub async fn rate(
    state: &AppState,
    user: &CurrentUser,
    (org, year): (Uuid, i32),
    b: &RatingBody,
) -> ApiResult<StarRatingDone> {
    let (o, _) = branch_in_reach(state, user, org, "party.star_rating").await?;
    if user.role != Role::PartySecretary {
        user.audit(
            state,
            "party.star_rating",
            "party_org",
            Some(o.id),
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let year = year_of(year)?;
    let sheet = star_sheet();
    let scores: Vec<(String, u32)> = b.scores.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let sum = total(&sheet, &scores).map_err(|p| {
        let (code, criterion) = match &p {
            ScoreProblem::Unscored(c) => ("score_missing", c),
            ScoreProblem::AboveMax(c) => ("score_above_max", c),
            ScoreProblem::Unknown(c) => ("invalid_field", c),
        };
        unprocessable(star_field(criterion), code)
    })?;
    if b.comment.chars().count() > 1000 {
        return Err(unprocessable("comment", "too_long"));
    }
    let items = state
        .store
        .star_criteria(state.community.id, o.id, year)
        .await?;
    // Nothing is rated without its evidence: every criterion submitted first.
    if let Some((code, _)) = STAR_CRITERIA.iter().find(|(code, _)| {
        !items
            .iter()
            .any(|i| i.subject == *code && i.status != "open" && i.status != "working")
    }) {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            star_field(code),
            "star_not_submitted",
        ));
    }
    let thresholds = scale(state).await?;
    let earned = stars(sum, &thresholds);
    let new = NewStarRating {
        scores: STAR_CRITERIA
            .iter()
            .map(|(code, _)| (*code, b.scores.get(*code).copied().unwrap_or(0) as i32))
            .collect(),
        scores_text: score_text(&sheet, &scores),
        total: sum as i32,
        stars: earned as i32,
        thresholds: scale_text(&thresholds),
        comment: b.comment.trim().to_string(),
        at: yigong_store::now(),
    };
    let entry = user.audit_entry(
        "party.star_rating",
        "party_org",
        None,
        true,
        &new.scores_text,
    );
    match state
        .store
        .rate_branch(state.community.id, (o.id, year), &new, &entry)
        .await
    {
        Ok(Some(id)) => Ok(StarRatingDone {
            id,
            total: sum,
            stars: earned,
        }),
        Ok(None) => Err(ApiError::new(StatusCode::CONFLICT, "star_not_submitted")),
        Err(StoreError::Conflict { .. }) => Err(ApiError::field(
            StatusCode::CONFLICT,
            "year",
            "already_rated",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A rating recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StarRatingDone {
    pub id: Uuid,
    pub total: u32,
    pub stars: usize,
}

/// The committee's yearly star rating of a branch.
#[utoipa::path(post, path = "/party/orgs/{id}/stars/{year}/rating", params(("id" = Uuid, Path), ("year" = i32, Path)),
    request_body = RatingBody,
    responses((status = 201, body = StarRatingDone), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn add_rating(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((org, year)): Path<(Uuid, i32)>,
    AppJson(b): AppJson<RatingBody>,
) -> ApiResult<(StatusCode, Json<StarRatingDone>)> {
    Ok((
        StatusCode::CREATED,
        Json(rate(&state, &user, (org, year), &b).await?),
    ))
}
