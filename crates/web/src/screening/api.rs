//! Screening through the API: any clinician records blood pressure, fasting glucose and
//! the COPD-SQ questionnaire for a resident they may see; what it finds opens a
//! suspicion at the resident's own clinic, whose doctors confirm the diagnosis (enrolling
//! hypertension and diabetes into their registers at once) or exclude it.

use crate::api::AppQuery;
use crate::chronic::api::{check_measured, clinics, day_of_care, today};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::PhoneUse;
use yigong_domain::chronic::STANDARD;
use yigong_domain::family::age_on;
use yigong_domain::screening::{
    Breathlessness, COPD_SQ, CRITERIA, Condition, CopdAnswers, Measured, Support, bmi,
};
use yigong_store::Page;
use yigong_store::chronic::NewRegister;
use yigong_store::screening::{Decision, NewScreening, Screening, Suspicion};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(of_resident, create))
        .routes(routes!(pending))
        .routes(routes!(decide))
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CopdBody {
    #[serde(default)]
    pub pack_years: f64,
    #[serde(default)]
    pub cough: bool,
    /// `none`, `on_exertion`, `walking`
    #[serde(default)]
    pub breathlessness: Option<String>,
    #[serde(default)]
    pub biomass_fuel: bool,
    #[serde(default)]
    pub family_history: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScreeningBody {
    pub resident_id: Uuid,
    /// YYYY-MM-DD; defaults to today.
    pub screened_on: Option<String>,
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    /// Fasting glucose, mmol/L, to one decimal place (a comma is a decimal mark too).
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub glucose: Option<f64>,
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub weight_kg: Option<f64>,
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub height_cm: Option<f64>,
    /// The COPD-SQ answers; weight and height are then required (BMI is one item).
    pub copd: Option<CopdBody>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScreeningOutcome {
    pub screening_id: Uuid,
    pub findings: Vec<&'static str>,
    pub copd_score: Option<u8>,
    pub bmi: Option<f64>,
    /// The conditions newly awaiting a doctor's decision at the resident's clinic.
    pub opened: Vec<&'static str>,
}

/// Records a screening of a resident the user may see and opens what it raises.
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    b: &ScreeningBody,
) -> ApiResult<ScreeningOutcome> {
    user.require(user.role.clinical())?;
    let c = state.community.id;
    let resident = match state.store.get_resident(c, b.resident_id).await {
        Ok(r) if user.scope.allows(r.institution_id) => r,
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            return Err(unprocessable("resident", "not_found"));
        }
        Err(e) => return Err(e.into()),
    };
    check_measured(b.systolic, b.diastolic, b.glucose, b.weight_kg, b.height_cm)?;
    if b.systolic.is_none() && b.glucose.is_none() && b.copd.is_none() {
        return Err(unprocessable("systolic", "nothing_measured"));
    }
    let on = day_of_care(b.screened_on.as_deref(), "screened_on", today())?;
    let body_mass = match (b.weight_kg, b.height_cm) {
        (Some(w), Some(h)) => bmi(w, h),
        _ => None,
    };
    let copd = match &b.copd {
        None => None,
        Some(q) => {
            yigong_domain::measures::PACK_YEARS.check(Some(q.pack_years))?;
            let breathlessness =
                Breathlessness::parse(q.breathlessness.as_deref().unwrap_or("none"))
                    .ok_or_else(|| unprocessable("breathlessness", "invalid_field"))?;
            let answers = CopdAnswers {
                pack_years: yigong_domain::measures::tenths(q.pack_years),
                cough: q.cough,
                breathlessness,
                biomass_fuel: q.biomass_fuel,
                family_history: q.family_history,
            };
            let m = body_mass.ok_or_else(|| {
                unprocessable(
                    if b.weight_kg.is_none() {
                        "weight_kg"
                    } else {
                        "height_cm"
                    },
                    "required",
                )
            })?;
            let age = age_on(resident.birth_date, on);
            Some((COPD_SQ.score(age, m, &answers), answers))
        }
    };
    let measured = Measured {
        systolic: b.systolic,
        diastolic: b.diastolic,
        glucose: b.glucose,
    };
    let findings = CRITERIA.findings(&measured, copd.map(|c| c.0));
    let suspect: Vec<&'static str> = findings
        .iter()
        .filter_map(|f| f.condition())
        .map(Condition::as_str)
        .collect();
    let new = NewScreening {
        resident_id: resident.id,
        institution_id: user.institution_id,
        home_institution_id: resident.institution_id,
        screened_on: Some(on),
        systolic: b.systolic.map(i32::from),
        diastolic: b.diastolic.map(i32::from),
        glucose: b.glucose,
        weight_kg: b.weight_kg,
        height_cm: b.height_cm,
        copd_score: copd.map(|c| i32::from(c.0)),
        copd_answers: copd.map(|c| c.1.encode()).unwrap_or_default(),
        findings: findings
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(","),
        suspect,
        recorded_by: Some(user.account_id),
    };
    let entry = user.audit_entry(
        "chronic.screen",
        "resident",
        Some(resident.id),
        true,
        &new.findings,
    );
    let (id, opened) = state.store.record_screening(c, &new, &entry).await?;
    Ok(ScreeningOutcome {
        screening_id: id,
        findings: findings.iter().map(|f| f.as_str()).collect(),
        copd_score: copd.map(|c| c.0),
        bmi: body_mass,
        opened,
    })
}

