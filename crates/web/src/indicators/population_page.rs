//! The population page: residents per township and hospital for a year, the registry's
//! count beside the official figure and the one the per-10,000 indicators divide by; the
//! office enters or clears an official figure in place, and a refused one comes back
//! with what was typed.

use super::population::{Populations, populations, set_one};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::population::OfficialInput;

#[derive(Template)]
#[template(path = "indicators/population.html")]
struct PopulationPage {
    chrome: Chrome,
    csrf: String,
    table: Populations,
    /// The years offered: this year and the four before it.
    years: Vec<i32>,
    office: bool,
    /// The institution whose figure was refused, with what was typed.
    failed: Option<(Uuid, OfficialInput)>,
    problems: Problems,
    notice: Option<String>,
}

impl PopulationPage {
    fn failed_for(&self, id: &Uuid) -> Option<&OfficialInput> {
        self.failed.as_ref().filter(|f| f.0 == *id).map(|f| &f.1)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PopulationQuery {
    pub year: Option<String>,
    pub done: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
    failed: Option<(Uuid, OfficialInput)>,
    (error, notice): (Option<&ApiError>, Option<String>),
) -> UiResult<Response> {
    let table = populations(state, user, year).await.ui(user.lang)?;
    let this_year = today().year();
    let page = PopulationPage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        table,
        years: (this_year - 4..=this_year).rev().collect(),
        office: user.role.edits_registry(),
        failed,
        problems: Problems::of(user.lang, error),
        notice,
    };
    let status = error.map_or(StatusCode::OK, |e| e.status);
    Ok((status, render(&page)).into_response())
}

/// A year as typed in the address; this year when missing or not a year.
fn year_of(raw: Option<&str>) -> i32 {
    raw.and_then(|y| y.trim().parse().ok())
        .filter(|y| (1900..=9999).contains(y))
        .unwrap_or_else(|| today().year())
}

pub async fn show(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<PopulationQuery>,
) -> UiResult<Response> {
    let notice = flash(user.lang, q.done.as_deref());
    page(
        &state,
        &user,
        year_of(q.year.as_deref()),
        None,
        (None, notice),
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, year)): Path<(Uuid, i32)>,
    Form(f): Form<OfficialInput>,
) -> UiResult<Response> {
    match set_one(&state, &user, (id, year), Some(&f)).await {
        Ok(()) => Ok(see_other(&format!(
            "/indicators/population?year={year}&done=population_saved#pop-{id}"
        ))),
        Err(e) if sent_back(&e) => page(&state, &user, year, Some((id, f)), (Some(&e), None)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

pub async fn clear(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, year)): Path<(Uuid, i32)>,
) -> UiResult<Response> {
    set_one(&state, &user, (id, year), None)
        .await
        .ui(user.lang)?;
    Ok(see_other(&format!(
        "/indicators/population?year={year}&done=population_cleared#pop-{id}"
    )))
}
