//! Referrals over FHIR: ServiceRequest (read, search, create) and its Task (read, search).
//! An external system creates a referral by POSTing a ServiceRequest and then watches
//! `Task/<id>` for the workflow status.

use crate::fhir::{
    Fhir, FhirError, FhirResult, FhirSearch, FhirUser, SearchParams, bundle, invalid_element,
    located,
};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::referral::api::{ReferralBody, create_referral, load};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::referral::Status;
use yigong_fhir as fhir;
use yigong_store::referrals::{Referral, ReferralFilter};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ServiceRequest", get(search_requests).post(create))
        .route("/ServiceRequest/{id}", get(read_request))
        .route("/Task", get(search_tasks))
        .route("/Task/{id}", get(read_task))
}

fn data<'a>(user: &CurrentUser, r: &'a Referral) -> fhir::ReferralData<'a> {
    let lang = user.lang;
    fhir::ReferralData {
        id: r.id.uuid(),
        direction: r.direction.as_str(),
        direction_label: lang.t(&format!("referral.direction.{}", r.direction)),
        urgency: r.urgency.as_str(),
        pathway: r.pathway.as_deref(),
        status: r.status.as_str(),
        status_label: lang.t(&format!("referral.status.{}", r.status)),
        task_status: r.status.fhir_task_status(),
        request_status: r.status.fhir_request_status(),
        status_reason: &r.status_reason,
        resident_id: r.resident_id,
        resident_name: &r.resident_name,
        from_institution_id: r.from_institution_id,
        from_name: &r.from_name,
        to_institution_id: r.to_institution_id,
        to_name: &r.to_name,
        parent_id: r.parent_id,
        reason: &r.reason,
        icd10_code: &r.icd10_code,
        icd10_text: &r.icd10_text,
        summary: &r.summary,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn id_of(raw: &str) -> Result<Uuid, FhirError> {
    raw.parse().map_err(|_| FhirError(ApiError::not_found()))
}

async fn read_request(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id = id_of(&id)?;
    // Orders to the diagnostic centres are ServiceRequests too.
    if crate::diagnostics::fhir::is_order(&state, id).await? {
        return crate::diagnostics::fhir::read_request(&state, &user, id).await;
    }
    let r = load(&state, &user, id.into(), "referral.read.fhir").await?;
    Ok(Fhir(
        StatusCode::OK,
        fhir::service_request(&data(&user, &r), &|k| user.lang.t(k)),
    ))
}

async fn read_task(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let r = load(&state, &user, id_of(&id)?.into(), "referral.read.fhir").await?;
    Ok(Fhir(StatusCode::OK, fhir::task(&data(&user, &r))))
}

/// Our statuses for the FHIR status tokens of a Task (`task`) or a ServiceRequest; a code
/// that names none of them is refused.
fn statuses_of(p: &SearchParams, task: bool) -> Result<Vec<Status>, FhirError> {
    let (system, fhir_status): (_, fn(Status) -> &'static str) = if task {
        ("http://hl7.org/fhir/task-status", Status::fhir_task_status)
    } else {
        (
            "http://hl7.org/fhir/request-status",
            Status::fhir_request_status,
        )
    };
    let mut statuses = Vec::new();
    for token in p.tokens("status") {
        let matching: Vec<Status> = Status::ALL
            .iter()
            .copied()
            .filter(|s| token.matches((system, fhir_status(*s))))
            .collect();
        if matching.is_empty() {
            return Err(FhirError(
                ApiError::new(StatusCode::BAD_REQUEST, "invalid_field").with_detail("status"),
            ));
        }
        statuses.extend(matching);
    }
    Ok(statuses)
}

/// The referrals in the user's reach that match the search, one page of them, and how
/// many match in all.
async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &SearchParams,
    task: bool,
) -> Result<(Vec<Referral>, i64), FhirError> {
    let page = p.page();
    let statuses = statuses_of(p, task)?;
    let resident_id = p.reference("patient");
    if let Some(id) = p.reference("focus") {
        // One referral: it matches when the user may see it and the other filters agree.
        let found = load(state, user, id.into(), "referral.read.fhir")
            .await
            .ok()
            .filter(|r| {
                resident_id.is_none_or(|x| x == r.resident_id)
                    && (statuses.is_empty() || statuses.contains(&r.status))
            });
        let total = i64::from(found.is_some());
        let items = found.into_iter().skip(page.offset() as usize).collect();
        return Ok((items, total));
    }
    let filter = ReferralFilter {
        resident_id,
        statuses,
        ..Default::default()
    };
    let found = state
        .store
        .list_referrals(state.community.id, &user.referrals, &filter, page)
        .await?;
    user.audit_list(state, "referral.search.fhir", "referral", found.total)
        .await?;
    Ok((found.items, found.total))
}

