//! Dated sessions: the roster list, a one-off session, the office's cancellations and
//! swaps (the township sees the reason on its roster and home page), and the township's
//! record of a held session with the registered patients seen, the doctor who sat with
//! the expert and the referral started there.

use super::roster::{ConflictView, commitments, expert_of, site_of};
use super::{clock, day, places, plans, reaches, records, refuse, times, unprocessable};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::outreach::roster::{self, Session};
use yigong_domain::outreach::session::{self as rules, Status};
use yigong_store::outreach::{NewSession, SessionFilter, SessionRow, VisitRow};
use yigong_store::{Page, PageRequest, StoreError};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// From this day (YYYY-MM-DD; this week's Monday by default).
    pub from: Option<String>,
    /// To this day, included (six days after `from` by default).
    pub to: Option<String>,
    pub institution_id: Option<Uuid>,
    pub expert_id: Option<Uuid>,
    /// `planned`, `held` or `cancelled`.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The filter of a query within the user's reach.
pub fn filter_of(user: &CurrentUser, q: &SessionQuery) -> ApiResult<SessionFilter> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let from = blank(&q.from).map(|s| day(&s, "from")).transpose()?;
    let from = from.unwrap_or_else(|| roster::week_of(today()));
    let to = blank(&q.to).map(|s| day(&s, "to")).transpose()?;
    let to = to.unwrap_or(from + time::Duration::days(6));
    let status = blank(&q.status)
        .map(|s| Status::parse(&s).ok_or_else(|| unprocessable("status", "invalid_field")))
        .transpose()?;
    let institutions = match (places(user), q.institution_id) {
        (None, None) => None,
        (None, Some(i)) => Some(vec![i]),
        (Some(mine), None) => Some(mine),
        (Some(mine), Some(i)) => Some(mine.into_iter().filter(|m| *m == i).collect()),
    };
    Ok(SessionFilter {
        institutions,
        expert: q.expert_id,
        status,
        from: Some(from),
        to: Some(to),
    })
}

/// Sessions in the user's reach over a period (this week by default), by day and time.
#[utoipa::path(get, path = "/outreach/sessions", params(SessionQuery),
    responses((status = 200, description = "A page of sessions with `total`"), (status = 422)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<SessionQuery>,
) -> ApiResult<Json<Page<SessionRow>>> {
    let f = filter_of(&user, &q)?;
    let page = PageRequest::new(q.page, q.per_page);
    Ok(Json(
        state
            .store
            .find_sessions(state.community.id, &f, page)
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SessionBody {
    #[serde(default)]
    pub expert_id: Option<Uuid>,
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub capacity: Option<i64>,
}

/// 409 with the first conflict of a session, if any.
async fn clear(state: &AppState, s: &NewSession, except: Option<Uuid>) -> ApiResult<()> {
    let (mine, _) = commitments(state, s.expert_id, (s.day, s.day), except).await?;
    let session = Session {
        date: s.day,
        start: clock(s.start_min),
        end: clock(s.end_min),
        place: String::new(),
    };
    match roster::conflicts(&session, &mine).first() {
        Some(c) => Err(ConflictView::of(c).refusal()),
        None => Ok(()),
    }
}

/// Plans a one-off session (the office), refused with its conflict.
#[utoipa::path(post, path = "/outreach/sessions", request_body = SessionBody,
    responses((status = 201, body = Object), (status = 403), (status = 409), (status = 422)))]
pub async fn add_session(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<SessionBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.session_add", "outreach_session"),
            None,
        )
        .await);
    }
    let expert = expert_of(&state, b.expert_id).await?;
    let site = site_of(&state, b.institution_id).await?;
    let d = day(&b.day, "day")?;
    if d < today() {
        return Err(unprocessable("day", "in_the_past"));
    }
    let (start_min, end_min) = times(&b.start, &b.end)?;
    let capacity = b
        .capacity
        .filter(|n| (1..=500).contains(n))
        .ok_or_else(|| unprocessable("capacity", "out_of_range"))?;
    let s = NewSession {
        expert_id: expert,
        institution_id: site,
        template_id: None,
        day: d,
        start_min,
        end_min,
        capacity,
    };
    clear(&state, &s, None).await?;
    let entry = user.audit_entry("outreach.session_add", "outreach_session", None, true, "");
    let ids = state
        .store
        .plan_sessions(state.community.id, &[s], &entry)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": ids.first() })),
    ))
}

/// A session with the patients seen (to those who reach its place's residents) and how
/// many places are booked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub session: SessionRow,
    /// None: the user does not see the patients.
    #[schema(value_type = Option<Vec<Object>>)]
    pub visits: Option<Vec<VisitRow>>,
    /// Whether the user may record the session.
    pub can_record: bool,
    /// Whether the user may cancel or move it.
    pub can_change: bool,
}

