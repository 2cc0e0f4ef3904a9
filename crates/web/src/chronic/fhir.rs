//! Chronic care over FHIR: `CarePlan/<register>` and `CarePlan?patient=`, and the
//! blood-pressure and glucose Observations of follow-up visits
//! (`Observation/<visit>-bp`, `Observation/<visit>-glu`; searched in `observations.rs`).
//! Access follows the resident's clinic, and every read is audited.

use crate::fhir::{FhirError, FhirResult, FhirSearch, FhirUser, SearchParams};
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_fhir as fhir;
use yigong_store::chronic::{Register, VisitRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/CarePlan", get(search_plans))
        .route("/CarePlan/{id}", get(read_plan))
}

fn plan(r: &Register, lang: crate::i18n::Lang) -> Value {
    fhir::care_plan(
        &fhir::Plan {
            id: r.id,
            status: &r.status,
            disease: &r.disease,
            title: lang.t(&format!("chronic.plan_title.{}", r.disease)),
            resident_id: r.resident_id,
            resident_name: &r.resident_name,
            enrolled_on: r.enrolled_on,
            next_due: r.next_due,
            last_controlled: r.last_controlled,
        },
        &|k| lang.t(k),
    )
}

pub(crate) fn visit(v: &VisitRecord) -> fhir::Visit<'_> {
    fhir::Visit {
        id: v.id,
        resident_id: v.resident_id,
        resident_name: &v.resident_name,
        institution_id: v.institution_id,
        visit_on: v.visit_on,
        systolic: v.systolic,
        diastolic: v.diastolic,
        glucose: v.glucose,
    }
}

async fn read_plan(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id
        .parse()
        .map_err(|_| FhirError::from(ApiError::not_found()))?;
    let r = crate::chronic::api::load(&state, &user, id, "chronic.read.fhir").await?;
    Ok(crate::fhir::Fhir(StatusCode::OK, plan(&r, user.lang)))
}

/// The resident `patient=` names (the query was refused without it) when the user may
/// see them; the look-up is audited either way.
pub(crate) async fn patient(
    state: &AppState,
    user: &crate::http::auth::CurrentUser,
    p: &SearchParams,
) -> Result<Uuid, FhirError> {
    let id = p.reference("patient").ok_or_else(|| {
        FhirError::from(ApiError::new(StatusCode::BAD_REQUEST, "required").with_detail("patient"))
    })?;
    let resident = match state.store.get_resident(state.community.id, id).await {
        Ok(r) if user.scope.allows(r.institution_id) => Some(r),
        Ok(_) | Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    user.audit(
        state,
        "chronic.search.fhir",
        "resident",
        Some(id),
        resident.is_some(),
        "",
    )
    .await?;
    resident
        .map(|r| r.id)
        .ok_or_else(|| FhirError::from(ApiError::not_found()))
}

async fn search_plans(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let resident = patient(&state, &user, &p).await?;
    let page = p.page();
    let plans = state
        .store
        .registers_of(state.community.id, resident)
        .await?;
    let total = plans.len() as i64;
    let entries = plans
        .iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|r| plan(r, user.lang))
        .collect();
    Ok(crate::fhir::bundle(&headers, &p, total, entries))
}

/// `Observation/<visit>-bp` or `-glu`: one reading of a follow-up visit.
pub async fn read_visit_observation(
    state: &AppState,
    user: &crate::http::auth::CurrentUser,
    raw: &str,
) -> FhirResult {
    let (id, suffix) = raw
        .rsplit_once('-')
        .ok_or_else(|| FhirError::from(ApiError::not_found()))?;
    let id: Uuid = id
        .parse()
        .map_err(|_| FhirError::from(ApiError::not_found()))?;
    let found = match state.store.get_visit(state.community.id, id).await {
        Ok(v) if user.scope.allows(v.institution_id) => Some(v),
        Ok(_) | Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    user.audit(
        state,
        "chronic.read.fhir",
        "chronic_follow_up",
        Some(id),
        found.is_some(),
        "",
    )
    .await?;
    let v = found.ok_or_else(|| FhirError::from(ApiError::not_found()))?;
    let wanted = match suffix {
        "bp" => fhir::bp_id(v.id),
        "glu" => fhir::glucose_id(v.id),
        _ => return Err(ApiError::not_found().into()),
    };
    fhir::visit_observations(&visit(&v), &|k| user.lang.t(k))
        .into_iter()
        .find(|o| o["id"] == wanted.as_str())
        .map(|o| crate::fhir::Fhir(StatusCode::OK, o))
        .ok_or_else(|| ApiError::not_found().into())
}