async fn search_requests(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, referrals) = search(&state, &user, &p, false).await?;
    let mut entries: Vec<serde_json::Value> = items
        .iter()
        .map(|r| fhir::service_request(&data(&user, r), &|k| user.lang.t(k)))
        .collect();
    // The diagnostic orders follow the referrals in one list.
    let page = p.page();
    let skip = (page.offset() - referrals).max(0);
    let take = page.per_page - entries.len() as i64;
    let (orders, more) =
        crate::diagnostics::fhir::search_requests(&state, &user, &p, (skip, take)).await?;
    entries.extend(orders);
    Ok(bundle(&headers, &p, referrals + more, entries))
}

async fn search_tasks(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, total) = search(&state, &user, &p, true).await?;
    let entries = items.iter().map(|r| fhir::task(&data(&user, r))).collect();
    Ok(bundle(&headers, &p, total, entries))
}

/// Reads the parts of a ServiceRequest we act on into a referral request.
async fn body_of(state: &AppState, sr: &Value) -> Result<ReferralBody, FhirError> {
    if sr["resourceType"] != "ServiceRequest" {
        return Err(invalid_element("resourceType"));
    }
    let reference = |v: &Value, ty: &str| -> Result<Uuid, FhirError> {
        v["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix(ty))
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| invalid_element(ty.trim_end_matches('/')))
    };
    let resident_id = reference(&sr["subject"], "Patient/")?;
    let to = reference(&sr["performer"][0], "Organization/")?;
    let to_inst = state
        .store
        .get_institution(state.community.id, to)
        .await
        .map_err(|_| invalid_element("performer"))?;
    let direction = if to_inst.kind().is_some_and(|k| k.holds_residents()) {
        "down"
    } else {
        "up"
    };
    let urgency = fhir::urgency_of(sr["priority"].as_str().unwrap_or("routine"))
        .ok_or_else(|| invalid_element("priority"))?;
    let coding = |system: &str| -> Option<String> {
        sr["code"]["coding"]
            .as_array()?
            .iter()
            .find(|c| c["system"] == system)?["code"]
            .as_str()
            .map(str::to_string)
    };
    let reason = &sr["reasonCode"][0];
    let icd10 = reason["coding"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["system"] == fhir::ICD10_SYSTEM))
        .ok_or_else(|| invalid_element("reasonCode"))?;
    Ok(ReferralBody {
        resident_id,
        direction: direction.into(),
        urgency: urgency.into(),
        pathway: coding(fhir::GREEN_CHANNEL_SYSTEM),
        to_institution_id: to,
        to_department_id: None,
        parent_id: None,
        reason: reason["text"]
            .as_str()
            .or(icd10["display"].as_str())
            .unwrap_or_default()
            .to_string(),
        icd10_code: icd10["code"].as_str().unwrap_or_default().to_string(),
        icd10_text: icd10["display"].as_str().map(str::to_string),
        summary: sr["note"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        instructions: String::new(),
        preferred_date: None,
        first_contact_at: None,
    })
}

/// Creates a referral from a ServiceRequest; answers 201 with Location and the resource.
async fn create(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, FhirError> {
    let sr: Value = serde_json::from_slice(&body)
        .map_err(|_| FhirError(ApiError::new(StatusCode::BAD_REQUEST, "bad_json")))?;
    let b = body_of(&state, &sr).await?;
    let r = create_referral(&state, &user, &b).await?;
    let resource = fhir::service_request(&data(&user, &r), &|k| user.lang.t(k));
    let path = format!("ServiceRequest/{}", r.id);
    Ok(located(StatusCode::CREATED, resource, &headers, &path))
}
