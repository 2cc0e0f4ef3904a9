//! The JSON API under `/api/v1`: thin handlers that parse, call the store, and render.

pub mod files;
pub mod live;
pub mod session;

use crate::http::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa_axum::{router::OpenApiRouter, routes};
use yigong_store::PageRequest;

/// Every API route, each with its OpenAPI operation: a handler is mounted only through
/// `routes!`, which takes its path from the handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    let mut api = OpenApiRouter::new()
        .merge(session::router())
        .merge(live::router())
        .routes(routes!(crate::openapi::document));
    for context in crate::contexts::CONTEXTS {
        api = api.merge((context.api)());
    }
    api
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

/// Parses an optional UUID query value, naming the field when it is malformed.
pub fn opt_uuid(raw: &Option<String>, field: &'static str) -> Result<Option<uuid::Uuid>, ApiError> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            ApiError::field(axum::http::StatusCode::BAD_REQUEST, field, "invalid_field")
        }),
    }
}

/// Serde: a measured decimal (glucose, weight, height) as a JSON number or as a string
/// with a point or a comma, kept to one decimal place ([`yigong_domain::measures`]).
/// Use with `#[serde(default, deserialize_with = "crate::api::tenths")]`.
pub fn tenths<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    use yigong_domain::measures::{decimal, tenths};
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(f64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Number(x)) => Ok(Some(tenths(x))),
        Some(Raw::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Raw::Text(t)) => decimal(&t)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("not a number")),
    }
}
