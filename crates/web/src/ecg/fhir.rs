//! ECG studies over FHIR: `Observation/<id>` (the recording, one SampledData per lead)
//! and `DiagnosticReport/<id>` (the reading), and a search of the reports the user may
//! see. Reads are audited like the API's.

use crate::ecg::api::load;
use crate::fhir::{FhirError, FhirResult, FhirSearch, FhirUser, bundle};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::ecg::{EcgScope, finding};
use yigong_fhir as fhir;
use yigong_store::ecg::{Study, StudyFilter};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Observation/{id}", get(read_observation))
        .route("/DiagnosticReport", get(search_reports))
        .route("/DiagnosticReport/{id}", get(read_report))
}

fn id_of(raw: &str) -> Result<Uuid, FhirError> {
    raw.parse().map_err(|_| FhirError(ApiError::not_found()))
}

async fn read_observation(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    // Follow-up readings have their own ids (`<visit>-bp`, `<visit>-glu`).
    if id.ends_with("-bp") || id.ends_with("-glu") {
        return crate::chronic::fhir::read_visit_observation(&state, &user, &id).await;
    }
    // A laboratory value of a diagnostic order: `<order>-<analyte>`.
    if id.len() > 36 {
        return crate::diagnostics::fhir::read_value(&state, &user, &id).await;
    }
    let study = load(&state, &user, id_of(&id)?.into(), "ecg.read.fhir").await?;
    Ok(crate::fhir::Fhir(
        StatusCode::OK,
        observation(&state, &study, user.lang).await?,
    ))
}

/// The recording of a study as an Observation (the caller has checked access).
pub(crate) async fn observation(
    state: &AppState,
    study: &Study,
    lang: crate::i18n::Lang,
) -> Result<Value, FhirError> {
    let files = state
        .store
        .study_files(state.community.id, study.id)
        .await?;
    let fs = study.sample_rate;
    let recording = tokio::task::spawn_blocking(move || {
        let named: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        yigong_ecg::read_upload(&named, Some(fs)).map(|(_, r)| r)
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|_| ApiError::internal())?;
    let o = fhir::EcgObservation {
        id: study.id.uuid(),
        resident_id: study.resident_id,
        resident_name: &study.resident_name,
        from_institution_id: study.from_institution_id,
        recorded_at: study.recorded_at,
        fs: recording.fs,
        leads: recording
            .leads
            .iter()
            .map(|l| (l.name.as_str(), l.samples.as_slice()))
            .collect(),
        heart_rate: study.heart_rate,
    };
    Ok(fhir::ecg_observation(&o, &|k| lang.t(k)))
}

/// The studies this user may read over FHIR: all of them for the ECG centre and the
/// office, those sent from their clinics for the others, none for roles without ECG.
pub(crate) fn reach(user: &CurrentUser) -> Option<StudyFilter> {
    match &user.ecg {
        EcgScope::All | EcgScope::Reader => Some(StudyFilter::All),
        EcgScope::Senders(ids) => Some(StudyFilter::Senders(ids.clone())),
        EcgScope::None => None,
    }
}

async fn report_of(state: &AppState, user: &CurrentUser, s: &Study) -> Result<Value, FhirError> {
    let report = state.store.study_report(state.community.id, s.id).await?;
    let lang = user.lang;
    let labels: Vec<(String, String)> = report
        .as_ref()
        .map(|r| {
            r.findings
                .split(',')
                .filter_map(|c| {
                    finding(c).map(|f| (c.to_string(), lang.finding(f.code).to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(fhir::ecg_report(
        &fhir::EcgReport {
            id: s.id.uuid(),
            status: s.status.as_str(),
            resident_id: s.resident_id,
            resident_name: &s.resident_name,
            recorded_at: s.recorded_at,
            reported_at: s.reported_at,
            reader_name: report.as_ref().map(|r| r.reader_name.as_str()),
            findings: labels
                .iter()
                .map(|(c, l)| (c.as_str(), l.as_str()))
                .collect(),
            conclusion: report.as_ref().map_or("", |r| r.conclusion.as_str()),
        },
        &|k| user.lang.t(k),
    ))
}

async fn read_report(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id = id_of(&id)?;
    // The results of diagnostic orders are DiagnosticReports too.
    if crate::diagnostics::fhir::is_order(&state, id).await? {
        return crate::diagnostics::fhir::read_report(&state, &user, id).await;
    }
    let study = load(&state, &user, id.into(), "ecg.read.fhir").await?;
    Ok(crate::fhir::Fhir(
        StatusCode::OK,
        report_of(&state, &user, &study).await?,
    ))
}

async fn search_reports(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let filter = reach(&user).ok_or_else(ApiError::forbidden)?;
    let resident = p.reference("patient");
    let found = state
        .store
        .list_studies(state.community.id, &filter, resident, p.page())
        .await?;
    let entity = if resident.is_some() {
        "resident"
    } else {
        "ecg_study"
    };
    user.audit(
        &state,
        "ecg.search.fhir",
        entity,
        resident,
        true,
        &format!("results={}", found.total),
    )
    .await?;
    let mut entries = Vec::with_capacity(found.items.len());
    for s in &found.items {
        entries.push(report_of(&state, &user, s).await?);
    }
    // The results of diagnostic orders follow the ECG reports in one list.
    let page = p.page();
    let skip = (page.offset() - found.total).max(0);
    let take = page.per_page - entries.len() as i64;
    let (orders, more) =
        crate::diagnostics::fhir::search_reports(&state, &user, &p, (skip, take)).await?;
    entries.extend(orders);
    Ok(bundle(&headers, &p, found.total + more, entries))
}
