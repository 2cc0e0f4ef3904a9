//! A branch's dues page: each member's monthly dues from the brackets, the twelve months
//! with those paid ticked, arrears and the six-month flag, and the payment form the
//! branch secretary uses (the oldest unpaid months first).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, DuesSheet, PaymentBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::party::fund::yuan_text;

pub fn router() -> Router<AppState> {
    Router::new().route("/party/orgs/{id}/dues", get(page).post(record))
}

#[derive(Debug, Default, Deserialize)]
struct PaymentForm {
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    paid_on: String,
}

/// A member's line: id, name, basis, monthly dues, a mark per month, arrears, flagged.
type Line = (Uuid, String, String, String, Vec<bool>, String, bool);

#[derive(Template)]
#[template(path = "party/dues.html")]
struct DuesPage {
    chrome: Chrome,
    org_id: Uuid,
    org: String,
    months: Vec<String>,
    lines: Vec<Line>,
    paid: String,
    arrears: String,
    flagged: usize,
    writes: bool,
    csrf: String,
    f: PaymentForm,
    notice: Option<String>,
    problems: Problems,
}

fn lines(sheet: &DuesSheet) -> Vec<Line> {
    sheet
        .members
        .iter()
        .map(|m| {
            let marks = sheet.months.iter().map(|x| m.paid.contains(x)).collect();
            (
                m.id,
                m.name.clone(),
                m.dues_basis.clone(),
                yuan_text(m.monthly_fen),
                marks,
                yuan_text(m.arrears_fen),
                m.six_months_unpaid,
            )
        })
        .collect()
}

async fn dues_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (PaymentForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let (org, writes, sheet) = api::dues_of(state, user, id).await.ui(lang)?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = DuesPage {
        chrome: Chrome::for_user(user, "party"),
        org_id: org.id,
        org: org.name,
        lines: lines(&sheet),
        months: sheet.months.iter().map(|m| m[5..].to_string()).collect(),
        paid: yuan_text(sheet.paid_fen),
        arrears: yuan_text(sheet.arrears_fen),
        flagged: sheet.flagged,
        writes,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = PaymentForm {
        months: "1".into(),
        paid_on: yigong_domain::clock::today().to_string(),
        ..PaymentForm::default()
    };
    dues_page(&state, &user, id, (f, notice, None)).await
}

async fn record(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<PaymentForm>,
) -> UiResult<Response> {
    // What is not a choice or a number reaches the rules as nothing, refused by field.
    let body = PaymentBody {
        member_id: f.member_id.parse().ok(),
        months: f.months.trim().parse().unwrap_or(0),
        paid_on: f.paid_on.clone(),
    };
    match api::pay(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!("/party/orgs/{id}/dues?done=dues_paid"))),
        Err(e) if sent_back(&e) => dues_page(&state, &user, id, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
