//! FHIR R4 under `/fhir/r4`: the CapabilityStatement, the response and error shapes
//! (OperationOutcome), the FHIR user, the search reader, and the Observations that two
//! contexts share. Each context's resources are in its `fhir.rs`; out-of-scope patients
//! answer 404.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;

mod observations;
mod search;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
pub(crate) use search::{FhirSearch, SearchParams, bundle};
use serde_json::Value;
use yigong_fhir as fhir;

pub fn router() -> Router<AppState> {
    let mut fhir = Router::new()
        .route("/metadata", get(metadata))
        .merge(observations::router());
    for context in crate::contexts::CONTEXTS {
        fhir = fhir.merge((context.fhir)());
    }
    fhir.fallback(unknown_resource)
}

/// A resource type (or path) this server does not serve: 404 with an OperationOutcome
/// naming it, after the caller has been authenticated like on every other path.
async fn unknown_resource(FhirUser(_): FhirUser, uri: axum::http::Uri) -> FhirError {
    let name = uri.path().trim_start_matches('/');
    let name = name.split('/').next().unwrap_or_default();
    FhirError(ApiError::new(StatusCode::NOT_FOUND, "fhir_resource_unsupported").with_detail(name))
}

/// A FHIR response: `application/fhir+json`.
pub struct Fhir(pub StatusCode, pub Value);

impl IntoResponse for Fhir {
    fn into_response(self) -> Response {
        (
            self.0,
            [(header::CONTENT_TYPE, "application/fhir+json; charset=utf-8")],
            self.1.to_string(),
        )
            .into_response()
    }
}

/// An error rendered as OperationOutcome.
#[derive(Debug)]
pub struct FhirError(pub ApiError);

impl From<ApiError> for FhirError {
    fn from(e: ApiError) -> Self {
        FhirError(e)
    }
}

impl From<yigong_store::StoreError> for FhirError {
    fn from(e: yigong_store::StoreError) -> Self {
        FhirError(e.into())
    }
}

impl IntoResponse for FhirError {
    fn into_response(self) -> Response {
        self.into_response_in(Lang::Zh)
    }
}

impl FhirError {
    pub fn into_response_in(self, lang: Lang) -> Response {
        let code = match self.0.status {
            StatusCode::NOT_FOUND => "not-found",
            StatusCode::UNAUTHORIZED => "login",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::METHOD_NOT_ALLOWED => "not-supported",
            s if s.is_server_error() => "exception",
            _ => "invalid",
        };
        let mut r = Fhir(
            self.0.status,
            fhir::operation_outcome(code, &self.0.message(lang)),
        )
        .into_response();
        r.extensions_mut().insert(self.0);
        r
    }
}

pub(crate) type FhirResult = Result<Fhir, FhirError>;

/// The authenticated user, with authentication failures as OperationOutcome.
pub struct FhirUser(pub CurrentUser);

impl FromRequestParts<AppState> for FhirUser {
    type Rejection = FhirError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, FhirError> {
        Ok(FhirUser(
            CurrentUser::from_request_parts(parts, state).await?,
        ))
    }
}

pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/fhir/r4")
}

/// A created (or corrected) resource with its `Location`: `path` is `Type/<id>`.
pub(crate) fn located(
    status: StatusCode,
    resource: Value,
    headers: &HeaderMap,
    path: &str,
) -> Response {
    let location = format!("{}/{path}", base_url(headers));
    let mut res = Fhir(status, resource).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// A pushed resource whose `element` is missing or wrong: 422 naming it.
pub(crate) fn invalid_element(element: &str) -> FhirError {
    FhirError(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").with_detail(element))
}

async fn metadata(headers: HeaderMap) -> Fhir {
    let today = time::OffsetDateTime::now_utc().date();
    Fhir(
        StatusCode::OK,
        fhir::capability_statement(&base_url(&headers), env!("CARGO_PKG_VERSION"), today),
    )
}
