//! `Observation?patient=`: one resident's observations, newest first: the blood
//! pressure and fasting glucose of follow-up visits and the recordings of ECG studies.
//! `code` and `category` are matched before anything is built, so `total` counts what
//! matches and `_offset` pages through it; an ECG recording is read from its file only
//! when it is on the page.

use super::{FhirResult, FhirSearch, FhirUser, bundle};
use crate::http::auth::CurrentUser;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use time::Date;
use uuid::Uuid;
use yigong_domain::clock::local_date;
use yigong_fhir as fhir;
use yigong_fhir::search::{Coding, any_matches, observation as obs};
use yigong_store::PageRequest;
use yigong_store::chronic::VisitRecord;
use yigong_store::ecg::Study;

pub fn router() -> Router<AppState> {
    Router::new().route("/Observation", get(search))
}

/// One observation that may be on the page, before it is built.
enum Candidate<'a> {
    BloodPressure(&'a VisitRecord),
    Glucose(&'a VisitRecord),
    Ecg(&'a Study),
}

impl Candidate<'_> {
    /// (code, category)
    fn codings(&self) -> (Coding, Coding) {
        match self {
            Candidate::BloodPressure(_) => (obs::BLOOD_PRESSURE, obs::VITAL_SIGNS),
            Candidate::Glucose(_) => (obs::GLUCOSE, obs::LABORATORY),
            Candidate::Ecg(_) => (obs::ECG, obs::PROCEDURE),
        }
    }

    /// Newest first: the day (in China time), then the id.
    fn order_key(&self) -> (Date, String) {
        match self {
            Candidate::BloodPressure(v) => (v.visit_on, fhir::bp_id(v.id)),
            Candidate::Glucose(v) => (v.visit_on, fhir::glucose_id(v.id)),
            Candidate::Ecg(s) => (local_date(s.recorded_at), s.id.to_string()),
        }
    }
}

/// Every study of `resident` the user may read over FHIR.
async fn studies_of(
    state: &AppState,
    user: &CurrentUser,
    resident: Uuid,
) -> Result<Vec<Study>, super::FhirError> {
    let Some(filter) = crate::ecg::fhir::reach(user) else {
        return Ok(vec![]);
    };
    let mut studies = Vec::new();
    loop {
        let page = PageRequest::at_offset(studies.len() as i64, PageRequest::MAX_PER_PAGE);
        let found = state
            .store
            .list_studies(state.community.id, &filter, Some(resident), page)
            .await?;
        let done =
            found.items.is_empty() || studies.len() + found.items.len() >= found.total as usize;
        studies.extend(found.items);
        if done {
            return Ok(studies);
        }
    }
}

async fn search(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let resident = crate::chronic::fhir::patient(&state, &user, &p).await?;
    let visits = state.store.visits_of(state.community.id, resident).await?;
    let studies = studies_of(&state, &user, resident).await?;
    let (codes, categories) = (p.tokens("code"), p.tokens("category"));
    let mut found: Vec<Candidate> = visits
        .iter()
        .flat_map(|v| {
            let bp = (v.systolic.is_some() && v.diastolic.is_some())
                .then_some(Candidate::BloodPressure(v));
            let glucose = v.glucose.is_some().then_some(Candidate::Glucose(v));
            bp.into_iter().chain(glucose)
        })
        .chain(studies.iter().map(Candidate::Ecg))
        .filter(|c| {
            let (code, category) = c.codings();
            any_matches(&codes, &[code]) && any_matches(&categories, &[category])
        })
        .collect();
    found.sort_by_key(|c| std::cmp::Reverse(c.order_key()));
    let total = found.len() as i64;
    let page = p.page();
    let mut entries = Vec::new();
    for c in found
        .iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
    {
        entries.push(build(&state, c, user.lang).await?);
    }
    Ok(bundle(&headers, &p, total, entries))
}

async fn build(
    state: &AppState,
    c: &Candidate<'_>,
    lang: crate::i18n::Lang,
) -> Result<serde_json::Value, super::FhirError> {
    let (visit, id) = match c {
        Candidate::Ecg(study) => return crate::ecg::fhir::observation(state, study, lang).await,
        Candidate::BloodPressure(v) => (v, fhir::bp_id(v.id)),
        Candidate::Glucose(v) => (v, fhir::glucose_id(v.id)),
    };
    fhir::visit_observations(&crate::chronic::fhir::visit(visit), &|k| lang.t(k))
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .ok_or_else(|| crate::http::error::ApiError::internal().into())
}
