//! The joint meeting system through the API (seed 000): the party committee records its
//! meetings with the member units and raises issues at them; each issue is assigned to a
//! unit, which implements it and reports; the committee guides and gives its feedback
//! evaluation, and only then closes it. The committee writes and the bureau reads every
//! meeting; a branch secretary reaches the issues assigned to their branch; anyone else is
//! told there is nothing (404), audited.

use super::{optional_day, past_day, required_text, sees_all};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::party::joint::{Actor, EVALUATION_MAX, IssueStep, issue_step, next_steps};
use yigong_domain::party::work::{WorkFacts, WorkStatus};
use yigong_store::StoreError;
use yigong_store::party::{
    Evidence, Issue, IssueChange, JointMeeting, NewIssue, NewJointMeeting, PartyOrg,
};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The committee and the bureau reach every meeting; anyone else is refused (audited).
async fn meetings_reach(state: &AppState, user: &CurrentUser, action: &str) -> ApiResult<()> {
    if sees_all(user) {
        return Ok(());
    }
    user.audit(state, action, "party_work", None, false, "reach")
        .await?;
    Err(ApiError::not_found())
}

/// Only the committee records meetings and raises issues; the bureau reads.
async fn committee_writes(state: &AppState, user: &CurrentUser, action: &str) -> ApiResult<()> {
    meetings_reach(state, user, action).await?;
    super::committee_only(state, user, (action, "party_work", None)).await
}

/// Every joint meeting, the latest first.
pub async fn meetings_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<JointMeeting>> {
    meetings_reach(state, user, "party.joint_meetings").await?;
    let list = state.store.joint_meetings(state.community.id, None).await?;
    user.audit_list(
        state,
        "party.joint_meetings",
        "party_work",
        list.len() as i64,
    )
    .await?;
    Ok(list)
}

