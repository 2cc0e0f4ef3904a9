//! Performance appraisal (绩效考核) through the API, and the computation the pages share:
//! each member institution (member hospitals and township health centres, a township
//! with its village clinics) scored per quarter on the office's sheet — indicators from
//! the monthly tallies against their targets, manual items from the points the office
//! gave with evidence — totalled and ranked. A published quarter is read back as it was
//! frozen; the sheet and the manual points are the office's, the results are read by the
//! office, the bureau and the party committee.

use super::api::{reads_figures, tallies};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::appraisal::{
    ItemInput, ItemKind, complete, earned, last_quarter, points, ranks, validate_item,
    validate_manual,
};
use yigong_domain::indicators::formula::evaluate;
use yigong_domain::indicators::month::Span;
use yigong_domain::registry::InstitutionKind;
use yigong_store::indicators::appraisal::{AppraisalItem, Scored};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sheet))
        .routes(routes!(add_item))
        .routes(routes!(change_item, remove_item))
        .routes(routes!(score))
        .routes(routes!(publish))
}

/// One item of the sheet as appraised.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SheetItem {
    pub id: Uuid,
    /// `indicator` or `manual`.
    pub kind: String,
    /// The indicator's code, empty for a manual item.
    pub code: String,
    /// The indicator's name, or what the manual item appraises.
    pub name: String,
    pub weight: i64,
    /// The target scored against (an indicator item).
    pub target: Option<f64>,
    /// `percent` or `count` (an indicator item).
    pub unit: String,
}

/// One member's score on one item.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemScore {
    pub item_id: Uuid,
    /// The indicator's value over the quarter (none without data).
    pub value: Option<f64>,
    pub points: f64,
    /// A manual item not given points yet.
    pub pending: bool,
    pub evidence: Option<String>,
}

/// One member's line.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MemberRow {
    pub institution_id: Uuid,
    pub name: String,
    pub kind: String,
    pub scores: Vec<ItemScore>,
    pub total: f64,
    pub rank: usize,
}

/// A quarter's appraisal: live until published, then as frozen.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sheet {
    pub quarter: String,
    pub published_at: Option<String>,
    pub published_by: Option<String>,
    /// Whether the weights add up to 100 (a quarter can be published).
    pub complete: bool,
    pub items: Vec<SheetItem>,
    /// The members, best first.
    pub rows: Vec<MemberRow>,
}

fn bad(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// A quarter `YYYY-Qn`; the last finished quarter when none is given.
pub fn quarter_of(q: Option<&str>) -> ApiResult<(String, Span)> {
    let key = match q.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => q.to_string(),
        None => last_quarter(today()),
    };
    let span = Span::parse(&key)
        .filter(|_| key.len() == 7 && key.as_bytes()[5] == b'Q')
        .ok_or_else(|| bad("quarter", "appraisal_quarter_invalid"))?;
    Ok((key, span))
}

/// The institutions appraised: member hospitals and township health centres.
fn appraised(kind: Option<InstitutionKind>) -> bool {
    matches!(
        kind,
        Some(InstitutionKind::Member | InstitutionKind::Township)
    )
}

/// The quarter computed from the sheet, the tallies and the manual points.
async fn live(state: &AppState, (key, span): (&str, Span), lang: Lang) -> ApiResult<Sheet> {
    let c = state.community.id;
    let items = state.store.appraisal_items(c).await?;
    let all = state.store.list_institutions(c).await?;
    let kinds: HashMap<Uuid, InstitutionKind> =
        all.iter().filter_map(|i| Some((i.id, i.kind()?))).collect();
    let manual: HashMap<(Uuid, Uuid), (f64, String)> = state
        .store
        .manual_scores(c, key)
        .await?
        .into_iter()
        .map(|s| ((s.institution_id, s.item_id), (s.points, s.evidence)))
        .collect();
    let tally = tallies(state, span).await?;
    // Each item's indicator as the community reads it (a corrected target counts).
    let shown = super::definitions::shown_all(state, lang).await?;
    let indicator = |i: &AppraisalItem| {
        shown
            .iter()
            .find(|s| i.kind == ItemKind::Indicator && s.def.code == i.code)
    };
    let sheet_items: Vec<SheetItem> = items
        .iter()
        .map(|i| {
            let d = indicator(i);
            SheetItem {
                id: i.id,
                kind: i.kind.as_str().into(),
                code: i.code.clone(),
                name: d.map_or(i.name.clone(), |d| d.name.clone()),
                weight: i.weight,
                target: d.and_then(|d| i.target.or(d.target)),
                unit: d.map_or(String::new(), |d| d.def.unit.as_str().into()),
            }
        })
        .collect();
    let kind_of = |i: Uuid| kinds.get(&i).copied();
    let parent_of: HashMap<Uuid, Uuid> = all
        .iter()
        .filter_map(|i| Some((i.id, i.parent_id?)))
        .collect();
    let mut rows: Vec<MemberRow> = Vec::new();
    for m in all.iter().filter(|i| appraised(i.kind())) {
        let in_scope = |i: Uuid| i == m.id || parent_of.get(&i) == Some(&m.id);
        let scores: Vec<ItemScore> = items
            .iter()
            .map(|i| match indicator(i) {
                Some(d) => {
                    let f = &d.def.formula;
                    let value = evaluate(f, &tally, span, &kind_of, &in_scope).value;
                    let target = i.target.or(d.target);
                    let share = target.map_or(0.0, |t| earned(value, t, d.better()));
                    ItemScore {
                        item_id: i.id,
                        value,
                        points: points(i.weight, share),
                        pending: false,
                        evidence: None,
                    }
                }
                None => {
                    let given = manual.get(&(m.id, i.id));
                    ItemScore {
                        item_id: i.id,
                        value: None,
                        points: given.map_or(0.0, |g| g.0),
                        pending: given.is_none(),
                        evidence: given.map(|g| g.1.clone()),
                    }
                }
            })
            .collect();
        let total = (scores.iter().map(|s| s.points).sum::<f64>() * 100.0).round() / 100.0;
        rows.push(MemberRow {
            institution_id: m.id,
            name: m.name.clone(),
            kind: m.kind.clone(),
            scores,
            total,
            rank: 0,
        });
    }
    let totals: Vec<f64> = rows.iter().map(|r| r.total).collect();
    for (r, rank) in rows.iter_mut().zip(ranks(&totals)) {
        r.rank = rank;
    }
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    let weights: Vec<i64> = items.iter().map(|i| i.weight).collect();
    Ok(Sheet {
        quarter: key.to_string(),
        published_at: None,
        published_by: None,
        complete: complete(&weights),
        items: sheet_items,
        rows,
    })
}

