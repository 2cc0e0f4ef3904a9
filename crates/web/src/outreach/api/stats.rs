//! The counts of held sessions and the people they served, in the caller's reach: the
//! totals other tools read, and the breakdown by expert, township, department or month.

use super::{day, places};
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Month};
use yigong_domain::clock::today;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// From this day (YYYY-MM-DD; the first of this year by default).
    pub from: Option<String>,
    /// To this day, included (today by default).
    pub to: Option<String>,
    /// For the breakdown: `expert`, `township` (the default), `department` or `month`.
    pub by: Option<String>,
}

/// The period of a query, checked.
pub fn period_of(q: &StatsQuery) -> ApiResult<(Date, Date)> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let t = today();
    let from = match blank(&q.from) {
        Some(s) => day(&s, "from")?,
        None => Date::from_calendar_date(t.year(), Month::January, 1).unwrap_or(t),
    };
    let to = match blank(&q.to) {
        Some(s) => day(&s, "to")?,
        None => t,
    };
    Ok((from, to))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub sessions: i64,
    pub people_served: i64,
}

/// Held sessions and people served over a period, in the caller's reach.
#[utoipa::path(get, path = "/outreach/stats", params(StatsQuery),
    responses((status = 200, body = Stats), (status = 422)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<StatsQuery>,
) -> ApiResult<Json<Stats>> {
    let period = period_of(&q)?;
    let places = places(&user);
    let (sessions, people_served) = state
        .store
        .outreach_totals(state.community.id, places.as_deref(), period)
        .await?;
    Ok(Json(Stats {
        sessions,
        people_served,
    }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CountRow {
    /// The expert's, township's or department's name, or the month `YYYY-MM`.
    pub label: String,
    pub sessions: i64,
    pub people_served: i64,
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Expert,
    Township,
    Department,
    Month,
}

impl By {
    pub fn parse(s: Option<&str>) -> Option<By> {
        match s.map(str::trim).unwrap_or("") {
            "" | "township" => Some(By::Township),
            "expert" => Some(By::Expert),
            "department" => Some(By::Department),
            "month" => Some(By::Month),
            _ => None,
        }
    }
}

/// The breakdown of held sessions, months in order and the rest by sessions, most first.
pub async fn counts_for(
    state: &AppState,
    user: &CurrentUser,
    q: &StatsQuery,
) -> ApiResult<(By, Vec<CountRow>)> {
    let by =
        By::parse(q.by.as_deref()).ok_or_else(|| super::unprocessable("by", "invalid_field"))?;
    let period = period_of(q)?;
    let places = places(user);
    let rows = state
        .store
        .served_rows(state.community.id, places.as_deref(), period)
        .await?;
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let label = match by {
            By::Expert => r.expert,
            By::Township => r.institution,
            By::Department => r.department.unwrap_or_default(),
            By::Month => format!("{}-{:02}", r.day.year(), u8::from(r.day.month())),
        };
        let g = groups.entry(label).or_default();
        g.0 += 1;
        g.1 += r.people_served;
    }
    let mut out: Vec<CountRow> = groups
        .into_iter()
        .map(|(label, (sessions, people_served))| CountRow {
            label,
            sessions,
            people_served,
        })
        .collect();
    if by != By::Month {
        out.sort_by(|a, b| {
            b.sessions
                .cmp(&a.sessions)
                .then_with(|| a.label.cmp(&b.label))
        });
    }
    Ok((by, out))
}

/// Held sessions and people served by expert, township, department or month.
#[utoipa::path(get, path = "/outreach/counts", params(StatsQuery),
    responses((status = 200, body = Vec<CountRow>), (status = 422)))]
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<StatsQuery>,
) -> ApiResult<Json<Vec<CountRow>>> {
    Ok(Json(counts_for(&state, &user, &q).await?.1))
}
