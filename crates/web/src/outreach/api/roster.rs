//! The office's roster: weekly templates of an expert at a township, planning them into
//! dated sessions over a period (skipping holidays, refusing the sessions that conflict
//! with the expert's other commitments and saying why), and what keeps an expert away:
//! duty and leave at the lead hospital, holidays, a weekly cap.

use super::{clock, day, places, plans, refuse, times, unprocessable, weekday};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::outreach::roster::{self, Commitments, Conflict, Session, Template};
use yigong_domain::outreach::session::Absence;
use yigong_domain::registry::InstitutionKind;
use yigong_store::StoreError;
use yigong_store::outreach::{NewSession, NewTemplate, TemplateRow};

/// The longest period planned at once.
const MAX_PLAN_DAYS: i64 = 92;

/// An expert as given: an active staff member of the lead or a member hospital.
pub(crate) async fn expert_of(state: &AppState, id: Option<Uuid>) -> ApiResult<Uuid> {
    let c = state.community.id;
    let Some(id) = id else {
        return Err(unprocessable("expert_id", "required"));
    };
    let staff = match state.store.get_staff(c, id).await {
        Ok(s) if s.active => s,
        Ok(_) | Err(StoreError::NotFound) => return Err(unprocessable("expert_id", "not_found")),
        Err(e) => return Err(e.into()),
    };
    let home = state.store.get_institution(c, staff.institution_id).await?;
    match home.kind() {
        Some(InstitutionKind::Lead | InstitutionKind::Member) => Ok(id),
        _ => Err(unprocessable("expert_id", "not_an_expert")),
    }
}

/// A place as given: an active township health centre or village clinic.
pub(crate) async fn site_of(state: &AppState, id: Option<Uuid>) -> ApiResult<Uuid> {
    let Some(id) = id else {
        return Err(unprocessable("institution_id", "required"));
    };
    match state.store.get_institution(state.community.id, id).await {
        Ok(i)
            if i.active
                && matches!(
                    i.kind(),
                    Some(InstitutionKind::Township | InstitutionKind::Village)
                ) =>
        {
            Ok(id)
        }
        Ok(_) => Err(unprocessable("institution_id", "not_grassroots")),
        Err(StoreError::NotFound) => Err(unprocessable("institution_id", "not_found")),
        Err(e) => Err(e.into()),
    }
}

/// An expert's commitments, with the sessions of each template already planned:
/// `(template, day)`.
pub(crate) type Held = (Commitments<String>, HashSet<(Uuid, Date)>);

/// The expert's commitments over the weeks of `(from, to)`, but the session `except`,
/// with the sessions of each template already planned: `(template, day)`.
pub(crate) async fn commitments(
    state: &AppState,
    expert: Uuid,
    (from, to): (Date, Date),
    except: Option<Uuid>,
) -> ApiResult<Held> {
    let c = state.community.id;
    let range = (
        roster::week_of(from),
        roster::week_of(to) + Duration::days(6),
    );
    let mut out = Commitments::default();
    let mut planned = HashSet::new();
    for s in state.store.expert_sessions(c, expert, range).await? {
        if Some(s.id) == except {
            continue;
        }
        if let Some(t) = s.template_id {
            planned.insert((t, s.day));
        }
        out.sessions.push(Session {
            date: s.day,
            start: clock(s.start_min),
            end: clock(s.end_min),
            place: s.institution_name,
        });
    }
    for a in state.store.absences(c, Some(expert), range).await? {
        match a.kind {
            Absence::Leave => out.leave.push(a.day),
            Absence::Duty => out
                .duties
                .push((a.day, clock(a.start_min), clock(a.end_min))),
        }
    }
    out.weekly_cap = state
        .store
        .weekly_cap(c, expert)
        .await?
        .and_then(|n| u16::try_from(n).ok());
    Ok((out, planned))
}

/// A conflict as the API reports it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConflictView {
    /// `expert_elsewhere`, `expert_on_duty`, `expert_on_leave` or `expert_weekly_cap`.
    pub code: String,
    /// Where the expert already is, or the cap.
    pub detail: String,
}

impl ConflictView {
    pub fn of(c: &Conflict<String>) -> Self {
        let detail = match c {
            Conflict::Elsewhere(place) => place.clone(),
            Conflict::WeeklyCap(n) => n.to_string(),
            Conflict::OnDuty | Conflict::OnLeave => String::new(),
        };
        Self {
            code: c.code().to_string(),
            detail,
        }
    }

