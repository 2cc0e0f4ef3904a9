//! Yigong over HTTP: the JSON API (`/api/v1`), FHIR R4 (`/fhir/r4`) and the HTML UI,
//! served by one axum router.

pub mod api;
pub mod auth;
pub mod demo;
pub mod demo_ecg;
pub mod demo_family;
pub mod demo_referrals;
pub mod error;
pub mod fhir;
pub mod i18n;
pub mod import;
pub mod import_xlsx;
pub mod openapi;
pub mod passwords;
pub mod state;
pub mod throttle;
pub mod ui;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use i18n::Lang;
use state::AppState;

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::router().fallback(api_not_found))
        .nest("/fhir/r4", fhir::router())
        .merge(ui::router())
        .layer(middleware::from_fn(localize))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

/// Re-renders API error bodies in English when the request asked for English.
async fn localize(req: Request, next: Next) -> Response {
    let lang = Lang::detect(req.uri().query(), req.headers());
    let res = next.run(req).await;
    if lang == Lang::Zh {
        return res;
    }
    let Some(err) = res.extensions().get::<ApiError>().cloned() else {
        return res;
    };
    let fhir = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/fhir+json"));
    if fhir {
        return fhir::FhirError::from(err).into_response_in(lang);
    }
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(err.body(lang).to_string()))
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", header::HeaderValue::from_static("DENY"));
    h.insert(
        "referrer-policy",
        header::HeaderValue::from_static("same-origin"),
    );
    res
}
