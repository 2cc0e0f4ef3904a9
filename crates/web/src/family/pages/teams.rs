//! The family-doctor teams (家医团队) and the contract coverage page (签约): the teams of
//! the clinics in reach, one team with its members, and the contracts due for renewal
//! with the coverage of every clinic and key group.

use crate::family::api::{self as api, ListQuery, TeamDetail};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{Done, flash};
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams))
        .route("/teams/{id}", get(team))
}

#[derive(Deserialize)]
struct ListParams {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "family/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    can_create: bool,
    teams: Vec<yigong_store::family::Team>,
    pager: Pager,
}

async fn teams(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = api::list_for(
        &state,
        &user,
        &ListQuery {
            page: p.page,
            per_page: Some(50),
        },
    )
    .await
    .ui(lang)?;
    let pager = Pager::new(lang, "/teams", &[], (page.page, page.per_page, page.total));
    let page = TeamsPage {
        chrome: Chrome::for_user(&user, "teams"),
        can_create: user.role.edits_registry(),
        teams: page.items,
        pager,
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "family/team.html")]
struct TeamPage {
    chrome: Chrome,
    d: TeamDetail,
    roles: Vec<(String, &'static str, String)>,
    can_edit: bool,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
}

async fn team(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    team_page(&state, &user, id, notice, None).await
}

/// A team's page, with a notice after a save or the reason an action was refused.
pub(super) async fn team_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    notice: Option<String>,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let d = api::detail_of(state, user, id).await.ui(lang)?;
    let roles = d
        .members
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                lang.t(&format!("family.role.{}", m.role)),
                m.institution_name.clone(),
            )
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = TeamPage {
        chrome: Chrome::for_user(user, "teams"),
        can_edit: user.role.edits_registry() && d.team.active,
        csrf: user.csrf.clone(),
        notice,
        error: error.map(|e| e.message(lang)),
        d,
        roles,
    };
    Ok((status, render(&page)).into_response())
}
