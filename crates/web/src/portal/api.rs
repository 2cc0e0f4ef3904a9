//! The residents' window through the API: signing in with a code, and then only the
//! resident's own records: who they are (masked), their contract with a family-doctor
//! team and next follow-up, the experts coming to their township and their bookings, their
//! released reports (ECG and test results), their referrals and the notices pushed to
//! them. A record of anyone else answers 404, audited.

use super::auth::{Asked, CurrentResident, send_code, session_cookie, verify};
use crate::api::AppJson;
use crate::http::auth::ConnectInfoIp;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::identity::{mask_id_text, mask_phone_text};
use yigong_store::outreach::{SessionFilter, SessionRow};
use yigong_store::{PageRequest, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(code))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(sessions))
        .routes(routes!(book, unbook))
        .merge(super::reports::router())
        .merge(super::exams::router())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CodeBody {
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CodeSent {
    /// Always true: whether the person exists is not said.
    pub sent: bool,
    /// The code itself, in demo mode only.
    pub demo_code: Option<String>,
}

/// Sends a one-time code to the phone of the resident with this ID number and phone.
#[utoipa::path(post, path = "/portal/code", request_body = CodeBody, security(()),
    responses((status = 202, body = CodeSent), (status = 429, description = "too many codes asked for")))]
pub async fn code(
    State(state): State<AppState>,
    ConnectInfoIp(ip): ConnectInfoIp,
    AppJson(b): AppJson<CodeBody>,
) -> ApiResult<(StatusCode, Json<CodeSent>)> {
    let asked = Asked {
        ip: &ip,
        method: "POST",
        path: "/api/v1/portal/code",
    };
    let demo_code = send_code(&state, (&b.id_number, &b.phone), &asked).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            sent: true,
            demo_code,
        }),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SignInBody {
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub code: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

/// Exchanges the code for a resident's bearer token (also set as the window's cookie).
#[utoipa::path(post, path = "/portal/sign-in", request_body = SignInBody, security(()),
    responses((status = 200, body = SignedIn), (status = 401, description = "wrong or expired code"), (status = 429)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfoIp(ip): ConnectInfoIp,
    AppJson(b): AppJson<SignInBody>,
) -> ApiResult<Response> {
    let asked = Asked {
        ip: &ip,
        method: "POST",
        path: "/api/v1/portal/sign-in",
    };
    let (token, _csrf, expires_at) =
        verify(&state, (&b.id_number, &b.phone, &b.code), &asked).await?;
    let cookie = session_cookie(&state, &token);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SignedIn { token, expires_at }),
    )
        .into_response())
}

/// Ends the resident's session.
#[utoipa::path(post, path = "/portal/sign-out", responses((status = 204), (status = 401)))]
pub async fn sign_out(State(state): State<AppState>, me: CurrentResident) -> ApiResult<Response> {
    state
        .store
        .end_portal_session(state.community.id, &me.session)
        .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session_cookie(&state, ""))],
    )
        .into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub clinic: String,
    /// The family-doctor team of the active contract, and its last day.
    pub team: Option<String>,
    pub contract_ends: Option<String>,
    /// The next follow-up due in a chronic-care register.
    pub next_follow_up: Option<String>,
}

/// The resident, masked, with their contract and next follow-up; read audited.
pub async fn me_of(state: &AppState, me: &CurrentResident) -> ApiResult<Me> {
    let (c, r) = (state.community.id, &me.resident);
    let contract = state
        .store
        .contracts_of(c, r.id)
        .await?
        .into_iter()
        .find(|k| k.status == "active");
    let next = state
        .store
        .registers_of(c, r.id)
        .await?
        .iter()
        .map(|g| g.next_due)
        .min();
    me.audit(state, ("portal.me", "resident"), Some(r.id), true)
        .await?;
    Ok(Me {
        name: r.name.clone(),
        id_number: mask_id_text(&r.id_number),
        phone: mask_phone_text(&r.phone),
        clinic: r.institution_name.clone(),
        team: contract.as_ref().map(|k| k.team_name.clone()),
        contract_ends: contract.map(|k| k.end_date.to_string()),
        next_follow_up: next.map(|d| d.to_string()),
    })
}