    /// The 409 a single planned session answers.
    pub fn refusal(&self) -> ApiError {
        let code = match self.code.as_str() {
            "expert_elsewhere" => "expert_elsewhere",
            "expert_on_duty" => "expert_on_duty",
            "expert_on_leave" => "expert_on_leave",
            _ => "expert_weekly_cap",
        };
        ApiError::new(StatusCode::CONFLICT, code).with_detail(self.detail.clone())
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    pub expert_id: Option<Uuid>,
}

/// The active weekly templates in the user's reach.
#[utoipa::path(get, path = "/outreach/templates", params(TemplateQuery),
    responses((status = 200, body = Vec<Object>)))]
pub async fn list_templates(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<TemplateQuery>,
) -> ApiResult<Json<Vec<TemplateRow>>> {
    let places = places(&user);
    let rows = state
        .store
        .templates(state.community.id, q.expert_id)
        .await?
        .into_iter()
        .filter(|t| {
            places
                .as_ref()
                .is_none_or(|p| p.contains(&t.institution_id))
        })
        .collect();
    Ok(Json(rows))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TemplateBody {
    #[serde(default)]
    pub expert_id: Option<Uuid>,
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// 1 (Monday) to 7 (Sunday).
    #[serde(default)]
    pub weekday: Option<i64>,
    /// `HH:MM`.
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// Patients the session takes (1 to 500).
    #[serde(default)]
    pub capacity: Option<i64>,
}

/// The body's template, checked.
pub async fn template_of(state: &AppState, b: &TemplateBody) -> ApiResult<NewTemplate> {
    let expert = expert_of(state, b.expert_id).await;
    let site = site_of(state, b.institution_id).await;
    let weekday = b
        .weekday
        .filter(|d| (1..=7).contains(d))
        .ok_or_else(|| unprocessable("weekday", "out_of_range"));
    let times = times(&b.start, &b.end);
    let capacity = b
        .capacity
        .filter(|n| (1..=500).contains(n))
        .ok_or_else(|| unprocessable("capacity", "out_of_range"));
    match (expert, site, weekday, times, capacity) {
        (
            Ok(expert_id),
            Ok(institution_id),
            Ok(weekday),
            Ok((start_min, end_min)),
            Ok(capacity),
        ) => Ok(NewTemplate {
            expert_id,
            institution_id,
            weekday,
            start_min,
            end_min,
            capacity,
        }),
        (e, s, w, t, c) => Err(ApiError::all(
            [e.err(), s.err(), w.err(), t.err(), c.err()]
                .into_iter()
                .flatten()
                .collect(),
        )
        .unwrap_or_else(ApiError::internal)),
    }
}

/// Adds a weekly template (the office).
#[utoipa::path(post, path = "/outreach/templates", request_body = TemplateBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_template(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<TemplateBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.template", "outreach_template"),
            None,
        )
        .await);
    }
    let t = template_of(&state, &b).await?;
    let entry = user.audit_entry("outreach.template", "outreach_template", None, true, "");
    let id = state
        .store
        .add_template(state.community.id, &t, &entry)
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// Ends a weekly template; the sessions planned from it stay.
#[utoipa::path(delete, path = "/outreach/templates/{id}", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn end_template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.template_end", "outreach_template"),
            Some(id),
        )
        .await);
    }
    let entry = user.audit_entry(
        "outreach.template_end",
        "outreach_template",
        Some(id),
        true,
        "",
    );
    if state
        .store
        .end_template(state.community.id, id, &entry)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanBody {
    /// `YYYY-MM-DD`, both days included; at most 92 days.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Only these templates (none: every active one).
    #[serde(default)]
    pub template_ids: Vec<Uuid>,
    /// Show what would be planned without planning it.
    #[serde(default)]
    pub dry_run: bool,
}

/// A session the plan refused.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanConflict {
    pub template_id: Uuid,
    pub expert_name: String,
    pub institution_name: String,
    pub day: String,
    pub start: String,
    pub conflicts: Vec<ConflictView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanOutcome {
    /// Sessions planned (or, in a dry run, that would be).
    pub planned: usize,
    /// Sessions of these templates already planned on their day, left as they are.
    pub already: usize,
    /// The holidays in the period, skipped: `YYYY-MM-DD name`.
    pub holidays: Vec<String>,
    pub conflicts: Vec<PlanConflict>,
}