/// A quarter as a reader sees it: frozen once published, live before. The reading is
/// audited (a refusal too).
pub async fn sheet_for(
    state: &AppState,
    user: &CurrentUser,
    quarter: Option<&str>,
) -> ApiResult<Sheet> {
    user.require_audited(
        state,
        reads_figures(user.role),
        "appraisal.read",
        "appraisal",
        None,
    )
    .await?;
    let (key, span) = quarter_of(quarter)?;
    if let Some(r) = state
        .store
        .appraisal_round(state.community.id, &key)
        .await?
    {
        let mut s: Sheet = serde_json::from_str(&r.frozen).map_err(|_| ApiError::internal())?;
        s.published_at = Some(crate::ui::local(r.published_at));
        s.published_by = r.published_by;
        return Ok(s);
    }
    live(state, (&key, span), user.lang).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterQuery {
    /// `YYYY-Qn`; the last finished quarter by default.
    pub quarter: Option<String>,
}

/// A quarter's appraisal of every member, best first.
#[utoipa::path(get, path = "/indicators/appraisal", params(QuarterQuery),
    responses((status = 200, body = Sheet), (status = 403), (status = 422)))]
pub async fn sheet(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<QuarterQuery>,
) -> ApiResult<Json<Sheet>> {
    Ok(Json(sheet_for(&state, &user, q.quarter.as_deref()).await?))
}

