//! The window's pages, phone first: sign in (ID number and phone, then the code; the
//! demo shows the code on screen), and one page with the resident's next follow-up and
//! contract, the experts coming to their township with a button to book or give back a
//! place, their reports (refreshed as soon as one is released) and their referrals.

use super::api::{Bookable, Me, book_place, bookable, me_of, unbook_place};
use super::auth::{Asked, CurrentResident, send_code, session_cookie, verify};
use super::reports::{OwnReferral, OwnReport, referrals_of, report_of, reports_of};
use crate::diagnostics::api::slot_text;
use crate::http::auth::{ConnectInfoIp, form_csrf_cookie, login_csrf};
use crate::http::error::ApiError;
use crate::http::request_lang;
use crate::i18n::Lang;
use crate::outreach::pages::{Row, row};
use crate::state::AppState;
use crate::ui::form::{Done, flash};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, UiError, local, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m", get(home))
        .route("/m/code", post(code))
        .route("/m/sign-in", post(sign_in))
        .route("/m/sign-out", post(sign_out))
        .route("/m/sessions/{id}/{action}", post(booking))
        .route("/m/reports/{id}", get(report))
        .route("/m/exams/{id}/{action}", post(exam))
}

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    csrf: String,
    /// Step 2: the code was sent.
    sent: bool,
    id_number: String,
    phone: String,
    demo_code: Option<String>,
    error: Option<String>,
}

fn sign_in_page(state: &AppState, page: SignInPage, status: StatusCode) -> Response {
    let cookie = form_csrf_cookie(state, &page.csrf, "/m");
    (status, [(header::SET_COOKIE, cookie)], render(&page)).into_response()
}

struct ReportLine {
    r: OwnReport,
    title: &'static str,
    at: String,
}

struct ReferralLine {
    r: OwnReferral,
    status: &'static str,
    at: String,
}

/// An examination waiting, with its time or the times open: `(slot id, text)`.
struct ExamLine {
    order_id: Uuid,
    title: &'static str,
    clinic: String,
    booked: Option<String>,
    open: Vec<(String, String)>,
}

struct SessionLine {
    row: Row,
    mine: bool,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    chrome: Chrome,
    csrf: String,
    me: Me,
    sessions: Vec<SessionLine>,
    exams: Vec<ExamLine>,
    reports: Vec<ReportLine>,
    referrals: Vec<ReferralLine>,
    notice: Option<String>,
    error: Option<String>,
}

fn report_title(lang: Lang, r: &OwnReport) -> &'static str {
    if r.kind == "ecg" {
        lang.t("portal.ecg_report")
    } else {
        lang.t(&format!("diagnostics.item.{}", r.item))
    }
}

async fn home_page(
    state: &AppState,
    me: &CurrentResident,
    lang: Lang,
    (notice, error): (Option<String>, Option<ApiError>),
) -> Result<Response, UiError> {
    let ui = |e: ApiError| UiError(e, lang);
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = HomePage {
        chrome: Chrome::anonymous(lang),
        csrf: me.csrf.clone(),
        me: me_of(state, me).await.map_err(ui)?,
        sessions: bookable(state, me)
            .await
            .map_err(ui)?
            .into_iter()
            .map(|Bookable { session, mine }| SessionLine {
                row: row(lang, session),
                mine,
            })
            .collect(),
        exams: super::exams::exams_of(state, me)
            .await
            .map_err(ui)?
            .into_iter()
            .map(|e| ExamLine {
                order_id: e.order_id,
                title: lang.t(&format!("diagnostics.item.{}", e.item_code)),
                clinic: e.clinic,
                booked: e.booked.as_ref().map(slot_text),
                open: e
                    .open
                    .iter()
                    .map(|s| (s.id.to_string(), slot_text(s)))
                    .collect(),
            })
            .collect(),
        reports: reports_of(state, me)
            .await
            .map_err(ui)?
            .into_iter()
            .map(|r| ReportLine {
                title: report_title(lang, &r),
                at: local(r.reported_at),
                r,
            })
            .collect(),
        referrals: referrals_of(state, me)
            .await
            .map_err(ui)?
            .into_iter()
            .map(|r| ReferralLine {
                status: lang.t(&format!("referral.status.{}", r.status)),
                at: local(r.created_at),
                r,
            })
            .collect(),
        notice,
        error: error.map(|e| e.message(lang)),
    };
    Ok((status, render(&page)).into_response())
}

