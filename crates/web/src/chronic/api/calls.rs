//! Calls to overdue patients (as Simple.org does): the outcome of a call decides, by the
//! rules in `domain::chronic::calls`, what the register says next — a week's grace for a
//! patient who will come, a home visit after a wrong number, the register ended for one
//! who moved away or died.

use super::{clinics, day_of_care, load, today, unprocessable};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::chronic::calls::{CallOutcome, RegisterStatus};
use yigong_store::chronic::calls::NewCall;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CallBody {
    /// `will_come`, `wrong_number`, `moved` or `died`.
    pub outcome: String,
    /// YYYY-MM-DD, today when empty.
    pub called_on: Option<String>,
}

/// What the call changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CallResult {
    pub call_id: Uuid,
    /// `managed`, or `ended` when the patient moved away or died.
    pub status: &'static str,
    /// Off the overdue list until this day.
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "yigong_store::opt_iso_date")]
    pub quiet_until: Option<Date>,
    pub visit_at_home: bool,
}

/// Records a call to a patient of the caller's clinics and applies its rule.
pub async fn record_call(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &CallBody,
) -> ApiResult<CallResult> {
    let clinics = clinics(user)?;
    let register = load(state, user, id, "chronic.call").await?;
    if !clinics.contains(&register.institution_id) {
        return Err(ApiError::not_found());
    }
    let outcome = CallOutcome::parse(b.outcome.trim())
        .ok_or_else(|| unprocessable("outcome", "invalid_field"))?;
    let called_on = day_of_care(b.called_on.as_deref(), "called_on", today())?;
    let after = outcome.after();
    let ends = match after.status {
        RegisterStatus::Active => None,
        RegisterStatus::Moved => Some("moved"),
        RegisterStatus::Deceased => Some("died"),
    };
    let call = NewCall {
        called_on,
        outcome: outcome.as_str(),
        quiet_until: after
            .quiet_days
            .map(|d| called_on + Duration::days(i64::from(d))),
        visit_at_home: after.visit_at_home,
        ends,
        recorded_by: Some(user.account_id),
    };
    let entry = user.audit_entry(
        "chronic.call",
        "chronic_register",
        Some(id),
        true,
        outcome.as_str(),
    );
    let Some(call_id) = state
        .store
        .record_call(state.community.id, id, register.version, &call, &entry)
        .await?
    else {
        return Err(ApiError::new(StatusCode::CONFLICT, "register_changed"));
    };
    Ok(CallResult {
        call_id,
        status: if ends.is_some() { "ended" } else { "managed" },
        quiet_until: call.quiet_until,
        visit_at_home: call.visit_at_home,
    })
}

/// Records what a call to an overdue patient found.
#[utoipa::path(post, path = "/registers/{id}/calls", params(("id" = Uuid, Path)),
    request_body = CallBody,
    responses((status = 201, body = CallResult), (status = 404), (status = 409, description = "The register changed meanwhile"), (status = 422)))]
pub async fn call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    crate::api::AppJson(b): crate::api::AppJson<CallBody>,
) -> ApiResult<(StatusCode, Json<CallResult>)> {
    Ok((
        StatusCode::CREATED,
        Json(record_call(&state, &user, id, &b).await?),
    ))
}
