//! The public notice board of this week's visiting experts at a township (seed 001: a
//! public notice of the experts who come): no login, printable, and no patient data, only
//! the expert's name, title, department and specialty and the times. Without a township,
//! the list of townships to choose from.

use super::{Row, row};
use crate::http::request_lang;
use crate::state::AppState;
use crate::ui::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Duration;
use yigong_domain::clock::today;
use yigong_domain::outreach::roster::week_of;
use yigong_domain::registry::InstitutionKind;
use yigong_store::PageRequest;
use yigong_store::outreach::SessionFilter;

#[derive(Debug, Default, Deserialize)]
pub struct WeekQuery {
    pub township: Option<String>,
    /// Another week's Monday (YYYY-MM-DD); this week by default.
    pub week: Option<String>,
}

#[derive(Template)]
#[template(path = "outreach/this_week.html")]
struct WeekPage {
    chrome: Chrome,
    /// The township's name and code, once chosen.
    place: Option<(String, String)>,
    townships: Vec<(String, String)>,
    monday: String,
    sunday: String,
    previous: String,
    next: String,
    rows: Vec<Row>,
}

pub async fn this_week(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<WeekQuery>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let monday = week_of(crate::ui::list::date(q.week.as_deref()).unwrap_or_else(today));
    let sunday = monday + Duration::days(6);
    let c = state.community.id;
    let code = q.township.as_deref().map(str::trim).unwrap_or("");
    let mut page = WeekPage {
        chrome: Chrome::anonymous(lang),
        place: None,
        townships: Vec::new(),
        monday: monday.to_string(),
        sunday: sunday.to_string(),
        previous: (monday - Duration::days(7)).to_string(),
        next: (monday + Duration::days(7)).to_string(),
        rows: Vec::new(),
    };
    let mut status = StatusCode::OK;
    let found = if code.is_empty() {
        None
    } else {
        state
            .store
            .find_institution_by_code(c, code)
            .await
            .ok()
            .flatten()
    };
    match found {
        Some(i)
            if matches!(
                i.kind(),
                Some(InstitutionKind::Township | InstitutionKind::Village)
            ) =>
        {
            let f = SessionFilter {
                institutions: Some(vec![i.id]),
                from: Some(monday),
                to: Some(sunday),
                ..SessionFilter::default()
            };
            match state
                .store
                .find_sessions(c, &f, PageRequest::new(Some(1), Some(100)))
                .await
            {
                Ok(p) => page.rows = p.items.into_iter().map(|s| row(lang, s)).collect(),
                Err(_) => status = StatusCode::SERVICE_UNAVAILABLE,
            }
            page.place = Some((i.name, i.code));
        }
        _ => {
            if !code.is_empty() {
                status = StatusCode::NOT_FOUND;
            }
            page.townships = state
                .store
                .list_institutions(c)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|i| i.active && matches!(i.kind(), Some(InstitutionKind::Township)))
                .map(|i| (i.code, i.name))
                .collect();
        }
    }
    (
        status,
        [(header::CACHE_CONTROL, "public, max-age=60")],
        render(&page),
    )
        .into_response()
}
