//! Referral pages: live worklist, sending form, detail with actions and the green-channel
//! clock, and the counts page with its chart.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::referral::api::stats::{AttentionParams, attention_for};
use crate::referral::api::{self as api, ActionBody, ListParams, MilestoneBody, ReferralBody};
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::form::{Done, flash};
use crate::ui::list::{Head, ListQuery, Sort};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, duration_text, local, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::access::{ReferralScope, Role, acts_for};
use yigong_domain::ids::ReferralId;
use yigong_domain::referral::{
    Action, Direction, Milestone, Outcome, Pathway, Status, Urgency, transition,
};
use yigong_store::referrals::Referral;

mod context;
mod form;
mod stats;
use form::{create, new_form, resident_options};
use stats::{stats, stats_export};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(list))
        .route("/referrals/new", get(new_form).post(create))
        .route("/referrals/export", get(export_xlsx))
        .route("/referrals/stats", get(stats))
        .route("/referrals/stats/export", get(stats_export))
        .route("/referrals/resident-options", get(resident_options))
        .route("/referrals/{id}", get(detail))
        .route("/referrals/{id}/milestone", post(milestone))
        .route("/referrals/{id}/{action}", post(act))
}

fn label(lang: Lang, group: &str, code: impl std::fmt::Display) -> String {
    lang.t(&format!("referral.{group}.{code}")).to_string()
}

/// A diagnosis as this language reads it: the listed code's name when the text is the
/// list's own name (or empty), the text as written otherwise.
pub(crate) fn diagnosis_text(lang: Lang, code: &str, text: &str) -> String {
    match (lang.icd10(code), yigong_domain::icd10::name_of(code)) {
        (Some(label), Some(listed)) if text.is_empty() || text == listed => label.to_string(),
        _ if text.is_empty() => code.to_string(),
        _ => text.to_string(),
    }
}

/// `I21.9 Acute myocardial infarction`: the code and its reading.
fn diagnosis(lang: Lang, code: &str, text: &str) -> String {
    let reading = diagnosis_text(lang, code, text);
    if reading == code {
        reading
    } else {
        format!("{code} {reading}")
    }
}

fn waiting(lang: Lang, since: OffsetDateTime) -> String {
    duration_text(
        lang,
        (OffsetDateTime::now_utc() - since).whole_minutes().max(0),
    )
}

struct Row {
    id: ReferralId,
    urgency: String,
    urgency_label: String,
    pathway_label: Option<String>,
    resident_name: String,
    icd10: String,
    direction_label: String,
    from_name: String,
    to_name: String,
    department: Option<String>,
    status: String,
    status_label: String,
    waiting: String,
    sent: String,
}

#[derive(Template)]
#[template(path = "referral/list.html")]
struct ListPage {
    chrome: Chrome,
    view: String,
    rows: Vec<Row>,
    heads: Vec<Head>,
    pager: Pager,
    export_url: String,
    can_receive: bool,
    can_send: bool,
    can_stats: bool,
    p: ListParams,
    statuses: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    directions: Vec<(&'static str, String)>,
}

fn receives(user: &CurrentUser) -> bool {
    !matches!(user.referrals, ReferralScope::None)
}

/// The worklist's query as the user asked for it, the receiving view by default for a
/// receiving department.
fn asked(user: &CurrentUser, mut p: ListParams) -> (ListParams, ListQuery) {
    if p.view.is_none() && matches!(user.referrals, ReferralScope::Receiving { .. }) {
        p.view = Some("incoming".into());
    }
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let id = |v: Option<Uuid>| v.map(|i| i.to_string()).unwrap_or_default();
    let query = ListQuery::new(
        "/referrals",
        vec![
            ("view", text(&p.view)),
            ("status", text(&p.status)),
            ("urgency", text(&p.urgency)),
            ("direction", text(&p.direction)),
            ("from", text(&p.from)),
            ("to", text(&p.to)),
            ("q", text(&p.q)),
            ("from_institution", id(p.from_institution)),
            ("to_institution", id(p.to_institution)),
        ],
        Sort::parse(p.sort.as_deref(), p.dir.as_deref(), &api::SORTS),
    );
    (p, query)
}

fn choices<T: Copy + std::fmt::Display>(
    lang: Lang,
    group: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|v| (code(*v), label(lang, group, v)))
        .collect()
}

