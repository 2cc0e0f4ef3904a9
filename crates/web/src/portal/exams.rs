//! A resident's examinations from their window: the orders their clinic placed that wait
//! for them (imaging, a lab draw), each with the time booked or the slots open for its
//! item; booking a slot (the capacity holds, one slot per order) and giving it back.

use super::auth::{CurrentResident, audit_name};
use crate::api::AppJson;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::diagnostics::order::Status;
use yigong_domain::outreach::slots::Refusal;
use yigong_store::diagnostics::{Order, OrderFilter, OrderNarrowing, SlotRow};
use yigong_store::{PageRequest, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(exams))
        .routes(routes!(book_exam, unbook_exam))
}

/// An order waiting for the resident, with its time or the times open.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Exam {
    pub order_id: Uuid,
    pub item_code: String,
    pub clinic: String,
    #[schema(value_type = Option<Object>)]
    pub booked: Option<SlotRow>,
    /// The item's slots of the next two weeks with a place left (none once booked).
    #[schema(value_type = Vec<Object>)]
    pub open: Vec<SlotRow>,
}

/// The resident's orders not yet done.
async fn waiting(state: &AppState, me: &CurrentResident) -> ApiResult<Vec<Order>> {
    let n = OrderNarrowing {
        resident: Some(me.resident.id),
        ..OrderNarrowing::default()
    };
    let page = PageRequest::new(Some(1), Some(50));
    Ok(state
        .store
        .find_orders(state.community.id, &OrderFilter::All, &n, page)
        .await?
        .items
        .into_iter()
        .filter(|o| o.resident_id == me.resident.id && o.status == Status::Ordered)
        .collect())
}

/// The resident's waiting examinations with their times.
pub async fn exams_of(state: &AppState, me: &CurrentResident) -> ApiResult<Vec<Exam>> {
    let c = state.community.id;
    let (from, to) = (today(), today() + Duration::days(13));
    let mut out = Vec::new();
    for o in waiting(state, me).await? {
        let booked = state.store.order_slot(c, o.id.uuid()).await?;
        let open = if booked.is_some() {
            Vec::new()
        } else {
            state
                .store
                .slots(c, (Some(o.centre), Some(&o.item_code)), (from, to))
                .await?
                .into_iter()
                .filter(|s| s.booked < s.capacity)
                .collect()
        };
        out.push(Exam {
            order_id: o.id.uuid(),
            item_code: o.item_code,
            clinic: o.from_institution_name,
            booked,
            open,
        });
    }
    me.audit(
        state,
        ("portal.exams", "resident"),
        Some(me.resident.id),
        true,
    )
    .await?;
    Ok(out)
}

/// The examinations the resident's clinic ordered, with their booked or open times.
#[utoipa::path(get, path = "/portal/exams", responses((status = 200, body = Vec<Exam>), (status = 401)))]
pub async fn exams(
    State(state): State<AppState>,
    me: CurrentResident,
) -> ApiResult<Json<Vec<Exam>>> {
    Ok(Json(exams_of(&state, &me).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ExamBody {
    #[serde(default)]
    pub slot_id: Option<Uuid>,
}

/// The resident's own waiting order, or 404 (audited).
async fn own_order(
    state: &AppState,
    me: &CurrentResident,
    id: Uuid,
    action: &str,
) -> ApiResult<Order> {
    match state.store.get_order(state.community.id, id.into()).await {
        Ok(o) if o.resident_id == me.resident.id && o.status == Status::Ordered => Ok(o),
        Ok(_) | Err(StoreError::NotFound) => {
            me.audit(state, (action, "diag_order"), Some(id), false)
                .await?;
            Err(ApiError::not_found())
        }
        Err(e) => Err(e.into()),
    }
}

/// Books a slot of the order's item for the order.
pub async fn book(state: &AppState, me: &CurrentResident, id: Uuid, b: &ExamBody) -> ApiResult<()> {
    let o = own_order(state, me, id, "portal.exam_book").await?;
    let c = state.community.id;
    let slot_id = b
        .slot_id
        .ok_or_else(|| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "slot_id", "required"))?;
    match state.store.get_slot(c, slot_id).await {
        Ok(s) if s.item_code == o.item_code => {}
        Ok(_) | Err(StoreError::NotFound) => {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "slot_id",
                "not_found",
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let name = audit_name(me.resident.id);
    let entry = me.entry(&name, ("portal.exam_book", "diag_order"), Some(id), true);
    match state
        .store
        .book_slot(c, (slot_id, id, me.resident.id), today(), &entry)
        .await?
    {
        Ok(()) => Ok(()),
        Err(r) => Err(ApiError::new(
            StatusCode::CONFLICT,
            match r {
                Refusal::Full => "slot_full",
                Refusal::AlreadyBooked => "exam_already_booked",
                Refusal::Closed => "slot_closed",
            },
        )),
    }
}

/// Books an examination time for an order.
#[utoipa::path(post, path = "/portal/exams/{order_id}/slot", params(("order_id" = Uuid, Path)), request_body = ExamBody,
    responses((status = 201, body = Object), (status = 401), (status = 404), (status = 409, description = "`slot_full`, `exam_already_booked` or `slot_closed`"), (status = 422)))]
pub async fn book_exam(
    State(state): State<AppState>,
    me: CurrentResident,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<ExamBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    book(&state, &me, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "order_id": id })),
    ))
}

/// Gives the order's examination time back.
pub async fn unbook(state: &AppState, me: &CurrentResident, id: Uuid) -> ApiResult<()> {
    own_order(state, me, id, "portal.exam_unbook").await?;
    let name = audit_name(me.resident.id);
    let entry = me.entry(&name, ("portal.exam_unbook", "diag_order"), Some(id), true);
    if state
        .store
        .cancel_slot(state.community.id, id, &entry)
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

#[utoipa::path(delete, path = "/portal/exams/{order_id}/slot", params(("order_id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 404)))]
pub async fn unbook_exam(
    State(state): State<AppState>,
    me: CurrentResident,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    unbook(&state, &me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
