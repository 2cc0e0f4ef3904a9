//! Administration pages: accounts, file import with its report, and the audit log.

use crate::http::error::ApiError;
use crate::registry::api::imports::import_file;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use yigong_app::import::{ImportKind, ImportSummary, MAX_BYTES};

mod accounts;
mod audit;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .route(
            "/import",
            get(import_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .merge(audit::router())
        .route("/import/template/{kind}", get(template))
}

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    chrome: Chrome,
    csrf: String,
    summary: Option<ImportSummary>,
    error: Option<String>,
    /// (code, name, kind) of the institutions a file may name.
    codes: Vec<(String, String, &'static str)>,
}

/// The institution codes an import file may use, with their names.
async fn codes(
    state: &AppState,
    lang: crate::i18n::Lang,
) -> UiResult<Vec<(String, String, &'static str)>> {
    Ok(state
        .store
        .list_institutions(state.community.id)
        .await
        .map_err(|e| UiError(e.into(), lang))?
        .into_iter()
        .filter(|i| i.active)
        .map(|i| {
            let kind = lang.t(&format!("kind.{}", i.kind));
            (i.code, i.name, kind)
        })
        .collect())
}

/// An empty file with the header row the importer reads (UTF-8 with a BOM, so that
/// Excel opens the Chinese headers as such).
async fn template(UiUser(user): UiUser, Path(kind): Path<String>) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let kind = ImportKind::parse(kind.trim_end_matches(".csv"))
        .ok_or_else(|| UiError(ApiError::not_found(), user.lang))?;
    let body = format!(
        "\u{feff}{}\r\n",
        yigong_app::import::template_headers(kind).join(",")
    );
    let name = format!("{}_template.csv", kind.as_str());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn import_page(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let page = ImportPage {
        chrome: Chrome::for_user(&user, "import"),
        csrf: user.csrf.clone(),
        summary: None,
        error: None,
        codes: codes(&state, user.lang).await?,
    };
    Ok(render(&page).into_response())
}

async fn upload(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    mut mp: Multipart,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let bad = || ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import_unreadable");
    let (mut kind, mut file) = (ImportKind::Residents, None);
    while let Some(field) = mp.next_field().await.map_err(|_| UiError(bad(), lang))? {
        match field.name() {
            Some("kind") => {
                kind = ImportKind::parse(&field.text().await.unwrap_or_default())
                    .unwrap_or(ImportKind::Residents)
            }
            Some("file") => {
                let name: String = field
                    .file_name()
                    .unwrap_or("upload")
                    .chars()
                    .take(100)
                    .collect();
                let bytes = field.bytes().await.map_err(|_| {
                    UiError(
                        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
                        lang,
                    )
                })?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| UiError(bad(), lang))?;
    let (summary, error, status) = match import_file(&state, &user, kind, &name, &bytes).await {
        Ok(s) => (Some(s), None, StatusCode::OK),
        Err(e) => (None, Some(e.message(lang)), e.status),
    };
    let page = ImportPage {
        chrome: Chrome::for_user(&user, "import"),
        csrf: user.csrf.clone(),
        summary,
        error,
        codes: codes(&state, lang).await?,
    };
    Ok((status, render(&page)).into_response())
}
