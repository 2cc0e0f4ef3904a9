//! Chronic-disease management through the API: enrolment into the hypertension and
//! diabetes registers, follow-up visits whose next due date the national standard's rules
//! decide, and "my follow-ups": who is due this week or overdue at the caller's clinics.
//! The caller's clinics are those whose residents they may see and edit (a village
//! doctor's village, a township's centre and villages).

mod calls;
mod quality;
pub use calls::*;
pub use quality::*;

use crate::api::AppQuery;
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
use yigong_domain::access::{PhoneUse, ResidentScope};
use yigong_domain::chronic::{
    ADHERENCE, Decision, Disease, LIFESTYLE, Reading, STANDARD, VISIT_TYPES,
};
use yigong_domain::family::age_on;
use yigong_domain::registry::parse_date;
use yigong_store::Page;
use yigong_store::chronic::{DueRow, FollowUp, NewFollowUp, NewRegister, Register};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(worklist))
        .routes(routes!(quality))
        .routes(routes!(enrol))
        .routes(routes!(detail))
        .routes(routes!(follow_up))
        .routes(routes!(calls::call))
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Today in China (dates of care are local dates).
pub fn today() -> Date {
    yigong_domain::clock::today()
}

/// The clinics whose registers the user keeps; only grassroots doctors keep them.
pub fn clinics(user: &CurrentUser) -> ApiResult<Vec<Uuid>> {
    match (
        &user.scope,
        user.role.edits_residents() && !user.role.edits_registry(),
    ) {
        (ResidentScope::Institutions(ids), true) => Ok(ids.clone()),
        _ => Err(ApiError::forbidden()),
    }
}

/// A worklist line as the page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    #[serde(flatten)]
    pub row: DueRow,
    /// Days past the due date (0 or less: not yet overdue).
    pub overdue_days: i64,
}

#[derive(Debug, Default, Deserialize)]
pub struct WorklistQuery {
    /// Due within this many days from today (default 7: this week).
    pub within: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub async fn worklist_for(
    state: &AppState,
    user: &CurrentUser,
    q: &WorklistQuery,
) -> ApiResult<Page<DueView>> {
    let clinics = clinics(user)?;
    let today = today();
    let within = q.within.unwrap_or(7).clamp(0, 90);
    let page = state
        .store
        .follow_up_worklist(
            state.community.id,
            &clinics,
            today,
            today + Duration::days(within),
            yigong_store::PageRequest::new(q.page, q.per_page),
        )
        .await?;
    user.audit(
        state,
        "chronic.worklist",
        "chronic_register",
        None,
        true,
        &format!("results={}", page.total),
    )
    .await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|mut row| {
                row.phone = user.shown_phone(PhoneUse::CallList, &row.phone);
                DueView {
                    overdue_days: (today - row.next_due).whole_days(),
                    row,
                }
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// "My follow-ups": who is due within `within` days (default 7) or overdue.
#[utoipa::path(get, path = "/follow-ups",
    params(("within" = Option<i64>, Query, description = "Due within this many days (default 7)"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "The overdue first, then those due; riskiest first within each"), (status = 403, description = "Not a grassroots doctor")))]
pub async fn worklist(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<WorklistQuery>,
) -> ApiResult<Json<Page<DueView>>> {
    Ok(Json(worklist_for(&state, &user, &q).await?))
}

/// A register the user may see (through its resident's clinic), the read audited.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<Register> {
    let found = match state.store.get_register(state.community.id, id).await {
        Ok(r) if user.scope.allows(r.institution_id) => Some(r),
        Ok(_) | Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    user.audit(
        state,
        action,
        "chronic_register",
        Some(id),
        found.is_some(),
        "",
    )
    .await?;
    found.ok_or_else(ApiError::not_found)
}

#[derive(Debug, Clone, Serialize)]
pub struct RegisterDetail {
    pub register: Register,
    pub follow_ups: Vec<FollowUp>,
}

#[utoipa::path(get, path = "/registers/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The register and its visits, newest first"), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RegisterDetail>> {
    let register = load(&state, &user, id, "chronic.read").await?;
    let follow_ups = state.store.follow_ups(state.community.id, id).await?;
    Ok(Json(RegisterDetail {
        register,
        follow_ups,
    }))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EnrolBody {
    pub resident_id: Uuid,
    /// `hypertension` or `diabetes`
    pub disease: String,
    /// YYYY-MM-DD
    pub diagnosed_on: String,
    pub responsible_staff_id: Option<Uuid>,
}

/// Enrols a resident of the caller's clinics; the first follow-up is due in two weeks.
#[utoipa::path(post, path = "/registers",
    request_body = EnrolBody,
    responses((status = 201, description = "The register; the first follow-up is due in two weeks"), (status = 409, description = "Already on this register"), (status = 422)))]