/// A session in reach (404 otherwise, audited); its patients read audited.
pub async fn session_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<SessionView> {
    let c = state.community.id;
    let found = match state.store.get_session(c, id).await {
        Ok(s) if reaches(user, s.institution_id) => Some(s),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(session) = found else {
        user.audit(
            state,
            "outreach.session_read",
            "outreach_session",
            Some(id),
            false,
            "",
        )
        .await?;
        return Err(ApiError::not_found());
    };
    let visits = if user.scope.allows(session.institution_id) {
        let v = state.store.session_visits(c, id).await?;
        user.audit(
            state,
            "outreach.session_read",
            "outreach_session",
            Some(id),
            true,
            "",
        )
        .await?;
        Some(v)
    } else {
        None
    };
    Ok(SessionView {
        can_record: records(user, session.institution_id) && session.status != Status::Cancelled,
        can_change: plans(user) && session.status == Status::Planned,
        session,
        visits,
    })
}

/// A session of the roster.
#[utoipa::path(get, path = "/outreach/sessions/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = SessionView), (status = 404)))]
pub async fn session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SessionView>> {
    Ok(Json(session_of(&state, &user, id).await?))
}

/// The session for a step by the office (planned, at the version given).
async fn planned(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<SessionRow> {
    if !plans(user) {
        return Err(refuse(state, user, (action, "outreach_session"), Some(id)).await);
    }
    let s = match state.store.get_session(state.community.id, id).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    rules::change(s.status).map_err(|r| ApiError::new(StatusCode::CONFLICT, r.code()))?;
    Ok(s)
}

pub(crate) fn changed() -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "session_changed")
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CancelBody {
    #[serde(default)]
    pub version: Option<i64>,
    /// Shown to the township and to residents who booked.
    #[serde(default)]
    pub reason: String,
}

/// Cancels a planned session with a reason (the office).
#[utoipa::path(post, path = "/outreach/sessions/{id}/cancel", params(("id" = Uuid, Path)), request_body = CancelBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<CancelBody>,
) -> ApiResult<StatusCode> {
    cancel_session(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The cancellation, checked and written.
pub async fn cancel_session(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &CancelBody,
) -> ApiResult<()> {
    let s = planned(state, user, id, "outreach.session_cancel").await?;
    let reason = reason_of(&b.reason)?;
    let entry = user.audit_entry(
        "outreach.session_cancel",
        "outreach_session",
        Some(id),
        true,
        "",
    );
    let version = b.version.unwrap_or(s.version);
    if !state
        .store
        .cancel_session(state.community.id, (id, version), &reason, &entry)
        .await?
    {
        return Err(changed());
    }
    tell_booked(state, &s, &reason).await
}

/// Tells the residents who booked a session that it changed, with the reason.
async fn tell_booked(state: &AppState, s: &SessionRow, reason: &str) -> ApiResult<()> {
    let day = s.day.to_string();
    let args = [
        ("day", day.as_str()),
        ("place", s.institution_name.as_str()),
        ("reason", reason),
    ];
    let text = crate::i18n::Lang::Zh.tr("portal.sms_session_changed", &args);
    for (resident, _, _) in state
        .store
        .session_bookings(state.community.id, s.id)
        .await?
    {
        crate::portal::reports::push(state, resident, ("session_changed", s.id), &text).await;
    }
    Ok(())
}

fn reason_of(raw: &str) -> ApiResult<String> {
    let r = raw.trim();
    if r.is_empty() {
        Err(unprocessable("reason", "required"))
    } else if r.chars().count() > 200 {
        Err(unprocessable("reason", "too_long"))
    } else {
        Ok(r.to_string())
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MoveBody {
    #[serde(default)]
    pub version: Option<i64>,
    /// Another expert (a swap), or the same one.
    #[serde(default)]
    pub expert_id: Option<Uuid>,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub reason: String,
}

/// Moves a planned session to another expert or time (the office), refused with its
/// conflict.
#[utoipa::path(post, path = "/outreach/sessions/{id}/move", params(("id" = Uuid, Path)), request_body = MoveBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn move_to(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<MoveBody>,
) -> ApiResult<StatusCode> {
    move_session(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The move, checked against the expert's commitments and written.
pub async fn move_session(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &MoveBody,
) -> ApiResult<()> {
    let s = planned(state, user, id, "outreach.session_move").await?;
    let expert = expert_of(state, b.expert_id.or(Some(s.expert_id))).await?;
    let d = if b.day.trim().is_empty() {
        s.day
    } else {
        day(&b.day, "day")?
    };
    if d < today() {
        return Err(unprocessable("day", "in_the_past"));
    }
    let (start_min, end_min) = if b.start.trim().is_empty() && b.end.trim().is_empty() {
        (s.start_min, s.end_min)
    } else {
        times(&b.start, &b.end)?
    };
    let reason = reason_of(&b.reason)?;
    let to = NewSession {
        expert_id: expert,
        institution_id: s.institution_id,
        template_id: None,
        day: d,
        start_min,
        end_min,
        capacity: s.capacity,
    };
    clear(state, &to, Some(id)).await?;
    let entry = user.audit_entry(
        "outreach.session_move",
        "outreach_session",
        Some(id),
        true,
        "",
    );
    let version = b.version.unwrap_or(s.version);
    let at = (expert, d, start_min, end_min);
    if !state
        .store
        .move_session(state.community.id, (id, version), at, &reason, &entry)
        .await?
    {
        return Err(changed());
    }
    tell_booked(state, &s, &reason).await
}
