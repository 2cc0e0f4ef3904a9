//! The order form: a clinic picks the resident and the item; when an earlier result of
//! the item is still recognised, the form comes back with that result beside it, to be
//! reused (no new test) or ordered again with one of the official reasons.

use crate::diagnostics::api::{self as api, Earlier, OrderBody, Refused, ReuseBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::{self, ITEMS, Urgency};
use yigong_domain::diagnostics::recognition::RepeatReason;
use yigong_domain::ids::OrderId;

/// The earlier result offered, as the form shows it.
struct Offer {
    id: Uuid,
    reported_on: String,
    performer: String,
    impression: String,
    values: Vec<String>,
}

#[derive(Template)]
#[template(path = "diagnostics/form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    resident: Option<(Uuid, String)>,
    items: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    f: OrderForm,
    offer: Option<Offer>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OrderForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    repeat_reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NewParams {
    resident_id: Option<Uuid>,
}

async fn offer_of(state: &AppState, user: &CurrentUser, e: &Earlier) -> Option<Offer> {
    let o = api::load(state, user, OrderId::from(e.id)).await.ok()?;
    let values = state
        .store
        .order_values(state.community.id, o.id)
        .await
        .unwrap_or_default()
        .iter()
        .map(|v| {
            let name = user.lang.t(&format!("diagnostics.analyte.{}", v.analyte));
            format!("{name} {} {}", v.value, catalogue::unit_text(&v.unit))
        })
        .collect();
    Some(Offer {
        id: e.id,
        reported_on: e.reported_on.to_string(),
        performer: e.performer.clone(),
        impression: o.impression,
        values,
    })
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: OrderForm,
    (error, offer): (Option<ApiError>, Option<Earlier>),
) -> UiResult<Response> {
    let lang = user.lang;
    if !user.diagnostics.orders() {
        return Err(UiError(ApiError::forbidden(), lang));
    }
    let resident = match Uuid::parse_str(f.resident_id.trim()) {
        Ok(id) => match state.store.get_resident(state.community.id, id).await {
            Ok(r) if user.scope.allows(r.institution_id) => Some((r.id, r.name)),
            _ => None,
        },
        Err(_) => None,
    };
    let offer = match &offer {
        Some(e) => offer_of(state, user, e).await,
        None => None,
    };
    let status = match (&error, &offer) {
        (Some(e), _) => e.status,
        (None, Some(_)) => StatusCode::CONFLICT,
        (None, None) => StatusCode::OK,
    };
    let page = FormPage {
        chrome: Chrome::for_user(user, "diagnostics"),
        csrf: user.csrf.clone(),
        resident,
        items: ITEMS
            .iter()
            .map(|i| {
                let centre = lang.t(&format!("diagnostics.centre.{}", i.centre.as_str()));
                let name = lang.t(&format!("diagnostics.item.{}", i.code));
                (i.code, format!("{name}（{centre}）"))
            })
            .collect(),
        urgencies: Urgency::ALL
            .iter()
            .map(|u| {
                (
                    u.as_str(),
                    lang.t(&format!("diagnostics.urgency.{}", u.as_str())),
                )
            })
            .collect(),
        reasons: RepeatReason::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str(),
                    lang.t(&format!("diagnostics.repeat.{}", r.as_str())),
                )
            })
            .collect(),
        f,
        offer,
        error: error.map(|e| e.message(lang)),
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    let f = OrderForm {
        resident_id: p.resident_id.map(|r| r.to_string()).unwrap_or_default(),
        ..OrderForm::default()
    };
    form_page(&state, &user, f, (None, None)).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<OrderForm>,
) -> UiResult<Response> {
    let body = OrderBody {
        resident_id: Uuid::parse_str(f.resident_id.trim()).ok(),
        item_code: f.item_code.clone(),
        urgency: f.urgency.clone(),
        question: f.question.clone(),
        repeat_reason: Some(f.repeat_reason.clone()),
    };
    match api::place(&state, &user, &body).await {
        Ok(id) => Ok(see_other(&format!(
            "/diagnostics/orders/{id}?done=order_placed"
        ))),
        Err(Refused::Recognisable(e)) => form_page(&state, &user, f, (None, Some(e))).await,
        Err(Refused::Problem(e)) if crate::ui::form::sent_back(&e) => {
            form_page(&state, &user, f, (Some(e), None)).await
        }
        Err(Refused::Problem(e)) => Err(UiError(e, user.lang)),
    }
}

/// The offer's "reuse" form: the earlier result stands for the new order.
pub(super) async fn reuse(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ReuseForm>,
) -> UiResult<Response> {
    let body = ReuseBody {
        resident_id: Uuid::parse_str(f.resident_id.trim()).ok(),
        item_code: f.item_code.clone(),
        result_id: Uuid::parse_str(f.result_id.trim()).ok(),
    };
    let o = api::take(&state, &user, &body).await.ui(user.lang)?;
    Ok(see_other(&format!(
        "/diagnostics/orders/{}?done=result_reused",
        o.id
    )))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReuseForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    item_code: String,
    #[serde(default)]
    result_id: String,
}
