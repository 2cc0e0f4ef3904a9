//! A branch's page: its members with this year's points, its activities, the form that
//! plans one, and an activity's page: recording it as held with each member's attendance,
//! then its minutes and the files attached (a scan of the minutes, a sign-in sheet).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, ActivityBody, MeetingBody, PresenceBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::party::schedule::ACTIVITIES;
use yigong_store::party::{Issue, MemberPoints, Pairing, Work};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/orgs/{id}", get(branch))
        .route("/party/orgs/{id}/activities", post(plan))
        .route("/party/activities/{id}", get(meeting).post(record))
        .route("/party/activities/{id}/files", post(upload))
}

/// (code, label) of the kinds of activity.
fn subjects(user: &CurrentUser) -> Vec<(&'static str, &'static str)> {
    ACTIVITIES
        .iter()
        .map(|(code, _)| (*code, user.lang.t(&format!("party.subject.{code}"))))
        .collect()
}

/// An activity's line: its kind, topic, day and status, in words.
struct ActivityRow {
    id: Uuid,
    subject: &'static str,
    topic: String,
    day: String,
    status: &'static str,
}

fn activity_row(user: &CurrentUser, w: Work) -> ActivityRow {
    let lang = user.lang;
    ActivityRow {
        id: w.id,
        subject: lang.t(&format!("party.subject.{}", w.subject)),
        day: w
            .held_on
            .or(w.due_on)
            .map_or_else(|| "—".into(), |d| d.to_string()),
        status: lang.t(&format!("party.status.{}", w.status)),
        topic: w.title,
    }
}

#[derive(Debug, Default, Deserialize)]
struct PlanForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    due_on: String,
}

#[derive(Template)]
#[template(path = "party/branch.html")]
struct BranchPage {
    chrome: Chrome,
    org: yigong_store::party::PartyOrg,
    members: Vec<MemberPoints>,
    activities: Vec<ActivityRow>,
    /// Joint-meeting issues assigned to the branch, and its pairings.
    issues: Vec<Issue>,
    pairings: Vec<Pairing>,
    year: i32,
    writes: bool,
    csrf: String,
    subjects: Vec<(&'static str, &'static str)>,
    f: PlanForm,
    notice: Option<String>,
    problems: Problems,
}

async fn branch_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (PlanForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let (org, writes) = api::org_in_reach(state, user, id, "party.members")
        .await
        .ui(lang)?;
    let c = state.community.id;
    let year = yigong_domain::clock::today().year();
    let members = state
        .store
        .members_with_points(c, id, year)
        .await
        .ui(lang)?;
    user.audit_list(state, "party.members", "party_org", members.len() as i64)
        .await
        .ui(lang)?;
    let activities = state
        .store
        .activities_of(c, id)
        .await
        .ui(lang)?
        .into_iter()
        .map(|w| activity_row(user, w))
        .collect();
    let issues = state
        .store
        .joint_issues(c, (None, Some(id)))
        .await
        .ui(lang)?;
    user.audit_list(
        state,
        "party.joint_issues",
        "party_work",
        issues.len() as i64,
    )
    .await
    .ui(lang)?;
    let mut pairings = state.store.pairings(c).await.ui(lang)?;
    pairings.retain(|p| p.org_id == id);
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = BranchPage {
        chrome: Chrome::for_user(user, "party"),
        org,
        members,
        activities,
        issues,
        pairings,
        year,
        writes,
        csrf: user.csrf.clone(),
        subjects: subjects(user),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn branch(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    branch_page(&state, &user, id, (PlanForm::default(), notice, None)).await
}

async fn plan(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<PlanForm>,
) -> UiResult<Response> {
    let body = ActivityBody {
        subject: f.subject.clone(),
        topic: f.topic.clone(),
        due_on: Some(f.due_on.clone()),
    };
    match api::plan(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/orgs/{id}?done=activity_planned"
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            branch_page(&state, &user, id, (f, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Template)]
#[template(path = "party/meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    a: ActivityRow,
    org_id: Uuid,
    /// (member, presence chosen, reason typed)
    members: Vec<(MemberPoints, String, String)>,
    csrf: String,
    held_on: String,
    minutes: String,
    /// Once held: the minutes as recorded and the files attached (id, name).
    held: Option<String>,
    files: Vec<(Uuid, String)>,
    notice: Option<String>,
    problems: Problems,
}

type Fields = HashMap<String, String>;

async fn meeting_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (Fields, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let c = state.community.id;
    let work = state.store.get_work(c, id).await.ui(lang)?;
    if work.kind != "activity" {
        return Err(UiError(ApiError::not_found(), lang));
    }
    let org = work
        .org_id
        .ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let (_, writes) = api::org_in_reach(state, user, org, "party.meeting")
        .await
        .ui(lang)?;
    if !writes {
        return Err(UiError(ApiError::not_found(), lang));
    }
    let year = yigong_domain::clock::today().year();
    let members = state
        .store
        .members_with_points(c, org, year)
        .await
        .ui(lang)?
        .into_iter()
        .map(|m| {
            let chosen = f
                .get(&format!("presence_{}", m.id))
                .cloned()
                .unwrap_or_else(|| "present".into());
            let reason = f
                .get(&format!("reason_{}", m.id))
                .cloned()
                .unwrap_or_default();
            (m, chosen, reason)
        })
        .collect();
    let held = if work.status == "open" {
        None
    } else {
        let evidence = state.store.work_evidence(c, id).await.ui(lang)?;
        let minutes = evidence.into_iter().find(|e| e.kind == "minutes");
        Some(minutes.map(|e| e.text).unwrap_or_default())
    };
    let files = state
        .store
        .work_attachments(c, id)
        .await
        .ui(lang)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = MeetingPage {
        chrome: Chrome::for_user(user, "party"),
        held,
        files,
        notice,
        a: activity_row(user, work),
        org_id: org,
        members,
        csrf: user.csrf.clone(),
        held_on: f
            .get("held_on")
            .cloned()
            .unwrap_or_else(|| yigong_domain::clock::today().to_string()),
        minutes: f.get("minutes").cloned().unwrap_or_default(),
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn meeting(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    meeting_page(&state, &user, id, (Fields::new(), notice, None)).await
}

async fn upload(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    mp: Multipart,
) -> UiResult<Response> {
    let attached = match api::read_file(mp).await {
        Ok(file) => api::attach_minutes(&state, &user, id, &file).await,
        Err(e) => Err(e),
    };
    match attached {
        Ok(_) => Ok(see_other(&format!(
            "/party/activities/{id}?done=file_uploaded#files"
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            meeting_page(&state, &user, id, (Fields::new(), None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn record(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let attendance = f
        .iter()
        .filter_map(|(k, v)| {
            let member = k.strip_prefix("presence_")?.parse().ok()?;
            Some(PresenceBody {
                member_id: member,
                presence: v.clone(),
                reason: f
                    .get(&format!("reason_{member}"))
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect();
    let body = MeetingBody {
        held_on: f.get("held_on").cloned().unwrap_or_default(),
        minutes: f.get("minutes").cloned().unwrap_or_default(),
        attendance,
    };
    let org = state
        .store
        .get_work(state.community.id, id)
        .await
        .ui(user.lang)?
        .org_id;
    match api::record(&state, &user, id, &body).await {
        Ok(_) => {
            let org = org.map(|o| o.to_string()).unwrap_or_default();
            Ok(see_other(&format!(
                "/party/orgs/{org}?done=meeting_recorded"
            )))
        }
        Err(e) if sent_back(&e) => meeting_page(&state, &user, id, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
