//! A first secretary's site at work: its task list, the progress reports its secretary
//! files, and the quarter the committee evaluates: the quarter's reports and spending,
//! the area's outcome figures beside the same quarter a year before, and the score sheet.
//! The secretary writes reports, the committee evaluates, the bureau reads.

use super::sees_all;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock;
use yigong_domain::party::site::{Quarter, evaluation_sheet, growth_permille};
use yigong_domain::party::work::{
    ScoreProblem, WorkKind, WorkStatus, evidence_step, grade, score_text, total,
};
use yigong_store::party::{
    Evaluation, NewEvaluation, NewReport, Outcomes, Report, Site, SiteTask, Spending,
};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Who may do what to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRight {
    Read,
    /// Its own first secretary: reports and spending.
    Report,
    /// The committee: the quarterly evaluation.
    Evaluate,
}

/// A site the user may act on as `right` asks; 404 (audited) for one out of reach, so
/// that nobody learns a site exists by being refused it.
pub async fn site_for(
    state: &AppState,
    user: &CurrentUser,
    site: Uuid,
    (right, action): (SiteRight, &str),
) -> ApiResult<Site> {
    let found = match state.store.get_site(state.community.id, site).await {
        Ok(s) => Some(s),
        Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let allowed = |s: &Site| match right {
        SiteRight::Read => sees_all(user) || s.secretary_account_id == user.account_id,
        SiteRight::Report => s.secretary_account_id == user.account_id,
        SiteRight::Evaluate => user.role == Role::PartySecretary,
    };
    match found {
        Some(s) if allowed(&s) => Ok(s),
        _ => {
            user.audit(state, action, "fs_site", Some(site), false, "reach")
                .await?;
            Err(ApiError::not_found())
        }
    }
}

/// A site's tasks.
#[utoipa::path(get, path = "/first-secretary/sites/{id}/tasks", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Object]), (status = 404)))]
pub async fn list_tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<SiteTask>>> {
    let site = site_for(&state, &user, id, (SiteRight::Read, "party.site_tasks")).await?;
    let tasks = state.store.site_tasks(state.community.id, site.id).await?;
    user.audit_list(&state, "party.site_tasks", "fs_site", tasks.len() as i64)
        .await?;
    Ok(Json(tasks))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    pub task_id: Option<Uuid>,
    /// What was done since the last report.
    #[serde(default)]
    pub text: String,
    /// The task is finished and goes to the committee.
    #[serde(default)]
    pub done: bool,
}

/// Files a progress report on one of the site's tasks (its first secretary only): an
/// open task is under way from its first report, and one reported done goes to the
/// committee; the report is the evidence the rules ask for.
pub async fn report(
    state: &AppState,
    user: &CurrentUser,
    site: Uuid,
    b: &ReportBody,
) -> ApiResult<Uuid> {
    let c = state.community.id;
    let s = site_for(state, user, site, (SiteRight::Report, "party.report")).await?;
    let tasks = state.store.site_tasks(c, s.id).await?;
    let mut problems = Vec::new();
    let task = b.task_id.and_then(|t| tasks.iter().find(|x| x.id == t));
    if task.is_none() {
        problems.push(unprocessable("task_id", "invalid_field"));
    }
    let text = super::required_text(&mut problems, "text", &b.text, 2000);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let Some(task) = task else {
        return Err(ApiError::internal());
    };
    let from = WorkStatus::parse(&task.status).ok_or_else(ApiError::internal)?;
    let to = evidence_step(WorkKind::SiteTask, from, b.done)
        .map_err(|p| ApiError::field(StatusCode::CONFLICT, "task_id", p.code()))?;
    let new = NewReport {
        task: task.id,
        text: text.to_string(),
        from: from.as_str(),
        to: to.as_str(),
        at: yigong_store::now(),
    };
    let entry = user.audit_entry("party.report", "party_evidence", None, true, &task.subject);
    state
        .store
        .report_progress(c, s.id, &new, &entry)
        .await?
        .ok_or_else(|| ApiError::field(StatusCode::CONFLICT, "task_id", "work_wrong_status"))
}

/// Files a progress report on a task of the site.
#[utoipa::path(post, path = "/first-secretary/sites/{id}/reports", params(("id" = Uuid, Path)),
    request_body = ReportBody,
    responses((status = 201, body = Object), (status = 404), (status = 409, description = "The task is finished"), (status = 422)))]
