//! The family-doctor teams (家医团队) and the contract coverage page (签约): the teams of
//! the clinics in reach, one team with its members, and the contracts due for renewal
//! with the coverage of every clinic and key group.

use crate::family::api::{self as api, ListQuery, TeamDetail};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::form::{Done, flash};
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use uuid::Uuid;
use yigong_store::PageRequest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams))
        .route("/teams/export", get(export_xlsx))
        .route("/teams/{id}", get(team))
}

#[derive(Template)]
#[template(path = "family/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    can_create: bool,
    teams: Vec<yigong_store::family::Team>,
    pager: Pager,
    q: String,
    township: String,
    townships: Vec<(String, String)>,
    export_url: String,
}

/// The townships the filter offers: those with a team the user may see.
async fn townships(state: &AppState, user: &CurrentUser) -> UiResult<Vec<(String, String)>> {
    let lang = user.lang;
    let all = ListQuery {
        per_page: Some(PageRequest::MAX_PER_PAGE),
        ..ListQuery::default()
    };
    let mut out: Vec<(String, String)> = api::list_for(state, user, &all)
        .await
        .ui(lang)?
        .items
        .into_iter()
        .map(|t| (t.institution_id.to_string(), t.institution_name))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup();
    Ok(out)
}

async fn teams(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut p): Query<ListQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    p.per_page = Some(50);
    let page = api::list_for(&state, &user, &p).await.ui(lang)?;
    let q = p.q.clone().unwrap_or_default();
    let township = p.township.map(|t| t.to_string()).unwrap_or_default();
    let query = crate::ui::list::ListQuery::new(
        "/teams",
        vec![("q", q.clone()), ("township", township.clone())],
        None,
    );
    let view = TeamsPage {
        chrome: Chrome::for_user(&user, "teams"),
        can_create: user.role.edits_registry(),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        teams: page.items,
        townships: townships(&state, &user).await?,
        export_url: query.export_url(),
        q,
        township,
    };
    Ok(render(&view).into_response())
}

/// The teams the search selects, as an Excel file named after it.
async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = api::teams_for(&state, &user, &p, PageRequest::export())
        .await
        .ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("family.team"),
        t("field.institution"),
        t("family.leader"),
        t("family.members"),
        t("field.villages"),
        t("family.contracts"),
        t("field.status"),
    ];
    let township_name = page
        .items
        .iter()
        .find(|x| Some(x.institution_id) == p.township)
        .map(|x| x.institution_name.clone())
        .unwrap_or_default();
    let table: Vec<Vec<Cell>> = page
        .items
        .into_iter()
        .map(|x| {
            let status = if x.active {
                "status.active"
            } else {
                "family.disbanded"
            };
            vec![
                x.name.into(),
                x.institution_name.into(),
                x.leader_name.into(),
                x.members.into(),
                x.villages.into(),
                x.contracts.into(),
                t(status).into(),
            ]
        })
        .collect();
    let title = t("family.teams");
    export::respond(
        lang,
        title,
        &headers,
        &table,
        &[&township_name, p.q.as_deref().unwrap_or("")],
    )
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
