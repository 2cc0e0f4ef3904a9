//! Log in and out through the API, and who am I.

use super::AppJson;
use crate::http::auth::{ConnectInfoIp, CurrentUser, issue_session};
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
    pub account: Me,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub institution_id: Uuid,
}

/// Exchanges a username and password for a bearer token.
#[utoipa::path(post, path = "/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong username or password"),
        (status = 429, description = "too many failed logins for this username or address")))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfoIp(ip): ConnectInfoIp,
    AppJson(req): AppJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let account = crate::http::auth::login(
        &state,
        &req.username,
        &req.password,
        &ip,
        ("POST", "/api/v1/auth/login"),
    )
    .await?;
    let (token, _csrf, expires_at) = issue_session(&state, &account).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        account: Me {
            id: account.id,
            username: account.username,
            display_name: account.display_name,
            role: account.role,
            institution_id: account.institution_id,
        },
    }))
}

/// Ends the session of the presented token.
#[utoipa::path(post, path = "/auth/logout", responses((status = 204)))]
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    crate::http::auth::end_session(&state, &user.session).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account behind the token.
#[utoipa::path(get, path = "/me", responses((status = 200, body = Me)))]
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        id: user.account_id,
        username: user.username,
        display_name: user.display_name,
        role: user.role.as_str().into(),
        institution_id: user.institution_id,
    })
}