#[utoipa::path(post, path = "/screenings",
    request_body = ScreeningBody,
    responses((status = 201, description = "Findings, COPD-SQ score, BMI and the suspicions opened"), (status = 403), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::api::AppJson(b): crate::api::AppJson<ScreeningBody>,
) -> ApiResult<(StatusCode, Json<ScreeningOutcome>)> {
    Ok((StatusCode::CREATED, Json(record(&state, &user, &b).await?)))
}

/// A suspicion with how far the screenings go towards the diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct SuspicionView {
    #[serde(flatten)]
    pub suspicion: Suspicion,
    /// Separate days with a raised value, and how many the criteria need (none for COPD,
    /// which spirometry decides).
    pub raised_days: Option<u32>,
    pub days_needed: Option<u32>,
}

/// How far a resident's screenings support a condition.
pub fn support(condition: &str, screenings: &[Screening]) -> Option<Support> {
    let disease = Condition::parse(condition)?.register()?;
    let readings: Vec<(Date, Measured)> = screenings
        .iter()
        .map(|s| {
            (
                s.screened_on,
                Measured {
                    systolic: s.systolic.and_then(|v| u16::try_from(v).ok()),
                    diastolic: s.diastolic.and_then(|v| u16::try_from(v).ok()),
                    glucose: s.glucose,
                },
            )
        })
        .collect();
    Some(CRITERIA.support(disease, &readings))
}

/// A suspicion with its resident's phone as the user may see it where it is shown.
fn shown(user: &CurrentUser, at: PhoneUse, mut s: Suspicion) -> Suspicion {
    s.phone = user.shown_phone(at, &s.phone);
    s
}

