//! The ECG network through the API: a clinic uploads a recording (multipart), the
//! platform measures it at once and places it on the ECG centre's worklist; a reader
//! claims it, reports it, and the report goes back; a critical report waits for the
//! sender's acknowledgement. A study outside the caller's reach answers 404; an action
//! that does not fit the study as it stands (or lost a race) answers 409.

mod trace;
pub use trace::*;

pub mod stats;
pub use stats::*;

mod upload;
pub use upload::*;

use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::{AppState, LiveStudy};
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::ecg::{self as rules, Action, Status, StudyState, Urgency};
use yigong_domain::ids::StudyId;
use yigong_ecg::{FormatError, measure, read_upload};
use yigong_store::Page;
use yigong_store::ecg::{
    NewReport, NewStudy, Report, Study, StudyChange, StudyEvent, StudyFilter, StudyNarrowing,
    StudySort,
};

/// The largest upload: a 24-hour Holter in format 212 is about 60 MB, a 12-lead
/// resting ECG well under 1 MB; the network takes resting and short rhythm recordings.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;
/// Recordings shorter than this cannot give a rate.
const MIN_SECONDS: f64 = 2.0;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .routes(routes!(detail))
        .routes(routes!(trace))
        .routes(routes!(act))
        .routes(routes!(findings))
        .routes(routes!(alerts))
        .routes(routes!(stats))
}

/// A study as lists and pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct StudyView {
    #[serde(flatten)]
    pub study: Study,
    /// `critical`, `urgent` or `routine`.
    pub urgency: &'static str,
    /// Minutes from upload to report (to now, while unreported).
    pub waiting_minutes: i64,
    pub alert_list: Vec<String>,
}

impl StudyView {
    pub fn of(study: Study) -> Self {
        let end = study.reported_at.unwrap_or_else(OffsetDateTime::now_utc);
        let waiting_minutes = (end - study.created_at).whole_minutes().max(0);
        let alert_list = study
            .alerts
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        StudyView {
            urgency: Urgency::from_rank(study.urgency_rank).as_str(),
            waiting_minutes,
            alert_list,
            study,
        }
    }
}

/// A study with its measurements, its report and its timeline.
#[derive(Debug, Clone, Serialize)]
pub struct StudyDetail {
    pub study: StudyView,
    pub measurements: serde_json::Value,
    pub report: Option<Report>,
    pub events: Vec<StudyEvent>,
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Why a file could not be read, in the catalogue's terms, with the reader's detail.
fn format_error(e: FormatError) -> ApiError {
    let code = match &e {
        FormatError::Unsupported(_) => "ecg_unsupported",
        FormatError::Header(_) => "ecg_header_invalid",
        FormatError::Data(_) => "ecg_data_damaged",
    };
    let detail = match e {
        FormatError::Unsupported(d) | FormatError::Header(d) | FormatError::Data(d) => d,
    };
    unprocessable("file", code).with_detail(detail)
}

fn announce(state: &AppState, s: &Study) {
    let _ = state.ecg_live.send(LiveStudy {
        id: s.id.uuid(),
        from_institution_id: s.from_institution_id,
        status: s.status.to_string(),
        urgency: Urgency::from_rank(s.urgency_rank).as_str().to_string(),
        critical: s.critical,
    });
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `worklist` (the ECG centre), `sent` (a clinic's own), `all` (the office)
    pub view: Option<String>,
    /// `awaiting`, `reading` or `reported`.
    pub status: Option<String>,
    /// `1`: only studies reported critical.
    pub critical: Option<String>,
    /// Uploaded on or after this day (`2026-11-01`, China time).
    pub from: Option<String>,
    /// Uploaded on or before this day.
    pub to: Option<String>,
    /// The start of the resident's name or pinyin initials.
    pub q: Option<String>,
    /// Sent by this institution.
    pub institution: Option<Uuid>,
    /// `waiting` or `urgency`; `dir=desc` reverses.
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The columns a study list sorts by.
pub const SORTS: [&str; 2] = ["waiting", "urgency"];

/// What narrows the list, checked field by field.
pub fn narrowing_of(q: &ListQuery) -> ApiResult<StudyNarrowing> {
    let set = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let day = |v: &Option<String>, field: &'static str| -> ApiResult<Option<time::Date>> {
        set(v)
            .map(|s| {
                crate::ui::list::date(Some(&s))
                    .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, field, "date_invalid"))
            })
            .transpose()
    };
    Ok(StudyNarrowing {
        resident: None,
        institution: q.institution,
        status: set(&q.status)
            .map(|s| {
                rules::Status::parse(&s).ok_or_else(|| {
                    ApiError::field(StatusCode::BAD_REQUEST, "status", "invalid_field")
                })
            })
            .transpose()?,
        critical: set(&q.critical).is_some_and(|c| c == "1" || c == "true"),
        from: day(&q.from, "from")?.map(yigong_domain::clock::start_of),
        before: day(&q.to, "to")?
            .and_then(|d| d.next_day())
            .map(yigong_domain::clock::start_of),
        text: set(&q.q),
        sort: crate::ui::list::Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &SORTS).map(|s| {
            match s.key {
                "urgency" => StudySort::Urgency { desc: s.desc },
                _ => StudySort::Waiting { desc: s.desc },
            }
        }),
    })
}

