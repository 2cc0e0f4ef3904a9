//! The roster page (this week by default, by day and time, with its filters) and the
//! counts of sessions and people served drawn as bars.

use super::{Row, row};
use crate::http::auth::CurrentUser;
use crate::outreach::api::{self as api, By, SessionQuery, StatsQuery, places, plans};
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use yigong_domain::registry::InstitutionKind;
use yigong_store::PageRequest;

#[derive(Template)]
#[template(path = "outreach/roster.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    office: bool,
    figures: bool,
    /// The places to filter by: `(id, name)`.
    places: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    from: String,
    to: String,
    place: String,
    status: String,
    totals: (i64, i64),
}

/// The grassroots places a user may filter by.
async fn place_choices(state: &AppState, user: &CurrentUser) -> UiResult<Vec<(String, String)>> {
    let mine = places(user);
    Ok(state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(user.lang)?
        .into_iter()
        .filter(|i| matches!(i.kind(), Some(InstitutionKind::Township)))
        .filter(|i| mine.as_ref().is_none_or(|m| m.contains(&i.id)))
        .map(|i| (i.id.to_string(), i.name))
        .collect())
}

pub async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut q): Query<SessionQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    q.per_page = Some(50);
    let f = api::filter_of(&user, &q).ui(lang)?;
    let page = state
        .store
        .find_sessions(state.community.id, &f, PageRequest::new(q.page, q.per_page))
        .await
        .ui(lang)?;
    let (from, to) = (
        f.from.map(|d| d.to_string()).unwrap_or_default(),
        f.to.map(|d| d.to_string()).unwrap_or_default(),
    );
    let totals = state
        .store
        .outreach_totals(
            state.community.id,
            f.institutions.as_deref(),
            (
                f.from.unwrap_or(yigong_domain::clock::today()),
                f.to.unwrap_or(yigong_domain::clock::today()),
            ),
        )
        .await
        .ui(lang)?;
    let place = q.institution_id.map(|i| i.to_string()).unwrap_or_default();
    let status = q.status.clone().unwrap_or_default();
    let query = crate::ui::list::ListQuery::new(
        "/outreach",
        vec![
            ("from", from.clone()),
            ("to", to.clone()),
            ("institution_id", place.clone()),
            ("status", status.clone()),
        ],
        None,
    );
    let page = ListPage {
        chrome: Chrome::for_user(&user, "outreach"),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: page.items.into_iter().map(|s| row(lang, s)).collect(),
        office: plans(&user),
        figures: user.role.sees_figures() || plans(&user),
        places: place_choices(&state, &user).await?,
        statuses: yigong_domain::outreach::session::Status::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    lang.t(&format!("outreach.status.{}", s.as_str())),
                )
            })
            .collect(),
        from,
        to,
        place,
        status,
        totals,
    };
    Ok(render(&page).into_response())
}

/// A bar: label, width in per cent of the longest, text.
struct Bar {
    label: String,
    width: f64,
    text: String,
}

#[derive(Template)]
#[template(path = "outreach/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    from: String,
    to: String,
    by: &'static str,
    bys: Vec<(&'static str, &'static str)>,
    sessions: i64,
    people: i64,
    bars: Vec<Bar>,
}

pub async fn figures(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<StatsQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (by, rows) = api::counts_for(&state, &user, &q).await.ui(lang)?;
    let (from, to) = api::period_of(&q).ui(lang)?;
    let most = rows.iter().map(|r| r.sessions).max().unwrap_or(1).max(1) as f64;
    let sessions = rows.iter().map(|r| r.sessions).sum();
    let people = rows.iter().map(|r| r.people_served).sum();
    let by = match by {
        By::Expert => "expert",
        By::Township => "township",
        By::Department => "department",
        By::Month => "month",
    };
    let page = FiguresPage {
        chrome: Chrome::for_user(&user, "outreach"),
        from: from.to_string(),
        to: to.to_string(),
        by,
        bys: ["township", "expert", "department", "month"]
            .into_iter()
            .map(|k| (k, lang.t(&format!("outreach.by.{k}"))))
            .collect(),
        sessions,
        people,
        bars: rows
            .into_iter()
            .take(40)
            .map(|r| Bar {
                width: r.sessions as f64 * 100.0 / most,
                text: format!("{} · {}", r.sessions, r.people_served),
                label: r.label,
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

/// A place id from a form or query, if one.
pub fn uuid(raw: &str) -> Option<Uuid> {
    Uuid::parse_str(raw.trim()).ok()
}
