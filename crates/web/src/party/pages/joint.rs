//! Joint-meeting pages: the meetings with how their issues stand and the form the
//! committee records one with; a meeting with its minutes, its issues and the form that
//! raises one; and an issue with its evidence from opinion to feedback evaluation, and the
//! steps the caller may take next (one form, a button a step).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, IssueBody, IssueStepBody, JointMeetingBody};
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
use yigong_domain::access::Role;
use yigong_store::party::{Evidence, Issue, JointMeeting};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/joint", get(list).post(add))
        .route("/party/joint/{id}", get(meeting).post(raise))
        .route("/party/joint-issues/{id}", get(issue).post(act))
}

/// A form that came back refused, or none.
fn status_of(error: Option<&ApiError>) -> StatusCode {
    error.map_or(StatusCode::OK, |e| e.status)
}

#[derive(Debug, Default, Deserialize)]
struct MeetingForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    minutes: String,
}

#[derive(Template)]
#[template(path = "party/joint.html")]
struct ListPage {
    chrome: Chrome,
    meetings: Vec<JointMeeting>,
    /// (id, name) of the committees that convene.
    committees: Vec<(Uuid, String)>,
    writes: bool,
    csrf: String,
    f: MeetingForm,
    notice: Option<String>,
    problems: Problems,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    (f, notice, error): (MeetingForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let meetings = api::meetings_for(state, user).await.ui(lang)?;
    let committees = api::committees(state).await.ui(lang)?;
    let page = ListPage {
        chrome: Chrome::for_user(user, "party"),
        meetings,
        committees: committees.into_iter().map(|o| (o.id, o.name)).collect(),
        writes: user.role == Role::PartySecretary,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status_of(error.as_ref()), render(&page)).into_response())
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = MeetingForm {
        held_on: yigong_domain::clock::today().to_string(),
        ..MeetingForm::default()
    };
    list_page(&state, &user, (f, notice, None)).await
}

async fn add(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<MeetingForm>,
) -> UiResult<Response> {
    let body = JointMeetingBody {
        org_id: f.org_id.parse().ok(),
        held_on: f.held_on.clone(),
        topic: f.topic.clone(),
        minutes: f.minutes.clone(),
    };
    match api::record_joint(&state, &user, &body).await {
        Ok(id) => Ok(see_other(&format!(
            "/party/joint/{id}?done=joint_meeting_recorded"
        ))),
        Err(e) if sent_back(&e) => list_page(&state, &user, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct IssueForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    due_on: String,
}

#[derive(Template)]
#[template(path = "party/joint_meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    m: JointMeeting,
    issues: Vec<Issue>,
    /// (id, name) of every organisation an issue may be assigned to.
    units: Vec<(Uuid, String)>,
    writes: bool,
    csrf: String,
    f: IssueForm,
    notice: Option<String>,
    problems: Problems,
}

/// Every organisation, for the unit an issue is assigned to.
async fn units(state: &AppState) -> Result<Vec<(Uuid, String)>, ApiError> {
    let orgs = state.store.party_orgs(state.community.id).await?;
    Ok(orgs.into_iter().map(|o| (o.id, o.name)).collect())
}

async fn meeting_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (IssueForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::meeting_of(state, user, id).await.ui(lang)?;
    let page = MeetingPage {
        chrome: Chrome::for_user(user, "party"),
        m: v.meeting,
        issues: v.issues,
        units: units(state).await.ui(lang)?,
        writes: user.role == Role::PartySecretary,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status_of(error.as_ref()), render(&page)).into_response())
}

async fn meeting(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    meeting_page(&state, &user, id, (IssueForm::default(), notice, None)).await
}

async fn raise(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<IssueForm>,
) -> UiResult<Response> {
    let body = IssueBody {
        topic: f.topic.clone(),
        detail: f.detail.clone(),
        org_id: f.org_id.parse().ok(),
        due_on: Some(f.due_on.clone()),
    };
    match api::raise(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/joint/{id}?done=issue_raised#issues"
        ))),
        Err(e) if sent_back(&e) => meeting_page(&state, &user, id, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    score: String,
}

#[derive(Template)]
#[template(path = "party/joint_issue.html")]
struct IssuePage {
    chrome: Chrome,
    i: Issue,
    evidence: Vec<Evidence>,
    next: Vec<&'static str>,
    units: Vec<(Uuid, String)>,
    /// The unit the assign list selects: as typed, else the issue's.
    unit: String,
    csrf: String,
    f: StepForm,
    notice: Option<String>,
    problems: Problems,
}

async fn issue_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (StepForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::issue_of(state, user, id).await.ui(lang)?;
    let units = if v.next.contains(&"assign") {
        units(state).await.ui(lang)?
    } else {
        Vec::new()
    };
    let unit = if f.org_id.is_empty() {
        v.issue.org_id.map(|o| o.to_string()).unwrap_or_default()
    } else {
        f.org_id.clone()
    };
    let page = IssuePage {
        chrome: Chrome::for_user(user, "party"),
        unit,
        i: v.issue,
        evidence: v.evidence,
        next: v.next,
        units,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status_of(error.as_ref()), render(&page)).into_response())
}

async fn issue(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    issue_page(&state, &user, id, (StepForm::default(), notice, None)).await
}

async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> UiResult<Response> {
    let score = f.score.trim();
    let body = IssueStepBody {
        step: f.step.clone(),
        text: f.text.clone(),
        org_id: f.org_id.parse().ok(),
        // What is not a whole number reaches the rules as above the maximum.
        score: (!score.is_empty()).then(|| score.parse().unwrap_or(u32::MAX)),
    };
    match api::take_step(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/joint-issues/{id}?done=issue_step"
        ))),
        Err(e) if sent_back(&e) => issue_page(&state, &user, id, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
