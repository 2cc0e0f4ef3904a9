//! The committee's review page: the activities and site tasks waiting for it, newest
//! first, each with a comment box and a button; the bureau reads the same queue.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, ReviewBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_store::party::ReviewItem;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/review", get(page))
        .route("/party/review/{id}", post(save))
}

#[derive(Debug, Default, Deserialize)]
struct ReviewForm {
    #[serde(default)]
    comment: String,
}

#[derive(Template)]
#[template(path = "party/review.html")]
struct ReviewPage {
    chrome: Chrome,
    items: Vec<ReviewItem>,
    total: i64,
    edits: bool,
    csrf: String,
    /// The item whose form came back (its id), with what was typed.
    failed: String,
    typed: String,
    notice: Option<String>,
    problems: Problems,
}

async fn review_page(
    state: &AppState,
    user: &CurrentUser,
    (typed, notice, error): (Option<(Uuid, String)>, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let q = api::queue_for(state, user).await.ui(lang)?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = ReviewPage {
        chrome: Chrome::for_user(user, "party"),
        items: q.items,
        total: q.total,
        edits: user.role == Role::PartySecretary,
        csrf: user.csrf.clone(),
        failed: typed.as_ref().map(|t| t.0.to_string()).unwrap_or_default(),
        typed: typed.map(|t| t.1).unwrap_or_default(),
        notice,
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
    review_page(&state, &user, (None, notice, None)).await
}

async fn save(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ReviewForm>,
) -> UiResult<Response> {
    let body = ReviewBody {
        comment: f.comment.clone(),
    };
    match api::review(&state, &user, id, &body).await {
        Ok(()) => Ok(see_other("/party/review?done=reviewed")),
        Err(e) if sent_back(&e) => {
            review_page(&state, &user, (Some((id, f.comment)), None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
