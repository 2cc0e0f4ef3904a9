//! Ordering, with recognition of earlier results (结果互认): before a new order the
//! platform looks for an earlier result of the same item for the patient, from any
//! member, still within the item's window; the doctor reuses it (no order, a repeat
//! avoided) or orders again with one of the official reasons.

use super::{OrderQuery, announce, orders_for, unprocessable, window_start};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;
use yigong_domain::clock::{local_date, today};
use yigong_domain::diagnostics::catalogue::{self, Urgency};
use yigong_domain::diagnostics::recognition::{EarlierResult, RepeatReason, offer as offered};
use yigong_domain::diagnostics::settings::Settings;
use yigong_domain::ids::OrderId;
use yigong_domain::registry::InstitutionKind;
use yigong_store::diagnostics::{NewOrder, Order};
use yigong_store::{Page, StoreError};

/// Orders in reach (a centre's worklist with `view=worklist`), newest first.
#[utoipa::path(get, path = "/orders",
    params(("view" = Option<String>, Query, description = "`worklist`: a centre's open orders, urgent first, then the longest waiting"),
        ("status" = Option<String>, Query, description = "`ordered`, `received`, `reported` or `cancelled`"),
        ("item_code" = Option<String>, Query), ("resident_id" = Option<Uuid>, Query),
        ("unacknowledged" = Option<String>, Query, description = "`1`: critical results not yet acknowledged"),
        ("from" = Option<String>, Query, description = "placed on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "placed on or before (YYYY-MM-DD)"),
        ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "A page of orders with `total`"), (status = 400), (status = 403)))]
