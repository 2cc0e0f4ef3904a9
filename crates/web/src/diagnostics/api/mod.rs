//! The shared diagnostic centres through the API (资源共享中心): the catalogue, orders
//! from the clinics with recognition of earlier results, the centres' worklists with
//! claiming, results, and the acknowledgement of critical values. A clinic sees the
//! orders its institutions placed, a centre every order to it, the office all; anyone
//! else is refused, audited.

mod attachments;
mod consult;
mod consult_counts;
mod figures;
mod items;
mod ordering;
mod results;
mod slots;
mod sterile;
pub use attachments::attach;
pub use consult::*;
pub use consult_counts::*;
pub use figures::*;
pub use items::*;
pub use ordering::*;
pub use results::*;
pub use slots::*;
pub use sterile::*;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::{AppState, LiveOrder};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};
use yigong_domain::clock::{start_of, today};
use yigong_domain::diagnostics::catalogue;
use yigong_domain::diagnostics::order::{Scope, Status};
use yigong_domain::diagnostics::settings::Settings;
use yigong_domain::ids::OrderId;
use yigong_store::diagnostics::{Order, OrderFilter, OrderNarrowing, ResultValue};
use yigong_store::{Page, PageRequest, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(attachments::router())
        .routes(routes!(items::catalogue_items))
        .routes(routes!(items::update_item))
        .routes(routes!(ordering::list_orders, ordering::create_order))
        .routes(routes!(order))
        .routes(routes!(results::act))
        .routes(routes!(ordering::offer, ordering::reuse))
        .routes(routes!(figures::figures))
        .routes(routes!(consult::list_consults, consult::add_consult))
        .routes(routes!(consult_counts::consult_counts))
        .routes(routes!(consult::consult))
        .routes(routes!(consult::consult_referral))
        .routes(routes!(consult::consult_step))
        .routes(routes!(slots::list_slots, slots::add_slots))
        .routes(routes!(sterile::list_batches, sterile::add_batch))
        .routes(routes!(sterile::batch))
        .routes(routes!(sterile::indicator))
        .routes(routes!(sterile::list_packs))
        .routes(routes!(sterile::pack_step))
}

pub(crate) fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// An order with its values and where it stands against its target.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderView {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub order: Order,
    pub item_name: String,
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<ResultValue>,
    /// The images and PDFs attached to the result.
    #[schema(value_type = Vec<Object>)]
    pub files: Vec<yigong_store::diagnostics::OrderFile>,
    /// Minutes from order to report (or to now) on the item's clock, and its target.
    pub elapsed_minutes: i64,
    pub target_minutes: i64,
    pub breached: bool,
    /// The examination time the resident booked, `YYYY-MM-DD HH:MM–HH:MM`, if any.
    pub appointment: Option<String>,
}

/// An order with its values and files, measured against its target as `settings` set it.
pub async fn view_with(
    state: &AppState,
    user: &CurrentUser,
    order: Order,
    settings: &[Settings],
) -> ApiResult<OrderView> {
    let values = state
        .store
        .order_values(state.community.id, order.id)
        .await?;
    let (elapsed_minutes, target_minutes, breached) = figures::kept(&order, settings);
    let files = state
        .store
        .order_files(state.community.id, order.id)
        .await?;
    let appointment = state
        .store
        .order_slot(state.community.id, order.id.uuid())
        .await?
        .map(|s| slot_text(&s));
    Ok(OrderView {
        appointment,
        files,
        item_name: user
            .lang
            .t(&format!("diagnostics.item.{}", order.item_code))
            .to_string(),
        values,
        elapsed_minutes,
        target_minutes,
        breached,
        order,
    })
}

/// A slot's day and hours, `YYYY-MM-DD HH:MM–HH:MM`.
pub fn slot_text(s: &yigong_store::diagnostics::SlotRow) -> String {
    use crate::outreach::api::hhmm;
    format!("{} {}–{}", s.day, hhmm(s.start_min), hhmm(s.end_min))
}

pub async fn view_of(state: &AppState, user: &CurrentUser, order: Order) -> ApiResult<OrderView> {
    view_with(state, user, order, &settings_of(state).await?).await
}

/// The order if it exists and is in the user's reach: an order of theirs, or a result
/// of a patient they look after (which recognition may offer them); nothing is audited
/// here.
pub async fn visible(
    state: &AppState,
    user: &CurrentUser,
    id: OrderId,
) -> ApiResult<Option<Order>> {
    let o = match state.store.get_order(state.community.id, id).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if user.diagnostics.sees(o.from_institution_id, o.centre) {
        return Ok(Some(o));
    }
    if !user.diagnostics.orders() || o.status != Status::Reported {
        return Ok(None);
    }
    let r = state
        .store
        .get_resident(state.community.id, o.resident_id)
        .await?;
    Ok(user.scope.allows(r.institution_id).then_some(o))
}

