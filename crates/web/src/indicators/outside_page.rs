//! The office's form for care outside the county, one settlement slip after another:
//! amounts typed in yuan as the slip shows them, every problem named at its field with
//! what was typed kept, and after a save the form again, empty, for the next slip. Below
//! it, a whole insurance settlement file imported at once.

use super::outside::{OutsideBody, register_one};
use super::outside_import::{import_file, may_import};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::registry::api::imports::file_part;
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::Multipart;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yigong_app::import::outside::{HEADERS, OutsideSummary};
use yigong_domain::clock::today;
use yigong_domain::indicators::outside::validate;
use yigong_domain::party::fund::parse_yuan;
use yigong_domain::registry::FieldError;

#[derive(Debug, Default, Deserialize)]
pub struct OutsideForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    settlement_no: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    hospital: String,
    #[serde(default)]
    level: String,
    /// Yuan, as typed.
    #[serde(default)]
    total: String,
    #[serde(default)]
    insurance: String,
}

#[derive(Template)]
#[template(path = "indicators/outside.html")]
struct OutsidePage {
    chrome: Chrome,
    csrf: String,
    f: OutsideForm,
    problems: Problems,
    notice: Option<String>,
    kinds: [&'static str; 3],
    levels: [&'static str; 4],
    /// The headers a settlement file carries.
    headers: String,
    /// What an imported settlement file did, or why it was refused.
    imported: Option<OutsideSummary>,
    import_error: Option<String>,
}

fn page(
    user: &CurrentUser,
    f: OutsideForm,
    error: Option<&ApiError>,
    notice: Option<String>,
) -> Response {
    let status = error.map_or(StatusCode::OK, |e| e.status);
    (status, render(&outside_page(user, f, error, notice))).into_response()
}

fn outside_page(
    user: &CurrentUser,
    f: OutsideForm,
    error: Option<&ApiError>,
    notice: Option<String>,
) -> OutsidePage {
    OutsidePage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        f,
        problems: Problems::of(user.lang, error),
        notice,
        kinds: ["outpatient", "emergency", "inpatient"],
        levels: ["provincial", "municipal", "other_county", "other"],
        headers: HEADERS.join(", "),
        imported: None,
        import_error: None,
    }
}

/// Imports a settlement file and shows what it did below the slip form.
pub async fn import(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    mp: Multipart,
) -> UiResult<Response> {
    let lang = user.lang;
    // The role first: a refusal is audited before the file is read.
    may_import(&state, &user)
        .await
        .map_err(|e| UiError(e, lang))?;
    let (name, bytes) = file_part(mp).await.map_err(|e| UiError(e, lang))?;
    let mut p = outside_page(&user, OutsideForm::default(), None, None);
    let status = match import_file(&state, &user, &name, &bytes).await {
        Ok(summary) => {
            p.imported = Some(summary);
            StatusCode::OK
        }
        Err(e) if sent_back(&e) => {
            p.import_error = Some(e.message(lang));
            e.status
        }
        Err(e) => return Err(UiError(e, lang)),
    };
    Ok((status, render(&p)).into_response())
}

pub async fn form(UiUser(user): UiUser, Query(done): Query<Done>) -> UiResult<Response> {
    if !user.role.edits_registry() {
        return Err(UiError(ApiError::forbidden(), user.lang));
    }
    let notice = flash(user.lang, done.done.as_deref());
    let f = OutsideForm {
        kind: "inpatient".into(),
        level: "municipal".into(),
        ..OutsideForm::default()
    };
    Ok(page(&user, f, None, notice))
}

/// The slip with its amounts in fen, or every problem of the form when an amount is not
/// yuan (the rest of the slip checked as well, so that all are named at once).
fn checked(f: &OutsideForm) -> Result<OutsideBody, ApiError> {
    let total = parse_yuan(&f.total);
    let insurance = parse_yuan(&f.insurance);
    let body = OutsideBody {
        id_number: f.id_number.clone(),
        settlement_no: f.settlement_no.clone(),
        kind: f.kind.clone(),
        started_on: f.started_on.clone(),
        ended_on: f.ended_on.clone(),
        hospital: f.hospital.clone(),
        level: f.level.clone(),
        total_fen: total.unwrap_or(0),
        insurance_fen: insurance.unwrap_or(0),
        referral_id: None,
    };
    if total.is_some() && insurance.is_some() {
        return Ok(body);
    }
    let mut problems: Vec<FieldError> = [("total_fen", total), ("insurance_fen", insurance)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(field, _)| FieldError::new(field, "yuan_invalid"))
        .collect();
    if let Err(more) = validate(&body.input(), today()) {
        problems.extend(more.into_iter().filter(|p| p.code != "above_total"));
    }
    Err(ApiError::from(problems))
}

pub async fn save(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<OutsideForm>,
) -> UiResult<Response> {
    // The role first: a refusal is audited before anything typed is looked at.
    user.require_audited(
        &state,
        user.role.edits_registry(),
        "outside.add",
        "outside_visit",
        None,
    )
    .await
    .map_err(|e| UiError(e, user.lang))?;
    let saved = match checked(&f) {
        Ok(b) => register_one(&state, &user, &b).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(Some(_)) => Ok(see_other("/indicators/outside/new?done=outside_added")),
        Ok(None) => Ok(see_other("/indicators/outside/new?done=outside_known")),
        Err(e) if sent_back(&e) => Ok(page(&user, f, Some(&e), None)),
        Err(e) => Err(UiError(e, user.lang)),
    }
}
