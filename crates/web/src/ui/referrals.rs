//! Referral pages: live worklist, sending form, detail with actions and the green-channel
//! clock, and the counts page with its chart.

use super::pages::see_other;
use super::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, duration_text, local, render};
use crate::api::referral_stats::{AttentionParams, attention_for, stats_for};
use crate::api::referrals::{self as api, ActionBody, ListParams, MilestoneBody, ReferralBody};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::access::{ReferralScope, Role};
use yigong_domain::referral::{
    Action, Direction, Milestone, Outcome, Pathway, Urgency, transition,
};
use yigong_store::referrals::Referral;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals", get(list))
        .route("/referrals/new", get(new_form).post(create))
        .route("/referrals/stats", get(stats))
        .route("/referrals/resident-options", get(resident_options))
        .route("/referrals/{id}", get(detail))
        .route("/referrals/{id}/milestone", post(milestone))
        .route("/referrals/{id}/{action}", post(act))
}

fn label(lang: Lang, group: &str, code: &str) -> String {
    lang.t(&format!("referral.{group}.{code}")).to_string()
}

fn waiting(lang: Lang, since: OffsetDateTime) -> String {
    duration_text(
        lang,
        (OffsetDateTime::now_utc() - since).whole_minutes().max(0),
    )
}

struct Row {
    id: Uuid,
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
}

#[derive(Template)]
#[template(path = "referral/list.html")]
struct ListPage {
    chrome: Chrome,
    view: String,
    rows: Vec<Row>,
    pager: Pager,
    can_receive: bool,
    can_send: bool,
    can_stats: bool,
}

fn receives(user: &CurrentUser) -> bool {
    !matches!(user.referrals, ReferralScope::None)
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    if p.view.is_none() && matches!(user.referrals, ReferralScope::Receiving { .. }) {
        p.view = Some("incoming".into());
    }
    let page = api::search(&state, &user, &p).await.ui(lang)?;
    let view = p.view.clone().unwrap_or_default();
    let pager = Pager::new(
        lang,
        "/referrals",
        &[("view", &view)],
        (page.page, page.per_page, page.total),
    );
    let rows = page
        .items
        .into_iter()
        .map(|r| Row {
            urgency_label: label(lang, "urgency", &r.urgency),
            pathway_label: r.pathway.as_deref().map(|p| label(lang, "pathway", p)),
            direction_label: label(lang, "direction", &r.direction),
            status_label: label(lang, "status", &r.status),
            waiting: waiting(lang, r.created_at),
            icd10: format!("{} {}", r.icd10_code, r.icd10_text),
            id: r.id,
            urgency: r.urgency,
            resident_name: r.resident_name,
            from_name: r.from_name,
            to_name: r.to_name,
            department: r.to_department_name,
            status: r.status,
        })
        .collect();
    let page = ListPage {
        chrome: Chrome::for_user(&user, "referrals"),
        view,
        rows,
        pager,
        can_receive: matches!(
            user.referrals,
            ReferralScope::Receiving { .. } | ReferralScope::All
        ) || user.role == Role::TownshipDoctor,
        can_send: receives(&user) && user.role != Role::Admin,
        can_stats: user.role.edits_registry(),
    };
    Ok(render(&page).into_response())
}

