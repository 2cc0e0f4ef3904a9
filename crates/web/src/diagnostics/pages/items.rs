//! The catalogue page: every item with its price, service levels and recognition as the
//! community runs them; the office edits them in place (our defaults until then).

use crate::diagnostics::api::{self as api, ItemBody, ItemView};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, duration_text, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yigong_domain::diagnostics::order::Scope;
use yigong_domain::party::fund::{parse_yuan, yuan_text};

struct ItemRow {
    v: ItemView,
    centre: &'static str,
    price: String,
    routine: String,
    urgent: String,
    lowest: &'static str,
    /// What the office's form holds: the stored values, or what was typed when sent back.
    input: ItemForm,
}

/// The form's values of a stored item.
fn input_of(v: &ItemView) -> ItemForm {
    ItemForm {
        price: yuan_text(v.price_fen),
        routine_minutes: v.routine_minutes.to_string(),
        routine_working_hours: v.routine_working_hours.then(|| "on".into()),
        urgent_minutes: v.urgent_minutes.to_string(),
        urgent_working_hours: v.urgent_working_hours.then(|| "on".into()),
        recognised_days: v.recognised_days.map(|d| d.to_string()).unwrap_or_default(),
        lowest_level: v.lowest_level.unwrap_or("township").to_string(),
        needs_eqa: v.needs_eqa.then(|| "on".into()),
    }
}

#[derive(Template)]
#[template(path = "diagnostics/catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    csrf: String,
    rows: Vec<ItemRow>,
    edits: bool,
    levels: Vec<(&'static str, &'static str)>,
    error: Option<(String, String)>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    error: Option<(String, ApiError, ItemForm)>,
    notice: Option<String>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !user.diagnostics.has_orders() {
        return Err(UiError(ApiError::forbidden(), lang));
    }
    let all = api::settings_of(state).await.ui(lang)?;
    let clock = |m: i64, working: bool| {
        let d = duration_text(lang, m);
        if working {
            format!("{d}（{}）", lang.t("diagnostics.working_hours"))
        } else {
            d
        }
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.1.status);
    let (error, mut typed) = match error {
        Some((code, e, f)) => (Some((code.clone(), e.message(lang))), Some((code, f))),
        None => (None, None),
    };
    let page = CataloguePage {
        chrome: Chrome::for_user(user, "diagnostics"),
        csrf: user.csrf.clone(),
        rows: api::catalogue_of(user, &all)
            .into_iter()
            .map(|v| ItemRow {
                input: match typed.take_if(|(code, _)| code == v.code) {
                    Some((_, f)) => f,
                    None => input_of(&v),
                },
                centre: lang.t(&format!("diagnostics.centre.{}", v.centre.as_str())),
                price: yuan_text(v.price_fen),
                routine: clock(v.routine_minutes, v.routine_working_hours),
                urgent: clock(v.urgent_minutes, v.urgent_working_hours),
                lowest: v.lowest_level.map_or("", |l| lang.t(&format!("kind.{l}"))),
                v,
            })
            .collect(),
        edits: user.diagnostics == Scope::All,
        levels: ["village", "township", "member", "lead"]
            .into_iter()
            .map(|l| (l, lang.t(&format!("kind.{l}"))))
            .collect(),
        error,
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub(super) async fn catalogue(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    page(&state, &user, None, notice).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ItemForm {
    #[serde(default)]
    price: String,
    #[serde(default)]
    routine_minutes: String,
    #[serde(default)]
    routine_working_hours: Option<String>,
    #[serde(default)]
    urgent_minutes: String,
    #[serde(default)]
    urgent_working_hours: Option<String>,
    #[serde(default)]
    recognised_days: String,
    #[serde(default)]
    lowest_level: String,
    #[serde(default)]
    needs_eqa: Option<String>,
}

pub(super) async fn update(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(code): Path<String>,
    Form(f): Form<ItemForm>,
) -> UiResult<Response> {
    let minutes = |v: &str| v.trim().parse::<i64>().ok();
    let body = ItemBody {
        price_fen: parse_yuan(f.price.trim()),
        routine_minutes: minutes(&f.routine_minutes),
        routine_working_hours: f.routine_working_hours.is_some(),
        urgent_minutes: minutes(&f.urgent_minutes),
        urgent_working_hours: f.urgent_working_hours.is_some(),
        recognised_days: f.recognised_days.trim().parse().ok(),
        lowest_level: f.lowest_level.clone(),
        needs_eqa: f.needs_eqa.is_some(),
    };
    match api::set_item(&state, &user, &code, &body).await {
        Ok(_) => Ok(see_other("/diagnostics/catalogue?done=item_saved")),
        Err(e) if sent_back(&e) => page(&state, &user, Some((code, e, f)), None).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
