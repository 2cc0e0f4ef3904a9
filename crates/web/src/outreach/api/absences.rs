//! What keeps an expert from a session, as the office records it: duty shifts and leave
//! at the lead hospital, the holidays no session is planned on, and an expert's weekly cap.

use super::roster::expert_of;
use super::{day, plans, refuse, times, unprocessable};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use time::Duration;
use uuid::Uuid;
use yigong_domain::outreach::session::Absence;
use yigong_store::outreach::Absent;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AbsenceQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub expert_id: Option<Uuid>,
}

/// Duty shifts and leave of the experts (the office).
#[utoipa::path(get, path = "/outreach/absences", params(AbsenceQuery),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 422)))]
pub async fn list_absences(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<AbsenceQuery>,
) -> ApiResult<Json<Vec<Absent>>> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.absences", "outreach_absence"),
            None,
        )
        .await);
    }
    let today = yigong_domain::clock::today();
    let from = q
        .from
        .as_deref()
        .map(|s| day(s, "from"))
        .transpose()?
        .unwrap_or(today);
    let to =
        q.to.as_deref()
            .map(|s| day(s, "to"))
            .transpose()?
            .unwrap_or(from + Duration::days(31));
    Ok(Json(
        state
            .store
            .absences(state.community.id, q.expert_id, (from, to))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AbsenceBody {
    #[serde(default)]
    pub expert_id: Option<Uuid>,
    #[serde(default)]
    pub day: String,
    /// `duty` (with start and end) or `leave` (the whole day).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub note: String,
}

/// Records a duty shift or a day of leave (the office).
#[utoipa::path(post, path = "/outreach/absences", request_body = AbsenceBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_absence(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<AbsenceBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.absence", "outreach_absence"),
            None,
        )
        .await);
    }
    let expert = expert_of(&state, b.expert_id).await?;
    let d = day(&b.day, "day")?;
    let kind =
        Absence::parse(b.kind.trim()).ok_or_else(|| unprocessable("kind", "invalid_field"))?;
    let (start_min, end_min) = match kind {
        Absence::Leave => (0, 1439),
        Absence::Duty => times(&b.start, &b.end)?,
    };
    let a = Absent {
        id: Uuid::nil(),
        expert_id: expert,
        day: d,
        kind,
        start_min,
        end_min,
        note: b.note.trim().chars().take(200).collect(),
    };
    let entry = user.audit_entry(
        "outreach.absence",
        "outreach_absence",
        Some(expert),
        true,
        kind.as_str(),
    );
    let id = state
        .store
        .add_absence(state.community.id, &a, &entry)
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct HolidayBody {
    #[serde(default)]
    pub name: String,
}

/// Sets a holiday on which no session is planned (the office).
#[utoipa::path(put, path = "/outreach/holidays/{day}", params(("day" = String, Path)), request_body = HolidayBody,
    responses((status = 204), (status = 403), (status = 422)))]
pub async fn set_holiday(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw): Path<String>,
    AppJson(b): AppJson<HolidayBody>,
) -> ApiResult<StatusCode> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.holiday", "outreach_holiday"),
            None,
        )
        .await);
    }
    let d = day(&raw, "day")?;
    let name = b.name.trim();
    if name.is_empty() {
        return Err(unprocessable("name", "required"));
    }
    let name: String = name.chars().take(40).collect();
    let detail = d.to_string();
    let entry = user.audit_entry("outreach.holiday", "outreach_holiday", None, true, &detail);
    state
        .store
        .set_holiday(state.community.id, (d, &name), &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CapBody {
    /// Sessions a week (1 to 14); none lifts the cap.
    #[serde(default)]
    pub weekly_cap: Option<i64>,
}

/// Sets or lifts an expert's weekly cap (the office).
#[utoipa::path(put, path = "/outreach/caps/{expert_id}", params(("expert_id" = Uuid, Path)), request_body = CapBody,
    responses((status = 204), (status = 403), (status = 422)))]
pub async fn set_cap(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(expert): Path<Uuid>,
    AppJson(b): AppJson<CapBody>,
) -> ApiResult<StatusCode> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.cap", "outreach_cap"),
            Some(expert),
        )
        .await);
    }
    let expert = expert_of(&state, Some(expert)).await?;
    if b.weekly_cap.is_some_and(|n| !(1..=14).contains(&n)) {
        return Err(unprocessable("weekly_cap", "out_of_range"));
    }
    let entry = user.audit_entry("outreach.cap", "outreach_cap", Some(expert), true, "");
    state
        .store
        .set_weekly_cap(state.community.id, (expert, b.weekly_cap), &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
