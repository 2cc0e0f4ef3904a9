//! The audit log, for administrators.

use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_store::audit::{AuditEvent, AuditQuery};
use yigong_store::{Page, PageRequest};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub username: Option<String>,
    pub entity_id: Option<Uuid>,
    /// `allowed` or `denied`
    pub outcome: Option<String>,
    /// One action code (`resident.read`, …).
    pub action: Option<String>,
    /// Only the last this many days.
    pub days: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &AuditParams,
    paging: PageRequest,
) -> ApiResult<Page<AuditEvent>> {
    user.require(user.role.reads_audit())?;
    let q = AuditQuery {
        username: p.username.clone(),
        entity_id: p.entity_id,
        outcome: p.outcome.clone(),
        action: p.action.clone(),
        since: p
            .days
            .map(|d| time::OffsetDateTime::now_utc() - time::Duration::days(d.clamp(1, 3660))),
    };
    Ok(state
        .store
        .list_audit(state.community.id, &q, paging)
        .await?)
}

/// Audit events, newest first.
#[utoipa::path(get, path = "/audit", params(AuditParams), responses((status = 200, body = Object), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<AuditParams>,
) -> ApiResult<Json<Page<AuditEvent>>> {
    Ok(Json(
        search(&state, &user, &p, PageRequest::new(p.page, p.per_page)).await?,
    ))
}
