//! Administration pages: accounts, file import with its report, and the audit log.

use crate::admin::api::audit::{self as audit_api, AuditParams};
use crate::http::error::ApiError;
use crate::registry::api::imports::import_file;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use yigong_app::import::{ImportKind, ImportSummary, MAX_BYTES};

mod accounts;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .route(
            "/import",
            get(import_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route("/audit", get(audit))
}

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    chrome: Chrome,
    csrf: String,
    summary: Option<ImportSummary>,
    error: Option<String>,
}

async fn import_page(UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let page = ImportPage {
        chrome: Chrome::for_user(&user, "import"),
        csrf: user.csrf.clone(),
        summary: None,
        error: None,
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
    };
    Ok((status, render(&page)).into_response())
}

struct AuditRow {
    at: String,
    username: String,
    action: String,
    entity: String,
    entity_id: String,
    denied: bool,
    ip: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    username: String,
    outcome: String,
    rows: Vec<AuditRow>,
    pager: Pager,
}

async fn audit(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<AuditParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = audit_api::search(&state, &user, &p).await.ui(lang)?;
    let username = p.username.clone().unwrap_or_default();
    let outcome = p.outcome.clone().unwrap_or_default();
    let pager = Pager::new(
        lang,
        "/audit",
        &[("username", &username), ("outcome", &outcome)],
        (page.page, page.per_page, page.total),
    );
    let offset = yigong_domain::clock::CHINA;
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let rows = page
        .items
        .into_iter()
        .map(|e| AuditRow {
            at: e.at.to_offset(offset).format(&fmt).unwrap_or_default(),
            username: e.username,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
            denied: e.outcome == "denied",
            ip: e.ip,
            detail: e.detail,
        })
        .collect();
    let view = AuditPage {
        chrome: Chrome::for_user(&user, "audit"),
        username,
        outcome,
        rows,
        pager,
    };
    Ok(render(&view).into_response())
}
