//! Examination time slots through the API (seed 003: booking a time for an examination):
//! a centre's staff (or the office) open slots for one of the centre's items on a day,
//! whole or cut into equal parts; everyone working with the centres reads them; residents
//! book them from their window for the orders their clinic placed.

use super::unprocessable;
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::outreach::api::{day, times};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use time::Duration;
use yigong_domain::clock::today;
use yigong_domain::diagnostics::catalogue;
use yigong_domain::diagnostics::order::Scope;
use yigong_store::diagnostics::{NewSlot, SlotRow};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    pub item_code: Option<String>,
    /// From this day (today by default), to that one (two weeks on by default).
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The slots of the period (of one item if asked), for those who work with the centres.
pub async fn slots_for(
    state: &AppState,
    user: &CurrentUser,
    q: &SlotQuery,
) -> ApiResult<Vec<SlotRow>> {
    if !user.diagnostics.has_orders() {
        user.audit(state, "diagnostics.slots", "diag_slot", None, false, "role")
            .await?;
        return Err(ApiError::forbidden());
    }
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let from = blank(&q.from)
        .map(|s| day(&s, "from"))
        .transpose()?
        .unwrap_or_else(today);
    let to = blank(&q.to)
        .map(|s| day(&s, "to"))
        .transpose()?
        .unwrap_or(from + Duration::days(13));
    let centre = match &user.diagnostics {
        Scope::Centre(c) => Some(*c),
        _ => None,
    };
    let item = blank(&q.item_code);
    Ok(state
        .store
        .slots(state.community.id, (centre, item.as_deref()), (from, to))
        .await?)
}

/// Examination slots of the next two weeks (or the period asked).
#[utoipa::path(get, path = "/diagnostics/slots", params(SlotQuery),
    responses((status = 200, body = Vec<Object>), (status = 403), (status = 422)))]
pub async fn list_slots(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<SlotQuery>,
) -> ApiResult<Json<Vec<SlotRow>>> {
    Ok(Json(slots_for(&state, &user, &q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SlotBody {
    #[serde(default)]
    pub item_code: String,
    #[serde(default)]
    pub day: String,
    /// `HH:MM`.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// Patients each slot takes (1 to 200).
    #[serde(default)]
    pub capacity: Option<i64>,
    /// Cut the hours into slots of this many minutes (10 to 240); none: one slot.
    #[serde(default)]
    pub every_minutes: Option<i64>,
}

/// Opens slots (the item's centre, or the office); their ids.
pub async fn open_slots(
    state: &AppState,
    user: &CurrentUser,
    b: &SlotBody,
) -> ApiResult<Vec<uuid::Uuid>> {
    let item = catalogue::item(b.item_code.trim());
    let allowed = match (&user.diagnostics, item) {
        (Scope::All, _) => true,
        (Scope::Centre(c), Some(i)) => *c == i.centre,
        (Scope::Centre(_), None) => true,
        _ => false,
    };
    if !allowed {
        user.audit(
            state,
            "diagnostics.slots_open",
            "diag_slot",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let item = item.ok_or_else(|| unprocessable("item_code", "invalid_field"))?;
    let d = day(&b.day, "day")?;
    if d < today() {
        return Err(unprocessable("day", "in_the_past"));
    }
    let (start, end) = times(&b.start, &b.end)?;
    let capacity = b
        .capacity
        .filter(|n| (1..=200).contains(n))
        .ok_or_else(|| unprocessable("capacity", "out_of_range"))?;
    let every = match b.every_minutes {
        None => end - start,
        Some(m) if (10..=240).contains(&m) => m,
        Some(_) => return Err(unprocessable("every_minutes", "out_of_range")),
    };
    let rows: Vec<NewSlot> = (0..)
        .map(|k| start + k * every)
        .take_while(|s| s + every <= end)
        .map(|s| NewSlot {
            centre: item.centre,
            item_code: item.code.to_string(),
            day: d,
            start_min: s,
            end_min: s + every,
            capacity,
        })
        .collect();
    if rows.is_empty() {
        return Err(unprocessable("every_minutes", "out_of_range"));
    }
    let detail = format!("{} {} {}", item.code, d, rows.len());
    let entry = user.audit_entry("diagnostics.slots_open", "diag_slot", None, true, &detail);
    Ok(state
        .store
        .add_slots(state.community.id, &rows, &entry)
        .await?)
}

/// Opens examination slots for one of the centre's items on a day.
#[utoipa::path(post, path = "/diagnostics/slots", request_body = SlotBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_slots(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<SlotBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let ids = open_slots(&state, &user, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "ids": ids }))))
}