struct GreenView {
    pathway_label: String,
    target_minutes: i64,
    started_ms: i64,
    elapsed: String,
    percent: i64,
    breached: bool,
    done: bool,
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
    direction_label: String,
    status_label: String,
    urgency_label: String,
    outcome_label: Option<String>,
    green: Option<GreenView>,
    timeline: Vec<(String, String, String)>,
    actions: Vec<ActionView>,
    outcomes: Vec<(&'static str, String)>,
    milestones: Vec<(&'static str, String)>,
    csrf: String,
    error: Option<String>,
}

/// The actions this user may take now: allowed by the state machine and by their side.
fn possible_actions(user: &CurrentUser, r: &Referral) -> Vec<ActionView> {
    let acts_for = |institution: Uuid| {
        user.role.edits_registry()
            || institution == user.institution_id
            || (user.role == Role::TownshipDoctor && user.scope.allows(institution))
    };
    let probe = yigong_domain::referral::ActionInput {
        reason: Some("x"),
        outcome: Some(Outcome::Closed),
    };
    Action::ALL
        .iter()
        .filter(|a| transition(r.direction(), r.status(), **a, &probe).is_ok())
        .filter(|a| {
            acts_for(if **a == Action::Cancel {
                r.from_institution_id
            } else {
                r.to_institution_id
            })
        })
        .map(|a| ActionView {
            name: a.as_str(),
            label: label(user.lang, "action", a.as_str()),
            needs_reason: matches!(a, Action::Reject | Action::Cancel),
        })
        .collect()
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let d = api::detail_of(state, user, id).await.ui(lang)?;
    let r = d.referral;
    let timeline = d
        .events
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
            (local(e.at), what, e.detail.clone())
        })
        .collect();
    let green = d.green_channel.map(|g| GreenView {
        pathway_label: label(lang, "pathway", &g.pathway),
        target_minutes: g.target_minutes,
        started_ms: (g.started_at.unix_timestamp_nanos() / 1_000_000) as i64,
        elapsed: format!("{:.1}", g.elapsed_minutes),
        percent: ((g.elapsed_minutes / g.target_minutes.max(1) as f64) * 100.0).clamp(0.0, 100.0)
            as i64,
        breached: g.breached,
        done: g.admitted_at.is_some(),
    });
    let outcomes: &[Outcome] = match r.direction() {
        Direction::Up => &[
            Outcome::ReferredDown,
            Outcome::OutpatientDone,
            Outcome::Closed,
        ],
        Direction::Down => &[Outcome::FollowUpTaken, Outcome::Closed],
    };
    let milestones = if r.pathway.is_some() && !r.status().is_terminal() {
        [
            Milestone::FirstEcg,
            Milestone::AmbulanceDeparted,
            Milestone::Admitted,
        ]
        .iter()
        .map(|m| (m.as_str(), label(lang, "milestone", m.as_str())))
        .collect()
    } else {
        vec![]
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = DetailPage {
        chrome: Chrome::for_user(user, "referrals"),
        direction_label: label(lang, "direction", &r.direction),
        status_label: label(lang, "status", &r.status),
        urgency_label: label(lang, "urgency", &r.urgency),
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
        r,
    };
    Ok((status, render(&page)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    detail_page(&state, &user, id, None).await
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
}

/// `datetime-local` (China time) as RFC 3339.
fn local_input(raw: &str) -> Option<String> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| format!("{}:00+08:00", raw.chars().take(16).collect::<String>()))
}

async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<ActionForm>,
) -> UiResult<Response> {
    let action = Action::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), user.lang))?;
    let body = ActionBody {
        reason: Some(f.reason.clone()).filter(|s| !s.trim().is_empty()),
        outcome: Some(f.outcome.clone()).filter(|s| !s.is_empty()),
        appointment_at: local_input(&f.appointment_at),
    };
    match api::act_on(&state, &user, id, action, &body).await {
        Ok(_) => Ok(see_other(&format!("/referrals/{id}"))),
        Err(e)
            if e.status == StatusCode::CONFLICT || e.status == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            detail_page(&state, &user, id, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn milestone(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActionForm>,
) -> UiResult<Response> {
    api::record_milestone(
        &state,
        &user,
        id,
        &MilestoneBody {
            milestone: f.milestone,
            at: None,
        },
    )
    .await
    .ui(user.lang)?;
    Ok(see_other(&format!("/referrals/{id}")))
}

#[derive(Deserialize, Default)]
struct NewParams {
    resident_id: Option<Uuid>,
    /// An ECG study whose critical report opens this referral (green channel).
    ecg: Option<Uuid>,
    /// A preset urgency (a follow-up's emergency value proposes `emergency`).
    urgency: Option<String>,
}

#[derive(Deserialize, Default)]
struct ReferralForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    pathway: String,
    /// `institution` or `institution/department`
    #[serde(default)]
    to: String,
    #[serde(default)]
    icd10_code: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    preferred_date: String,
}

#[derive(Template)]
#[template(path = "referral/form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    direction: String,
    direction_label: String,
    resident: Option<(Uuid, String)>,
    urgencies: Vec<(String, String)>,
    pathways: Vec<(String, String)>,
    destinations: Vec<(String, String)>,
    icd10: &'static [(&'static str, &'static str)],
    f: ReferralForm,
    error: Option<String>,
}

/// Grassroots users send up; hospital users send down.
async fn direction_of(state: &AppState, user: &CurrentUser) -> Result<Direction, ApiError> {
    let home = state
        .store
        .get_institution(state.community.id, user.institution_id)
        .await?;
    Ok(if home.kind().is_some_and(|k| k.holds_residents()) {
        Direction::Up
    } else {
        Direction::Down
    })
}