#[utoipa::path(get, path = "/portal/me", responses((status = 200, body = Me), (status = 401)))]
pub async fn me(State(state): State<AppState>, me: CurrentResident) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, &me).await?))
}

/// The township a resident's experts come to: their clinic's, or the clinic itself.
pub async fn township_of(state: &AppState, me: &CurrentResident) -> ApiResult<Uuid> {
    let i = state
        .store
        .get_institution(state.community.id, me.resident.institution_id)
        .await?;
    Ok(match i.kind() {
        Some(yigong_domain::registry::InstitutionKind::Village) => i.parent_id.unwrap_or(i.id),
        _ => i.id,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Bookable {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub session: SessionRow,
    /// Whether this resident holds a place.
    pub mine: bool,
}

/// The sessions at the resident's township over the next two weeks, with their bookings.
pub async fn bookable(state: &AppState, me: &CurrentResident) -> ApiResult<Vec<Bookable>> {
    let c = state.community.id;
    let place = township_of(state, me).await?;
    let f = SessionFilter {
        institutions: Some(vec![place]),
        from: Some(today()),
        to: Some(today() + Duration::days(13)),
        ..SessionFilter::default()
    };
    let found = state
        .store
        .find_sessions(c, &f, PageRequest::new(Some(1), Some(100)))
        .await?;
    let mine: Vec<Uuid> = state
        .store
        .resident_bookings(c, me.resident.id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    Ok(found
        .items
        .into_iter()
        .map(|s| Bookable {
            mine: mine.contains(&s.id),
            session: s,
        })
        .collect())
}

/// Experts coming to the resident's township in the next two weeks.
#[utoipa::path(get, path = "/portal/sessions", responses((status = 200, body = Vec<Bookable>), (status = 401)))]
pub async fn sessions(
    State(state): State<AppState>,
    me: CurrentResident,
) -> ApiResult<Json<Vec<Bookable>>> {
    Ok(Json(bookable(&state, &me).await?))
}

/// A session at the resident's township, or 404 (audited).
async fn session_here(
    state: &AppState,
    me: &CurrentResident,
    id: Uuid,
    action: &str,
) -> ApiResult<SessionRow> {
    let place = township_of(state, me).await?;
    match state.store.get_session(state.community.id, id).await {
        Ok(s) if s.institution_id == place => Ok(s),
        Ok(_) | Err(StoreError::NotFound) => {
            me.audit(state, (action, "outreach_session"), Some(id), false)
                .await?;
            Err(ApiError::not_found())
        }
        Err(e) => Err(e.into()),
    }
}

/// Books a place: the capacity holds, one place per resident; a refusal writes nothing.
pub async fn book_place(state: &AppState, me: &CurrentResident, id: Uuid) -> ApiResult<()> {
    session_here(state, me, id, "portal.book").await?;
    let name = super::auth::audit_name(me.resident.id);
    let entry = me.entry(&name, ("portal.book", "outreach_session"), Some(id), true);
    match state
        .store
        .book_session(state.community.id, (id, me.resident.id), today(), &entry)
        .await?
    {
        Ok(()) => Ok(()),
        Err(r) => Err(ApiError::new(StatusCode::CONFLICT, r.code())),
    }
}

/// Books a place at a session at the resident's township.
#[utoipa::path(post, path = "/outreach/sessions/{id}/bookings", params(("id" = Uuid, Path)),
    responses((status = 201, body = Object), (status = 401), (status = 404), (status = 409, description = "`session_full`, `session_already_booked` or `session_closed`")))]
pub async fn book(
    State(state): State<AppState>,
    me: CurrentResident,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    book_place(&state, &me, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "session_id": id })),
    ))
}

/// Gives the place back.
pub async fn unbook_place(state: &AppState, me: &CurrentResident, id: Uuid) -> ApiResult<()> {
    session_here(state, me, id, "portal.unbook").await?;
    let name = super::auth::audit_name(me.resident.id);
    let entry = me.entry(&name, ("portal.unbook", "outreach_session"), Some(id), true);
    if state
        .store
        .cancel_booking(state.community.id, (id, me.resident.id), &entry)
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// Gives a booked place back.
#[utoipa::path(delete, path = "/outreach/sessions/{id}/bookings", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 404)))]
pub async fn unbook(
    State(state): State<AppState>,
    me: CurrentResident,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    unbook_place(&state, &me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
