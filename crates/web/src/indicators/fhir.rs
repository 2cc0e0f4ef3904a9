//! Encounters over FHIR: a HIS that speaks FHIR pushes its visits and stays as
//! `Encounter` (create), checked as the encounter import checks a row and counted in
//! the indicators at once; read and search answer within the reader's reach. A push
//! under a visit number already stored corrects it (200), a new one is created (201).

use crate::fhir::{
    Fhir, FhirError, FhirResult, FhirSearch, FhirUser, SearchParams, bundle, invalid_element,
    located,
};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::encounter::{Kind, validate};
use yigong_fhir as fhir;
use yigong_store::StoreError;
use yigong_store::indicators::visits::{Visit, VisitFilter};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Encounter", get(search).post(create))
        .route("/Encounter/{id}", get(read))
}

fn resource(v: &Visit) -> Value {
    let diagnoses: Vec<String> = v
        .diagnoses
        .split(';')
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    fhir::encounter(&fhir::EncounterData {
        id: v.id,
        visit_no: &v.visit_no,
        institution_id: v.institution_id,
        institution_code: &v.institution_code,
        institution_name: &v.institution_name,
        department: &v.department,
        resident_id: v.resident_id,
        kind: v.kind,
        started_on: v.started_on,
        ended_on: v.ended_on,
        diagnoses: &diagnoses,
        total_fen: v.total_fen,
        insurance_fen: v.insurance_fen,
    })
}

async fn read(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Option<Uuid> = id.parse().ok();
    let found = match id {
        Some(id) => {
            state
                .store
                .visit_in(state.community.id, &user.scope, id)
                .await?
        }
        None => None,
    };
    user.audit(
        &state,
        "encounter.read.fhir",
        "encounter",
        id,
        found.is_some(),
        "",
    )
    .await?;
    let v = found.ok_or_else(|| FhirError(ApiError::not_found()))?;
    Ok(Fhir(StatusCode::OK, resource(&v)))
}

/// The filters of a search: the patient, the institution, the classes, and an
/// identifier (`urn:yigong:visit-no:<code>|<number>` or a bare number).
fn filter_of(p: &SearchParams) -> Result<VisitFilter, FhirError> {
    let mut kinds = Vec::new();
    for token in p.tokens("class") {
        let matching: Vec<Kind> = [Kind::Outpatient, Kind::Emergency, Kind::Inpatient]
            .into_iter()
            .filter(|k| token.matches((fhir::ACT_CODE_SYSTEM, fhir::class_code(*k))))
            .collect();
        if matching.is_empty() {
            return Err(FhirError(
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_field").with_detail("class"),
            ));
        }
        kinds.extend(matching);
    }
    let (institution_code, visit_no) = match p.value("identifier").map(|i| i.split_once('|')) {
        None => (None, None),
        Some(None) => (None, p.value("identifier").map(str::to_string)),
        Some(Some((system, number))) => {
            let code = match system.strip_prefix(fhir::VISIT_NO_SYSTEM) {
                Some(rest) => rest.strip_prefix(':').map(str::to_string),
                // Another system's identifier: no encounter of ours carries it.
                None if !system.is_empty() => Some(String::new()),
                None => None,
            };
            (code, Some(number.to_string()))
        }
    };
    Ok(VisitFilter {
        resident: p.reference("patient"),
        institution: p.reference("service-provider"),
        institution_code,
        visit_no,
        kinds,
    })
}

async fn search(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let filter = filter_of(&p)?;
    let found = state
        .store
        .search_visits(state.community.id, &user.scope, &filter, p.page())
        .await?;
    user.audit_list(&state, "encounter.search.fhir", "encounter", found.total)
        .await?;
    let entries = found.items.iter().map(resource).collect();
    Ok(bundle(&headers, &p, found.total, entries))
}

/// Whether the user pushes visits of `institution`: the office for any, an account of
/// the institution for its own.
fn pushes_for(user: &CurrentUser, institution: Uuid) -> bool {
    user.role.edits_registry() || user.institution_id == institution
}

async fn create(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, FhirError> {
    let c = state.community.id;
    let v: Value = serde_json::from_slice(&body)
        .map_err(|_| FhirError(ApiError::new(StatusCode::BAD_REQUEST, "bad_json")))?;
    let push = fhir::encounter_push(&v).map_err(invalid_element)?;
    user.require_audited(
        &state,
        pushes_for(&user, push.provider),
        "encounter.push",
        "encounter",
        None,
    )
    .await?;
    match state.store.get_institution(c, push.provider).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(invalid_element("serviceProvider")),
        Err(e) => return Err(e.into()),
    }
    let resident = match state.store.get_resident(c, push.patient).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(invalid_element("subject")),
        Err(e) => return Err(e.into()),
    };
    let mut row = push.row;
    row.id_number = resident.id_number;
    let valid = validate(&row, today()).map_err(|e| FhirError(e.into()))?;
    let number = valid.visit_no.clone();
    let audit = user.audit_entry("encounter.push", "encounter", Some(resident.id), true, "");
    let outcome = state
        .store
        .store_encounters(c, &[(push.provider, valid)], &audit)
        .await?;
    let stored = state
        .store
        .visit_by_number(c, push.provider, &number)
        .await?
        .ok_or(FhirError(ApiError::not_found()))?;
    let status = if outcome.inserted > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let path = format!("Encounter/{}", stored.id);
    Ok(located(status, resource(&stored), &headers, &path))
}
