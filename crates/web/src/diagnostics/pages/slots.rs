//! The examination slots page: the next two weeks' slots of the centre's items with how
//! many are booked, and the form to open more (one slot, or the hours cut into parts).

use crate::diagnostics::api::{self as api, SlotBody, SlotQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::outreach::api::hhmm;
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use yigong_domain::diagnostics::catalogue::ITEMS;
use yigong_domain::diagnostics::order::Scope;

struct Line {
    day: String,
    time: String,
    item: &'static str,
    booked: i64,
    capacity: i64,
}

#[derive(Template)]
#[template(path = "diagnostics/slots.html")]
struct SlotsPage {
    chrome: Chrome,
    csrf: String,
    lines: Vec<Line>,
    /// Whether the user opens slots, and for which items: `(code, name)`.
    items: Vec<(&'static str, &'static str)>,
    f: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

impl SlotsPage {
    /// A typed value to give back, or the default.
    fn v(&self, k: &str, default: &str) -> String {
        let typed = crate::outreach::pages::field(&self.f, k);
        if typed.is_empty() {
            default.to_string()
        } else {
            typed
        }
    }
}

async fn slots_page(
    state: &AppState,
    user: &CurrentUser,
    (error, notice): (Option<ApiError>, Option<String>),
    f: Vec<(String, String)>,
) -> UiResult<Response> {
    let lang = user.lang;
    let found = api::slots_for(state, user, &SlotQuery::default())
        .await
        .ui(lang)?;
    let items = ITEMS
        .iter()
        .filter(|i| match &user.diagnostics {
            Scope::All => true,
            Scope::Centre(c) => *c == i.centre,
            _ => false,
        })
        .map(|i| (i.code, lang.t(&format!("diagnostics.item.{}", i.code))))
        .collect();
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = SlotsPage {
        chrome: Chrome::for_user(user, "diagnostics"),
        csrf: user.csrf.clone(),
        lines: found
            .into_iter()
            .map(|s| Line {
                day: s.day.to_string(),
                time: format!("{}–{}", hhmm(s.start_min), hhmm(s.end_min)),
                item: lang.t(&format!("diagnostics.item.{}", s.item_code)),
                booked: s.booked,
                capacity: s.capacity,
            })
            .collect(),
        items,
        f,
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    slots_page(&state, &user, (None, notice), Vec::new()).await
}

pub async fn open(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let field = |k: &str| crate::outreach::pages::field(&f, k);
    let b = SlotBody {
        item_code: field("item_code"),
        day: field("day"),
        start: field("start"),
        end: field("end"),
        capacity: field("capacity").trim().parse().ok(),
        every_minutes: field("every_minutes").trim().parse().ok(),
    };
    match api::open_slots(&state, &user, &b).await {
        Ok(_) => Ok(see_other("/diagnostics/slots?done=slots_opened")),
        Err(e) if sent_back(&e) => slots_page(&state, &user, (Some(e), None), f).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