/// The office only; a refusal audited.
async fn office(state: &AppState, user: &CurrentUser, action: &str) -> ApiResult<()> {
    user.require_audited(state, user.role.edits_registry(), action, "appraisal", None)
        .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// Adds an item to the sheet (the office).
#[utoipa::path(post, path = "/indicators/appraisal/items", request_body = Object,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(i): AppJson<ItemInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = add_one(&state, &user, &i).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Checks and adds an item, for the API and the sheet's form.
pub async fn add_one(state: &AppState, user: &CurrentUser, i: &ItemInput) -> ApiResult<Uuid> {
    office(state, user, "appraisal.item.add").await?;
    let item = validate_item(i).map_err(ApiError::from)?;
    let audit = user.audit_entry("appraisal.item.add", "appraisal", None, true, &item.code);
    Ok(state
        .store
        .add_appraisal_item(state.community.id, &item, &audit)
        .await?)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemChange {
    /// Whole points out of 100.
    #[serde(default)]
    pub weight: String,
    /// An indicator item's target; the definition's own when empty.
    #[serde(default)]
    pub target: String,
}

/// Changes an item's weight and target (the office).
#[utoipa::path(put, path = "/indicators/appraisal/items/{id}", params(("id" = Uuid, Path)),
    request_body = ItemChange,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn change_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<ItemChange>,
) -> ApiResult<StatusCode> {
    change_one(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks and applies a change of weight and target, for the API and the sheet's form.
pub async fn change_one(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &ItemChange,
) -> ApiResult<()> {
    office(state, user, "appraisal.item.change").await?;
    let c = state.community.id;
    let items = state.store.appraisal_items(c).await?;
    let item = items
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(ApiError::not_found)?;
    // The item as it would be, checked as a new one would be.
    let checked = validate_item(&ItemInput {
        kind: item.kind.as_str().into(),
        code: item.code.clone(),
        name: item.name.clone(),
        weight: b.weight.clone(),
        target: b.target.clone(),
    })
    .map_err(ApiError::from)?;
    let detail = format!("weight={} target={:?}", checked.weight, checked.target);
    let audit = user.audit_entry(
        "appraisal.item.change",
        "appraisal",
        Some(id),
        true,
        &detail,
    );
    let change = (checked.weight, checked.target);
    if !state
        .store
        .change_appraisal_item(c, id, change, &audit)
        .await?
    {
        return Err(ApiError::not_found());
    }
    Ok(())
}

/// Takes an item off the sheet (the office).
#[utoipa::path(delete, path = "/indicators/appraisal/items/{id}", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn remove_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    remove_one(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes an item off the sheet, for the API and the sheet's button.
pub async fn remove_one(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<()> {
    office(state, user, "appraisal.item.remove").await?;
    let audit = user.audit_entry("appraisal.item.remove", "appraisal", Some(id), true, "");
    if !state
        .store
        .remove_appraisal_item(state.community.id, id, &audit)
        .await?
    {
        return Err(ApiError::not_found());
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoreBody {
    #[serde(default)]
    pub quarter: String,
    pub institution_id: Option<Uuid>,
    pub item_id: Option<Uuid>,
    /// From 0 to the item's weight.
    #[serde(default)]
    pub points: String,
    /// What the points rest on: the inspection, its date, who made it.
    #[serde(default)]
    pub evidence: String,
}

/// Gives a member points for a manual item in a quarter (the office); refused once the
/// quarter is published.
#[utoipa::path(put, path = "/indicators/appraisal/scores", request_body = ScoreBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn score(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ScoreBody>,
) -> ApiResult<StatusCode> {
    score_one(&state, &user, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks and stores manual points, for the API and the appraisal page's form.
pub async fn score_one(state: &AppState, user: &CurrentUser, b: &ScoreBody) -> ApiResult<()> {
    office(state, user, "appraisal.score").await?;
    let c = state.community.id;
    let (key, _) = quarter_of(Some(&b.quarter))?;
    let items = state.store.appraisal_items(c).await?;
    let item = b
        .item_id
        .and_then(|id| {
            items
                .iter()
                .find(|i| i.id == id && i.kind == ItemKind::Manual)
        })
        .ok_or_else(|| bad("item_id", "appraisal_item_unknown"))?;
    let places = state.store.list_institutions(c).await?;
    let member = b
        .institution_id
        .and_then(|id| places.iter().find(|i| i.id == id && appraised(i.kind())))
        .ok_or_else(|| bad("institution_id", "appraisal_member_unknown"))?;
    let (p, evidence) =
        validate_manual(&b.points, &b.evidence, item.weight).map_err(ApiError::from)?;
    let detail = format!("quarter={key} institution={} points={p}", member.code);
    let audit = user.audit_entry("appraisal.score", "appraisal", Some(item.id), true, &detail);
    let at = (key.as_str(), member.id, item.id);
    match state
        .store
        .set_manual_score(c, at, (p, &evidence), &audit)
        .await?
    {
        Scored::Saved => Ok(()),
        Scored::Frozen => Err(ApiError::new(StatusCode::CONFLICT, "appraisal_published")),
        Scored::NoItem => Err(bad("item_id", "appraisal_item_unknown")),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PublishBody {
    #[serde(default)]
    pub quarter: String,
}

/// Publishes a quarter (the office): its scores frozen as they stand. Refused while the
/// weights do not add up to 100, and for a quarter already published.
#[utoipa::path(post, path = "/indicators/appraisal/publish", request_body = PublishBody,
    responses((status = 201, body = Sheet), (status = 403), (status = 409), (status = 422)))]
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<PublishBody>,
) -> ApiResult<(StatusCode, Json<Sheet>)> {
    Ok((
        StatusCode::CREATED,
        Json(publish_one(&state, &user, &b.quarter).await?),
    ))
}

/// Freezes and publishes a quarter, for the API and the page's button.
pub async fn publish_one(state: &AppState, user: &CurrentUser, quarter: &str) -> ApiResult<Sheet> {
    office(state, user, "appraisal.publish").await?;
    let (key, span) = quarter_of(Some(quarter))?;
    let c = state.community.id;
    if state.store.appraisal_round(c, &key).await?.is_some() {
        return Err(ApiError::new(StatusCode::CONFLICT, "appraisal_published"));
    }
    let sheet = live(state, (&key, span), user.lang).await?;
    if !sheet.complete {
        return Err(ApiError::new(StatusCode::CONFLICT, "appraisal_incomplete"));
    }
    let frozen = serde_json::to_string(&sheet).map_err(|_| ApiError::internal())?;
    let audit = user.audit_entry("appraisal.publish", "appraisal", None, true, &key);
    if !state
        .store
        .publish_appraisal(c, &key, &frozen, &audit)
        .await?
    {
        return Err(ApiError::new(StatusCode::CONFLICT, "appraisal_published"));
    }
    sheet_for(state, user, Some(&key)).await
}
