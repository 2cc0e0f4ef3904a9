//! "My follow-ups" (我的随访): the village or township doctor's list of who is overdue
//! and who is due this week, printable for home visits, and the one-form visit record
//! that says at once when the next visit is due (and proposes an emergency referral when
//! a value calls for one).

mod list;
mod quality;
pub mod trends;

use crate::chronic::api::{self as api, FollowUpBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::form::{Problems, noted};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::chronic::{ADHERENCE, LIFESTYLE, VISIT_TYPES};

/// "控制满意" / "控制不满意" / "—".
fn last_result(lang: Lang, controlled: Option<bool>) -> String {
    match controlled {
        Some(true) => lang.t("chronic.controlled").to_string(),
        Some(false) => lang.t("chronic.uncontrolled").to_string(),
        None => "—".into(),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/follow-ups", get(list::list))
        .route("/follow-ups/{id}", get(form).post(record))
        .route("/follow-ups/{id}/call", post(list::call))
        .route("/chronic/quality", get(quality::quality))
        .route("/chronic/quality/export", get(quality::export_xlsx))
        .route("/chronic/patients", get(quality::patients))
}

#[derive(Template)]
#[template(path = "chronic/follow_up_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    register_id: Uuid,
    resident_name: String,
    disease: String,
    disease_label: &'static str,
    next_due: String,
    today: String,
    problems: Problems,
    outcome: Option<OutcomeView>,
    referral_link: Option<String>,
    /// What the form holds: as submitted after a refusal, else the height and medicines
    /// of the last visit (they rarely change) and today's date.
    v: VisitForm,
    /// (code, label, ticked) of the lifestyle advice offered.
    lifestyle: Vec<(&'static str, &'static str, bool)>,
    /// (code, label, chosen) of the adherence answers.
    adherence: Vec<(&'static str, &'static str, bool)>,
    /// (code, label, chosen) of the ways a visit is made.
    visit_types: Vec<(&'static str, &'static str, bool)>,
    /// A visit is already recorded today: a second one is likely a slip.
    visited_today: bool,
    history: Vec<VisitLine>,
}

struct OutcomeView {
    result: String,
    plan: &'static str,
    next_due: String,
    emergency: bool,
    bmi: Option<f64>,
}

/// A past visit on the form page.
struct VisitLine {
    on: String,
    value: String,
    result: String,
    plan: &'static str,
    visit_type: &'static str,
    medications: String,
}

/// (code, label, chosen) of each code under `prefix` in the catalogue.
fn choices(
    lang: Lang,
    prefix: &str,
    codes: &[&'static str],
    chosen: impl Fn(&str) -> bool,
) -> Vec<(&'static str, &'static str, bool)> {
    codes
        .iter()
        .map(|c| (*c, lang.t(&format!("{prefix}.{c}")), chosen(c)))
        .collect()
}

/// A past visit as the form's history shows it.
fn visit_line(lang: Lang, v: &yigong_store::chronic::FollowUp) -> VisitLine {
    VisitLine {
        on: v.visit_on.to_string(),
        value: match (v.systolic, v.diastolic, v.glucose) {
            (Some(s), Some(d), Some(g)) => format!("{s}/{d} mmHg · {g} mmol/L"),
            (Some(s), Some(d), None) => format!("{s}/{d} mmHg"),
            (_, _, Some(g)) => format!("{g} mmol/L"),
            _ => "—".into(),
        },
        result: last_result(lang, v.controlled),
        plan: lang.t(&format!("chronic.plan.{}", v.plan)),
        visit_type: lang.t(&format!("chronic.visit_type.{}", v.visit_type)),
        medications: v.medications.clone(),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    refused: Option<(ApiError, VisitForm)>,
    recorded: Option<Uuid>,
) -> UiResult<Response> {
    let lang = user.lang;
    let reg = api::load(state, user, id, "chronic.read").await.ui(lang)?;
    let visits = state
        .store
        .follow_ups(state.community.id, id)
        .await
        .map_err(|e| UiError(e.into(), lang))?;
    let last = visits.first();
    let fmt = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    // The visit just recorded (post/redirect/get): what it decided, from what was stored.
    let outcome = recorded.and_then(|r| visits.iter().find(|v| v.id == r));
    let emergency = outcome.is_some_and(|o| o.plan == "emergency_referral");
    let (error, v) = match refused {
        Some((e, typed)) => (Some(e), typed),
        None => (
            None,
            VisitForm {
                visit_on: api::today().to_string(),
                height_cm: fmt(last.and_then(|v| v.height_cm)),
                medications: last.map(|v| v.medications.clone()).unwrap_or_default(),
                adherence: "regular".into(),
                visit_type: "clinic".into(),
                ..Default::default()
            },
        ),
    };
    let page = FormPage {
        chrome: Chrome::for_user(user, "follow_ups"),
        csrf: user.csrf.clone(),
        register_id: reg.id,
        resident_name: reg.resident_name.clone(),
        disease_label: lang.t(&format!("chronic.disease.{}", reg.disease)),
        disease: reg.disease.clone(),
        next_due: reg.next_due.to_string(),
        today: api::today().to_string(),
        problems: Problems::of(lang, error.as_ref()),
        referral_link: (emergency || outcome.is_some_and(|o| o.plan == "refer")).then(|| {
            format!(
                "/referrals/new?resident_id={}&urgency={}",
                reg.resident_id,
                if emergency { "emergency" } else { "urgent" }
            )
        }),
        outcome: outcome.map(|o| OutcomeView {
            result: last_result(lang, o.controlled),
            plan: lang.t(&format!("chronic.plan.{}", o.plan)),
            next_due: o.next_due.to_string(),
            emergency,
            bmi: o
                .weight_kg
                .zip(o.height_cm)
                .and_then(|(w, h)| yigong_domain::screening::bmi(w, h)),
        }),
        lifestyle: choices(lang, "chronic.lifestyle", &LIFESTYLE, |c| {
            v.rest.contains_key(&format!("ls_{c}"))
        }),
        adherence: choices(lang, "chronic.adherence", &ADHERENCE, |c| v.adherence == c),
        visit_types: choices(lang, "chronic.visit_type", &VISIT_TYPES, |c| {
            v.visit_type == c
        }),
        visited_today: outcome.is_none() && last.is_some_and(|l| l.visit_on == api::today()),
        v,
        history: visits.iter().take(8).map(|v| visit_line(lang, v)).collect(),
    };
    let status = if !page.problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Debug, Default, Deserialize)]
struct FormParams {
    /// The visit just recorded, whose outcome the page shows.
    recorded: Option<Uuid>,
}

async fn form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(p): Query<FormParams>,
) -> UiResult<Response> {
    api::clinics(&user).ui(user.lang)?;
    page(&state, &user, id, None, p.recorded).await
}

#[derive(Debug, Clone, Default, Deserialize)]
struct VisitForm {
    #[serde(default)]
    visit_on: String,
    #[serde(default)]
    systolic: String,
    #[serde(default)]
    diastolic: String,
    #[serde(default)]
    glucose: String,
    #[serde(default)]
    weight_kg: String,
    #[serde(default)]
    height_cm: String,
    #[serde(default)]
    symptoms: String,
    #[serde(default)]
    danger_symptoms: Option<String>,
    #[serde(default)]
    adverse_reaction: Option<String>,
    #[serde(default)]
    new_complication: Option<String>,
    #[serde(default)]
    medications: String,
    #[serde(default)]
    adherence: String,
    #[serde(default)]
    advice: String,
    #[serde(default)]
    visit_type: String,
    #[serde(default)]
    next_due: String,
    /// The lifestyle checkboxes, named `ls_<code>`.
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

/// A number from a form field: empty is none, anything else must parse.
pub(crate) fn number<T: std::str::FromStr>(
    raw: &str,
    field: &'static str,
) -> Result<Option<T>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, "invalid_field"))
}