/// The period of a plan, checked.
fn period_of(b: &PlanBody) -> ApiResult<(Date, Date)> {
    let (from, to) = (day(&b.from, "from"), day(&b.to, "to"));
    match (from, to) {
        (Ok(f), Ok(t)) if t < f => Err(unprocessable("to", "end_before_start")),
        (Ok(f), Ok(t)) if (t - f).whole_days() >= MAX_PLAN_DAYS => {
            Err(unprocessable("to", "period_too_long"))
        }
        (Ok(f), Ok(t)) => Ok((f, t)),
        (f, t) => Err(ApiError::all(f.err().into_iter().chain(t.err()).collect())
            .unwrap_or_else(ApiError::internal)),
    }
}

/// Expands the templates over the period into the sessions to plan and those refused.
async fn expand(
    state: &AppState,
    templates: &[TemplateRow],
    (from, to): (Date, Date),
    holidays: &[Date],
) -> ApiResult<(Vec<NewSession>, usize, Vec<PlanConflict>)> {
    let mut dated: Vec<(Date, &TemplateRow)> = Vec::new();
    for t in templates {
        let rule = Template {
            weekday: weekday(t.weekday),
            start: clock(t.start_min),
            end: clock(t.end_min),
            capacity: u16::try_from(t.capacity).unwrap_or(u16::MAX),
        };
        dated.extend(
            roster::expand(&[rule], (from, to), holidays)
                .into_iter()
                .map(|(d, _)| (d, t)),
        );
    }
    dated.sort_by_key(|(d, t)| (*d, t.start_min, t.expert_name.clone()));
    let mut held: HashMap<Uuid, Held> = HashMap::new();
    let (mut plan, mut already, mut refused) = (Vec::new(), 0, Vec::new());
    for (d, t) in dated {
        if let Entry::Vacant(e) = held.entry(t.expert_id) {
            e.insert(commitments(state, t.expert_id, (from, to), None).await?);
        }
        let Some((mine, planned)) = held.get_mut(&t.expert_id) else {
            continue;
        };
        if planned.contains(&(t.id, d)) {
            already += 1;
            continue;
        }
        let s = Session {
            date: d,
            start: clock(t.start_min),
            end: clock(t.end_min),
            place: t.institution_name.clone(),
        };
        let found = roster::conflicts(&s, mine);
        if found.is_empty() {
            mine.sessions.push(s);
            plan.push(NewSession {
                expert_id: t.expert_id,
                institution_id: t.institution_id,
                template_id: Some(t.id),
                day: d,
                start_min: t.start_min,
                end_min: t.end_min,
                capacity: t.capacity,
            });
        } else {
            refused.push(PlanConflict {
                template_id: t.id,
                expert_name: t.expert_name.clone(),
                institution_name: t.institution_name.clone(),
                day: d.to_string(),
                start: super::hhmm(t.start_min),
                conflicts: found.iter().map(ConflictView::of).collect(),
            });
        }
    }
    Ok((plan, already, refused))
}

/// Plans the templates over a period (the office): each dated session clear of the
/// expert's commitments is planned; the others are listed with their conflicts.
#[utoipa::path(post, path = "/outreach/plan", request_body = PlanBody,
    responses((status = 200, body = PlanOutcome), (status = 403), (status = 422)))]
pub async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<PlanBody>,
) -> ApiResult<Json<PlanOutcome>> {
    Ok(Json(plan_period(&state, &user, &b).await?))
}

/// The plan of a period, written unless a dry run.
pub async fn plan_period(
    state: &AppState,
    user: &CurrentUser,
    b: &PlanBody,
) -> ApiResult<PlanOutcome> {
    if !plans(user) {
        return Err(refuse(state, user, ("outreach.plan", "outreach_session"), None).await);
    }
    let period = period_of(b)?;
    let c = state.community.id;
    let templates: Vec<TemplateRow> = state
        .store
        .templates(c, None)
        .await?
        .into_iter()
        .filter(|t| b.template_ids.is_empty() || b.template_ids.contains(&t.id))
        .collect();
    let holidays = state.store.holidays(c, period).await?;
    let days: Vec<Date> = holidays.iter().map(|(d, _)| *d).collect();
    let (sessions, already, conflicts) = expand(state, &templates, period, &days).await?;
    if !b.dry_run && !sessions.is_empty() {
        let detail = format!("{}..{} {}", period.0, period.1, sessions.len());
        let entry = user.audit_entry("outreach.plan", "outreach_session", None, true, &detail);
        state.store.plan_sessions(c, &sessions, &entry).await?;
    }
    Ok(PlanOutcome {
        planned: sessions.len(),
        already,
        holidays: holidays.iter().map(|(d, n)| format!("{d} {n}")).collect(),
        conflicts,
    })
}
