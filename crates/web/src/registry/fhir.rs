//! The registry's FHIR resources: read and search of Patient, Organization and
//! Practitioner.

use crate::fhir::{Fhir, FhirError, FhirResult, FhirSearch, FhirUser, bundle};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::access::PhoneUse;
use yigong_domain::identity::ResidentIdNumber;
use yigong_fhir as fhir;
use yigong_store::institutions::Institution;
use yigong_store::residents::{Resident, ResidentQuery};
use yigong_store::staff::{StaffMember, StaffQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/Patient", get(search_patients))
        .route("/Patient/{id}", get(read_patient))
        .route("/Organization", get(search_organizations))
        .route("/Organization/{id}", get(read_organization))
        .route("/Practitioner", get(search_practitioners))
        .route("/Practitioner/{id}", get(read_practitioner))
}

/// The whole ID number for a role that sees it so; `None` (left out) for the others.
fn whole_id_number<'a>(user: &CurrentUser, id_number: &'a str) -> Option<&'a str> {
    user.role.sees_full_identifiers().then_some(id_number)
}

pub fn patient_resource(user: &CurrentUser, r: &Resident) -> Value {
    let phone = user.shown_phone(PhoneUse::Record, &r.phone);
    fhir::patient(
        &fhir::PatientData {
            id: r.id,
            name: &r.name,
            sex: &r.sex,
            birth_date: r.birth_date,
            id_number: whole_id_number(user, &r.id_number),
            phone: &phone,
            address: &r.address,
            active: r.active,
            organization_id: r.institution_id,
            organization_name: &r.institution_name,
            updated_at: r.updated_at,
        },
        &|k| user.lang.t(k),
    )
}

async fn read_patient(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id.parse().map_err(|_| FhirError(ApiError::not_found()))?;
    let r = crate::registry::api::residents::load_in_scope(&state, &user, id, "resident.read.fhir")
        .await?;
    Ok(Fhir(StatusCode::OK, patient_resource(&user, &r)))
}

async fn search_patients(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let page = p.page();
    let c = state.community.id;
    // An identifier matches whole numbers only; a name is vetted like any search term
    // (digits there would search ID numbers).
    let term = match p.identifier_value(fhir::ID_CARD_SYSTEM) {
        Some(Some(value)) => match ResidentIdNumber::parse(&value) {
            Ok(id) => {
                crate::registry::api::residents::identifier_probe(
                    &state,
                    &user,
                    "resident.id_lookup.fhir",
                )
                .await?;
                Some(Some(id.as_str().to_string()))
            }
            Err(_) => None,
        },
        Some(None) => None,
        None => {
            Some(crate::registry::api::residents::vet_query(&state, &user, p.value("name")).await?)
        }
    };
    let (items, total) = match term {
        None => (vec![], 0),
        Some(q) => {
            let q = ResidentQuery {
                q,
                institution: p.reference("organization"),
                include_inactive: false,
            };
            let page = state
                .store
                .search_residents(c, &user.scope, &q, page)
                .await?;
            (page.items, page.total)
        }
    };
    user.audit(
        &state,
        "resident.search.fhir",
        "resident",
        None,
        true,
        &format!("results={total}"),
    )
    .await?;
    let entries = items.iter().map(|r| patient_resource(&user, r)).collect();
    Ok(bundle(&headers, &p, total, entries))
}

fn organization_resource(lang: Lang, i: &Institution) -> Value {
    fhir::organization(&fhir::OrganizationData {
        id: i.id,
        code: &i.code,
        name: &i.name,
        kind: &i.kind,
        kind_label: lang.t(&format!("kind.{}", i.kind)),
        address: &i.address,
        active: i.active,
        parent_id: i.parent_id,
    })
}

async fn read_organization(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id.parse().map_err(|_| FhirError(ApiError::not_found()))?;
    let i = state.store.get_institution(state.community.id, id).await?;
    Ok(Fhir(StatusCode::OK, organization_resource(user.lang, &i)))
}

async fn search_organizations(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let page = p.page();
    let parent = p.reference("partof");
    let code = p.identifier_value(fhir::INSTITUTION_CODE_SYSTEM);
    let all: Vec<Institution> = state
        .store
        .list_institutions(state.community.id)
        .await?
        .into_iter()
        .filter(|i| p.value("name").is_none_or(|n| i.name.contains(n)))
        .filter(|i| {
            code.as_ref()
                .is_none_or(|c| c.as_deref() == Some(i.code.as_str()))
        })
        .filter(|i| parent.is_none_or(|pid| i.parent_id == Some(pid)))
        .collect();
    let total = all.len() as i64;
    let entries = all
        .iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .map(|i| organization_resource(user.lang, i))
        .collect();
    Ok(bundle(&headers, &p, total, entries))
}

fn practitioner_resource(user: &CurrentUser, s: &StaffMember) -> Value {
    let phone = s
        .phone
        .as_ref()
        .map(|p| user.shown_phone(PhoneUse::Record, p));
    fhir::practitioner(
        &fhir::PractitionerData {
            id: s.id,
            name: &s.name,
            sex: &s.sex,
            id_number: whole_id_number(user, &s.id_number),
            phone: phone.as_deref(),
            title: &s.title,
            title_label: user.lang.t(&format!("title.{}", s.title)),
            active: s.active,
        },
        &|k| user.lang.t(k),
    )
}

async fn read_practitioner(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    Path(id): Path<String>,
) -> FhirResult {
    let id: Uuid = id.parse().map_err(|_| FhirError(ApiError::not_found()))?;
    let s = state.store.get_staff(state.community.id, id).await?;
    Ok(Fhir(StatusCode::OK, practitioner_resource(&user, &s)))
}

async fn search_practitioners(
    State(state): State<AppState>,
    FhirUser(user): FhirUser,
    headers: HeaderMap,
    FhirSearch(p): FhirSearch,
) -> FhirResult {
    let page = p.page();
    let q = match p.identifier_value(fhir::ID_CARD_SYSTEM) {
        Some(Some(v)) => Some(v.to_ascii_uppercase()),
        Some(None) => return Ok(bundle(&headers, &p, 0, vec![])),
        None => p.value("name").map(str::to_string),
    };
    let query = StaffQuery {
        q,
        institution: p.reference("organization"),
        include_inactive: false,
    };
    let found = state
        .store
        .search_staff(state.community.id, &query, page)
        .await?;
    let entries = found
        .items
        .iter()
        .map(|s| practitioner_resource(&user, s))
        .collect();
    Ok(bundle(&headers, &p, found.total, entries))
}