/// Destinations: hospital departments for upward referrals, clinics for downward ones.
async fn destinations(
    state: &AppState,
    direction: Direction,
) -> Result<Vec<(String, String)>, ApiError> {
    let c = state.community.id;
    let mut out = Vec::new();
    for i in state
        .store
        .list_institutions(c)
        .await?
        .into_iter()
        .filter(|i| i.active)
    {
        let hospital = matches!(i.kind.as_str(), "lead" | "member");
        match direction {
            Direction::Up if hospital => {
                for d in state
                    .store
                    .list_departments(c, i.id)
                    .await?
                    .into_iter()
                    .filter(|d| d.active)
                {
                    out.push((
                        format!("{}/{}", i.id, d.id),
                        format!("{} · {}", i.name, d.name),
                    ));
                }
            }
            Direction::Down if i.kind().is_some_and(|k| k.holds_residents()) => {
                out.push((i.id.to_string(), i.name))
            }
            _ => {}
        }
    }
    Ok(out)
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    resident: Option<Uuid>,
    f: ReferralForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let direction = direction_of(state, user).await.ui(lang)?;
    let resident = match resident {
        Some(id) => {
            let r = crate::api::residents::load_in_scope(state, user, id, "resident.read")
                .await
                .ui(lang)?;
            Some((r.id, r.name))
        }
        None => None,
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = FormPage {
        chrome: Chrome::for_user(user, "referrals"),
        csrf: user.csrf.clone(),
        direction: direction.as_str().into(),
        direction_label: label(lang, "direction", direction.as_str()),
        resident,
        urgencies: [Urgency::Routine, Urgency::Urgent, Urgency::Emergency]
            .iter()
            .map(|u| (u.as_str().to_string(), label(lang, "urgency", u.as_str())))
            .collect(),
        pathways: Pathway::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), label(lang, "pathway", p.as_str())))
            .collect(),
        destinations: destinations(state, direction).await.ui(lang)?,
        icd10: yigong_domain::icd10::CODES,
        f,
        error: error.map(|e| e.message(lang)),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    user.require(receives(&user)).ui(user.lang)?;
    let form = match p.ecg {
        Some(study) => from_ecg(&state, &user, study).await?,
        None => ReferralForm {
            urgency: match p.urgency.as_deref() {
                Some(u @ ("emergency" | "urgent")) => u.to_string(),
                _ => "routine".into(),
            },
            ..Default::default()
        },
    };
    form_page(&state, &user, p.resident_id, form, None).await
}