fn view(suspicion: Suspicion, screenings: &[Screening]) -> SuspicionView {
    let s = support(&suspicion.condition, screenings);
    SuspicionView {
        suspicion,
        raised_days: s.map(|s| s.days),
        days_needed: s.map(|s| s.needed),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ResidentScreenings {
    pub screenings: Vec<Screening>,
    pub suspicions: Vec<SuspicionView>,
}

/// A resident's screenings and suspicions; the caller has checked (and audited) that
/// the user may see the resident.
pub async fn resident_screenings(
    state: &AppState,
    user: &CurrentUser,
    resident: Uuid,
) -> ApiResult<ResidentScreenings> {
    let c = state.community.id;
    let screenings = state.store.screenings_of(c, resident).await?;
    let suspicions = state
        .store
        .suspicions_of(c, resident)
        .await?
        .into_iter()
        .map(|s| view(shown(user, PhoneUse::Record, s), &screenings))
        .collect();
    Ok(ResidentScreenings {
        screenings,
        suspicions,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct OfResident {
    pub resident_id: Option<Uuid>,
}

#[utoipa::path(get, path = "/screenings", params(("resident_id" = Uuid, Query)),
    responses((status = 200, description = "The resident's screenings and suspicions with their support"), (status = 404)))]
pub async fn of_resident(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<OfResident>,
) -> ApiResult<Json<ResidentScreenings>> {
    let id = q
        .resident_id
        .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, "resident_id", "required"))?;
    crate::registry::api::residents::load_in_scope(&state, &user, id, "resident.screenings")
        .await?;
    Ok(Json(resident_screenings(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct PendingQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Suspicions awaiting a decision at the user's clinics, the oldest first.
pub async fn pending_for(
    state: &AppState,
    user: &CurrentUser,
    q: &PendingQuery,
) -> ApiResult<Page<Suspicion>> {
    let clinics = clinics(user)?;
    let page = state
        .store
        .open_suspicions(
            state.community.id,
            &clinics,
            yigong_store::PageRequest::new(q.page, q.per_page),
        )
        .await?;
    user.audit(
        state,
        "chronic.pending",
        "resident",
        None,
        true,
        &format!("results={}", page.total),
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|s| shown(user, PhoneUse::CallList, s))
            .collect(),
        ..page
    })
}

#[utoipa::path(get, path = "/screenings/pending", params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "Suspicions awaiting a decision at the user's clinics, the oldest first"), (status = 403)))]
pub async fn pending(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PendingQuery>,
) -> ApiResult<Json<Page<Suspicion>>> {
    Ok(Json(pending_for(&state, &user, &q).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    /// For `confirm`: `screening` (the screenings meet the criteria), `hospital` (a
    /// hospital's diagnosis) or `clinical` (the doctor's own assessment).
    pub basis: Option<String>,
    /// YYYY-MM-DD, for `confirm`; defaults to today.
    pub diagnosed_on: Option<String>,
    pub responsible_staff_id: Option<Uuid>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecisionOutcome {
    pub suspicion: Suspicion,
    /// The register opened by a confirmed hypertension or diabetes.
    pub register_id: Option<Uuid>,
}

/// The suspicion, when it is in one of the user's clinics and (if the request names one)
/// of that resident; otherwise the refusal is audited and answered 404.
async fn suspicion_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    of_resident: Option<Uuid>,
) -> ApiResult<Suspicion> {
    let clinics = clinics(user)?;
    match state.store.get_suspicion(state.community.id, id).await {
        Ok(s)
            if clinics.contains(&s.institution_id)
                && of_resident.is_none_or(|r| r == s.resident_id) =>
        {
            Ok(s)
        }
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            user.audit(
                state,
                "chronic.suspicion.decide",
                "suspicion",
                Some(id),
                false,
                "reach",
            )
            .await?;
            Err(ApiError::not_found())
        }
        Err(e) => Err(e.into()),
    }
}

/// A confirmation's basis (screening readings must meet the criteria) and the register it
/// opens, if the condition has one.
async fn confirmation(
    state: &AppState,
    s: &Suspicion,
    condition: Condition,
    b: &DecisionBody,
    today: Date,
) -> ApiResult<(&'static str, Option<NewRegister>)> {
    let basis = match b.basis.as_deref().unwrap_or("") {
        "screening" => "screening",
        "hospital" => "hospital",
        "clinical" => "clinical",
        _ => return Err(unprocessable("basis", "required")),
    };
    if basis == "screening" {
        let screenings = state
            .store
            .screenings_of(state.community.id, s.resident_id)
            .await?;
        if let Some(sup) = support(&s.condition, &screenings).filter(|x| !x.met()) {
            return Err(unprocessable("basis", "criteria_not_met")
                .with_detail(format!("{}/{}", sup.days, sup.needed)));
        }
    }
    let diagnosed_on = day_of_care(b.diagnosed_on.as_deref(), "diagnosed_on", today)?;
    let register = condition.register().map(|d| NewRegister {
        resident_id: s.resident_id,
        disease: d.as_str(),
        institution_id: s.institution_id,
        responsible_staff_id: b.responsible_staff_id,
        diagnosed_on,
        enrolled_on: today,
        next_due: today + Duration::days(i64::from(STANDARD.recheck_days)),
    });
    Ok((basis, register))
}

/// Confirms or excludes an open suspicion at one of the user's clinics.
pub async fn decide_for(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    decision: &str,
    b: &DecisionBody,
    // The resident the request names (a page's URL): another's suspicion is refused
    // before anything is written.
    of_resident: Option<Uuid>,
) -> ApiResult<DecisionOutcome> {
    let c = state.community.id;
    let s = suspicion_in_reach(state, user, id, of_resident).await?;
    if s.status != "open" {
        return Err(ApiError::new(StatusCode::CONFLICT, "suspicion_closed"));
    }
    let condition = Condition::parse(&s.condition).ok_or_else(ApiError::internal)?;
    let note = b.note.trim();
    if note.chars().count() > 200 {
        return Err(unprocessable("note", "too_long"));
    }
    let today = today();
    let (outcome, basis, register) = match decision {
        "exclude" => ("excluded", None, None),
        "confirm" => {
            let (basis, register) = confirmation(state, &s, condition, b, today).await?;
            ("confirmed", Some(basis), register)
        }
        _ => return Err(ApiError::not_found()),
    };
    let d = Decision {
        outcome,
        basis,
        note,
        on: today,
        decided_by: Some(user.account_id),
        register,
    };
    let entry = user.audit_entry(
        if outcome == "confirmed" {
            "chronic.confirm"
        } else {
            "chronic.exclude"
        },
        "chronic_suspicion",
        Some(id),
        true,
        condition.as_str(),
    );
    let register_id = match state.store.decide_suspicion(c, id, &d, &entry).await {
        Ok(Some(r)) => r,
        Ok(None) => return Err(ApiError::new(StatusCode::CONFLICT, "suspicion_closed")),
        Err(yigong_store::StoreError::Conflict { .. }) => {
            return Err(ApiError::new(StatusCode::CONFLICT, "already_registered"));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(DecisionOutcome {
        suspicion: shown(
            user,
            PhoneUse::Record,
            state.store.get_suspicion(c, id).await?,
        ),
        register_id,
    })
}

#[utoipa::path(post, path = "/suspicions/{id}/{decision}",
    params(("id" = Uuid, Path), ("decision" = String, Path, description = "`confirm` or `exclude`")),
    request_body(content = Option<DecisionBody>, description = "For `confirm`: the basis, the date and the responsible doctor; may be empty for `exclude`"),
    responses((status = 200, description = "The suspicion and the register opened, if any"), (status = 404), (status = 409), (status = 422)))]
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, decision)): Path<(Uuid, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<DecisionOutcome>> {
    let b: DecisionBody = crate::api::optional_json(&body)?;
    Ok(Json(
        decide_for(&state, &user, id, &decision, &b, None).await?,
    ))
}
