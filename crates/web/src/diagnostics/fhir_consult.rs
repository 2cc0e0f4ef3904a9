//! Teleconsultations over FHIR: `Appointment/<id>` and `Communication/<id>-opinion`, and
//! searches of both by patient within the user's reach (a patient's bookings of experts'
//! sessions are Appointments too, from outreach). Reads are audited like the API's.

use crate::diagnostics::api::{consult_of, consult_reach};
use crate::fhir::{Fhir, FhirError, FhirResult, FhirSearch, FhirUser, bundle};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::diagnostics::consult::Status;
use yigong_fhir as fhir;
use yigong_store::diagnostics::Consult;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Appointment", get(search_appointments))
        .route("/Appointment/{id}", get(read_appointment))
        .route("/Communication", get(search_communications))
        .route("/Communication/{id}", get(read_communication))
}

fn data<'a>(user: &CurrentUser, c: &'a Consult) -> fhir::ConsultData<'a> {
    fhir::ConsultData {
        id: c.id,
        kind: c.kind.as_str(),
        kind_label: user.lang.t(&format!("consult.kind.{}", c.kind.as_str())),
        status: c.status.as_str(),
        question: &c.question,
        resident_id: c.resident_id,
        resident_name: &c.resident_name,
        from_institution_id: c.from_institution_id,
        from_name: &c.from_name,
        expert_name: c.expert_name.as_deref(),
        scheduled_at: c.scheduled_at,
        minutes: c.minutes,
        opinion: &c.opinion,
        answered_at: c.answered_at,
        created_at: c.created_at,
    }
}

fn not_found() -> FhirError {
    FhirError(ApiError::not_found())
}

async fn read_appointment(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    // A resident's booking of an expert's session is an Appointment too.
    if let Some(a) = crate::outreach::fhir::booking_appointment(&state, &user, id).await? {
        return Ok(Fhir(StatusCode::OK, a));
    }
    let v = consult_of(&state, &user, id).await?;
    Ok(Fhir(
        StatusCode::OK,
        fhir::appointment(&data(&user, &v.consult)),
    ))
}

async fn read_communication(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id
        .strip_suffix("-opinion")
        .and_then(|i| i.parse().ok())
        .ok_or_else(not_found)?;
    let v = consult_of(&state, &user, id).await?;
    let c = fhir::opinion(&data(&user, &v.consult)).ok_or_else(not_found)?;
    Ok(Fhir(StatusCode::OK, c))
}

/// The consultations in reach (of a patient, answered, if asked), one page, and how many
/// in all.
async fn search(
    state: &AppState,
    user: &CurrentUser,
    (p, answered): (&crate::fhir::SearchParams, bool),
) -> Result<(Vec<Consult>, i64), FhirError> {
    let filter = consult_reach(user).ok_or_else(|| FhirError(ApiError::forbidden()))?;
    let found = state
        .store
        .find_consults(
            state.community.id,
            (
                &filter,
                p.reference("patient"),
                answered.then_some(Status::Answered),
            ),
            (None, None),
            p.page(),
        )
        .await?;
    user.audit_list(
        state,
        "consult.search.fhir",
        "teleconsultation",
        found.total,
    )
    .await?;
    Ok((found.items, found.total))
}

async fn search_appointments(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, total) = search(&state, &user, (&p, false)).await?;
    let mut entries: Vec<Value> = items
        .iter()
        .map(|c| fhir::appointment(&data(&user, c)))
        .collect();
    // A patient's bookings of experts' sessions follow their consultations.
    let mut total = total;
    if let Some(patient) = p.reference("patient") {
        let booked = crate::outreach::fhir::booking_appointments(&state, &user, patient).await?;
        total += booked.len() as i64;
        entries.extend(booked);
    }
    Ok(bundle(&headers, &p, total, entries))
}

/// The opinions of the consultations in reach.
async fn search_communications(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, total) = search(&state, &user, (&p, true)).await?;
    let entries: Vec<Value> = items
        .iter()
        .filter_map(|c| fhir::opinion(&data(&user, c)))
        .collect();
    Ok(bundle(&headers, &p, total, entries))
}
