//! The JSON API under `/api/v1`: thin handlers that parse, call the store, and render.

pub mod accounts;
pub mod audit;
pub mod chronic;
pub mod ecg;
pub mod family;
pub mod imports;
pub mod institutions;
pub mod live;
pub mod referral_stats;
pub mod referrals;
pub mod residents;
pub mod screening;
pub mod session;
pub mod staff;

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa_axum::{router::OpenApiRouter, routes};
use yigong_store::PageRequest;

/// Every API route, each with its OpenAPI operation: a handler is mounted only through
/// `routes!`, which takes its path from the handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::router())
        .merge(institutions::router())
        .merge(residents::router())
        .merge(staff::router())
        .merge(accounts::router())
        .merge(audit::router())
        .merge(imports::router())
        .merge(referrals::router())
        .merge(referral_stats::router())
        .merge(ecg::router())
        .merge(chronic::router())
        .merge(family::router())
        .merge(screening::router())
        .merge(live::router())
        .routes(routes!(crate::openapi::document))
}

/// JSON body extractor whose rejections use our error shape.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(AppJson(v))
    }
}

/// An optional JSON body: empty means the default.
pub fn optional_json<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
            )
            .with_detail(e.to_string())
        } else {
            ApiError::new(axum::http::StatusCode::BAD_REQUEST, "bad_json")
        }
    })
}

/// `?page=&per_page=` on every list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl Paging {
    pub fn request(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

/// A query extractor whose rejections use our error shape.
pub struct AppQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| AppQuery(q.0))
            .map_err(|e| {
                ApiError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_field")
                    .with_detail(e.body_text())
            })
    }
}

/// Deactivates or reactivates an institution, department or staff member: registrars
/// only, audited as `<entity>.deactivate` / `<entity>.reactivate`.
pub async fn set_registry_active(
    state: &crate::state::AppState,
    user: &crate::auth::CurrentUser,
    kind: yigong_store::Deactivatable,
    entity: &str,
    id: uuid::Uuid,
    active: bool,
) -> Result<axum::http::StatusCode, ApiError> {
    user.require(user.role.edits_registry())?;
    state
        .store
        .set_active(kind, state.community.id, id, active)
        .await?;
    let action = format!(
        "{entity}.{}",
        if active { "reactivate" } else { "deactivate" }
    );
    user.audit(state, &action, entity, Some(id), true, "")
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Parses an optional UUID query value, naming the field when it is malformed.
pub fn opt_uuid(raw: &Option<String>, field: &'static str) -> Result<Option<uuid::Uuid>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            ApiError::field(axum::http::StatusCode::BAD_REQUEST, field, "invalid_field")
        }),
    }
}