pub async fn file_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<ReportBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let report_id = report(&state, &user, id, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": report_id })),
    ))
}

/// A quarter of a site as the committee evaluates it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuarterView {
    pub quarter: String,
    #[schema(value_type = String)]
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub first_day: time::Date,
    #[schema(value_type = String)]
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub last_day: time::Date,
    #[schema(value_type = Vec<Object>)]
    pub reports: Vec<Report>,
    #[schema(value_type = Vec<Object>)]
    pub spending: Vec<Spending>,
    pub spent_fen: i64,
    pub tasks_total: usize,
    /// Tasks reported done or beyond.
    pub tasks_done: usize,
    #[schema(value_type = Object)]
    pub outcomes: Outcomes,
    #[schema(value_type = Object)]
    pub year_before: Outcomes,
    /// Each outcome's change over the same quarter a year before, in per mille; null
    /// when there was nothing to compare with.
    pub growth_permille: BTreeMap<&'static str, Option<i64>>,
    #[schema(value_type = Option<Object>)]
    pub evaluation: Option<Evaluation>,
}

/// A quarter of a site: its reports, its spending, its outcomes and its evaluation.
pub async fn quarter_of(
    state: &AppState,
    user: &CurrentUser,
    site: Uuid,
    quarter: &str,
) -> ApiResult<(Site, QuarterView)> {
    let c = state.community.id;
    let s = site_for(state, user, site, (SiteRight::Read, "party.quarter")).await?;
    let q = Quarter::parse(quarter).ok_or_else(|| unprocessable("quarter", "invalid_field"))?;
    let (first, last) = (q.first_day(), q.last_day());
    let span = (
        clock::start_of(first),
        clock::start_of(q.next().first_day()),
    );
    let reports = state.store.site_reports(c, s.id, span).await?;
    let spending: Vec<Spending> = state
        .store
        .site_spending(c, s.id)
        .await?
        .into_iter()
        .filter(|x| x.spent_on >= first && x.spent_on <= last)
        .collect();
    let tasks = state.store.site_tasks(c, s.id).await?;
    let done = tasks
        .iter()
        .filter(|t| WorkStatus::parse(&t.status).is_some_and(WorkStatus::is_done));
    let before = q.year_before();
    let outcomes = state
        .store
        .site_outcomes(c, s.institution_id, (first, last))
        .await?;
    let year_before = state
        .store
        .site_outcomes(c, s.institution_id, (before.first_day(), before.last_day()))
        .await?;
    let growth = [
        ("referrals", year_before.referrals, outcomes.referrals),
        ("ecg_uploads", year_before.ecg_uploads, outcomes.ecg_uploads),
        ("follow_ups", year_before.follow_ups, outcomes.follow_ups),
        ("enrolled", year_before.enrolled, outcomes.enrolled),
    ]
    .into_iter()
    .map(|(k, b, n)| (k, growth_permille(b, n)))
    .collect();
    let evaluation = state
        .store
        .evaluations(c, s.id)
        .await?
        .into_iter()
        .find(|e| e.quarter == q.to_string());
    user.audit(
        state,
        "party.quarter",
        "fs_site",
        Some(s.id),
        true,
        &q.to_string(),
    )
    .await?;
    let view = QuarterView {
        quarter: q.to_string(),
        first_day: first,
        last_day: last,
        spent_fen: spending.iter().map(|x| x.amount_fen).sum(),
        reports,
        spending,
        tasks_done: done.count(),
        tasks_total: tasks.len(),
        outcomes,
        year_before,
        growth_permille: growth,
        evaluation,
    };
    Ok((s, view))
}

