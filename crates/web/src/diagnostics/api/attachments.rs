//! Files attached to an order's result through the API: the centre's staff attach the
//! key images or the PDF of an imaging or pathology report while they hold it or once
//! they reported it; whoever reads the order downloads them.

use super::load;
use crate::api::files::{Uploaded, download, read_file};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::attachment::MAX_BYTES;
use yigong_domain::diagnostics::order::{Scope, Status};
use yigong_domain::ids::OrderId;

/// The upload takes a file a little larger than the default body limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
        .routes(routes!(file))
}

/// Attaches a file to an order's result (the centre's reader of it); its id.
pub async fn attach(
    state: &AppState,
    user: &CurrentUser,
    id: OrderId,
    f: &Uploaded,
) -> ApiResult<Uuid> {
    let o = load(state, user, id).await?;
    let reader = o.claimed_by == Some(user.account_id) || o.reported_by == Some(user.account_id);
    if user.diagnostics != Scope::Centre(o.centre) || !reader {
        user.audit(
            state,
            "diagnostics.attach",
            "diag_order",
            Some(id.uuid()),
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    if !matches!(o.status, Status::Received | Status::Reported) {
        return Err(ApiError::new(StatusCode::CONFLICT, "order_wrong_status"));
    }
    let entry = user.audit_entry(
        "diagnostics.attach",
        "diag_order",
        Some(id.uuid()),
        true,
        &f.name,
    );
    Ok(state
        .store
        .attach_to_order(
            state.community.id,
            id,
            (&f.name, f.content_type, &f.data),
            &entry,
        )
        .await?)
}

/// Attaches an image or a PDF (multipart `file`: JPEG, PNG or PDF, at most 2 MiB).
#[utoipa::path(post, path = "/orders/{id}/attachments", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "`file`"),
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<OrderId>,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let f = read_file(mp).await?;
    let file = attach(&state, &user, id, &f).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": file }))))
}

/// An attachment of an order in reach, as a download.
#[utoipa::path(get, path = "/orders/{id}/attachments/{file}", params(("id" = Uuid, Path), ("file" = Uuid, Path)),
    responses((status = 200, description = "The file"), (status = 404)))]
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(OrderId, Uuid)>,
) -> ApiResult<Response> {
    load(&state, &user, id).await?;
    let (f, bytes) = state.store.order_file(state.community.id, id, file).await?;
    Ok(download(&f.name, f.content_type, bytes))
}
