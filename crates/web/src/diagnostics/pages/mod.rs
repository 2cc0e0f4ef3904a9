//! The diagnostic centres' pages: the clinic's orders and a centre's live worklist, the
//! order page (result entry for the centre, the critical value to acknowledge and the
//! emergency referral for the clinic), the order form with recognition, and the office's
//! figures.

mod consult;
mod figures;
mod items;
mod ordering;
mod slots;
mod sterile;

use crate::diagnostics::api::{self as api, OrderQuery, ResultBody, ValueBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::list::ListQuery;
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, duration_text, local, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use yigong_domain::attachment::MAX_BYTES;
use yigong_domain::diagnostics::catalogue::{self, Centre};
use yigong_domain::diagnostics::order::{Action, Scope, Status};
use yigong_domain::diagnostics::settings::Settings;
use yigong_domain::ids::OrderId;
use yigong_domain::party::fund::yuan_text;
use yigong_store::diagnostics::Order;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/diagnostics", get(list))
        .route(
            "/diagnostics/new",
            get(ordering::new_form).post(ordering::create),
        )
        .route("/diagnostics/reuse", post(ordering::reuse))
        .route("/diagnostics/figures", get(figures::figures))
        .route("/diagnostics/slots", get(slots::page).post(slots::open))
        .route("/diagnostics/catalogue", get(items::catalogue))
        .route("/diagnostics/catalogue/{code}", post(items::update))
        .route("/diagnostics/orders/{id}", get(detail))
        .route(
            "/diagnostics/orders/{id}/attach",
            post(attach_file).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route("/diagnostics/orders/{id}/{action}", post(act))
        .merge(sterile::router())
        .merge(consult::router())
}

/// An order as a list row and the order page's heading show it.
pub(super) struct Row {
    pub id: OrderId,
    pub item: &'static str,
    pub centre: &'static str,
    pub resident_name: String,
    pub from_name: String,
    pub urgent: bool,
    pub urgency_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub placed: String,
    pub waited: String,
    pub breached: bool,
    pub staff: String,
    pub ack_needed: bool,
    pub critical: bool,
}

pub(super) fn row(lang: Lang, o: &Order, all: &[Settings]) -> Row {
    let (elapsed, _, breached) = api::kept(o, all);
    Row {
        id: o.id,
        item: lang.t(&format!("diagnostics.item.{}", o.item_code)),
        centre: lang.t(&format!("diagnostics.centre.{}", o.centre.as_str())),
        resident_name: o.resident_name.clone(),
        from_name: o.from_institution_name.clone(),
        urgent: o.urgency.as_str() == "urgent",
        urgency_label: lang.t(&format!("diagnostics.urgency.{}", o.urgency.as_str())),
        status: o.status.as_str(),
        status_label: lang.t(&format!("diagnostics.status.{}", o.status.as_str())),
        placed: local(o.created_at),
        waited: duration_text(lang, elapsed),
        breached,
        staff: o.claimed_by_name.clone().unwrap_or_default(),
        ack_needed: o.critical && o.acknowledged_at.is_none(),
        critical: o.critical,
    }
}

#[derive(Template)]
#[template(path = "diagnostics/list.html")]
struct ListPage {
    chrome: Chrome,
    view: String,
    rows: Vec<Row>,
    pager: Pager,
    centre: bool,
    orders: bool,
    figures: bool,
    p: OrderQuery,
    statuses: Vec<(&'static str, &'static str)>,
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut p): Query<OrderQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let centre = matches!(user.diagnostics, Scope::Centre(_));
    if p.view.is_none() && centre {
        p.view = Some("worklist".into());
    }
    p.per_page = Some(30);
    let page = api::orders_for(&state, &user, &p).await.ui(lang)?;
    let settings = api::settings_of(&state).await.ui(lang)?;
    let view = p.view.clone().unwrap_or_else(|| "all".into());
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = ListQuery::new(
        "/diagnostics",
        vec![
            ("view", view.clone()),
            ("status", text(&p.status)),
            ("unacknowledged", text(&p.unacknowledged)),
            ("from", text(&p.from)),
            ("to", text(&p.to)),
        ],
        None,
    );
    let page = ListPage {
        chrome: Chrome::for_user(&user, "diagnostics"),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: page.items.iter().map(|o| row(lang, o, &settings)).collect(),
        view,
        centre,
        orders: user.diagnostics.orders(),
        figures: user.role.sees_figures(),
        statuses: Status::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    lang.t(&format!("diagnostics.status.{}", s.as_str())),
                )
            })
            .collect(),
        p,
    };
    Ok(render(&page).into_response())
}

/// A laboratory value as the order page shows it, or its input.
struct ValueRow {
    code: &'static str,
    name: &'static str,
    value: String,
    unit: String,
    range: String,
    flag: &'static str,
    abnormal: bool,
    critical: bool,
}