pub async fn list_orders(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<OrderQuery>,
) -> ApiResult<Json<Page<Order>>> {
    Ok(Json(orders_for(&state, &user, &q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct OrderBody {
    #[serde(default)]
    pub resident_id: Option<Uuid>,
    /// A code of `/api/v1/diagnostics/catalogue`.
    #[serde(default)]
    pub item_code: String,
    /// `routine` (the default) or `urgent`.
    #[serde(default)]
    pub urgency: String,
    /// The clinical question.
    #[serde(default)]
    pub question: String,
    /// Why an earlier result offered is not taken: one of the official reasons.
    #[serde(default)]
    pub repeat_reason: Option<String>,
}

/// An earlier result recognition offers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Earlier {
    pub id: Uuid,
    #[serde(serialize_with = "yigong_store::iso_date")]
    #[schema(value_type = String)]
    pub reported_on: Date,
    pub performer: String,
}

/// What a new order is refused for: a problem with the request, or an earlier result.
pub enum Refused {
    Problem(ApiError),
    Recognisable(Earlier),
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Self {
        Refused::Problem(e)
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Problem(e.into())
    }
}

/// Checks that the user orders and may reach the resident (422 when not), audited when
/// refused; the resident's id.
async fn patient(state: &AppState, user: &CurrentUser, resident: Option<Uuid>) -> ApiResult<Uuid> {
    if !user.diagnostics.orders() {
        user.audit(
            state,
            "diagnostics.order",
            "diag_order",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let Some(id) = resident else {
        return Err(unprocessable("resident_id", "required"));
    };
    match state.store.get_resident(state.community.id, id).await {
        Ok(r) if user.scope.allows(r.institution_id) => Ok(r.id),
        Ok(_) | Err(StoreError::NotFound) => {
            user.audit(
                state,
                "diagnostics.order",
                "resident",
                Some(id),
                false,
                "reach",
            )
            .await?;
            Err(unprocessable("resident_id", "not_found"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The earlier result of `item` recognition offers for the patient today, if any.
pub async fn earlier_result(
    state: &AppState,
    all: &[Settings],
    resident: Uuid,
    item: &str,
) -> ApiResult<Option<Earlier>> {
    let Some(rule) = super::setting(all, item).and_then(|s| s.recognition.clone()) else {
        return Ok(None);
    };
    let rows = state
        .store
        .earlier_results(
            state.community.id,
            resident,
            item,
            window_start(rule.window_days),
        )
        .await?;
    let results: Vec<EarlierResult<usize>> = rows
        .iter()
        .enumerate()
        .filter_map(|(n, r)| {
            Some(EarlierResult {
                id: n,
                item: item.to_string(),
                reported_on: local_date(r.reported_at),
                issuer: InstitutionKind::parse(&r.performer_kind)?,
                issuer_passed_eqa: r.passed,
            })
        })
        .collect();
    Ok(offered(&rule, &results, today()).map(|e| Earlier {
        id: rows[e.id].id,
        reported_on: e.reported_on,
        performer: rows[e.id].performer_name.clone(),
    }))
}

/// The lead hospital, whose centres perform the orders.
async fn lead(state: &AppState) -> ApiResult<Uuid> {
    state
        .store
        .list_institutions(state.community.id)
        .await?
        .into_iter()
        .find(|i| i.kind() == Some(InstitutionKind::Lead))
        .map(|i| i.id)
        .ok_or_else(ApiError::internal)
}

/// Places an order for the user, or says why not: every field checked at once, then
/// recognition.
pub async fn place(
    state: &AppState,
    user: &CurrentUser,
    b: &OrderBody,
) -> Result<OrderId, Refused> {
    let resident = patient(state, user, b.resident_id).await;
    let mut problems = Vec::new();
    let resident = match resident {
        Ok(r) => Some(r),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            problems.push(e);
            None
        }
        Err(e) => return Err(e.into()),
    };
    let item = catalogue::item(b.item_code.trim());
    if item.is_none() {
        problems.push(unprocessable("item_code", "invalid_field"));
    }
    let urgency = match b.urgency.trim() {
        "" => Some(Urgency::Routine),
        u => Urgency::parse(u),
    };
    if urgency.is_none() {
        problems.push(unprocessable("urgency", "invalid_field"));
    }
    let question = b.question.trim();
    if question.chars().count() > 500 {
        problems.push(unprocessable("question", "too_long"));
    }
    let reason = match b.repeat_reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            let parsed = RepeatReason::parse(r);
            if parsed.is_none() {
                problems.push(unprocessable("repeat_reason", "invalid_field"));
            }
            parsed
        }
    };
    if let Some(e) = ApiError::all(problems) {
        return Err(e.into());
    }
    let (Some(resident), Some(item), Some(urgency)) = (resident, item, urgency) else {
        return Err(ApiError::internal().into());
    };
    let all = super::settings_of(state).await?;
    let price_fen = super::setting(&all, item.code)
        .map(|s| s.price_fen)
        .ok_or_else(ApiError::internal)?;
    let earlier = earlier_result(state, &all, resident, item.code).await?;
    let repeat = match (&earlier, reason) {
        (Some(e), None) => {
            user.audit(
                state,
                "diagnostics.offer",
                "diag_order",
                Some(e.id),
                true,
                item.code,
            )
            .await?;
            return Err(Refused::Recognisable(e.clone()));
        }
        (Some(e), Some(r)) => Some((r, e.id)),
        (None, _) => None,
    };
    let new = NewOrder {
        resident_id: resident,
        item_code: item.code.to_string(),
        centre: item.centre,
        from_institution_id: user.institution_id,
        performer_id: lead(state).await?,
        urgency,
        question: question.to_string(),
        repeat,
        price_fen,
    };
    let entry = user.audit_entry("diagnostics.order", "diag_order", None, true, "");
    let id = state
        .store
        .place_order(state.community.id, &new, &entry)
        .await?;
    if let Ok(o) = state.store.get_order(state.community.id, id).await {
        announce(state, &o);
    }
    Ok(id)
}

/// The 409 that offers an earlier result instead of a new order.
pub fn recognisable(user: &CurrentUser, e: &Earlier) -> Response {
    let err = ApiError::new(StatusCode::CONFLICT, "result_recognisable");
    let mut body = err.body(user.lang);
    body["error"]["earlier"] = serde_json::json!(e);
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// Orders an item for a resident. When an earlier result of the item is still
/// recognised, the answer is 409 `result_recognisable` with that result's id and date,
/// unless `repeat_reason` says why the test is done again.
#[utoipa::path(post, path = "/orders", request_body = OrderBody,
    responses((status = 201, body = Object), (status = 403), (status = 409, description = "`result_recognisable`: `error.earlier` is the result to reuse"), (status = 422)))]
pub async fn create_order(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<OrderBody>,
) -> Response {
    match place(&state, &user, &b).await {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(Refused::Problem(e)) => e.into_response(),
        Err(Refused::Recognisable(e)) => recognisable(&user, &e),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    pub resident_id: Option<Uuid>,
    pub item_code: Option<String>,
}

/// The earlier result recognition would offer for a new order (`null` when none).
#[utoipa::path(get, path = "/recognition", params(OfferQuery),
    responses((status = 200, description = "`{\"earlier\": {id, reported_on, performer} | null}`"), (status = 403), (status = 422)))]
pub async fn offer(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<OfferQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let resident = patient(&state, &user, q.resident_id).await?;
    let item = catalogue::item(q.item_code.as_deref().unwrap_or("").trim())
        .ok_or_else(|| unprocessable("item_code", "invalid_field"))?;
    let all = super::settings_of(&state).await?;
    let earlier = earlier_result(&state, &all, resident, item.code).await?;
    user.audit(
        &state,
        "diagnostics.offer",
        "resident",
        Some(resident),
        true,
        item.code,
    )
    .await?;
    Ok(Json(serde_json::json!({ "earlier": earlier })))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReuseBody {
    #[serde(default)]
    pub resident_id: Option<Uuid>,
    #[serde(default)]
    pub item_code: String,
    /// The earlier result offered.
    #[serde(default)]
    pub result_id: Option<Uuid>,
}

/// Takes the earlier result instead of a new order: counted as a repeat avoided, with the
/// item's price saved. Only the result recognition offers today may be taken.
pub async fn take(state: &AppState, user: &CurrentUser, b: &ReuseBody) -> ApiResult<Order> {
    let resident = patient(state, user, b.resident_id).await?;
    let item = catalogue::item(b.item_code.trim())
        .ok_or_else(|| unprocessable("item_code", "invalid_field"))?;
    let all = super::settings_of(state).await?;
    let price_fen = super::setting(&all, item.code)
        .map(|s| s.price_fen)
        .ok_or_else(ApiError::internal)?;
    let earlier = earlier_result(state, &all, resident, item.code).await?;
    let Some(e) = earlier.filter(|e| Some(e.id) == b.result_id) else {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "result_id",
            "result_not_recognisable",
        ));
    };
    let result = state
        .store
        .get_order(state.community.id, OrderId::from(e.id))
        .await?;
    let entry = user.audit_entry("diagnostics.reuse", "diag_order", Some(e.id), true, "");
    state
        .store
        .reuse_result(
            state.community.id,
            (&result, user.institution_id, price_fen),
            &entry,
        )
        .await?;
    Ok(result)
}

/// Reuses an earlier result instead of ordering the item again.
#[utoipa::path(post, path = "/recognition", request_body = ReuseBody,
    responses((status = 201, description = "The result reused"), (status = 403), (status = 409, description = "The result is not the one recognition offers"), (status = 422)))]
pub async fn reuse(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ReuseBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let o = take(&state, &user, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "result_id": o.id })),
    ))
}
