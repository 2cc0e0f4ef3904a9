//! Yigong over HTTP: the JSON API (`/api/v1`), FHIR R4 (`/fhir/r4`) and the HTML UI,
//! served by one axum router.

// The edges every context shares.
pub use yigong_app::{demo, i18n};
pub mod api;
pub mod contexts;
pub mod fhir;
pub mod http;
pub mod openapi;
pub mod state;
pub mod ui;

// The contexts, each with its API, pages and FHIR routes; mounted in `contexts::CONTEXTS`.
pub mod admin;
pub mod chronic;
pub mod diagnostics;
pub mod ecg;
pub mod family;
pub mod indicators;
pub mod outreach;
pub mod party;
pub mod portal;
pub mod referral;
pub mod registry;
pub mod screening;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::error::ApiError;
use i18n::Lang;
use state::AppState;

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .nest(
            "/api/v1",
            axum::Router::from(api::router()).fallback(api_not_found),
        )
        .nest("/fhir/r4", fhir::router())
        .merge(ui::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::refusals::layer,
        ))
        .layer(middleware::from_fn(error_shape))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::csrf::layer,
        ))
        .layer(middleware::from_fn(localize))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    if state.store.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// A path the API does not have (told apart from a record that does not exist).
async fn api_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "unknown_route")
}

/// Re-renders API error bodies in English when the request asked for English.
async fn localize(req: Request, next: Next) -> Response {
    let lang = crate::http::request_lang(req.uri().query(), req.headers());
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

/// The browser-side rules: no inline script, no framing, nothing cached but the static
/// assets (pages and API answers carry patient data), HSTS behind TLS.
async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let assets = req.uri().path().starts_with("/static/");
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
    h.insert(
        "content-security-policy",
        header::HeaderValue::from_static(CSP),
    );
    if !assets {
        h.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    if state.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Scripts only from this server (no inline script, no eval); style attributes stay
/// allowed for the server-drawn bars and charts.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Extractor rejections (a malformed id in a path) answer in plain text and a wrong
/// method with no body; under `/api` and `/fhir` they get the error shape every other error has.
async fn error_shape(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    // Plain text, or no body at all (the router's own 405).
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain || !res.status().is_client_error() || res.extensions().get::<ApiError>().is_some() {
        return res;
    }
    let code = match res.status() {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "invalid_path",
    };
    let err = ApiError::new(res.status(), code);
    if path.starts_with("/fhir/") {
        fhir::FhirError::from(err).into_response()
    } else if path.starts_with("/api/") {
        err.into_response()
    } else {
        res
    }
}
