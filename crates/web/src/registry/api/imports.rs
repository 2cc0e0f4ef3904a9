//! Upload a CSV or Excel file of residents or staff; download its rejected rows.

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_app::import::{self, ImportKind, ImportSummary};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(import::MAX_BYTES))
        .routes(routes!(rejects))
}

/// Reads the `file` part of a multipart upload: `(file name, bytes)`.
pub async fn file_part(mut mp: Multipart) -> ApiResult<(String, Vec<u8>)> {
    let bad = || ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "import_unreadable");
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        if field.name() == Some("file") {
            let name = field
                .file_name()
                .unwrap_or("upload")
                .chars()
                .take(100)
                .collect();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"))?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(bad())
}

/// Runs an import for the user; shared by the API and the upload page.
pub async fn import_file(
    state: &AppState,
    user: &CurrentUser,
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
) -> ApiResult<ImportSummary> {
    user.require(user.role.edits_registry())?;
    let table = import::read_table(name, bytes)?;
    let summary = import::run(
        &state.store,
        state.community.id,
        Some(user.account_id),
        kind,
        name,
        &table,
        &mut |_| {},
    )
    .await?;
    let detail = format!(
        "file={name} inserted={} updated={} rejected={}",
        summary.inserted, summary.updated, summary.rejected
    );
    user.audit(
        state,
        &format!("{}.import", kind.as_str()),
        "import",
        Some(summary.report_id),
        true,
        &detail,
    )
    .await?;
    Ok(summary)
}

/// Imports `residents` or `staff` from the multipart field `file`.
#[utoipa::path(post, path = "/imports/{kind}",
    params(("kind" = String, Path, description = "`residents` or `staff`")),
    request_body(content_type = "multipart/form-data", description = "`file`: a CSV or .xlsx file (template on the import page)"),
    responses((status = 200, body = Object), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    mp: Multipart,
) -> ApiResult<Json<ImportSummary>> {
    let kind = ImportKind::parse(&kind).ok_or_else(ApiError::not_found)?;
    let (name, bytes) = file_part(mp).await?;
    Ok(Json(import_file(&state, &user, kind, &name, &bytes).await?))
}

/// The rejected rows of an import, as CSV.
#[utoipa::path(get, path = "/imports/reports/{id}/rejects.csv", responses((status = 200, content_type = "text/csv")))]
pub async fn rejects(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<impl IntoResponse> {
    user.require(user.role.edits_registry())?;
    let r = state
        .store
        .get_import_report(state.community.id, id)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"rejects-{id}.csv\""),
            ),
        ],
        r.rejects_csv,
    ))
}