pub async fn enrol(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::api::AppJson(b): crate::api::AppJson<EnrolBody>,
) -> ApiResult<(StatusCode, Json<Register>)> {
    let clinics = clinics(&user)?;
    let disease =
        Disease::parse(&b.disease).ok_or_else(|| unprocessable("disease", "invalid_field"))?;
    let diagnosed_on =
        parse_date(&b.diagnosed_on).ok_or_else(|| unprocessable("diagnosed_on", "date_invalid"))?;
    let today = today();
    if diagnosed_on > today {
        return Err(unprocessable("diagnosed_on", "in_future"));
    }
    let resident = match state
        .store
        .get_resident(state.community.id, b.resident_id)
        .await
    {
        Ok(r) if clinics.contains(&r.institution_id) => r,
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            return Err(unprocessable("resident", "not_found"));
        }
        Err(e) => return Err(e.into()),
    };
    let new = NewRegister {
        resident_id: resident.id,
        disease: disease.as_str(),
        institution_id: resident.institution_id,
        responsible_staff_id: b.responsible_staff_id,
        diagnosed_on,
        enrolled_on: today,
        next_due: today + Duration::days(i64::from(STANDARD.recheck_days)),
    };
    let entry = user.audit_entry(
        "chronic.enrol",
        "chronic_register",
        None,
        true,
        disease.as_str(),
    );
    let id = state.store.enrol(state.community.id, &new, &entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.get_register(state.community.id, id).await?),
    ))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FollowUpBody {
    /// YYYY-MM-DD; defaults to today.
    pub visit_on: Option<String>,
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    /// Fasting glucose, mmol/L, to one decimal place (a comma is a decimal mark too).
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub glucose: Option<f64>,
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub weight_kg: Option<f64>,
    #[serde(default, deserialize_with = "crate::api::tenths")]
    pub height_cm: Option<f64>,
    #[serde(default)]
    pub symptoms: String,
    #[serde(default)]
    pub danger_symptoms: bool,
    #[serde(default)]
    pub adverse_reaction: bool,
    #[serde(default)]
    pub new_complication: bool,
    #[serde(default)]
    pub medications: String,
    /// `regular`, `intermittent`, `none` (empty: not asked)
    #[serde(default)]
    pub adherence: String,
    /// Lifestyle advice given: `salt`, `smoking`, `alcohol`, `exercise`, `diet`,
    /// `weight`, `mood`.
    #[serde(default)]
    pub lifestyle: Vec<String>,
    #[serde(default)]
    pub advice: String,
    /// `clinic` (default), `home` or `phone`.
    #[serde(default)]
    pub visit_type: Option<String>,
    /// YYYY-MM-DD: a next visit sooner than the rules' date (never later); the rules'
    /// date when empty.
    #[serde(default)]
    pub next_due: Option<String>,
}

/// What a visit decided, for the page that recorded it.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpOutcome {
    pub follow_up_id: Uuid,
    pub controlled: Option<bool>,
    /// `routine`, `recheck`, `refer` or `emergency_referral`
    pub plan: &'static str,
    pub emergencies: Vec<&'static str>,
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub visit_on: Date,
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub next_due: Date,
    /// From the weight and height measured, when both were.
    pub bmi: Option<f64>,
    pub register: Register,
}

