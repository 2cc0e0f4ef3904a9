//! Files attached to party work through the API: a first secretary's receipt for a
//! spending, the scan of an activity's minutes. Who may attach is who may write the
//! spending or the activity; who may read is who reaches the site or the branch. A file
//! is taken by its first bytes (JPEG, PNG or PDF, at most 2 MiB) and handed back as a
//! download that the browser does not run.

use super::tasks::{SiteRight, site_for};
use super::work::org_in_reach;
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
use yigong_store::StoreError;
use yigong_store::party::{Attachment, NewAttachment, Parent};

/// The upload routes take a file a little larger than the default body limit.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_receipt))
        .routes(routes!(upload_minutes))
        .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))
        .routes(routes!(download))
}

/// The `file` part of an upload, checked, as a party attachment.
pub async fn read_file(mp: Multipart) -> ApiResult<NewAttachment> {
    let f = crate::api::files::read_file(mp).await?;
    Ok(NewAttachment {
        name: f.name,
        content_type: f.content_type,
        data: f.data,
    })
}

/// Attaches a receipt to a spending of the user's own site.
pub async fn attach_receipt(
    state: &AppState,
    user: &CurrentUser,
    (site, spending): (Uuid, Uuid),
    file: &NewAttachment,
) -> ApiResult<Uuid> {
    let s = site_for(state, user, site, (SiteRight::Report, "party.receipt")).await?;
    match state
        .store
        .spending_site(state.community.id, spending)
        .await
    {
        Ok(of) if of == s.id => {}
        Ok(_) | Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    }
    let entry = user.audit_entry("party.receipt", "party_attachment", None, true, &file.name);
    Ok(state
        .store
        .attach(state.community.id, Parent::Spending(spending), file, &entry)
        .await?)
}

/// Attaches a receipt (a photo or a PDF) to a spending of the caller's site.
#[utoipa::path(post, path = "/first-secretary/sites/{id}/spending/{spending}/receipts",
    params(("id" = Uuid, Path), ("spending" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "The receipt as the `file` part"),
    responses((status = 201, body = Object), (status = 404), (status = 413), (status = 422)))]
pub async fn upload_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((site, spending)): Path<(Uuid, Uuid)>,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let file = read_file(mp).await?;
    let id = attach_receipt(&state, &user, (site, spending), &file).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Attaches the scan of minutes to an activity of a branch the user writes to.
pub async fn attach_minutes(
    state: &AppState,
    user: &CurrentUser,
    activity: Uuid,
    file: &NewAttachment,
) -> ApiResult<Uuid> {
    let work = match state.store.get_work(state.community.id, activity).await {
        Ok(w) if w.kind == "activity" => w,
        Ok(_) | Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let org = work.org_id.ok_or_else(ApiError::not_found)?;
    let (_, writes) = org_in_reach(state, user, org, "party.minutes_file").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let entry = user.audit_entry(
        "party.minutes_file",
        "party_attachment",
        None,
        true,
        &file.name,
    );
    Ok(state
        .store
        .attach(state.community.id, Parent::Work(work.id), file, &entry)
        .await?)
}

/// Attaches a file (the minutes as scanned or photographed) to an activity.
#[utoipa::path(post, path = "/party/activities/{id}/attachments", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", description = "The file as the `file` part"),
    responses((status = 201, body = Object), (status = 404), (status = 413), (status = 422)))]
pub async fn upload_minutes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let file = read_file(mp).await?;
    let a = attach_minutes(&state, &user, id, &file).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": a }))))
}

/// An attachment the user reaches (through its site or its branch), without its bytes;
/// 404, audited, otherwise.
async fn attachment_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> ApiResult<Attachment> {
    let c = state.community.id;
    let a = match state.store.get_attachment(c, id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => {
            user.audit(
                state,
                "party.attachment",
                "party_attachment",
                Some(id),
                false,
                "reach",
            )
            .await?;
            return Err(ApiError::not_found());
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(spending) = a.spending_id {
        let site = state.store.spending_site(c, spending).await?;
        site_for(state, user, site, (SiteRight::Read, "party.attachment")).await?;
    } else if let Some(work) = a.work_id {
        let org = state.store.get_work(c, work).await?.org_id;
        let org = org.ok_or_else(ApiError::not_found)?;
        org_in_reach(state, user, org, "party.attachment").await?;
    }
    Ok(a)
}

/// An attachment's file, as a download.
#[utoipa::path(get, path = "/party/attachments/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file"), (status = 404)))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let a = attachment_in_reach(&state, &user, id).await?;
    let bytes = state.store.attachment_bytes(state.community.id, id).await?;
    user.audit(
        &state,
        "party.attachment",
        "party_attachment",
        Some(id),
        true,
        "",
    )
    .await?;
    Ok(crate::api::files::download(&a.name, a.content_type, bytes))
}
