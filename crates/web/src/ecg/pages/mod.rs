//! ECG network pages: the live reading worklist and the clinic's sent list, the upload
//! form, the study page (trace on ECG paper with zoom and calipers, the computer's
//! measurements, the reader's report form, the sender's acknowledgement), and the
//! printable one-page report.

use crate::ecg::api::{self as api, ReportBody, UploadForm};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::form::{Done, flash};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, local, render};
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::ecg::{Action, FINDINGS, Status, finding};
use yigong_domain::ids::StudyId;

mod list;
mod stats;
use list::{Row, row};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ecg", get(list::list))
        .route("/ecg/export", get(list::export_xlsx))
        .route("/ecg/stats", get(stats::stats))
        .route("/ecg/stats/export", get(stats::export_xlsx))
        .route(
            "/ecg/new",
            get(new_form)
                .post(create)
                .layer(DefaultBodyLimit::max(api::MAX_UPLOAD_BYTES)),
        )
        .route("/ecg/{id}", get(detail))
        .route("/ecg/{id}/print", get(print))
        .route("/ecg/{id}/{action}", post(act))
}

fn finding_label(lang: Lang, code: &str) -> String {
    finding(code).map_or_else(|| code.to_string(), |f| lang.finding(f.code).to_string())
}

#[derive(Template)]
#[template(path = "ecg/form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    resident: Option<(Uuid, String)>,
    error: Option<String>,
    max_mb: usize,
}

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    resident_id: Option<Uuid>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    resident: Option<Uuid>,
    error: Option<ApiError>,
) -> UiResult<Response> {
    user.require(user.ecg.sends()).ui(user.lang)?;
    let resident = match resident {
        Some(id) => match state.store.get_resident(state.community.id, id).await {
            Ok(r) if user.scope.allows(r.institution_id) => Some((r.id, r.name)),
            _ => None,
        },
        None => None,
    };
    let page = FormPage {
        chrome: Chrome::for_user(user, "ecg"),
        csrf: user.csrf.clone(),
        resident,
        error: error.map(|e| e.message(user.lang)),
        max_mb: api::MAX_UPLOAD_BYTES >> 20,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    form_page(&state, &user, p.resident_id, None).await
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    mp: Multipart,
) -> UiResult<Response> {
    let lang = user.lang;
    let form: UploadForm = api::read_form(mp).await.ui(lang)?;
    let resident = form
        .resident_id
        .as_deref()
        .and_then(|r| Uuid::parse_str(r).ok());
    match api::upload_study(&state, &user, form).await {
        Ok(study) => Ok(see_other(&format!("/ecg/{}?done=ecg_uploaded", study.id))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            form_page(&state, &user, resident, Some(e)).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}

struct Measured {
    heart_rate: String,
    rhythm_lead: String,
    rr: String,
    af: Option<String>,
    pauses: Vec<String>,
    qrs: Option<String>,
    qt: Option<String>,
    st: Vec<(String, String, bool)>,
    territories: Vec<String>,
    quality: Vec<String>,
    alerts: Vec<&'static str>,
}

/// The computer's measurements, worded for the page.
fn measured(lang: Lang, m: &serde_json::Value, alerts: &[String]) -> Measured {
    let num = |v: &serde_json::Value| v.as_f64();
    let rr = &m["rr"];
    let iv = &m["intervals"];
    let territory = |t: &str| lang.t(&format!("ecg.territory.{t}")).to_string();
    Measured {
        heart_rate: num(&m["heart_rate_bpm"]).map_or_else(
            || "—".into(),
            |h| lang.tr("ecg.per_minute", &[("n", &format!("{h:.0}"))]),
        ),
        rhythm_lead: m["rhythm_lead"].as_str().unwrap_or("—").to_string(),
        rr: match (
            num(&rr["median_ms"]),
            num(&rr["min_ms"]),
            num(&rr["max_ms"]),
        ) {
            (Some(med), Some(lo), Some(hi)) => format!("{med:.0} ms ({lo:.0}–{hi:.0})"),
            _ => "—".into(),
        },
        af: m["irregularity"]["af_suspected"]
            .as_bool()
            .filter(|a| *a)
            .map(|_| lang.t("ecg.alert.atrial_fibrillation").to_string()),
        pauses: m["pauses"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        Some(format!(
                            "{:.1} s @ {:.0} s",
                            num(&p["ms"])? / 1000.0,
                            num(&p["at_s"])?
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        qrs: num(&iv["qrs_ms"]).map(|q| format!("{q:.0} ms")),
        qt: match (num(&iv["qt_ms"]), num(&iv["qtc_ms"])) {
            (Some(qt), Some(qtc)) => Some(format!("{qt:.0} / {qtc:.0} ms")),
            _ => None,
        },
        st: iv["st"]
            .as_array()
            .map(|leads| {
                leads
                    .iter()
                    .filter_map(|s| {
                        let v = num(&s["j60_mv"])?;
                        Some((
                            s["lead"].as_str()?.to_string(),
                            format!("{v:+.2}"),
                            v.abs() >= 0.1,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        territories: iv["st_elevation"]
            .as_array()
            .map(|ts| {
                ts.iter()
                    .filter_map(|t| {
                        let leads: Vec<&str> = t["leads"]
                            .as_array()?
                            .iter()
                            .filter_map(|l| l.as_str())
                            .collect();
                        Some(format!(
                            "{}（{}）",
                            territory(t["territory"].as_str()?),
                            leads.join(", ")
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        quality: m["quality"]
            .as_array()
            .map(|qs| {
                qs.iter()
                    .filter(|q| q["quality"] != "good")
                    .filter_map(|q| {
                        Some(format!(
                            "{} {}",
                            q["lead"].as_str()?,
                            lang.t(&format!("ecg.quality.{}", q["quality"].as_str()?))
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        alerts: alerts
            .iter()
            .map(|a| lang.t(&format!("ecg.alert.{a}")))
            .collect(),
    }
}

struct ReportView {
    findings: Vec<(String, bool)>,
    conclusion: String,
    reader: String,
    signed: String,
    critical: bool,
}

#[derive(Template)]
#[template(path = "ecg/study.html")]
struct StudyPage {
    chrome: Chrome,
    csrf: String,
    s: yigong_store::ecg::Study,
    r: Row,
    onset: Option<String>,
    m: Measured,
    report: Option<ReportView>,
    leads: Vec<String>,
    twelve: bool,
    timeline: Vec<(String, &'static str, String)>,
    can_claim: bool,
    mine: bool,
    can_ack: bool,
    can_refer: bool,
    findings: Vec<(&'static str, String, bool)>,
    error: Option<String>,
    notice: Option<String>,
    print: bool,
}

async fn study_page(
    state: &AppState,
    user: &CurrentUser,
    id: StudyId,
    (error, notice): (Option<ApiError>, Option<String>),
    print: bool,
) -> UiResult<Response> {
    let lang = user.lang;
    let d = api::detail_of(state, user, id).await.ui(lang)?;
    let s = d.study.study.clone();
    let leads: Vec<String> = d.measurements["quality"]
        .as_array()
        .map(|qs| {
            qs.iter()
                .filter_map(|q| q["lead"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let twelve = yigong_ecg::leads::TWELVE
        .iter()
        .all(|l| leads.iter().any(|x| x == l));
    let report = d.report.map(|r| ReportView {
        findings: r
            .findings
            .split(',')
            .map(|c| {
                (
                    finding_label(lang, c),
                    finding(c).is_some_and(|f| f.critical),
                )
            })
            .collect(),
        conclusion: r.conclusion,
        reader: r.reader_name,
        signed: local(r.signed_at),
        critical: r.critical,
    });
    let timeline = d
        .events
        .iter()
        .map(|e| {
            (
                local(e.at),
                lang.t(&format!("ecg.event.{}", e.kind)),
                e.account_name.clone().unwrap_or_default(),
            )
        })
        .collect();
    let mine = s.status == Status::Reading && s.claimed_by == Some(user.account_id);
    let page = StudyPage {
        chrome: Chrome::for_user(user, "ecg"),
        csrf: user.csrf.clone(),
        onset: s.symptom_onset_at.map(local),
        m: measured(lang, &d.measurements, &d.study.alert_list),
        report,
        leads,
        twelve,
        timeline,
        can_claim: user.ecg.reads() && s.status == Status::Awaiting,
        mine,
        can_ack: user.ecg.sends() && s.critical && s.acknowledged_at.is_none(),
        can_refer: user.ecg.sends() && user.referrals != yigong_domain::access::ReferralScope::None,
        findings: FINDINGS
            .iter()
            .map(|f| (f.code, lang.finding(f.code).to_string(), f.critical))
            .collect(),
        error: error.map(|e| e.message(lang)),
        notice,
        print,
        r: row(lang, d.study),
        s,
    };
    Ok(render(&page).into_response())
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<StudyId>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    study_page(&state, &user, id, (None, notice), false).await
}

async fn print(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<StudyId>,
) -> UiResult<Response> {
    study_page(&state, &user, id, (None, None), true).await
}

/// The study page's forms: `_csrf`, and for a report `findings` (repeated) and
/// `conclusion`.
async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(StudyId, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let action = Action::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let body = ReportBody {
        findings: pairs
            .iter()
            .filter(|(k, _)| k == "findings")
            .map(|(_, v)| v.clone())
            .collect(),
        conclusion: field("conclusion"),
    };
    match api::act_on(&state, &user, id, action, &body).await {
        Ok(_) => Ok(see_other(&format!("/ecg/{id}?done=ecg_{action}"))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::FORBIDDEN
            ) =>
        {
            study_page(&state, &user, id, (Some(e), None), false).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}
