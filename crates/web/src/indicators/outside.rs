//! Registering a resident's care outside the county by hand (the office, from a
//! settlement slip or a hospital's letter): the resident found by ID number, the
//! referral behind it checked, counted in the tallies at once.

use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::clock::{local_date, today};
use yigong_domain::ids::ReferralId;
use yigong_domain::indicators::outside::{OutsideInput, referral_fits, validate};
use yigong_domain::referral::Status;
use yigong_store::StoreError;
use yigong_store::indicators::outside::NewOutside;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OutsideBody {
    pub id_number: String,
    #[serde(default)]
    pub settlement_no: String,
    /// `outpatient`, `emergency` or `inpatient` (or 门诊, 急诊, 住院).
    pub kind: String,
    pub started_on: String,
    #[serde(default)]
    pub ended_on: String,
    pub hospital: String,
    /// `provincial`, `municipal`, `other_county` or `other`.
    pub level: String,
    pub total_fen: i64,
    pub insurance_fen: i64,
    pub referral_id: Option<Uuid>,
}

impl OutsideBody {
    /// The visit as the domain's checks read it.
    pub fn input(&self) -> OutsideInput {
        OutsideInput {
            settlement_no: self.settlement_no.clone(),
            kind: self.kind.clone(),
            started_on: self.started_on.clone(),
            ended_on: self.ended_on.clone(),
            hospital: self.hospital.clone(),
            level: self.level.clone(),
            total_fen: self.total_fen.to_string(),
            insurance_fen: self.insurance_fen.to_string(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Registered {
    /// None when the settlement number was already registered.
    pub id: Option<Uuid>,
}

/// Registers one outside visit (the office).
#[utoipa::path(post, path = "/indicators/outside", request_body = OutsideBody,
    responses((status = 201, body = Registered), (status = 200, body = Registered), (status = 403), (status = 422)))]
pub async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<OutsideBody>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let id = register_one(&state, &user, &b).await?;
    let status = if id.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Registered { id })))
}

/// Checks and stores one outside visit for the API and the form: the office only (a
/// refusal audited), the resident found by ID number, the referral checked. None when
/// the settlement number was already registered.
pub async fn register_one(
    state: &AppState,
    user: &CurrentUser,
    b: &OutsideBody,
) -> ApiResult<Option<Uuid>> {
    user.require_audited(
        state,
        user.role.edits_registry(),
        "outside.add",
        "outside_visit",
        None,
    )
    .await?;
    let c = state.community.id;
    let visit = validate(&b.input(), today()).map_err(ApiError::from)?;
    let resident = state
        .store
        .find_resident_by_id_number(c, b.id_number.trim())
        .await?
        .ok_or_else(|| {
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "id_number", "not_found")
        })?;
    if let Some(r) = b.referral_id {
        let fits = match state.store.get_referral(c, ReferralId::from(r)).await {
            Ok(f) => referral_fits(
                f.resident_id == resident.id,
                matches!(f.status, Status::Rejected | Status::Cancelled),
                local_date(f.created_at),
                &visit,
            ),
            Err(StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !fits {
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "referral_id",
                "referral_mismatch",
            ));
        }
    }
    let row = NewOutside {
        resident_id: resident.id,
        institution_id: resident.institution_id,
        visit,
        referral_id: b.referral_id,
        source: "manual",
    };
    let audit = user.audit_entry("outside.add", "outside_visit", Some(resident.id), true, "");
    let (_, ids) = state.store.add_outside_visits(c, &[row], &audit).await?;
    Ok(ids.first().copied())
}