fn rows_of(lang: Lang, items: Vec<Referral>) -> Vec<Row> {
    items
        .into_iter()
        .map(|r| Row {
            urgency_label: label(lang, "urgency", r.urgency),
            pathway_label: r.pathway.as_deref().map(|p| label(lang, "pathway", p)),
            direction_label: label(lang, "direction", r.direction),
            status_label: label(lang, "status", r.status),
            waiting: waiting(lang, r.created_at),
            sent: local(r.created_at),
            icd10: diagnosis(lang, &r.icd10_code, &r.icd10_text),
            id: r.id,
            urgency: r.urgency.to_string(),
            resident_name: r.resident_name,
            from_name: r.from_name,
            to_name: r.to_name,
            department: r.to_department_name,
            status: r.status.to_string(),
        })
        .collect()
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (p, query) = asked(&user, p);
    let page = api::search(&state, &user, &p, false).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let heads = vec![
        query.head(t("field.urgency"), Some("urgency")),
        query.head(t("field.resident"), None),
        query.head(t("field.icd10"), None),
        query.head(t("field.direction"), None),
        query.head(t("field.to_institution"), None),
        query.head(t("field.status"), None),
        query.head(t("referral.waiting"), Some("waiting")),
    ];
    let page = ListPage {
        chrome: Chrome::for_user(&user, "referrals"),
        view: p.view.clone().unwrap_or_default(),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: rows_of(lang, page.items),
        heads,
        export_url: query.export_url(),
        can_receive: matches!(
            user.referrals,
            ReferralScope::Receiving { .. } | ReferralScope::All
        ) || user.role == Role::TownshipDoctor,
        can_send: receives(&user) && user.role != Role::Admin,
        can_stats: user.role.edits_registry() || user.role.sees_figures(),
        statuses: choices(lang, "status", Status::ALL, Status::as_str),
        urgencies: choices(lang, "urgency", Urgency::ALL, Urgency::as_str),
        directions: choices(lang, "direction", Direction::ALL, Direction::as_str),
        p,
    };
    Ok(render(&page).into_response())
}

/// The referrals the list's filters select, as an Excel file named after those filters.
async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (p, _) = asked(&user, p);
    let page = api::search(&state, &user, &p, true).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("field.urgency"),
        t("field.resident"),
        t("field.icd10"),
        t("field.direction"),
        t("field.from_institution"),
        t("field.to_institution"),
        t("field.status"),
        t("referral.sent_at"),
    ];
    let table: Vec<Vec<Cell>> = rows_of(lang, page.items)
        .into_iter()
        .map(|r| {
            let to = match r.department {
                Some(d) => format!("{} · {d}", r.to_name),
                None => r.to_name,
            };
            let urgency = match r.pathway_label {
                Some(p) => format!("{} · {p}", r.urgency_label),
                None => r.urgency_label,
            };
            vec![
                urgency.into(),
                r.resident_name.into(),
                r.icd10.into(),
                r.direction_label.into(),
                r.from_name.into(),
                to.into(),
                r.status_label.into(),
                r.sent.into(),
            ]
        })
        .collect();
    let title = t("referral.title");
    let bytes = export::workbook(title, &headers, &table)
        .map_err(|_| UiError(ApiError::internal(), lang))?;
    let code = |group: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .map_or(String::new(), |s| label(lang, group, s))
    };
    let period = crate::ui::list::period(lang, p.from.as_deref(), p.to.as_deref());
    let view = if p.view.as_deref() == Some("incoming") {
        t("referral.incoming")
    } else {
        ""
    };
    Ok(export::download(
        title,
        &[
            view,
            &code("status", &p.status),
            &code("urgency", &p.urgency),
            &code("direction", &p.direction),
            &period,
            p.q.as_deref().unwrap_or(""),
        ],
        bytes,
    ))
}

struct GreenView {
    pathway_label: String,
    target_minutes: i64,
    started_ms: i64,
    elapsed: String,
    percent: i64,
    breached: bool,
    done: bool,
    admitted: bool,
}

struct ActionView {
    name: &'static str,
    label: String,
    needs_reason: bool,
}

