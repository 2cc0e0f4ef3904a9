//! Accounts, for administrators: list, create, deactivate or reactivate, and reset a
//! password. Deactivating an account or resetting its password ends its sessions at once.

use crate::api::AppJson;
use crate::http::auth::{CurrentUser, hash_password};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_store::accounts::Account;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(deactivate))
        .routes(routes!(reactivate))
        .routes(routes!(reset_password))
}

#[utoipa::path(get, path = "/accounts", responses((status = 200, body = [Object]), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Account>>> {
    user.require(user.role.manages_accounts())?;
    Ok(Json(state.store.list_accounts(state.community.id).await?))
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct AccountBody {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub institution_id: Uuid,
}

#[utoipa::path(post, path = "/accounts", request_body = AccountBody,
    responses((status = 201, body = Object), (status = 409), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(body): AppJson<AccountBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = create_for(&state, &user, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "username": body.username.trim() })),
    ))
}

/// Validates and creates an account, audited; its id.
pub async fn create_for(
    state: &AppState,
    user: &CurrentUser,
    body: &AccountBody,
) -> ApiResult<Uuid> {
    user.require(user.role.manages_accounts())?;
    let input = yigong_app::accounts::AccountInput {
        username: &body.username,
        display_name: &body.display_name,
        password: &body.password,
        role: &body.role,
        institution_id: body.institution_id,
    };
    let id = yigong_app::accounts::create(&state.store, state.community.id, &input).await?;
    user.audit(
        state,
        "account.create",
        "account",
        Some(id),
        true,
        body.username.trim(),
    )
    .await?;
    Ok(id)
}

pub async fn set_active(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    active: bool,
) -> ApiResult<StatusCode> {
    let action = if active {
        "account.reactivate"
    } else {
        "account.deactivate"
    };
    user.require_audited(
        state,
        user.role.manages_accounts(),
        action,
        "account",
        Some(id),
    )
    .await?;
    if id == user.account_id && !active {
        return Err(ApiError::new(StatusCode::CONFLICT, "own_account"));
    }
    state
        .store
        .set_account_active(state.community.id, id, active)
        .await?;
    if !active {
        crate::http::auth::end_account_sessions(state, id).await?;
    }
    user.audit(state, action, "account", Some(id), true, "")
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates an account: it can no longer log in, and its sessions end at once.
#[utoipa::path(post, path = "/accounts/{id}/deactivate", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409, description = "one's own account")))]
pub async fn deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(&state, &user, id, false).await
}

/// Reactivates an account.
#[utoipa::path(post, path = "/accounts/{id}/reactivate", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn reactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    set_active(&state, &user, id, true).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    pub password: String,
}

/// Sets a new password for an account and ends its sessions.
#[utoipa::path(post, path = "/accounts/{id}/password", params(("id" = Uuid, Path)), request_body = PasswordBody,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(body): AppJson<PasswordBody>,
) -> ApiResult<StatusCode> {
    set_password_for(&state, &user, id, &body.password).await
}

/// Sets a new password for an account, audited, and ends its sessions.
pub async fn set_password_for(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    password: &str,
) -> ApiResult<StatusCode> {
    user.require_audited(
        state,
        user.role.manages_accounts(),
        "account.password",
        "account",
        Some(id),
    )
    .await?;
    yigong_app::accounts::check_password(password)?;
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|_| ApiError::internal())?;
    state
        .store
        .set_password(state.community.id, id, &hash)
        .await?;
    crate::http::auth::end_account_sessions(state, id).await?;
    user.audit(state, "account.password", "account", Some(id), true, "")
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
