//! The "behind schedule" page: each branch in reach and the kinds of organisational life
//! it has not held in their last complete period, with the day each was last held.

use crate::party::api;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/party/behind", get(page))
}

#[derive(Template)]
#[template(path = "party/behind.html")]
struct BehindPage {
    chrome: Chrome,
    /// (branch id, branch, kind, frequency, last held).
    lines: Vec<(uuid::Uuid, String, &'static str, &'static str, String)>,
    branches: usize,
}

async fn page(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    let list = api::behind_for(&state, &user).await.ui(user.lang)?;
    let mut branches: Vec<uuid::Uuid> = list.iter().map(|b| b.org_id).collect();
    branches.dedup();
    let page = BehindPage {
        chrome: Chrome::for_user(&user, "party"),
        branches: branches.len(),
        lines: list
            .into_iter()
            .map(|b| {
                let last = b.last_held.map_or_else(|| "—".into(), |d| d.to_string());
                (b.org_id, b.org, b.subject, b.frequency, last)
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}
