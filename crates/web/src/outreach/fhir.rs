//! Expert outreach over FHIR: a session as `Schedule/<id>` and `Slot/<id>`, a posting as
//! `PractitionerRole/<id>`, and searches of each within the user's roster reach (no patient
//! data: the roster is read county-wide by staff roles).

use super::api::{places, reaches};
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
use yigong_domain::clock::today;
use yigong_fhir as fhir;
use yigong_store::StoreError;
use yigong_store::outreach::{BookingRow, PostingRow, SessionFilter, SessionRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Schedule", get(search_schedules))
        .route("/Schedule/{id}", get(read_schedule))
        .route("/Slot", get(search_slots))
        .route("/Slot/{id}", get(read_slot))
        .route("/PractitionerRole", get(search_roles))
        .route("/PractitionerRole/{id}", get(read_role))
}

fn not_found() -> FhirError {
    FhirError(ApiError::not_found())
}

/// The builders' view of a session, its expert shown with their title.
fn session_data<'a>(s: &'a SessionRow, expert: &'a str) -> fhir::SessionData<'a> {
    fhir::SessionData {
        id: s.id,
        expert_id: s.expert_id,
        expert,
        service: s.department.as_deref().unwrap_or(&s.specialty),
        institution_id: s.institution_id,
        institution_name: &s.institution_name,
        day: s.day,
        start_min: s.start_min,
        end_min: s.end_min,
        capacity: s.capacity,
        booked: s.booked,
        status: s.status.as_str(),
        note: &s.note,
    }
}

fn expert_shown(user: &CurrentUser, s: &SessionRow) -> String {
    format!(
        "{} {}",
        s.expert_name,
        user.lang.t(&format!("title.{}", s.expert_title))
    )
}

/// A session in the user's roster reach, or 404.
async fn session_in_reach(
    state: &AppState,
    user: &CurrentUser,
    raw: &str,
) -> Result<SessionRow, FhirError> {
    let id: Uuid = raw.parse().map_err(|_| not_found())?;
    match state.store.get_session(state.community.id, id).await {
        Ok(s) if reaches(user, s.institution_id) => Ok(s),
        Ok(_) | Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

async fn read_schedule(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let s = session_in_reach(&state, &user, &id).await?;
    let shown = expert_shown(&user, &s);
    Ok(Fhir(
        StatusCode::OK,
        fhir::schedule(&session_data(&s, &shown)),
    ))
}

async fn read_slot(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let s = session_in_reach(&state, &user, &id).await?;
    let shown = expert_shown(&user, &s);
    Ok(Fhir(StatusCode::OK, fhir::slot(&session_data(&s, &shown))))
}

/// Sessions in reach (at one place if asked), one page, and how many in all.
async fn sessions(
    state: &AppState,
    user: &CurrentUser,
    (p, place): (&crate::fhir::SearchParams, Option<Uuid>),
) -> Result<(Vec<SessionRow>, i64), FhirError> {
    let institutions = match (places(user), place) {
        (None, None) => None,
        (None, Some(i)) => Some(vec![i]),
        (Some(mine), None) => Some(mine),
        (Some(mine), Some(i)) => Some(mine.into_iter().filter(|m| *m == i).collect()),
    };
    let f = SessionFilter {
        institutions,
        ..SessionFilter::default()
    };
    let found = state
        .store
        .find_sessions(state.community.id, &f, p.page())
        .await?;
    Ok((found.items, found.total))
}

async fn search_schedules(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, total) = sessions(&state, &user, (&p, p.reference("actor"))).await?;
    let entries: Vec<Value> = items
        .iter()
        .map(|s| fhir::schedule(&session_data(s, &expert_shown(&user, s))))
        .collect();
    Ok(bundle(&headers, &p, total, entries))
}

async fn search_slots(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let (items, total) = match p.reference("schedule") {
        Some(id) => match session_in_reach(&state, &user, &id.to_string()).await {
            Ok(s) => (vec![s], 1),
            Err(_) => (Vec::new(), 0),
        },
        None => sessions(&state, &user, (&p, None)).await?,
    };
    let entries: Vec<Value> = items
        .iter()
        .map(|s| fhir::slot(&session_data(s, &expert_shown(&user, s))))
        .collect();
    Ok(bundle(&headers, &p, total, entries))
}

fn role(user: &CurrentUser, p: &PostingRow) -> Value {
    fhir::practitioner_role(&fhir::PostingData {
        id: p.id,
        staff_id: p.staff_id,
        staff_name: &p.staff_name,
        institution_id: p.institution_id,
        institution_name: &p.institution_name,
        kind: p.kind.as_str(),
        kind_label: user.lang.t(&format!("outreach.kind.{}", p.kind.as_str())),
        start: p.start_on,
        end: p.end_on,
        today: today(),
    })
}

async fn read_role(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    let p = match state.store.get_posting(state.community.id, id).await {
        Ok(p) if places(&user).is_none_or(|m| m.contains(&p.institution_id)) => p,
        Ok(_) | Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok(Fhir(StatusCode::OK, role(&user, &p)))
}

/// This year's postings in reach (at one site, of one person, if asked).
async fn search_roles(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let v = super::api::postings_for(&state, &user, None).await?;
    let (site, person) = (p.reference("organization"), p.reference("practitioner"));
    let all: Vec<&PostingRow> = v
        .postings
        .iter()
        .filter(|r| {
            site.is_none_or(|s| s == r.institution_id) && person.is_none_or(|s| s == r.staff_id)
        })
        .collect();
    let page = p.page();
    let entries: Vec<Value> = all
        .iter()
        .skip(page.offset().max(0) as usize)
        .take(page.per_page.max(0) as usize)
        .map(|r| role(&user, r))
        .collect();
    Ok(bundle(&headers, &p, all.len() as i64, entries))
}

fn appointment(user: &CurrentUser, b: &BookingRow) -> Value {
    let created = b
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    fhir::booking_appointment(&fhir::BookingData {
        id: b.id,
        resident_id: b.resident_id,
        resident_name: &b.resident_name,
        session_id: b.session_id,
        expert_id: b.expert_id,
        expert_name: &b.expert_name,
        day: b.day,
        start_min: b.start_min,
        end_min: b.end_min,
        status: b.status.as_str(),
        created: &created,
        service: user.lang.t("outreach.session"),
    })
}

/// A resident's booking as an Appointment, if `id` is one: `None` when it is not a
/// booking (the caller tries its own kind), 404 when it is one out of the user's reach
/// (the read audited either way).
pub async fn booking_appointment(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
) -> Result<Option<Value>, FhirError> {
    let Some(b) = state.store.get_booking(state.community.id, id).await? else {
        return Ok(None);
    };
    let ok = user.scope.allows(b.resident_institution_id);
    user.audit(
        state,
        "outreach.booking_read",
        "outreach_booking",
        Some(id),
        ok,
        "",
    )
    .await?;
    if !ok {
        return Err(not_found());
    }
    Ok(Some(appointment(user, &b)))
}

/// A patient's bookings as Appointments, when the user reaches the patient.
pub async fn booking_appointments(
    state: &AppState,
    user: &CurrentUser,
    patient: Uuid,
) -> Result<Vec<Value>, FhirError> {
    let c = state.community.id;
    match state.store.get_resident(c, patient).await {
        Ok(r) if user.scope.allows(r.institution_id) => {}
        Ok(_) | Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    }
    let found = state.store.bookings_of(c, patient).await?;
    user.audit_list(
        state,
        "outreach.booking_search",
        "outreach_booking",
        found.len() as i64,
    )
    .await?;
    Ok(found.iter().map(|b| appointment(user, b)).collect())
}