/// A referral form filled from an ECG study's report: an emergency to the lead
/// hospital's cardiology, on the chest-pain green channel when the report finds an
/// infarction, carrying the report and the study's number.
async fn from_ecg(state: &AppState, user: &CurrentUser, study: Uuid) -> UiResult<ReferralForm> {
    let lang = user.lang;
    let s = crate::api::ecg::load(state, user, study, "ecg.read")
        .await
        .ui(lang)?;
    let report = state
        .store
        .study_report(state.community.id, s.id)
        .await
        .ui(lang)?;
    let (findings, conclusion) = report
        .map(|r| (r.findings, r.conclusion))
        .unwrap_or_default();
    let labels: Vec<&str> = findings
        .split(',')
        .filter_map(yigong_domain::ecg::finding)
        .map(|f| if lang == Lang::Zh { f.zh } else { f.en })
        .collect();
    let infarction = findings.split(',').any(|f| f.starts_with("stemi_"));
    let mut to = String::new();
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    if let Some(lead) = institutions.iter().find(|i| i.kind == "lead") {
        let departments = state
            .store
            .list_departments(state.community.id, lead.id)
            .await
            .ui(lang)?;
        to = match departments.iter().find(|d| d.code == "cardiology") {
            Some(d) => format!("{}/{}", lead.id, d.id),
            None => lead.id.to_string(),
        };
    }
    Ok(ReferralForm {
        resident_id: s.resident_id.to_string(),
        direction: "up".into(),
        urgency: if infarction { "emergency" } else { "urgent" }.into(),
        pathway: if infarction { "chest_pain" } else { "" }.into(),
        to,
        icd10_code: if infarction { "I21.9" } else { "" }.into(),
        reason: if conclusion.is_empty() {
            labels.join("，")
        } else {
            conclusion.clone()
        },
        summary: format!(
            "{}：{}。{}（/ecg/{}）",
            lang.t("ecg.report_title"),
            labels.join("，"),
            conclusion,
            s.id
        ),
        ..Default::default()
    })
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ReferralForm>,
) -> UiResult<Response> {
    let (to, dept) = match f.to.split_once('/') {
        Some((i, d)) => (i.parse().ok(), d.parse().ok()),
        None => (f.to.parse().ok(), None),
    };
    let resident: Option<Uuid> = f.resident_id.trim().parse().ok();
    let body = match (resident, to) {
        (Some(resident_id), Some(to_institution_id)) => Ok(ReferralBody {
            resident_id,
            direction: f.direction.clone(),
            urgency: f.urgency.clone(),
            pathway: Some(f.pathway.clone()),
            to_institution_id,
            to_department_id: dept,
            parent_id: None,
            reason: f.reason.clone(),
            icd10_code: f.icd10_code.clone(),
            icd10_text: None,
            summary: f.summary.clone(),
            instructions: f.instructions.clone(),
            preferred_date: Some(f.preferred_date.clone()),
            first_contact_at: None,
        }),
        (None, _) => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "resident",
            "required",
        )),
        (_, None) => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "to_institution",
            "required",
        )),
    };
    let result = match body {
        Ok(b) => api::create_referral(&state, &user, &b).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/referrals/{}", r.id))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            form_page(&state, &user, resident, f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Deserialize, Default)]
struct OptionParams {
    resident_id: Option<String>,
}

/// `<datalist>` options for the resident picker (searched within the user's scope).
async fn resident_options(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<OptionParams>,
) -> UiResult<Response> {
    let params = crate::api::residents::ListParams {
        q: p.resident_id,
        per_page: Some(20),
        ..Default::default()
    };
    let page = crate::api::residents::search(&state, &user, &params)
        .await
        .ui(user.lang)?;
    let mut html = String::from("<datalist id=\"resident-options\">");
    for r in page.items {
        let text = format!("{} {} {}", r.name, r.id_number, r.institution_name)
            .replace(['<', '>', '"', '&'], "");
        html.push_str(&format!("<option value=\"{}\">{text}</option>", r.id));
    }
    html.push_str("</datalist>");
    Ok(axum::response::Html(html).into_response())
}

#[derive(Template)]
#[template(path = "referral/stats.html")]
struct StatsPage {
    chrome: Chrome,
    s: crate::api::referral_stats::ReferralStats,
    median_acceptance: String,
    median_door: String,
    share_within: String,
    chart: String,
    attention: Vec<(Uuid, String)>,
}

/// Stacked monthly bars (up and down) as inline SVG.
fn month_chart(lang: Lang, s: &crate::api::referral_stats::ReferralStats) -> String {
    let months: Vec<_> = s
        .by_month
        .iter()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let max = months
        .iter()
        .map(|(_, c)| c.up + c.down)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (w, h, pad) = (960.0, 260.0, 30.0);
    let bw = (w - 2.0 * pad) / months.len().max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        lang.t("referral.stats")
    );
    for (i, (month, c)) in months.iter().enumerate() {
        let x = pad + i as f64 * bw + 6.0;
        let up_h = c.up as f64 / max * (h - 2.0 * pad);
        let down_h = c.down as f64 / max * (h - 2.0 * pad);
        let base = h - pad;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{up_h:.1}\" fill=\"#1f5fa8\"><title>{month} {} {}</title></rect>",
            base - up_h, bw - 12.0, lang.t("referral.direction.up"), c.up
        ));
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{down_h:.1}\" fill=\"#7fb3e6\"><title>{month} {} {}</title></rect>",
            base - up_h - down_h, bw - 12.0, lang.t("referral.direction.down"), c.down
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            x + (bw - 12.0) / 2.0,
            h - 10.0,
            &month[2..]
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{pad}\" y=\"16\" font-size=\"13\"><tspan fill=\"#1f5fa8\">■ {}</tspan> <tspan fill=\"#7fb3e6\">■ {}</tspan></text></svg>",
        lang.t("referral.direction.up"), lang.t("referral.direction.down")
    ));
    svg
}

async fn stats(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    let lang = user.lang;
    let s = stats_for(&state, &user, 365).await.ui(lang)?;
    let stalled = attention_for(&state, &user, &AttentionParams::default())
        .await
        .ui(lang)?;
    let fmt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |m| format!("{m:.1}"));
    let page = StatsPage {
        chrome: Chrome::for_user(&user, "referrals"),
        median_acceptance: fmt(s.median_minutes_to_acceptance),
        median_door: fmt(s.green_channel.median_contact_to_admission_minutes),
        share_within: s
            .green_channel
            .share_within_target
            .map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0)),
        chart: month_chart(lang, &s),
        attention: stalled
            .into_iter()
            .map(|r| {
                let text = format!(
                    "{} · {} · {} → {} · {}",
                    label(lang, "status", &r.status),
                    r.resident_name,
                    r.from_name,
                    r.to_name,
                    local(r.created_at)
                );
                (r.id, text)
            })
            .collect(),
        s,
    };
    Ok(render(&page).into_response())
}
