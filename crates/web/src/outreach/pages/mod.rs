//! The outreach pages: the roster, a session with its record, the office's templates and
//! planning, the counts, and the public page of this week's visiting experts.

mod mentoring;
mod postings;
mod public;
mod roster;
mod session;
mod templates;

use crate::i18n::Lang;
use crate::outreach::api::hhmm;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use yigong_store::outreach::SessionRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outreach", get(roster::list))
        .route("/outreach/figures", get(roster::figures))
        .route("/outreach/this-week", get(public::this_week))
        .route(
            "/outreach/templates",
            get(templates::page).post(templates::add),
        )
        .route("/outreach/templates/{id}/end", post(templates::end))
        .route("/outreach/plan", post(templates::plan))
        .route("/outreach/sessions/{id}", get(session::detail))
        .route("/outreach/sessions/{id}/{action}", post(session::act))
        .route("/outreach/postings", get(postings::page))
        .route("/outreach/postings/new/{action}", post(postings::act))
        .route("/outreach/postings/{id}/end", post(postings::end))
        .route("/outreach/mentoring", get(mentoring::page))
        .route("/outreach/mentoring/new/{action}", post(mentoring::act))
        .route("/outreach/mentoring/{id}", get(mentoring::pair))
        .route("/outreach/mentoring/{id}/note", post(mentoring::note))
}

/// A session as the pages show it.
pub struct Row {
    pub s: SessionRow,
    /// `08:30–11:30`.
    pub time: String,
    /// `08:30` and `11:30`, for a form.
    pub start: String,
    pub end: String,
    pub weekday: &'static str,
    pub title: &'static str,
    pub status: &'static str,
}

pub fn row(lang: Lang, s: SessionRow) -> Row {
    Row {
        time: format!("{}–{}", hhmm(s.start_min), hhmm(s.end_min)),
        start: hhmm(s.start_min),
        end: hhmm(s.end_min),
        weekday: lang.t(&format!(
            "outreach.weekday.{}",
            s.day.weekday().number_from_monday()
        )),
        title: lang.t(&format!("title.{}", s.expert_title)),
        status: lang.t(&format!("outreach.status.{}", s.status.as_str())),
        s,
    }
}

/// A field of a posted form, empty when absent.
pub fn field(f: &[(String, String)], k: &str) -> String {
    f.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Weekday choices for a form: `(1..=7, label)`.
pub fn weekdays(lang: Lang) -> Vec<(i64, &'static str)> {
    (1..=7)
        .map(|d| (d, lang.t(&format!("outreach.weekday.{d}"))))
        .collect()
}