/// Checks what a visit or a screening measured (`domain::measures`).
pub fn check_measured(
    systolic: Option<u16>,
    diastolic: Option<u16>,
    glucose: Option<f64>,
    weight_kg: Option<f64>,
    height_cm: Option<f64>,
) -> ApiResult<()> {
    let measured = yigong_domain::measures::Measured {
        systolic,
        diastolic,
        glucose,
        weight_kg,
        height_cm,
    };
    Ok(measured.check()?)
}

/// A day of care as given (YYYY-MM-DD), today when empty; a later day is refused.
pub fn day_of_care(raw: Option<&str>, field: &'static str, today: Date) -> ApiResult<Date> {
    let day = match raw.map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => parse_date(raw).ok_or_else(|| unprocessable(field, "date_invalid"))?,
        None => today,
    };
    if day > today {
        return Err(unprocessable(field, "in_future"));
    }
    Ok(day)
}

/// Checks a follow-up's body against the register's disease: the values measured are
/// plausible, the disease's own reading is there, the notes fit, and the adherence and
/// lifestyle codes are known. `earlier` holds what the edge already found wrong (a number
/// that did not parse); every problem is reported at once. The day of the visit, and the
/// lifestyle codes, each once.
/// A visit's body, checked.
struct Checked {
    visit_on: Date,
    lifestyle: Vec<&'static str>,
    visit_type: &'static str,
    /// The next visit the doctor chose, if any.
    next_due: Option<Date>,
}

fn checked(b: &FollowUpBody, disease: Disease, earlier: Vec<ApiError>) -> ApiResult<Checked> {
    let mut problems = earlier;
    let measured = yigong_domain::measures::Measured {
        systolic: b.systolic,
        diastolic: b.diastolic,
        glucose: b.glucose,
        weight_kg: b.weight_kg,
        height_cm: b.height_cm,
    };
    problems.extend(measured.problems().into_iter().map(ApiError::from));
    match disease {
        Disease::Hypertension if b.systolic.is_none() => {
            problems.push(unprocessable("systolic", "required"));
        }
        Disease::Diabetes if b.glucose.is_none() => {
            problems.push(unprocessable("glucose", "required"));
        }
        _ => {}
    }
    let visit_on = day_of_care(b.visit_on.as_deref(), "visit_on", today())
        .map_err(|e| problems.push(e))
        .ok();
    for (text, field) in [
        (&b.symptoms, "symptoms"),
        (&b.medications, "medications"),
        (&b.advice, "advice"),
    ] {
        if text.chars().count() > 500 {
            problems.push(unprocessable(field, "too_long"));
        }
    }
    let adherence = b.adherence.trim();
    if !adherence.is_empty() && !ADHERENCE.contains(&adherence) {
        problems.push(unprocessable("adherence", "invalid_field"));
    }
    let mut lifestyle: Vec<&'static str> = Vec::new();
    for l in &b.lifestyle {
        match LIFESTYLE.iter().find(|c| **c == l.trim()) {
            Some(code) if !lifestyle.contains(code) => lifestyle.push(code),
            Some(_) => {}
            None => {
                problems.push(unprocessable("lifestyle", "invalid_field").with_detail(l.clone()))
            }
        }
    }
    let visit_type = match b
        .visit_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => "clinic",
        Some(t) => VISIT_TYPES
            .iter()
            .find(|v| **v == t)
            .copied()
            .unwrap_or_else(|| {
                problems.push(unprocessable("visit_type", "invalid_field"));
                "clinic"
            }),
    };
    let next_due = match b
        .next_due
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(raw) => parse_date(raw).or_else(|| {
            problems.push(unprocessable("next_due", "date_invalid"));
            None
        }),
    };
    match (ApiError::all(problems), visit_on) {
        (Some(e), _) => Err(e),
        (None, day) => Ok(Checked {
            visit_on: day.ok_or_else(ApiError::internal)?,
            lifestyle,
            visit_type,
            next_due,
        }),
    }
}