/// The joint meetings with how their issues stand.
#[utoipa::path(get, path = "/party/joint-meetings",
    responses((status = 200, body = [Object]), (status = 404)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<JointMeeting>>> {
    Ok(Json(meetings_for(&state, &user).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct JointMeetingBody {
    /// The convening committee.
    #[serde(default)]
    pub org_id: Option<Uuid>,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub minutes: String,
}

/// The committees that may convene a joint meeting.
pub async fn committees(state: &AppState) -> ApiResult<Vec<PartyOrg>> {
    let all = state.store.party_orgs(state.community.id).await?;
    Ok(all.into_iter().filter(|o| o.kind == "committee").collect())
}

/// Records a joint meeting held, every field checked at once; its id.
pub async fn record_joint(
    state: &AppState,
    user: &CurrentUser,
    b: &JointMeetingBody,
) -> ApiResult<Uuid> {
    committee_writes(state, user, "party.joint_meeting").await?;
    let mut problems = Vec::new();
    let convener = committees(state)
        .await?
        .into_iter()
        .find(|o| Some(o.id) == b.org_id);
    if convener.is_none() {
        problems.push(unprocessable("org_id", "invalid_field"));
    }
    let held_on = past_day(&mut problems, "held_on", &b.held_on);
    let title = required_text(&mut problems, "topic", &b.topic, 100);
    let minutes = required_text(&mut problems, "minutes", &b.minutes, 4000);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(o), Some(held_on)) = (convener, held_on) else {
        return Err(ApiError::internal());
    };
    let new = NewJointMeeting {
        org_id: o.id,
        held_on,
        title,
        minutes,
    };
    let entry = user.audit_entry("party.joint_meeting", "party_work", None, true, "");
    Ok(state
        .store
        .record_joint_meeting(state.community.id, &new, &entry)
        .await?)
}

/// Records a joint meeting of the committee with its member units.
#[utoipa::path(post, path = "/party/joint-meetings", request_body = JointMeetingBody,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn add_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<JointMeetingBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = record_joint(&state, &user, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// A meeting with its issues.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    #[schema(value_type = Object)]
    pub meeting: JointMeeting,
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<Issue>,
}

pub async fn meeting_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<MeetingView> {
    meetings_reach(state, user, "party.joint_meeting_view").await?;
    let c = state.community.id;
    let meeting = state
        .store
        .joint_meetings(c, Some(id))
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)?;
    let issues = state.store.joint_issues(c, (Some(id), None)).await?;
    user.audit(
        state,
        "party.joint_meeting_view",
        "party_work",
        Some(id),
        true,
        "",
    )
    .await?;
    Ok(MeetingView { meeting, issues })
}

/// A joint meeting with the issues raised at it.
#[utoipa::path(get, path = "/party/joint-meetings/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingView), (status = 404)))]
pub async fn meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<MeetingView>> {
    Ok(Json(meeting_of(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IssueBody {
    #[serde(default)]
    pub topic: String,
    /// The opinion as collected.
    #[serde(default)]
    pub detail: String,
    /// The unit it is assigned to, if already decided.
    #[serde(default)]
    pub org_id: Option<Uuid>,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Raises an issue at a meeting, every field checked at once; its id.
pub async fn raise(
    state: &AppState,
    user: &CurrentUser,
    meeting: Uuid,
    b: &IssueBody,
) -> ApiResult<Uuid> {
    committee_writes(state, user, "party.joint_issue").await?;
    let mut problems = Vec::new();
    let title = required_text(&mut problems, "topic", &b.topic, 100);
    let detail = required_text(&mut problems, "detail", &b.detail, 2000);
    if let Some(org) = b.org_id {
        let orgs = state.store.party_orgs(state.community.id).await?;
        if !orgs.iter().any(|o| o.id == org) {
            problems.push(unprocessable("org_id", "invalid_field"));
        }
    }
    let due_on = optional_day(&mut problems, "due_on", b.due_on.as_deref());
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let new = NewIssue {
        meeting,
        title,
        detail,
        org_id: b.org_id,
        due_on,
        at: yigong_store::now(),
    };
    let entry = user.audit_entry("party.joint_issue", "party_work", None, true, "");
    match state
        .store
        .raise_issue(state.community.id, &new, &entry)
        .await
    {
        Err(StoreError::NotFound) => Err(ApiError::not_found()),
        other => Ok(other?),
    }
}

/// Raises an issue at a joint meeting.
#[utoipa::path(post, path = "/party/joint-meetings/{id}/issues", params(("id" = Uuid, Path)), request_body = IssueBody,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn raise_issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(meeting): Path<Uuid>,
    AppJson(b): AppJson<IssueBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = raise(&state, &user, meeting, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "status": "open" })),
    ))
}

/// The branches a user is secretary of.
async fn own_orgs(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Uuid>> {
    Ok(state
        .store
        .party_orgs(state.community.id)
        .await?
        .into_iter()
        .filter(|o| o.secretary_account_id == Some(user.account_id))
        .map(|o| o.id)
        .collect())
}

/// An issue in the user's reach and who they act as on it (`None`: the bureau, reading);
/// 404, audited, for one out of reach.
async fn issue_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<(Issue, Option<Actor>)> {
    let found = match state.store.get_issue(state.community.id, id).await {
        Ok(i) => Some(i),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let actor = match (&found, user.role) {
        (Some(_), Role::PartySecretary) => Some(Some(Actor::Committee)),
        (Some(_), Role::BureauViewer) => Some(None),
        (Some(i), _) => {
            let own = own_orgs(state, user).await?;
            i.org_id
                .filter(|o| own.contains(o))
                .map(|_| Some(Actor::Unit))
        }
        (None, _) => None,
    };
    match (found, actor) {
        (Some(i), Some(a)) => Ok((i, a)),
        _ => {
            user.audit(state, action, "party_work", Some(id), false, "reach")
                .await?;
            Err(ApiError::not_found())
        }
    }
}

/// An issue with its evidence and the steps the caller may take next.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssueView {
    #[schema(value_type = Object)]
    pub issue: Issue,
    #[schema(value_type = Vec<Object>)]
    pub evidence: Vec<Evidence>,
    /// `assign`, `start`, `report`, `submit`, `guide`, `evaluate`, `close`.
    pub next: Vec<&'static str>,
}

pub async fn issue_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<IssueView> {
    let (issue, actor) = issue_in_reach(state, user, id, "party.joint_issue_view").await?;
    let evidence = state.store.work_evidence(state.community.id, id).await?;
    let status = WorkStatus::parse(&issue.status).ok_or_else(ApiError::internal)?;
    let next = actor.map_or_else(Vec::new, |a| {
        next_steps(status, a, issue.org_id.is_some())
            .into_iter()
            .map(IssueStep::as_str)
            .collect()
    });
    user.audit(
        state,
        "party.joint_issue_view",
        "party_work",
        Some(id),
        true,
        "",
    )
    .await?;
    Ok(IssueView {
        issue,
        evidence,
        next,
    })
}

/// An issue raised at a joint meeting, with its evidence.
#[utoipa::path(get, path = "/party/joint-issues/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = IssueView), (status = 404)))]
pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<IssueView>> {
    Ok(Json(issue_of(&state, &user, id).await?))
}

/// The issues assigned to a branch (its secretary, the committee, the bureau).
pub async fn issues_of_org(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
) -> ApiResult<Vec<Issue>> {
    super::org_in_reach(state, user, org, "party.joint_issues").await?;
    let list = state
        .store
        .joint_issues(state.community.id, (None, Some(org)))
        .await?;
    user.audit_list(state, "party.joint_issues", "party_work", list.len() as i64)
        .await?;
    Ok(list)
}

/// The joint-meeting issues assigned to a branch.
#[utoipa::path(get, path = "/party/orgs/{id}/joint-issues", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Object]), (status = 404)))]
pub async fn org_issues(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
) -> ApiResult<Json<Vec<Issue>>> {
    Ok(Json(issues_of_org(&state, &user, org).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IssueStepBody {
    /// `assign`, `start`, `report`, `submit`, `guide`, `evaluate` or `close`.
    #[serde(default)]
    pub step: String,
    /// The report, the guidance or the evaluation (required for those three).
    #[serde(default)]
    pub text: String,
    /// For `assign`: the unit's organisation.
    #[serde(default)]
    pub org_id: Option<Uuid>,
    /// For `evaluate`: the score out of 100.
    #[serde(default)]
    pub score: Option<u32>,
}

/// What a step writes, checked field by field.
async fn change_for(
    state: &AppState,
    (issue, s): (&Issue, IssueStep),
    b: &IssueStepBody,
) -> ApiResult<IssueChange> {
    let mut problems = Vec::new();
    let text = if s.needs_text() {
        required_text(&mut problems, "text", &b.text, 2000)
    } else {
        let t = b.text.trim();
        if t.chars().count() > 2000 {
            problems.push(unprocessable("text", "too_long"));
        }
        t.to_string()
    };
    let mut org_id = None;
    if s == IssueStep::Assign {
        let orgs = state.store.party_orgs(state.community.id).await?;
        org_id = b.org_id.filter(|id| orgs.iter().any(|o| o.id == *id));
        if org_id.is_none() {
            problems.push(unprocessable("org_id", "invalid_field"));
        }
    }
    let score = (s == IssueStep::Evaluate).then_some(b.score);
    match score {
        Some(None) => problems.push(unprocessable("score", "required")),
        Some(Some(n)) if n > EVALUATION_MAX => {
            problems.push(unprocessable("score", "score_above_max"))
        }
        _ => {}
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    // Submitting needs an implementation report: this one, or one before it.
    let mut reports = usize::from(s.evidence() == Some("implementation") && !text.is_empty());
    if s == IssueStep::Submit {
        let evidence = state
            .store
            .work_evidence(state.community.id, issue.id)
            .await?;
        reports += evidence
            .iter()
            .filter(|e| e.kind == "implementation")
            .count();
    }
    let facts = WorkFacts {
        assigned: issue.org_id.is_some() || org_id.is_some(),
        evidence: reports,
    };
    let from = WorkStatus::parse(&issue.status).ok_or_else(ApiError::internal)?;
    let to =
        issue_step(from, s, facts).map_err(|p| ApiError::new(StatusCode::CONFLICT, p.code()))?;
    Ok(IssueChange {
        from: from.as_str(),
        to: to.as_str(),
        org_id,
        score: score.flatten().map(|n| n as i32),
        evidence: s.evidence().filter(|_| !text.is_empty()).map(|k| (k, text)),
        at: yigong_store::now(),
    })
}

/// Takes a step on an issue; the status it reached.
pub async fn take_step(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &IssueStepBody,
) -> ApiResult<&'static str> {
    let (issue, actor) = issue_in_reach(state, user, id, "party.joint_step").await?;
    let s =
        IssueStep::parse(b.step.trim()).ok_or_else(|| unprocessable("step", "invalid_field"))?;
    if !actor.is_some_and(|a| s.allowed_to(a)) {
        user.audit(
            state,
            "party.joint_step",
            "party_work",
            Some(id),
            false,
            s.as_str(),
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let change = change_for(state, (&issue, s), b).await?;
    let entry = user.audit_entry("party.joint_step", "party_work", None, true, s.as_str());
    let to = change.to;
    if state
        .store
        .change_issue(state.community.id, id, &change, &entry)
        .await?
    {
        Ok(to)
    } else {
        Err(ApiError::new(StatusCode::CONFLICT, "work_wrong_status"))
    }
}

/// A step on an issue: assigned, started, reported on, submitted, guided, evaluated or
/// closed; 409 when its status does not allow it (`work_not_evaluated` for a close before
/// the feedback evaluation).
#[utoipa::path(post, path = "/party/joint-issues/{id}/steps", params(("id" = Uuid, Path)), request_body = IssueStepBody,
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn issue_step_taken(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<IssueStepBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let status = take_step(&state, &user, id, &b).await?;
    Ok(Json(serde_json::json!({ "id": id, "status": status })))
}