/// A quarter of a site (`2026Q4`).
#[utoipa::path(get, path = "/first-secretary/sites/{id}/quarters/{quarter}",
    params(("id" = Uuid, Path), ("quarter" = String, Path)),
    responses((status = 200, body = QuarterView), (status = 404), (status = 422)))]
pub async fn quarter(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, quarter)): Path<(Uuid, String)>,
) -> ApiResult<Json<QuarterView>> {
    Ok(Json(quarter_of(&state, &user, id, &quarter).await?.1))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationBody {
    /// A score for each criterion of the sheet: `tasks` (of 40), `funds` (of 20),
    /// `outcomes` (of 30), `reports` (of 10).
    #[serde(default)]
    pub scores: BTreeMap<String, u32>,
    #[serde(default)]
    pub comment: String,
}

/// The field a criterion's score is refused at: `score_tasks`, …, or `scores` for a
/// criterion the sheet does not have.
fn score_field(criterion: &str) -> &'static str {
    match criterion {
        "tasks" => "score_tasks",
        "funds" => "score_funds",
        "outcomes" => "score_outcomes",
        "reports" => "score_reports",
        _ => "scores",
    }
}

/// The committee evaluates a finished or current quarter once, every criterion scored
/// within its maximum; the total and its grade are worked out here.
pub async fn evaluate(
    state: &AppState,
    user: &CurrentUser,
    (site, quarter): (Uuid, &str),
    b: &EvaluationBody,
) -> ApiResult<Uuid> {
    let s = site_for(state, user, site, (SiteRight::Evaluate, "party.evaluate")).await?;
    let mut problems = Vec::new();
    let q = Quarter::parse(quarter).filter(|q| q.first_day() <= clock::today());
    if q.is_none() {
        problems.push(unprocessable("quarter", "invalid_field"));
    }
    let sheet = evaluation_sheet();
    let scores: Vec<(String, u32)> = b.scores.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let sum = match total(&sheet, &scores) {
        Ok(t) => Some(t),
        Err(p) => {
            let (code, criterion) = match &p {
                ScoreProblem::Unscored(c) => ("score_missing", c),
                ScoreProblem::AboveMax(c) => ("score_above_max", c),
                ScoreProblem::Unknown(c) => ("invalid_field", c),
            };
            problems.push(unprocessable(score_field(criterion), code));
            None
        }
    };
    if b.comment.chars().count() > 1000 {
        problems.push(unprocessable("comment", "too_long"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(q), Some(sum)) = (q, sum) else {
        return Err(ApiError::internal());
    };
    let of = sheet.iter().map(|k| k.max).sum();
    let new = NewEvaluation {
        quarter: q.to_string(),
        scores: score_text(&sheet, &scores),
        total: sum as i32,
        grade: grade(sum, of),
        comment: b.comment.trim().to_string(),
    };
    let entry = user.audit_entry("party.evaluate", "fs_evaluation", None, true, &new.quarter);
    state
        .store
        .record_evaluation(state.community.id, s.id, &new, &entry)
        .await?
        .ok_or_else(|| ApiError::field(StatusCode::CONFLICT, "quarter", "already_evaluated"))
}

/// The committee's quarterly evaluation of a site.
#[utoipa::path(post, path = "/first-secretary/sites/{id}/quarters/{quarter}/evaluation",
    params(("id" = Uuid, Path), ("quarter" = String, Path)), request_body = EvaluationBody,
    responses((status = 201, body = Object), (status = 404), (status = 409, description = "Already evaluated"), (status = 422)))]
pub async fn record_evaluation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, quarter)): Path<(Uuid, String)>,
    AppJson(b): AppJson<EvaluationBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let e = evaluate(&state, &user, (id, &quarter), &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": e }))))
}