#[derive(Template)]
#[template(path = "diagnostics/order.html")]
struct OrderPage {
    chrome: Chrome,
    csrf: String,
    o: Order,
    r: Row,
    target: String,
    values: Vec<ValueRow>,
    lab: bool,
    timeline: Vec<(String, &'static str)>,
    can_receive: bool,
    can_claim: bool,
    mine: bool,
    can_ack: bool,
    can_cancel: bool,
    can_refer: bool,
    repeat: Option<&'static str>,
    /// The examination time the resident booked.
    appointment: Option<String>,
    price: String,
    files: Vec<yigong_store::diagnostics::OrderFile>,
    can_attach: bool,
    /// What was typed into the result form, kept when it is sent back.
    findings: String,
    impression: String,
    error: Option<String>,
    notice: Option<String>,
}

/// The values of a reported order, or the inputs of a laboratory item's result form with
/// what was typed.
fn value_rows(
    lang: Lang,
    item: &catalogue::Item,
    reported: &[yigong_store::diagnostics::ResultValue],
    typed: &[(String, String)],
) -> Vec<ValueRow> {
    item.analytes
        .iter()
        .map(|a| {
            let got = reported.iter().find(|v| v.analyte == a.code);
            ValueRow {
                code: a.code,
                name: lang.t(&format!("diagnostics.analyte.{}", a.code)),
                value: got
                    .map(|v| format!("{}", v.value))
                    .unwrap_or_else(|| typed_value(typed, &format!("value_{}", a.code))),
                unit: catalogue::unit_text(a.unit),
                range: format!("{}–{}", a.low, a.high),
                flag: got.map_or("", |v| match v.flag.as_str() {
                    "N" => "",
                    "L" | "LL" => "↓",
                    _ => "↑",
                }),
                abnormal: got.is_some_and(|v| v.flag.abnormal()),
                critical: got.is_some_and(|v| v.flag.critical()),
            }
        })
        .collect()
}

fn typed_value(typed: &[(String, String)], name: &str) -> String {
    typed
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

async fn order_page(
    state: &AppState,
    user: &CurrentUser,
    id: OrderId,
    (error, notice): (Option<ApiError>, Option<String>),
    typed: &[(String, String)],
) -> UiResult<Response> {
    let lang = user.lang;
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let o = api::load(state, user, id).await.ui(lang)?;
    let settings = api::settings_of(state).await.ui(lang)?;
    let v = api::view_with(state, user, o, &settings).await.ui(lang)?;
    let o = v.order;
    let item = catalogue::item(&o.item_code).ok_or_else(|| UiError(ApiError::internal(), lang))?;
    let centre = user.diagnostics == Scope::Centre(o.centre);
    let orderer =
        user.diagnostics.orders() && user.diagnostics.sees(o.from_institution_id, o.centre);
    let mut timeline = vec![(local(o.created_at), lang.t("diagnostics.event.ordered"))];
    for (at, key) in [
        (o.received_at, "diagnostics.event.received"),
        (o.claimed_at, "diagnostics.event.claimed"),
        (o.reported_at, "diagnostics.event.reported"),
        (o.acknowledged_at, "diagnostics.event.acknowledged"),
    ] {
        if let Some(t) = at {
            timeline.push((local(t), lang.t(key)));
        }
    }
    let page = OrderPage {
        chrome: Chrome::for_user(user, "diagnostics"),
        csrf: user.csrf.clone(),
        target: duration_text(lang, v.target_minutes),
        values: value_rows(lang, item, &v.values, typed),
        files: v.files,
        can_attach: centre
            && (o.claimed_by == Some(user.account_id) || o.reported_by == Some(user.account_id))
            && matches!(o.status, Status::Received | Status::Reported),
        findings: typed_value(typed, "findings"),
        impression: typed_value(typed, "impression"),
        lab: o.centre == Centre::Laboratory,
        timeline,
        can_receive: centre && o.status == Status::Ordered,
        can_claim: centre && o.status == Status::Received && o.claimed_by.is_none(),
        mine: centre && o.status == Status::Received && o.claimed_by == Some(user.account_id),
        can_ack: orderer && o.critical && o.acknowledged_at.is_none(),
        can_cancel: orderer && o.status == Status::Ordered,
        can_refer: orderer
            && o.critical
            && user.referrals != yigong_domain::access::ReferralScope::None,
        repeat: o
            .repeat_reason
            .as_deref()
            .map(|r| lang.t(&format!("diagnostics.repeat.{r}"))),
        price: yuan_text(o.price_fen),
        appointment: v.appointment,
        error: error.map(|e| e.message(lang)),
        notice,
        r: row(lang, &o, &settings),
        o,
    };
    Ok((status, render(&page)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<OrderId>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    order_page(&state, &user, id, (None, notice), &[]).await
}

/// The order page's forms: `_csrf`; for a report `value_<analyte>` per value, or
/// `findings`, `impression` and `critical`.
async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(OrderId, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    let field = |name: &str| typed_value(&pairs, name);
    let action = Action::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let body = ResultBody {
        values: pairs
            .iter()
            .filter_map(|(k, v)| {
                let code = k.strip_prefix("value_")?;
                Some(ValueBody {
                    analyte: code.to_string(),
                    value: v.trim().parse().ok().or(Some(f64::NAN)),
                })
            })
            .collect(),
        findings: field("findings"),
        impression: field("impression"),
        critical: field("critical") == "on",
    };
    match api::act_on(&state, &user, id, action, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/diagnostics/orders/{id}?done=order_{action}"
        ))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            order_page(&state, &user, id, (Some(e), None), &pairs).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}

/// The order page's attachment form (multipart `file`).
async fn attach_file(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<OrderId>,
    mp: Multipart,
) -> UiResult<Response> {
    let lang = user.lang;
    let sent = match crate::api::files::read_file(mp).await {
        Ok(f) => api::attach(&state, &user, id, &f).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match sent {
        Ok(()) => Ok(see_other(&format!(
            "/diagnostics/orders/{id}?done=file_attached"
        ))),
        Err(e) if sent_back(&e) => order_page(&state, &user, id, (Some(e), None), &[]).await,
        Err(e) => Err(UiError(e, lang)),
    }
}