/// Checks a visit, decides what follows by the standard's rules, and records both.
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &FollowUpBody,
    earlier: Vec<ApiError>,
) -> ApiResult<FollowUpOutcome> {
    let clinics = clinics(user)?;
    let register = load(state, user, id, "chronic.follow_up").await?;
    if !clinics.contains(&register.institution_id) {
        return Err(ApiError::not_found());
    }
    let disease = Disease::parse(&register.disease).ok_or_else(ApiError::internal)?;
    let Checked {
        visit_on,
        lifestyle,
        visit_type,
        next_due: chosen,
    } = checked(b, disease, earlier)?;
    let adherence = b.adherence.trim();
    let reading = Reading {
        systolic: b.systolic,
        diastolic: b.diastolic,
        glucose: b.glucose,
        danger_symptoms: b.danger_symptoms,
        adverse_reaction: b.adverse_reaction,
        new_complication: b.new_complication,
    };
    let age = age_on(register.birth_date, visit_on);
    let Decision {
        controlled,
        emergencies,
        plan,
        next_in_days,
    } = STANDARD.decide(
        disease,
        age,
        &reading,
        register.last_controlled == Some(false),
    );
    let by_rules = visit_on + Duration::days(i64::from(next_in_days));
    // The doctor may see the patient sooner than the rules ask, never later.
    let next_due = match chosen {
        Some(d) if d <= visit_on || d > by_rules => {
            return Err(unprocessable("next_due", "next_due_out_of_bounds")
                .with_detail(format!("{} – {by_rules}", visit_on + Duration::days(1))));
        }
        Some(d) => d,
        None => by_rules,
    };
    let f = NewFollowUp {
        visit_on: Some(visit_on),
        systolic: b.systolic.map(i32::from),
        diastolic: b.diastolic.map(i32::from),
        glucose: b.glucose,
        weight_kg: b.weight_kg,
        height_cm: b.height_cm,
        symptoms: b.symptoms.trim().to_string(),
        danger_symptoms: b.danger_symptoms,
        adverse_reaction: b.adverse_reaction,
        new_complication: b.new_complication,
        medications: b.medications.trim().to_string(),
        adherence: adherence.to_string(),
        advice: b.advice.trim().to_string(),
        lifestyle: lifestyle.join(","),
        controlled,
        plan: plan.as_str(),
        visit_type,
        next_due: Some(next_due),
        recorded_by: Some(user.account_id),
    };
    let entry = user.audit_entry(
        "chronic.follow_up",
        "chronic_register",
        Some(id),
        true,
        plan.as_str(),
    );
    let Some(follow_up_id) = state
        .store
        .record_follow_up(state.community.id, id, register.version, &f, &entry)
        .await?
    else {
        return Err(ApiError::new(StatusCode::CONFLICT, "register_changed"));
    };
    Ok(FollowUpOutcome {
        follow_up_id,
        controlled,
        plan: plan.as_str(),
        emergencies: emergencies.iter().map(|e| e.as_str()).collect(),
        visit_on,
        next_due,
        bmi: b
            .weight_kg
            .zip(b.height_cm)
            .and_then(|(w, h)| yigong_domain::screening::bmi(w, h)),
        register: state.store.get_register(state.community.id, id).await?,
    })
}

#[utoipa::path(post, path = "/registers/{id}/follow-ups", params(("id" = Uuid, Path)),
    request_body = FollowUpBody,
    responses((status = 201, description = "Controlled or not, the plan and the next due date the standard's rules decided"), (status = 409, description = "The register changed meanwhile"), (status = 422)))]
pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    crate::api::AppJson(b): crate::api::AppJson<FollowUpBody>,
) -> ApiResult<(StatusCode, Json<FollowUpOutcome>)> {
    Ok((
        StatusCode::CREATED,
        Json(record(&state, &user, id, &b, Vec::new()).await?),
    ))
}
