//! Acting on a referral: the sending and receiving sides' actions, the green-channel
//! milestones each side records, and the ICD-10 look-up the forms use.

use super::{announce, instant, load};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use yigong_domain::access::acts_for;
use yigong_domain::icd10;
use yigong_domain::ids::ReferralId;
use yigong_domain::referral::{
    self as rules, Action, ActionInput, Milestone, MilestoneTimeError, Outcome,
};
use yigong_domain::registry::FieldError;
use yigong_store::referrals::{Change, Referral, Refused};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    pub reason: Option<String>,
    /// `referred_down`, `outpatient_done`, `closed` (up) or `follow_up_taken`, `closed` (down)
    pub outcome: Option<String>,
    /// Accept: the appointment slot (RFC 3339).
    pub appointment_at: Option<String>,
}

fn conflict(code: &'static str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code)
}

/// Applies an action for the user; shared by the API, FHIR and the UI.
pub async fn act_on(
    state: &AppState,
    user: &CurrentUser,
    id: ReferralId,
    action: Action,
    b: &ActionBody,
) -> ApiResult<Referral> {
    let action_name = format!("referral.{}", action.as_str());
    // The allowed change writes its audit row in its own transaction.
    let entry = user.audit_entry(&action_name, "referral", Some(id.uuid()), true, "");
    let (caller, body) = (user.clone(), b.clone());
    let outcome = state
        .store
        .change_referral(state.community.id, id, Some(&entry), move |r| {
            decide(&caller, r, action, &body)
        })
        .await?;
    let refused = match outcome {
        Ok(r) => {
            announce(state, &r);
            return Ok(r);
        }
        Err(Refused::NotFound) => ApiError::not_found(),
        Err(Refused::Rejected(e)) => e,
        Err(Refused::Raced) => conflict("referral_wrong_status"),
    };
    // A refused attempt is still an access to the record: denied when out of reach (404),
    // allowed but refused otherwise.
    let in_reach = refused.status != StatusCode::NOT_FOUND;
    let detail = if in_reach { refused.code } else { "" };
    user.audit(
        state,
        &action_name,
        "referral",
        Some(id.uuid()),
        in_reach,
        detail,
    )
    .await?;
    Err(refused)
}

/// What an action does to a referral as it stands, or why it may not: out of the
/// caller's reach (404), not the caller's side (403), bad fields (422), or not possible
/// from the current status (409).
fn decide(user: &CurrentUser, r: &Referral, action: Action, b: &ActionBody) -> ApiResult<Change> {
    if !user.referrals.allows(
        r.from_institution_id,
        r.to_institution_id,
        r.to_department_id,
    ) {
        return Err(ApiError::not_found());
    }
    let side = action
        .side()
        .institution(r.from_institution_id, r.to_institution_id);
    user.require(acts_for(user.role, user.institution_id, &user.scope, side))?;
    let reason = b.reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(FieldError::new("reason", "too_long").into());
    }
    let outcome = match b.outcome.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(o) => Some(Outcome::parse(o).ok_or(FieldError::new("outcome", "outcome_invalid"))?),
    };
    let appointment_at = match b.appointment_at.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(instant(s, "appointment_at")?),
    };
    let to = rules::transition(
        r.direction,
        r.status,
        action,
        &ActionInput { reason, outcome },
    )
    .map_err(|e| conflict(e.code()))?;
    Ok(Change {
        to,
        reason: reason.map(str::to_string),
        outcome,
        appointment_at,
        account: Some(user.account_id),
        at: yigong_store::now(),
    })
}

/// `accept`, `reject`, `cancel`, `arrive` or `complete`.
#[utoipa::path(post, path = "/referrals/{id}/{action}", request_body = ActionBody,
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`accept`, `reject`, `cancel`, `arrive` or `complete`")),
    responses((status = 200, body = Object), (status = 404), (status = 409, description = "the action does not fit the current status")))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(ReferralId, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Referral>> {
    let action = Action::parse(&action).ok_or_else(ApiError::not_found)?;
    // The body is optional: accepting needs nothing, rejecting needs a reason.
    let b: ActionBody = crate::api::optional_json(&body)?;
    Ok(Json(act_on(&state, &user, id, action, &b).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MilestoneBody {
    /// `first_ecg`, `ambulance_departed`, `admitted`, …
    pub milestone: String,
    /// RFC 3339; defaults to now.
    pub at: Option<String>,
}

pub async fn record_milestone(
    state: &AppState,
    user: &CurrentUser,
    id: ReferralId,
    b: &MilestoneBody,
) -> ApiResult<()> {
    let r = load(state, user, id, "referral.milestone").await?;
    let m = Milestone::parse(b.milestone.trim())
        .ok_or(FieldError::new("milestone", "invalid_field"))?;
    if r.pathway.is_none() {
        return Err(FieldError::new("milestone", "pathway_required").into());
    }
    // A step happens once: the first record of it stands.
    let events = state.store.referral_events(state.community.id, id).await?;
    if events
        .iter()
        .any(|e| e.milestone.as_deref() == Some(m.as_str()))
    {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "milestone",
            "milestone_recorded",
        ));
    }
    // Each side records what it saw: the clinic before the patient left, the hospital
    // from the referral's arrival on.
    let side = m
        .side()
        .institution(r.from_institution_id, r.to_institution_id);
    if !acts_for(user.role, user.institution_id, &user.scope, side) {
        user.audit(
            state,
            "referral.milestone",
            "referral",
            Some(id.uuid()),
            false,
            "side",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let now = yigong_store::now();
    let at = match b.at.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => instant(s, "at")?,
        None => now,
    };
    m.check_time(at, r.created_at, now).map_err(|e| {
        FieldError::new(
            "at",
            match e {
                MilestoneTimeError::InFuture => "in_future",
                MilestoneTimeError::TooEarly => "milestone_too_early",
            },
        )
    })?;
    state
        .store
        .record_milestone(state.community.id, id, m, at, Some(user.account_id))
        .await?;
    announce(state, &r);
    Ok(())
}

/// Records a green-channel milestone.
#[utoipa::path(post, path = "/referrals/{id}/milestones", request_body = MilestoneBody,
    responses((status = 204), (status = 404), (status = 422)))]
pub async fn milestone(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReferralId>,
    AppJson(b): AppJson<MilestoneBody>,
) -> ApiResult<StatusCode> {
    record_milestone(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IcdParams {
    pub q: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct IcdCode {
    pub code: &'static str,
    pub name: &'static str,
}

/// Searches the ICD-10 list by code prefix or name fragment.
#[utoipa::path(get, path = "/icd10", params(IcdParams), responses((status = 200, body = [IcdCode])))]
pub async fn icd10_search(
    _user: CurrentUser,
    AppQuery(p): AppQuery<IcdParams>,
) -> Json<Vec<IcdCode>> {
    let q: String = p.q.unwrap_or_default().chars().take(20).collect();
    Json(
        icd10::search(&q, 30)
            .into_iter()
            .map(|(code, name)| IcdCode { code, name })
            .collect(),
    )
}