/// An order in reach, the read audited (allowed or refused).
pub async fn load(state: &AppState, user: &CurrentUser, id: OrderId) -> ApiResult<Order> {
    let found = visible(state, user, id).await?;
    user.audit(
        state,
        "diagnostics.read",
        "diag_order",
        Some(id.uuid()),
        found.is_some(),
        "",
    )
    .await?;
    found.ok_or_else(ApiError::not_found)
}

/// An order with its result.
#[utoipa::path(get, path = "/orders/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = OrderView), (status = 404)))]
pub async fn order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<OrderView>> {
    let o = load(&state, &user, id).await?;
    Ok(Json(view_of(&state, &user, o).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct OrderQuery {
    /// `worklist` (a centre's open orders), else every order in reach.
    pub view: Option<String>,
    /// `ordered`, `received`, `reported` or `cancelled`.
    pub status: Option<String>,
    pub item_code: Option<String>,
    pub resident_id: Option<uuid::Uuid>,
    /// `1`: critical results not yet acknowledged.
    pub unacknowledged: Option<String>,
    /// Placed on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Placed on or before this day.
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The list a query asks for, inside the user's reach (403 where there is none).
fn filter_of(user: &CurrentUser, view: Option<&str>) -> ApiResult<OrderFilter> {
    match (view.unwrap_or(""), &user.diagnostics) {
        (_, Scope::None | Scope::Sterile) => Err(ApiError::forbidden()),
        ("worklist", Scope::Centre(c)) => Ok(OrderFilter::Worklist(*c)),
        ("worklist", _) => Err(ApiError::forbidden()),
        ("" | "all", Scope::Centre(c)) => Ok(OrderFilter::Centre(*c)),
        ("" | "all", Scope::Orderers(ids)) => Ok(OrderFilter::Orderers(ids.clone())),
        ("" | "all", Scope::All) => Ok(OrderFilter::All),
        _ => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "view",
            "invalid_field",
        )),
    }
}

fn narrowing_of(q: &OrderQuery) -> ApiResult<OrderNarrowing> {
    let set = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let day = |v: &Option<String>, field: &'static str| -> ApiResult<Option<time::Date>> {
        set(v)
            .map(|s| {
                crate::ui::list::date(Some(&s))
                    .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, field, "date_invalid"))
            })
            .transpose()
    };
    let bad = |f: &'static str| ApiError::field(StatusCode::BAD_REQUEST, f, "invalid_field");
    Ok(OrderNarrowing {
        resident: q.resident_id,
        status: set(&q.status)
            .map(|s| Status::parse(&s).ok_or_else(|| bad("status")))
            .transpose()?,
        item: set(&q.item_code)
            .map(|s| {
                catalogue::item(&s)
                    .map(|i| i.code.to_string())
                    .ok_or_else(|| bad("item_code"))
            })
            .transpose()?,
        unacknowledged: set(&q.unacknowledged).is_some_and(|c| c == "1" || c == "true"),
        from: day(&q.from, "from")?.map(start_of),
        before: day(&q.to, "to")?.and_then(|d| d.next_day()).map(start_of),
    })
}

/// A page of the orders a query asks for, the list audited.
pub async fn orders_for(
    state: &AppState,
    user: &CurrentUser,
    q: &OrderQuery,
) -> ApiResult<Page<Order>> {
    let filter = match filter_of(user, q.view.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            if e.status == StatusCode::FORBIDDEN {
                user.audit(state, "diagnostics.list", "diag_order", None, false, "view")
                    .await?;
            }
            return Err(e);
        }
    };
    let n = narrowing_of(q)?;
    let page = state
        .store
        .find_orders(
            state.community.id,
            &filter,
            &n,
            PageRequest::new(q.page, q.per_page),
        )
        .await?;
    user.audit_list(state, "diagnostics.list", "diag_order", page.total)
        .await?;
    Ok(page)
}

/// Tells the pages watching orders that one changed.
pub(crate) fn announce(state: &AppState, o: &Order) {
    let _ = state.diag_live.send(LiveOrder {
        id: o.id.uuid(),
        from_institution_id: o.from_institution_id,
        centre: o.centre.as_str().to_string(),
        status: o.status.as_str().to_string(),
        critical: o.critical,
    });
}

/// The values of a laboratory result as flagged against the item's ranges; whether any
/// is critical.
pub fn flagged(item: &catalogue::Item, given: &[(String, f64)]) -> (Vec<ResultValue>, bool) {
    let values: Vec<ResultValue> = item
        .analytes
        .iter()
        .filter_map(|a| {
            let v = given.iter().find(|(code, _)| code == a.code)?.1;
            Some(ResultValue {
                analyte: a.code.to_string(),
                value: v,
                unit: a.unit.to_string(),
                ref_low: a.low,
                ref_high: a.high,
                flag: catalogue::flag(a, v),
            })
        })
        .collect();
    let critical = values.iter().any(|v| v.flag.critical());
    (values, critical)
}

/// The start of the first day an item's earlier results may come from.
pub(crate) fn window_start(days: u16) -> time::OffsetDateTime {
    start_of(today() - time::Duration::days(i64::from(days)))
}
