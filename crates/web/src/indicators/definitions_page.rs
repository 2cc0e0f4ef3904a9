//! The definitions page: every indicator's texts, version, source and target as the
//! community reads them, marked where an administrator corrected them; the administrator
//! corrects one in place (an empty field keeps the built-in text) and a refused
//! correction comes back with what was typed.

use super::definitions::{correct_one, shown_all};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use yigong_domain::access::Role;
use yigong_domain::indicators::catalog::{CorrectionInput, Shown, VERSIONS};

#[derive(Template)]
#[template(path = "indicators/definitions.html")]
struct DefinitionsPage {
    chrome: Chrome,
    csrf: String,
    all: Vec<Shown>,
    admin: bool,
    versions: [&'static str; 4],
    /// The code whose correction was refused, with what was typed.
    failed: Option<(String, CorrectionInput)>,
    problems: Problems,
    notice: Option<String>,
}

impl DefinitionsPage {
    /// What was typed for `code`, when its correction was refused.
    fn failed_for(&self, code: &str) -> Option<&CorrectionInput> {
        self.failed.as_ref().filter(|f| f.0 == code).map(|f| &f.1)
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    failed: Option<(String, CorrectionInput)>,
    (error, notice): (Option<&ApiError>, Option<String>),
) -> UiResult<Response> {
    user.require_audited(
        state,
        super::api::reads_figures(user.role),
        "indicator.read",
        "indicator",
        None,
    )
    .await
    .ui(user.lang)?;
    let all = shown_all(state, user.lang).await.ui(user.lang)?;
    let status = error.map_or(StatusCode::OK, |e| e.status);
    let page = DefinitionsPage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        all,
        admin: user.role == Role::Admin,
        versions: VERSIONS,
        failed,
        problems: Problems::of(user.lang, error),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    page(&state, &user, None, (None, notice)).await
}

pub async fn save(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(code): Path<String>,
    Form(f): Form<CorrectionInput>,
) -> UiResult<Response> {
    match correct_one(&state, &user, &code, &f).await {
        Ok(_) => Ok(see_other(&format!(
            "/indicators/definitions?done=indicator_corrected#def-{code}"
        ))),
        Err(e) if sent_back(&e) => page(&state, &user, Some((code, f)), (Some(&e), None)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