/// The filter a view stands for, for this user; 403 where the view is not theirs.
pub fn filter_for(user: &CurrentUser, view: Option<&str>) -> ApiResult<StudyFilter> {
    use rules::EcgScope;
    let default = match &user.ecg {
        EcgScope::Reader => "worklist",
        EcgScope::Senders(_) => "sent",
        EcgScope::All => "all",
        EcgScope::None => return Err(ApiError::forbidden()),
    };
    match (view.unwrap_or(default), &user.ecg) {
        ("worklist", EcgScope::Reader | EcgScope::All) => Ok(StudyFilter::Worklist),
        ("all", EcgScope::Reader | EcgScope::All) => Ok(StudyFilter::All),
        ("sent", EcgScope::Senders(ids)) => Ok(StudyFilter::Senders(ids.clone())),
        ("worklist" | "all" | "sent", _) => Err(ApiError::forbidden()),
        _ => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "view",
            "invalid_field",
        )),
    }
}

/// A page of the studies a view shows this user, the list audited (and a view the
/// user may not have, refused and audited).
pub async fn studies_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
    export: bool,
) -> ApiResult<(StudyFilter, yigong_store::Page<Study>)> {
    let narrowing = narrowing_of(q)?;
    let (paging, action) = if export {
        (yigong_store::PageRequest::export(), "ecg.export")
    } else {
        (
            yigong_store::PageRequest::new(q.page, q.per_page),
            "ecg.list",
        )
    };
    let filter = match filter_for(user, q.view.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            if e.status == StatusCode::FORBIDDEN {
                user.audit(state, "ecg.list", "ecg_study", None, false, "view")
                    .await?;
            }
            return Err(e);
        }
    };
    let page = state
        .store
        .find_studies(state.community.id, &filter, &narrowing, paging)
        .await?;
    user.audit_list(state, action, "ecg_study", page.total)
        .await?;
    Ok((filter, page))
}

