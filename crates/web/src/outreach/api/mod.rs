//! Expert outreach through the API (专家下沉): the office plans experts at townships from
//! weekly templates and keeps them clear of conflicts; the township records each session
//! with the patients seen; the counts of sessions and people served; residents' bookings.
//! The roster carries no patient data and every staff role may read it within its reach;
//! the patients seen are shown to those who reach the session's place.

mod absences;
mod mentoring;
mod postings;
mod record;
mod roster;
mod sessions;
mod stats;
pub use absences::*;
pub use mentoring::*;
pub use postings::*;
pub use record::*;
pub use roster::*;
pub use sessions::*;
pub use stats::*;

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use time::{Date, Time, Weekday};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::{ResidentScope, Role};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(roster::list_templates, roster::add_template))
        .routes(routes!(roster::end_template))
        .routes(routes!(roster::plan))
        .routes(routes!(absences::list_absences, absences::add_absence))
        .routes(routes!(absences::set_holiday))
        .routes(routes!(absences::set_cap))
        .routes(routes!(sessions::list_sessions, sessions::add_session))
        .routes(routes!(sessions::session))
        .routes(routes!(sessions::cancel))
        .routes(routes!(sessions::move_to))
        .routes(routes!(record::record))
        .routes(routes!(stats::stats))
        .routes(routes!(stats::counts))
        .routes(routes!(postings::list_postings, postings::add_posting))
        .routes(routes!(postings::add_exchange))
        .routes(routes!(postings::end_posting))
        .routes(routes!(
            mentoring::list_mentorships,
            mentoring::add_mentorship
        ))
        .routes(routes!(mentoring::mentorship))
        .routes(routes!(mentoring::add_note))
        .routes(routes!(mentoring::list_trainings, mentoring::add_training))
}

pub(crate) fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The places whose roster a user reads: none for every place (the office, the lead
/// hospital, the bureau), else the institutions of the user's reach.
pub fn places(user: &CurrentUser) -> Option<Vec<Uuid>> {
    match (user.role, &user.scope) {
        (Role::TownshipDoctor | Role::VillageDoctor, ResidentScope::Institutions(ids)) => {
            Some(ids.clone())
        }
        (Role::TownshipDoctor | Role::VillageDoctor, _) => Some(Vec::new()),
        _ => None,
    }
}

/// Whether the user reads the roster at `institution`.
pub fn reaches(user: &CurrentUser, institution: Uuid) -> bool {
    places(user).is_none_or(|ids| ids.contains(&institution))
}

/// Whether the user plans the roster (the office).
pub fn plans(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Manager)
}

/// Whether the user records sessions held at `institution`: its township doctors, and
/// the office correcting a record.
pub fn records(user: &CurrentUser, institution: Uuid) -> bool {
    plans(user) || (user.role == Role::TownshipDoctor && user.scope.allows(institution))
}

/// A refusal for lack of role, audited.
pub(crate) async fn refuse(
    state: &AppState,
    user: &CurrentUser,
    (action, entity): (&str, &str),
    id: Option<Uuid>,
) -> ApiError {
    match user.audit(state, action, entity, id, false, "role").await {
        Ok(()) => ApiError::forbidden(),
        Err(e) => e,
    }
}

/// A day given as `YYYY-MM-DD` (422 naming the field when it is not one).
pub(crate) fn day(raw: &str, field: &'static str) -> ApiResult<Date> {
    crate::ui::list::date(Some(raw)).ok_or_else(|| unprocessable(field, "date_invalid"))
}

/// A time of day `HH:MM` as minutes after midnight.
pub fn minutes(raw: &str) -> Option<i64> {
    let (h, m) = raw.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn hhmm(min: i64) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// Minutes after midnight as a time of day.
pub(crate) fn clock(min: i64) -> Time {
    let min = min.clamp(0, 1439);
    Time::from_hms((min / 60) as u8, (min % 60) as u8, 0).unwrap_or(Time::MIDNIGHT)
}

/// 1 (Monday) to 7 (Sunday) as a weekday.
pub(crate) fn weekday(n: i64) -> Weekday {
    Weekday::Sunday.nth_next(n.clamp(1, 7) as u8)
}

/// The start and end of a session as given, checked: `(start_min, end_min)`.
pub(crate) fn times(start: &str, end: &str) -> ApiResult<(i64, i64)> {
    let s = minutes(start).ok_or_else(|| unprocessable("start", "time_invalid"));
    let e = minutes(end).ok_or_else(|| unprocessable("end", "time_invalid"));
    match (s, e) {
        (Ok(s), Ok(e)) if e > s => Ok((s, e)),
        (Ok(_), Ok(_)) => Err(unprocessable("end", "end_before_start")),
        (s, e) => Err(ApiError::all(s.err().into_iter().chain(e.err()).collect())
            .unwrap_or_else(ApiError::internal)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_read_and_print_as_hh_mm() {
        assert_eq!(minutes("08:30"), Some(510));
        assert_eq!(minutes("24:00"), None);
        assert_eq!(minutes("8:5"), Some(485));
        assert_eq!(minutes("noon"), None);
        assert_eq!(hhmm(510), "08:30");
        assert_eq!(weekday(1), Weekday::Monday);
        assert_eq!(weekday(7), Weekday::Sunday);
        assert_eq!(clock(1439), time::macros::time!(23:59));
    }
}
