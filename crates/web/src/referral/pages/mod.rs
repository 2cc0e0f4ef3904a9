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
mod list;
use list::receives;
mod stats;
use form::{create, new_form, resident_options};
use stats::{stats, stats_export};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(list::list))
        .route("/referrals/new", get(new_form).post(create))
        .route("/referrals/export", get(list::export_xlsx))
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
    let mut ids: Vec<Uuid> = events.iter().filter_map(|e| e.account_id).collect();
    ids.sort();
    ids.dedup();
    let names = state.store.account_names(state.community.id, &ids).await?;
    let who = |id: Option<Uuid>| {
        names
            .iter()
            .find(|(a, _)| Some(*a) == id)
            .map(|(_, n)| n.clone())
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
