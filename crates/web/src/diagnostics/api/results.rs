//! The work on an order: the centre receives the specimen or study, claims the order (one
//! reader at a time), reports it (lab values flagged against their ranges, or findings
//! and an impression); the ordering clinic acknowledges a critical result or cancels an
//! order not yet received.

use super::{OrderView, announce, flagged, unprocessable, view_of, visible};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use time::OffsetDateTime;
use yigong_domain::diagnostics::catalogue::{self, Centre};
use yigong_domain::diagnostics::order::{Action, Scope, State as OrderState, decide};
use yigong_domain::ids::OrderId;
use yigong_store::diagnostics::{NewResult, Order, OrderChange};

/// A value as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ValueBody {
    #[serde(default)]
    pub analyte: String,
    #[serde(default)]
    pub value: Option<f64>,
}

/// A result: values for a laboratory item, findings and an impression otherwise.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResultBody {
    #[serde(default)]
    pub values: Vec<ValueBody>,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub impression: String,
    /// An imaging or pathology finding that is a critical value.
    #[serde(default)]
    pub critical: bool,
}

/// The result a body gives for the order's item, every value checked.
pub fn result_of(item: &catalogue::Item, b: &ResultBody) -> ApiResult<NewResult> {
    let text = |v: &str| v.trim().to_string();
    if item.centre != Centre::Laboratory {
        let mut problems = Vec::new();
        for (field, v, max) in [
            ("findings", &b.findings, 4000),
            ("impression", &b.impression, 1000),
        ] {
            let n = v.trim().chars().count();
            if n == 0 {
                problems.push(unprocessable(field, "required"));
            } else if n > max {
                problems.push(unprocessable(field, "too_long"));
            }
        }
        if let Some(e) = ApiError::all(problems) {
            return Err(e);
        }
        return Ok(NewResult {
            values: Vec::new(),
            findings: text(&b.findings),
            impression: text(&b.impression),
            critical: b.critical,
        });
    }
    let mut given = Vec::new();
    for v in &b.values {
        let Some(a) = item.analytes.iter().find(|a| a.code == v.analyte.trim()) else {
            return Err(unprocessable("values", "analyte_unknown").with_detail(v.analyte.clone()));
        };
        match v.value {
            Some(x) if x.is_finite() && (0.0..1.0e6).contains(&x) => {
                given.push((a.code.to_string(), x))
            }
            _ => return Err(unprocessable("values", "value_invalid").with_detail(a.code)),
        }
    }
    if let Some(missing) = item
        .analytes
        .iter()
        .find(|a| !given.iter().any(|(c, _)| c == a.code))
    {
        return Err(unprocessable("values", "value_missing").with_detail(missing.code));
    }
    let (values, critical) = flagged(item, &given);
    Ok(NewResult {
        values,
        findings: String::new(),
        impression: text(&b.impression),
        critical,
    })
}

/// The columns `action` changes on `o`, by `actor`.
fn change_for(
    o: &Order,
    action: Action,
    actor: uuid::Uuid,
    b: &ResultBody,
) -> ApiResult<OrderChange> {
    let now = OffsetDateTime::now_utc();
    let mut c = OrderChange {
        status: o.status,
        received_at: o.received_at,
        claimed_by: o.claimed_by,
        claimed_at: o.claimed_at,
        report: None,
        acknowledged_by: None,
    };
    match action {
        Action::Receive => c.received_at = Some(now),
        Action::Claim => {
            c.claimed_by = Some(actor);
            c.claimed_at = Some(now);
        }
        Action::Release => {
            c.claimed_by = None;
            c.claimed_at = None;
        }
        Action::Report => {
            let item = catalogue::item(&o.item_code).ok_or_else(ApiError::internal)?;
            c.report = Some(result_of(item, b)?);
        }
        Action::Acknowledge => c.acknowledged_by = Some(actor),
        Action::Cancel => {}
    }
    Ok(c)
}

/// Applies an action for the user; shared by the API and the pages.
pub async fn act_on(
    state: &AppState,
    user: &CurrentUser,
    id: OrderId,
    action: Action,
    body: &ResultBody,
) -> ApiResult<Order> {
    let name = format!("diagnostics.{}", action.as_str());
    let audit = |allowed: bool, detail: &'static str| {
        user.audit(state, &name, "diag_order", Some(id.uuid()), allowed, detail)
    };
    let Some(o) = visible(state, user, id).await? else {
        audit(false, "").await?;
        return Err(ApiError::not_found());
    };
    let current = OrderState {
        status: o.status,
        claimed_by: o.claimed_by,
        critical: o.critical,
        acknowledged: o.acknowledged_at.is_some(),
    };
    let centre = user.diagnostics == Scope::Centre(o.centre);
    let orderer =
        user.diagnostics.orders() && user.diagnostics.sees(o.from_institution_id, o.centre);
    let to = match decide(current, action, user.account_id, (centre, orderer)) {
        Ok(to) => to,
        Err(e) => {
            audit(!e.forbidden(), e.code()).await?;
            let status = if e.forbidden() {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            return Err(ApiError::new(status, e.code()));
        }
    };
    let mut change = change_for(&o, action, user.account_id, body)?;
    change.status = to;
    let entry = user.audit_entry(&name, "diag_order", Some(id.uuid()), true, "");
    if !state
        .store
        .change_order(state.community.id, (id, o.version), &change, &entry)
        .await?
    {
        // Someone changed it first: say what stands in the way now.
        let now = state.store.get_order(state.community.id, id).await?;
        let code = if now.claimed_by.is_some_and(|c| c != user.account_id) {
            "order_claimed_by_other"
        } else {
            "order_wrong_status"
        };
        audit(true, code).await?;
        return Err(ApiError::new(StatusCode::CONFLICT, code));
    }
    let o = state.store.get_order(state.community.id, id).await?;
    announce(state, &o);
    if current.status != o.status && o.status == yigong_domain::diagnostics::order::Status::Reported
    {
        crate::portal::reports::push(
            state,
            o.resident_id,
            ("result", id.uuid()),
            crate::portal::reports::report_text(),
        )
        .await;
    }
    Ok(o)
}

/// Acts on an order.
#[utoipa::path(post, path = "/orders/{id}/{action}",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`receive`, `claim`, `release`, `report`, `acknowledge` or `cancel`")),
    request_body(content = Option<ResultBody>, description = "For `report`: the values, or the findings and impression"),
    responses((status = 200, body = OrderView), (status = 403), (status = 404), (status = 409, description = "Not possible as the order stands, or another reader has it"), (status = 422)))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(OrderId, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<OrderView>> {
    let action = Action::parse(&action).ok_or_else(ApiError::not_found)?;
    let body: ResultBody = crate::api::optional_json(&body)?;
    let o = act_on(&state, &user, id, action, &body).await?;
    Ok(Json(view_of(&state, &user, o).await?))
}
