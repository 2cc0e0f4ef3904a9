//! The points rules page: the tree in force by group, and for the committee a form on
//! each rule to change its points and yearly cap (refused by field, what was typed kept).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, RuleBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use yigong_domain::access::Role;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/point-rules", get(page))
        .route("/party/point-rules/{code}", post(save))
}

#[derive(Debug, Default, Deserialize)]
struct RuleForm {
    #[serde(default)]
    points: String,
    #[serde(default)]
    yearly_cap: String,
}

/// A rule's line: code, group, points and cap as shown (or as typed, for the rule whose
/// form came back).
type Line = (String, String, String, String);

#[derive(Template)]
#[template(path = "party/rules.html")]
struct RulesPage {
    chrome: Chrome,
    lines: Vec<Line>,
    edits: bool,
    csrf: String,
    notice: Option<String>,
    /// The rule whose form came back with problems.
    failed: String,
    problems: Problems,
}

async fn rules_page(
    state: &AppState,
    user: &CurrentUser,
    (typed, notice, error): (Option<(String, RuleForm)>, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    api::structure_for(state, user).await.ui(lang)?;
    let lines = api::rules(state)
        .await
        .ui(lang)?
        .into_iter()
        .map(|r| match &typed {
            Some((code, f)) if *code == r.code => (
                r.code,
                r.parent.unwrap_or_default(),
                f.points.clone(),
                f.yearly_cap.clone(),
            ),
            _ => (
                r.code,
                r.parent.unwrap_or_default(),
                r.points.to_string(),
                r.yearly_cap.map(|c| c.to_string()).unwrap_or_default(),
            ),
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = RulesPage {
        chrome: Chrome::for_user(user, "party"),
        lines,
        edits: user.role == Role::PartySecretary,
        csrf: user.csrf.clone(),
        notice,
        failed: typed.map(|(c, _)| c).unwrap_or_default(),
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    rules_page(&state, &user, (None, notice, None)).await
}

async fn save(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(code): Path<String>,
    Form(f): Form<RuleForm>,
) -> UiResult<Response> {
    // What is not a whole number reaches the rules as nothing, refused at its field.
    let cap = f.yearly_cap.trim();
    let body = RuleBody {
        points: f.points.trim().parse().unwrap_or(0),
        yearly_cap: if cap.is_empty() {
            None
        } else {
            Some(cap.parse().unwrap_or(0))
        },
    };
    match api::set_rule(&state, &user, &code, &body).await {
        Ok(()) => Ok(see_other("/party/point-rules?done=rule_saved")),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            rules_page(&state, &user, (Some((code, f)), None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
