//! Log in and out through the API, and who am I.

use super::AppJson;
use crate::auth::{CurrentUser, check_credentials, issue_session};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
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
#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong username or password")))]
pub async fn login(
    State(state): State<AppState>,
    AppJson(req): AppJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    if req.username.len() > 64 || req.password.len() > 256 {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ));
    }
    let account = check_credentials(&state, &req.username, &req.password)
        .await?
        .ok_or(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ))?;
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
#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    _user: CurrentUser,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    if let Some(t) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        crate::auth::end_session(&state, t.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The account behind the token.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me)))]
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        id: user.account_id,
        username: user.username,
        display_name: user.display_name,
        role: user.role.as_str().into(),
        institution_id: user.institution_id,
    })
}
