//! The committee's review through the API: the activities branches held and the site
//! tasks reported done wait for it; the committee reviews each with a comment, the bureau
//! reads the queue, and anyone else is told there is nothing.

use super::{committee_only, required_text, sees_all};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::party::work::{WorkFacts, WorkKind, WorkStatus, WorkStep, step};
use yigong_store::StoreError;
use yigong_store::party::ReviewItem;

/// The most items the queue shows at once.
const QUEUE_PAGE: i64 = 100;

/// The newest items waiting for review, and how many wait in all.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewQueue {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<ReviewItem>,
    pub total: i64,
}

pub async fn queue_for(state: &AppState, user: &CurrentUser) -> ApiResult<ReviewQueue> {
    if !sees_all(user) {
        user.audit(
            state,
            "party.review_queue",
            "party_work",
            None,
            false,
            "reach",
        )
        .await?;
        return Err(ApiError::not_found());
    }
    let (items, total) = state
        .store
        .awaiting_review(state.community.id, QUEUE_PAGE)
        .await?;
    user.audit_list(
        state,
        "party.review_queue",
        "party_work",
        items.len() as i64,
    )
    .await?;
    Ok(ReviewQueue { items, total })
}

/// What waits for the committee's review.
#[utoipa::path(get, path = "/party/review",
    responses((status = 200, body = ReviewQueue), (status = 404)))]
pub async fn review_queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<ReviewQueue>> {
    Ok(Json(queue_for(&state, &user).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReviewBody {
    #[serde(default)]
    pub comment: String,
}

/// The committee reviews a submitted activity or site task with a comment.
pub async fn review(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &ReviewBody,
) -> ApiResult<()> {
    committee_only(state, user, ("party.review", "party_work", Some(id))).await?;
    let work = match state.store.get_work(state.community.id, id).await {
        Ok(w) => w,
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let kind = WorkKind::parse(&work.kind)
        .filter(|k| matches!(k, WorkKind::Activity | WorkKind::SiteTask))
        .filter(|_| work.subject != "joint_meeting")
        .ok_or_else(ApiError::not_found)?;
    let mut problems = Vec::new();
    let comment = required_text(&mut problems, "comment", &b.comment, 1000);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let from = WorkStatus::parse(&work.status).ok_or_else(ApiError::internal)?;
    step(kind, from, WorkStep::Evaluate, WorkFacts::default())
        .map_err(|p| ApiError::new(StatusCode::CONFLICT, p.code()))?;
    let entry = user.audit_entry("party.review", "party_work", None, true, &work.subject);
    if state
        .store
        .review_work(state.community.id, id, &comment, &entry)
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::CONFLICT, "work_wrong_status"))
    }
}

/// Reviews a submitted activity or site task.
#[utoipa::path(post, path = "/party/review/{id}", params(("id" = Uuid, Path)), request_body = ReviewBody,
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn review_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<ReviewBody>,
) -> ApiResult<Json<serde_json::Value>> {
    review(&state, &user, id, &b).await?;
    Ok(Json(
        serde_json::json!({ "id": id, "status": WorkStatus::Evaluated.as_str() }),
    ))
}
