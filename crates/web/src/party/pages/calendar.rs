//! A branch's calendar: a month laid out as a wall calendar (Monday first), each day with
//! the activities planned for it or held on it, and the months before and after.

use crate::party::api;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use time::Duration;
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::period::{month_weeks, parse_month};

pub fn router() -> Router<AppState> {
    Router::new().route("/party/orgs/{id}/calendar", get(page))
}

#[derive(Debug, Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

/// An activity in a day's cell: id, kind, topic, status, and whether it is still to be
/// recorded (a link for those who write).
struct Entry {
    id: Uuid,
    subject: String,
    topic: String,
    status: String,
    open: bool,
}

/// A day's cell: its number (none outside the month), whether it is today, its entries.
struct Cell {
    day: Option<u8>,
    today: bool,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "party/calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    org_id: Uuid,
    org: String,
    month: String,
    prev: String,
    next: String,
    weeks: Vec<Vec<Cell>>,
    count: usize,
    writes: bool,
}

fn month_text(d: time::Date) -> String {
    format!("{}-{:02}", d.year(), d.month() as u8)
}

async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(q): Query<MonthQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (org, writes) = api::org_in_reach(&state, &user, id, "party.calendar")
        .await
        .ui(lang)?;
    let today = clock::today();
    // A month that cannot be read shows this one.
    let first = q
        .month
        .as_deref()
        .and_then(parse_month)
        .or_else(|| today.replace_day(1).ok())
        .unwrap_or(today);
    let activities = state
        .store
        .activities_of(state.community.id, org.id)
        .await
        .ui(lang)?;
    let mut count = 0;
    let weeks = month_weeks(first)
        .into_iter()
        .map(|week| {
            week.iter()
                .map(|d| {
                    let entries: Vec<Entry> = activities
                        .iter()
                        .filter(|w| d.is_some() && w.held_on.or(w.due_on) == *d)
                        .map(|w| Entry {
                            id: w.id,
                            subject: lang.t(&format!("party.subject.{}", w.subject)).to_string(),
                            topic: w.title.clone(),
                            status: w.status.clone(),
                            open: w.status == "open",
                        })
                        .collect();
                    count += entries.len();
                    Cell {
                        day: d.map(|d| d.day()),
                        today: *d == Some(today),
                        entries,
                    }
                })
                .collect()
        })
        .collect();
    user.audit_list(&state, "party.calendar", "party_work", count as i64)
        .await
        .ui(lang)?;
    let prev = first.previous_day().unwrap_or(first);
    let next = first + Duration::days(31);
    let page = CalendarPage {
        chrome: Chrome::for_user(&user, "party"),
        org_id: org.id,
        org: org.name,
        month: month_text(first),
        prev: month_text(prev),
        next: month_text(next),
        weeks,
        count,
        writes,
    };
    Ok(render(&page).into_response())
}