#[derive(Template)]
#[template(path = "referral/detail.html")]
struct DetailPage {
    chrome: Chrome,
    r: Referral,
    diagnosis: String,
    direction_label: String,
    status_label: String,
    urgency_label: String,
    outcome_label: Option<String>,
    green: Option<GreenView>,
    /// (when, what, who recorded it, detail, row class)
    timeline: Vec<(String, String, String, String, String)>,
    actions: Vec<ActionView>,
    outcomes: Vec<(&'static str, String)>,
    milestones: Vec<(&'static str, String)>,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    around: context::Around,
}

/// The actions this user may take now: allowed by the state machine and by their side.
fn possible_actions(user: &CurrentUser, r: &Referral) -> Vec<ActionView> {
    let probe = yigong_domain::referral::ActionInput {
        reason: Some("x"),
        outcome: Some(Outcome::Closed),
    };
    Action::ALL
        .iter()
        .filter(|a| transition(r.direction, r.status, **a, &probe).is_ok())
        .filter(|a| {
            let side = a
                .side()
                .institution(r.from_institution_id, r.to_institution_id);
            acts_for(user.role, user.institution_id, &user.scope, side)
        })
        .map(|a| ActionView {
            name: a.as_str(),
            label: label(user.lang, "action", a.as_str()),
            needs_reason: a.needs_reason(),
        })
        .collect()
}

/// The referral's history, each step once: when, what, who recorded it, and detail.
async fn timeline(
    state: &AppState,
    lang: Lang,
    events: &[yigong_store::referrals::ReferralEvent],
) -> Result<Vec<(String, String, String, String, String)>, ApiError> {
    let accounts = state.store.list_accounts(state.community.id).await?;
    let who = |id: Option<Uuid>| {
        accounts
            .iter()
            .find(|a| Some(a.id) == id)
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    };
    let rows = events
        .iter()
        .map(|e| {
            let what = match (&e.status_to, &e.milestone) {
                (Some(s), _) => label(lang, "status", s),
                (_, Some(m)) => format!(
                    "{} · {}",
                    lang.t("referral.green_channel"),
                    label(lang, "milestone", m)
                ),
                _ => String::new(),
            };
            let class = match (&e.status_to, &e.milestone) {
                (Some(s), _) => format!("status-{s}"),
                (_, Some(m)) => format!("milestone-{m}"),
                _ => String::new(),
            };
            (
                local(e.at),
                what,
                who(e.account_id),
                e.detail.clone(),
                class,
            )
        })
        .collect();
    Ok(rows)
}

/// The green-channel card: the clock as far as it ran, and its verdict.
fn green_view(lang: Lang, g: api::GreenChannel) -> GreenView {
    GreenView {
        pathway_label: label(lang, "pathway", &g.pathway),
        target_minutes: g.target_minutes,
        started_ms: (g.started_at.unix_timestamp_nanos() / 1_000_000) as i64,
        elapsed: format!("{:.1}", g.elapsed_minutes),
        percent: ((g.elapsed_minutes / g.target_minutes.max(1) as f64) * 100.0).clamp(0.0, 100.0)
            as i64,
        breached: g.breached,
        done: g.stopped_at.is_some(),
        admitted: g.admitted_at.is_some(),
    }
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: ReferralId,
    (error, notice): (Option<ApiError>, Option<String>),
) -> UiResult<Response> {
    let lang = user.lang;
    let d = api::detail_of(state, user, id).await.ui(lang)?;
    let r = d.referral;
    let timeline = timeline(state, lang, &d.events).await.ui(lang)?;
    let around = context::around(state, user, &r, &timeline).await.ui(lang)?;
    let green = d.green_channel.map(|g| green_view(lang, g));
    let outcomes: &[Outcome] = match r.direction {
        Direction::Up => &[
            Outcome::ReferredDown,
            Outcome::OutpatientDone,
            Outcome::Closed,
        ],
        Direction::Down => &[Outcome::FollowUpTaken, Outcome::Closed],
    };
    let milestones = if r.pathway.is_some() && !r.status.is_terminal() {
        [
            Milestone::FirstEcg,
            Milestone::AmbulanceDeparted,
            Milestone::Admitted,
        ]
        .iter()
        // Each step is offered to the side that sees it, until it is recorded, once.
        .filter(|m| {
            let side = m
                .side()
                .institution(r.from_institution_id, r.to_institution_id);
            acts_for(user.role, user.institution_id, &user.scope, side)
        })
        .filter(|m| {
            !d.events
                .iter()
                .any(|e| e.milestone.as_deref() == Some(m.as_str()))
        })
        .map(|m| (m.as_str(), label(lang, "milestone", m.as_str())))
        .collect()
    } else {
        vec![]
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = DetailPage {
        chrome: Chrome::for_user(user, "referrals"),
        diagnosis: diagnosis(lang, &r.icd10_code, &r.icd10_text),
        direction_label: label(lang, "direction", r.direction),
        status_label: label(lang, "status", r.status),
        urgency_label: label(lang, "urgency", r.urgency),
        outcome_label: r.outcome.as_deref().map(|o| label(lang, "outcome", o)),
        actions: possible_actions(user, &r),
        outcomes: outcomes
            .iter()
            .map(|o| (o.as_str(), label(lang, "outcome", o.as_str())))
            .collect(),
        milestones,
        green,
        timeline,
        csrf: user.csrf.clone(),
        error: error.map(|e| e.message(lang)),
        notice,
        around,
        r,
    };
    Ok((status, render(&page)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<ReferralId>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    detail_page(&state, &user, id, (None, notice)).await
}

#[derive(Deserialize, Default)]
struct ActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    appointment_at: String,
    #[serde(default)]
    milestone: String,
    /// When the step happened (`datetime-local`, China time); empty is now.
    #[serde(default)]
    at: String,
}

/// `datetime-local` (China time) as RFC 3339.
fn local_input(raw: &str) -> Option<String> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| format!("{}:00+08:00", raw.chars().take(16).collect::<String>()))
}

async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(ReferralId, String)>,
    Form(f): Form<ActionForm>,
) -> UiResult<Response> {
    let action = Action::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), user.lang))?;
    let body = ActionBody {
        reason: Some(f.reason.clone()).filter(|s| !s.trim().is_empty()),
        outcome: Some(f.outcome.clone()).filter(|s| !s.is_empty()),
        appointment_at: local_input(&f.appointment_at),
    };
    let referred_down = action == Action::Complete && f.outcome == Outcome::ReferredDown.as_str();
    match api::act_on(&state, &user, id, action, &body).await {
        // Discharged to be referred down: the down-referral opens, filled in.
        Ok(_) if referred_down => Ok(see_other(&format!("/referrals/new?parent={id}"))),
        Ok(_) => Ok(see_other(&format!(
            "/referrals/{id}?done=referral_{action}"
        ))),
        Err(e)
            if e.status == StatusCode::CONFLICT || e.status == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            detail_page(&state, &user, id, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn milestone(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<ReferralId>,
    Form(f): Form<ActionForm>,
) -> UiResult<Response> {
    let body = MilestoneBody {
        milestone: f.milestone,
        at: local_input(&f.at),
    };
    match api::record_milestone(&state, &user, id, &body).await {
        Ok(()) => Ok(see_other(&format!(
            "/referrals/{id}?done=referral_milestone"
        ))),
        Err(e)
            if e.status == StatusCode::CONFLICT || e.status == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            detail_page(&state, &user, id, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_diagnosis_reads_in_the_users_language_and_a_written_one_as_written() {
        assert_eq!(
            diagnosis(Lang::En, "I21.9", "急性心肌梗死"),
            "I21.9 Acute myocardial infarction"
        );
        assert_eq!(
            diagnosis(Lang::Zh, "I21.9", "急性心肌梗死"),
            "I21.9 急性心肌梗死"
        );
        assert_eq!(
            diagnosis(Lang::En, "I21.9", ""),
            "I21.9 Acute myocardial infarction"
        );
        // What the doctor wrote is kept: it is the record, not a label.
        assert_eq!(
            diagnosis(Lang::En, "R07.4", "胸痛 2 小时"),
            "R07.4 胸痛 2 小时"
        );
        assert_eq!(diagnosis(Lang::En, "X12.3", ""), "X12.3");
    }
}
