//! One error type for the HTTP edge: a status, a stable snake_case code (a key into the
//! catalogue), the field at fault if one is, and a message in the request's language.

use crate::i18n::Lang;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use yigong_app::{AppError, Kind};
use yigong_domain::registry::FieldError;
use yigong_store::StoreError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<&'static str>,
    /// Extra detail appended to the message (e.g. which JSON field had a wrong type).
    pub detail: Option<String>,
    /// The other problems found in the same request, each at its own field: a form
    /// names every one at once, not only the first.
    pub more: Vec<ApiError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            field: None,
            detail: None,
            more: Vec::new(),
        }
    }

    pub fn field(status: StatusCode, field: &'static str, code: &'static str) -> Self {
        Self {
            status,
            code,
            field: Some(field),
            detail: None,
            more: Vec::new(),
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden")
    }

    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated")
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// Every problem of a request as one error: the first, carrying the others (one per
    /// field: a field's first problem is the one it shows). `None` when there are none.
    pub fn all(problems: Vec<ApiError>) -> Option<ApiError> {
        let mut kept: Vec<ApiError> = Vec::new();
        for p in problems {
            if p.field.is_none() || !kept.iter().any(|k| k.field == p.field) {
                kept.push(p);
            }
        }
        let mut it = kept.into_iter();
        let mut first = it.next()?;
        first.more.extend(it);
        Some(first)
    }

    /// This problem and the others carried with it.
    pub fn problems(&self) -> impl Iterator<Item = &ApiError> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// The human message: "身份证号：身份证号校验位不正确".
    pub fn message(&self, lang: Lang) -> String {
        yigong_app::error::message(lang, self.code, self.field, self.detail.as_deref())
    }

    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let mut e = json!({ "code": self.code, "message": self.message(lang) });
        if let Some(f) = self.field {
            e["field"] = json!(f);
        }
        if !self.more.is_empty() {
            e["problems"] = self
                .problems()
                .map(|p| json!({ "field": p.field, "code": p.code, "message": p.message(lang) }))
                .collect();
        }
        json!({ "error": e })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, "request failed");
        }
        // Rendered in Chinese; the `localize` middleware re-renders for English requests.
        let mut res = (self.status, Json(self.body(Lang::Zh))).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match e.kind {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            code: e.code,
            field: e.field,
            detail: e.detail,
            more: Vec::new(),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        AppError::from(e).into()
    }
}

/// Every problem of a form or body, one error carrying the others.
impl From<Vec<FieldError>> for ApiError {
    fn from(all: Vec<FieldError>) -> Self {
        ApiError::all(all.into_iter().map(ApiError::from).collect())
            .unwrap_or_else(ApiError::internal)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonSyntaxError(_) => ApiError::new(StatusCode::BAD_REQUEST, "bad_json"),
            JsonRejection::JsonDataError(e) => {
                // serde's text names the field and the expected type; it holds no stored data.
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")
                    .with_detail(e.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            _ => ApiError::new(StatusCode::BAD_REQUEST, "bad_json"),
        }
    }
}

impl From<FormRejection> for ApiError {
    fn from(r: FormRejection) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field").with_detail(r.body_text())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