async fn home(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    me: Result<CurrentResident, ApiError>,
    Query(done): Query<Done>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    match me {
        Ok(me) => {
            let notice = flash(lang, done.done.as_deref());
            home_page(&state, &me, lang, (notice, None))
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
        Err(_) => {
            let page = form_page(lang, &headers, &SignInForm::default(), (false, None, None));
            sign_in_page(&state, page, StatusCode::OK)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct SignInForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}

/// The sign-in page as typed: step 2 once `sent`, with the demo's code or the error.
fn form_page(
    lang: Lang,
    headers: &HeaderMap,
    f: &SignInForm,
    (sent, demo_code, error): (bool, Option<String>, Option<String>),
) -> SignInPage {
    SignInPage {
        chrome: Chrome::anonymous(lang),
        csrf: login_csrf(headers),
        sent,
        id_number: f.id_number.trim().chars().take(18).collect(),
        phone: f.phone.trim().chars().take(11).collect(),
        demo_code,
        error,
    }
}

async fn code(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    ConnectInfoIp(ip): ConnectInfoIp,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let asked = Asked {
        ip: &ip,
        method: "POST",
        path: "/m/code",
    };
    let sent = send_code(&state, (&f.id_number, &f.phone), &asked).await;
    let (status, error, demo_code) = match sent {
        Ok(code) => (StatusCode::OK, None, code),
        Err(e) => (e.status, Some(e.message(lang)), None),
    };
    let page = form_page(lang, &headers, &f, (error.is_none(), demo_code, error));
    sign_in_page(&state, page, status)
}

async fn sign_in(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    ConnectInfoIp(ip): ConnectInfoIp,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let asked = Asked {
        ip: &ip,
        method: "POST",
        path: "/m/sign-in",
    };
    match verify(&state, (&f.id_number, &f.phone, &f.code), &asked).await {
        Ok((token, _, _)) => (
            [(header::SET_COOKIE, session_cookie(&state, &token))],
            see_other("/m"),
        )
            .into_response(),
        Err(e) => {
            let page = form_page(lang, &headers, &f, (true, None, Some(e.message(lang))));
            sign_in_page(&state, page, e.status)
        }
    }
}

async fn sign_out(
    State(state): State<AppState>,
    me: Result<CurrentResident, ApiError>,
) -> Response {
    if let Ok(me) = me {
        let _ = state
            .store
            .end_portal_session(state.community.id, &me.session)
            .await;
    }
    (
        [(header::SET_COOKIE, session_cookie(&state, ""))],
        see_other("/m"),
    )
        .into_response()
}

async fn booking(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    me: Result<CurrentResident, ApiError>,
    Path((id, action)): Path<(Uuid, String)>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let Ok(me) = me else {
        return see_other("/m");
    };
    let done = match action.as_str() {
        "book" => book_place(&state, &me, id).await.map(|_| "portal_booked"),
        "unbook" => unbook_place(&state, &me, id)
            .await
            .map(|_| "portal_unbooked"),
        _ => Err(ApiError::not_found()),
    };
    match done {
        Ok(code) => see_other(&format!("/m?done={code}")),
        Err(e) if e.status == StatusCode::CONFLICT => home_page(&state, &me, lang, (None, Some(e)))
            .await
            .unwrap_or_else(IntoResponse::into_response),
        Err(e) => UiError(e, lang).into_response(),
    }
}

#[derive(Template)]
#[template(path = "portal/report.html")]
struct ReportPage {
    chrome: Chrome,
    r: ReportLine,
}

async fn report(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    me: Result<CurrentResident, ApiError>,
    Path(id): Path<Uuid>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let Ok(me) = me else {
        return see_other("/m");
    };
    match report_of(&state, &me, id).await {
        Ok(r) => render(&ReportPage {
            chrome: Chrome::anonymous(lang),
            r: ReportLine {
                title: report_title(lang, &r),
                at: local(r.reported_at),
                r,
            },
        })
        .into_response(),
        Err(e) => UiError(e, lang).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ExamForm {
    #[serde(default)]
    slot_id: String,
}

async fn exam(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    me: Result<CurrentResident, ApiError>,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<ExamForm>,
) -> Response {
    let lang = request_lang(uri.query(), &headers);
    let Ok(me) = me else {
        return see_other("/m");
    };
    let done = match action.as_str() {
        "book" => {
            let b = super::exams::ExamBody {
                slot_id: Uuid::parse_str(f.slot_id.trim()).ok(),
            };
            super::exams::book(&state, &me, id, &b)
                .await
                .map(|_| "portal_exam_booked")
        }
        "unbook" => super::exams::unbook(&state, &me, id)
            .await
            .map(|_| "portal_unbooked"),
        _ => Err(ApiError::not_found()),
    };
    match done {
        Ok(code) => see_other(&format!("/m?done={code}")),
        Err(e)
            if matches!(
                e.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            home_page(&state, &me, lang, (None, Some(e)))
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
        Err(e) => UiError(e, lang).into_response(),
    }
}
