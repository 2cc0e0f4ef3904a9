//! What went wrong in a use case, independent of the edge that reports it: a kind (which
//! the HTTP edge maps to a status), a stable snake_case code (a key into the catalogue),
//! the field at fault if one is, and extra detail.

use crate::i18n::Lang;
use yigong_domain::registry::FieldError;
use yigong_store::StoreError;

/// The kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request itself is malformed.
    BadRequest,
    /// Well-formed, but a value is not acceptable.
    Invalid,
    NotFound,
    Forbidden,
    /// It would duplicate or contradict what is stored.
    Conflict,
    TooLarge,
    Internal,
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub kind: Kind,
    pub code: &'static str,
    pub field: Option<&'static str>,
    /// Extra detail appended to the message (e.g. which JSON field had a wrong type).
    pub detail: Option<String>,
}

impl AppError {
    pub fn new(kind: Kind, code: &'static str) -> Self {
        Self {
            kind,
            code,
            field: None,
            detail: None,
        }
    }

    /// An unacceptable value (`Kind::Invalid`).
    pub fn invalid(code: &'static str) -> Self {
        Self::new(Kind::Invalid, code)
    }

    pub fn internal() -> Self {
        Self::new(Kind::Internal, "internal")
    }

    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// The human message: "身份证号：身份证号校验位不正确".
    pub fn message(&self, lang: Lang) -> String {
        message(lang, self.code, self.field, self.detail.as_deref())
    }
}

/// The message for an error code, prefixed by the field's label and followed by the
/// detail, as every edge shows it.
pub fn message(lang: Lang, code: &str, field: Option<&str>, detail: Option<&str>) -> String {
    let text = lang.t(&format!("error.{code}"));
    let mut m = match field {
        Some(f) => {
            let label = lang.t(&format!("field.{f}"));
            let sep = if lang == Lang::Zh { "：" } else { ": " };
            format!("{label}{sep}{text}")
        }
        None => text.to_string(),
    };
    if let Some(d) = detail {
        m.push_str(if lang == Lang::Zh { "（" } else { " (" });
        m.push_str(d);
        m.push_str(if lang == Lang::Zh { "）" } else { ")" });
    }
    m
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self {
            kind: Kind::Invalid,
            code: e.code,
            field: Some(e.field),
            detail: None,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::new(Kind::NotFound, "not_found"),
            StoreError::Conflict { constraint } => {
                let field = match constraint.as_str() {
                    "id_number" => "id_number",
                    "username" => "username",
                    _ => "code",
                };
                AppError {
                    field: Some(field),
                    ..AppError::new(Kind::Conflict, "duplicate")
                }
            }
            StoreError::MissingReference => AppError {
                field: Some("institution"),
                ..AppError::invalid("not_found")
            },
            err @ (StoreError::Other(_) | StoreError::Engine(_)) => {
                tracing::error!(error = %err, "database error");
                AppError::internal()
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
