//! Files sent with a record and given back: the `file` part of an upload, taken by its
//! first bytes (JPEG, PNG or PDF, at most 2 MiB) and named cleanly, and the download a
//! browser saves rather than runs.

use crate::http::error::{ApiError, ApiResult};
use axum::extract::Multipart;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use yigong_domain::attachment::{clean_name, sniff};

/// An uploaded file, checked.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

fn refused(code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "file", code)
}

/// The `file` part of an upload: its clean name, its sniffed type, its bytes.
pub async fn read_file(mut mp: Multipart) -> ApiResult<Uploaded> {
    while let Some(field) = mp.next_field().await.map_err(|_| refused("file_missing"))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_name(field.file_name().unwrap_or(""));
        let data = field
            .bytes()
            .await
            .map_err(|_| refused("file_too_large"))?
            .to_vec();
        let content_type = sniff(&data).map_err(|p| refused(p.code()))?;
        return Ok(Uploaded {
            name,
            content_type,
            data,
        });
    }
    Err(refused("file_missing"))
}

/// A stored file as a download: its type, its name, never sniffed or cached.
pub fn download(name: &str, content_type: String, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"attachment\"; filename*=UTF-8''{}",
        crate::ui::encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