#[utoipa::path(get, path = "/ecg/studies",
    params(("view" = Option<String>, Query, description = "`worklist`, `sent` or `all`"),
        ("status" = Option<String>, Query, description = "`awaiting`, `reading` or `reported`"),
        ("critical" = Option<String>, Query, description = "`1`: reported critical only"),
        ("from" = Option<String>, Query, description = "uploaded on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "uploaded on or before (YYYY-MM-DD)"),
        ("q" = Option<String>, Query, description = "start of the resident's name or initials"),
        ("institution" = Option<String>, Query, description = "sent by this institution (id)"),
        ("sort" = Option<String>, Query, description = "`waiting` or `urgency`"),
        ("dir" = Option<String>, Query, description = "`desc` reverses"),
        ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "A page of studies"), (status = 403, description = "Not a view of this user's")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<Json<Page<StudyView>>> {
    let (_, page) = studies_for(&state, &user, &q, false).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(StudyView::of).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// The study if it exists and the user may see it; nothing is audited here.
async fn visible(state: &AppState, user: &CurrentUser, id: StudyId) -> ApiResult<Option<Study>> {
    match state.store.get_study(state.community.id, id).await {
        Ok(s) if user.ecg.sees(s.from_institution_id) => Ok(Some(s)),
        Ok(_) | Err(yigong_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A study the user may see, with the read audited (allowed or denied).
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: StudyId,
    action: &str,
) -> ApiResult<Study> {
    let found = visible(state, user, id).await?;
    user.audit(
        state,
        action,
        "ecg_study",
        Some(id.uuid()),
        found.is_some(),
        "",
    )
    .await?;
    found.ok_or_else(ApiError::not_found)
}

/// A study with its measurements, report and timeline (the caller has checked access).
pub async fn detail_from(state: &AppState, study: Study) -> ApiResult<StudyDetail> {
    let (c, id) = (state.community.id, study.id);
    let measurements = state.store.study_measurements(c, id).await?;
    Ok(StudyDetail {
        measurements: serde_json::from_str(&measurements).unwrap_or(serde_json::Value::Null),
        report: state.store.study_report(c, id).await?,
        events: state.store.study_events(c, id).await?,
        study: StudyView::of(study),
    })
}

pub async fn detail_of(
    state: &AppState,
    user: &CurrentUser,
    id: StudyId,
) -> ApiResult<StudyDetail> {
    let study = load(state, user, id, "ecg.read").await?;
    detail_from(state, study).await
}

#[utoipa::path(get, path = "/ecg/studies/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, description = "The study, its measurements, report and timeline"), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<StudyId>,
) -> ApiResult<Json<StudyDetail>> {
    Ok(Json(detail_of(&state, &user, id).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    /// Finding codes from `/api/v1/ecg/findings`.
    #[serde(default)]
    pub findings: Vec<String>,
    #[serde(default)]
    pub conclusion: String,
}

/// Applies an action for the user; shared by the API and the pages.
pub async fn act_on(
    state: &AppState,
    user: &CurrentUser,
    id: StudyId,
    action: Action,
    body: &ReportBody,
) -> ApiResult<Study> {
    let action_name = format!("ecg.{}", action.as_str());
    let Some(study) = visible(state, user, id).await? else {
        user.audit(state, &action_name, "ecg_study", Some(id.uuid()), false, "")
            .await?;
        return Err(ApiError::not_found());
    };
    let current = StudyState {
        status: study.status,
        claimed_by: study.claimed_by,
        critical: study.critical,
        acknowledged: study.acknowledged_at.is_some(),
    };
    let sent_it = user.ecg.sends() && user.ecg.sees(study.from_institution_id);
    let refuse = |e: rules::Refusal| {
        let status = match e {
            rules::Refusal::NotReader | rules::Refusal::NotSender => StatusCode::FORBIDDEN,
            _ => StatusCode::CONFLICT,
        };
        ApiError::new(status, e.code())
    };
    // A refused attempt is still an access to the record: audited with its reason. An
    // allowed change writes its audit row in its own transaction.
    let to = match rules::decide(current, action, user.account_id, user.ecg.reads(), sent_it) {
        Ok(to) => to,
        Err(e) => {
            let code = e.code();
            user.audit(
                state,
                &action_name,
                "ecg_study",
                Some(id.uuid()),
                true,
                code,
            )
            .await?;
            return Err(refuse(e));
        }
    };
    let change = change_for(&study, action, to, user.account_id, body)?;
    let entry = user.audit_entry(&action_name, "ecg_study", Some(id.uuid()), true, "");
    if !state
        .store
        .change_study(state.community.id, id, study.version, &change, &entry)
        .await?
    {
        // Someone changed it first: say what stands in the way now.
        let now_study = state.store.get_study(state.community.id, id).await?;
        let code = if now_study.claimed_by.is_some_and(|c| c != user.account_id) {
            "ecg_claimed_by_other"
        } else {
            "ecg_wrong_status"
        };
        user.audit(
            state,
            &action_name,
            "ecg_study",
            Some(id.uuid()),
            true,
            code,
        )
        .await?;
        return Err(ApiError::new(StatusCode::CONFLICT, code));
    }
    let study = state.store.get_study(state.community.id, id).await?;
    announce(state, &study);
    if current.status != study.status && study.status == yigong_domain::ecg::Status::Reported {
        crate::portal::reports::push(
            state,
            study.resident_id,
            ("ecg_report", id.uuid()),
            crate::portal::reports::report_text(),
        )
        .await;
    }
    Ok(study)
}

/// The study's changing columns after `action` (moving it to `to`) by `actor`.
fn change_for(
    study: &Study,
    action: Action,
    to: Status,
    actor: Uuid,
    body: &ReportBody,
) -> ApiResult<StudyChange> {
    let now = OffsetDateTime::now_utc();
    let mut change = StudyChange {
        kind: action.as_str(),
        status: to,
        claimed_by: study.claimed_by,
        claimed_at: study.claimed_at,
        reported_at: study.reported_at,
        critical: study.critical,
        acknowledged_at: study.acknowledged_at,
        acknowledged_by: None,
        report: None,
        actor,
    };
    match action {
        Action::Claim => {
            change.claimed_by = Some(actor);
            change.claimed_at = Some(now);
        }
        Action::Release => {
            change.claimed_by = None;
            change.claimed_at = None;
        }
        Action::Report => {
            let report = report_of(body)?;
            change.reported_at = Some(now);
            change.critical = report.critical;
            change.report = Some(report);
        }
        Action::Acknowledge => {
            change.acknowledged_at = Some(now);
            change.acknowledged_by = Some(actor);
        }
    }
    Ok(change)
}

/// A report's findings, checked against the coded list; critical if any finding is.
fn report_of(body: &ReportBody) -> ApiResult<NewReport> {
    let mut codes: Vec<&str> = Vec::new();
    for code in &body.findings {
        let f = rules::finding(code.trim()).ok_or_else(|| {
            unprocessable("findings", "ecg_finding_unknown").with_detail(code.clone())
        })?;
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    if codes.is_empty() {
        return Err(unprocessable("findings", "required"));
    }
    let conclusion = body.conclusion.trim();
    if conclusion.chars().count() > 2000 {
        return Err(unprocessable("conclusion", "too_long"));
    }
    Ok(NewReport {
        critical: codes
            .iter()
            .any(|c| rules::finding(c).is_some_and(|f| f.critical)),
        findings: codes.join(","),
        conclusion: conclusion.to_string(),
    })
}

#[utoipa::path(post, path = "/ecg/studies/{id}/{action}",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`claim`, `release`, `report` or `acknowledge`")),
    request_body(content = Option<ReportBody>, description = "For `report`: the findings and the conclusion"),
    responses((status = 200, description = "The study as it now stands"), (status = 403), (status = 404), (status = 409, description = "Not possible as the study stands, or another reader has it"), (status = 422)))]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(StudyId, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<StudyDetail>> {
    let action = Action::parse(&action).ok_or_else(ApiError::not_found)?;
    let body: ReportBody = crate::api::optional_json(&body)?;
    let study = act_on(&state, &user, id, action, &body).await?;
    Ok(Json(detail_from(&state, study).await?))
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub code: &'static str,
    pub label: &'static str,
    pub critical: bool,
}

/// How many critical reports in the user's reach wait for acknowledgement (the
/// navigation badge). A count only: no study is read, nothing is audited.
#[derive(Debug, Serialize)]
pub struct Alerts {
    pub unacknowledged: usize,
}

#[utoipa::path(get, path = "/ecg/alerts", responses((status = 200, description = "`{\"unacknowledged\": n}`: critical reports in reach not yet acknowledged"), (status = 403)))]
pub async fn alerts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Alerts>> {
    if user.ecg == rules::EcgScope::None {
        return Err(ApiError::forbidden());
    }
    let unacknowledged = state
        .store
        .unacknowledged_criticals(state.community.id)
        .await?
        .iter()
        .filter(|s| user.ecg.sees(s.from_institution_id))
        .count();
    Ok(Json(Alerts { unacknowledged }))
}

/// The coded findings a report is written from, labelled in the request's language.
#[utoipa::path(get, path = "/ecg/findings", responses((status = 200, description = "Code, label, critical")))]
pub async fn findings(user: CurrentUser) -> Json<Vec<FindingView>> {
    Json(finding_list(user.lang))
}

pub fn finding_list(lang: Lang) -> Vec<FindingView> {
    rules::FINDINGS
        .iter()
        .map(|f| FindingView {
            code: f.code,
            label: lang.finding(f.code),
            critical: f.critical,
        })
        .collect()
}