/// A decimal from a form field (glucose, weight, height): empty is none; a point or a
/// comma as the decimal mark; kept to one decimal place.
pub(crate) fn decimal(raw: &str, field: &'static str) -> Result<Option<f64>, ApiError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    yigong_domain::measures::decimal(raw)
        .map(Some)
        .ok_or_else(|| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, "invalid_field"))
}

async fn record(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<VisitForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    // A number that does not parse is a problem of its own; the others are still checked.
    let mut problems = Vec::new();
    let body = FollowUpBody {
        visit_on: Some(f.visit_on.clone()),
        systolic: noted(&mut problems, number(&f.systolic, "systolic")),
        diastolic: noted(&mut problems, number(&f.diastolic, "diastolic")),
        glucose: noted(&mut problems, decimal(&f.glucose, "glucose")),
        weight_kg: noted(&mut problems, decimal(&f.weight_kg, "weight_kg")),
        height_cm: noted(&mut problems, decimal(&f.height_cm, "height_cm")),
        symptoms: f.symptoms.clone(),
        danger_symptoms: f.danger_symptoms.is_some(),
        adverse_reaction: f.adverse_reaction.is_some(),
        new_complication: f.new_complication.is_some(),
        medications: f.medications.clone(),
        adherence: f.adherence.clone(),
        lifestyle: LIFESTYLE
            .iter()
            .filter(|c| f.rest.contains_key(&format!("ls_{c}")))
            .map(|c| c.to_string())
            .collect(),
        advice: f.advice.clone(),
        visit_type: Some(f.visit_type.clone()),
        next_due: Some(f.next_due.clone()),
    };
    match api::record(&state, &user, id, &body, problems).await {
        // Post/redirect/get: a reload of the page shows the outcome, it does not record
        // the visit again.
        Ok(outcome) => Ok(see_other(&format!(
            "/follow-ups/{id}?recorded={}",
            outcome.follow_up_id
        ))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            page(&state, &user, id, Some((e, f)), None).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}
