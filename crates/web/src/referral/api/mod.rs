//! Referrals through the API: send, worklists, detail with timeline, actions, milestones.
//! A referral outside the caller's reach answers 404; an action that does not fit the
//! current status (or lost a race) answers 409.

mod act;
pub mod stats;
pub use act::*;

use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::{AppState, LiveReferral};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::ids::ReferralId;
use yigong_domain::referral::{self as rules, Direction, Milestone, Pathway, Status, Urgency};
use yigong_domain::registry::{FieldError, InstitutionKind};
use yigong_domain::{clock, icd10};
use yigong_store::PageRequest;
use yigong_store::referrals::{
    NewReferral, PartiesProbe, Referral, ReferralEvent, ReferralFilter, ReferralParties,
    ReferralSort,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(milestone))
        .routes(routes!(act))
        .routes(routes!(icd10_search))
        .merge(stats::router())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReferralBody {
    pub resident_id: Uuid,
    /// `up` or `down`
    pub direction: String,
    /// `emergency`, `urgent` or `routine`
    pub urgency: String,
    /// Green channel: `chest_pain`, `stroke`, `trauma`, `critical_maternal`, `critical_neonatal`
    pub pathway: Option<String>,
    pub to_institution_id: Uuid,
    pub to_department_id: Option<Uuid>,
    /// For a downward referral: the upward referral it closes.
    pub parent_id: Option<Uuid>,
    pub reason: String,
    pub icd10_code: String,
    pub icd10_text: Option<String>,
    #[serde(default)]
    pub summary: String,
    /// Downward: care instructions, medications, follow-up plan.
    #[serde(default)]
    pub instructions: String,
    /// YYYY-MM-DD
    pub preferred_date: Option<String>,
    /// Green channel: first contact at the sending site (RFC 3339); defaults to now.
    pub first_contact_at: Option<String>,
}

fn text(raw: &str, field: &'static str, max: usize, required: bool) -> Result<String, FieldError> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long"));
    }
    Ok(t.to_string())
}

/// An RFC 3339 instant, kept in UTC as every stored instant is (SQLite orders them as text).
fn instant(raw: &str, field: &'static str) -> Result<OffsetDateTime, FieldError> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339)
        .map(|t| t.to_offset(time::UtcOffset::UTC))
        .map_err(|_| FieldError::new(field, "date_invalid"))
}

/// A new referral's own fields, parsed and checked before anything is looked up.
#[derive(Debug, Clone)]
pub struct Draft {
    direction: Direction,
    urgency: Urgency,
    pathway: Option<Pathway>,
    reason: String,
    icd10_code: String,
    icd10_text: String,
    summary: String,
    instructions: String,
    preferred_date: Option<time::Date>,
    first_contact_at: Option<OffsetDateTime>,
}

pub fn draft_of(b: &ReferralBody) -> ApiResult<Draft> {
    let direction = Direction::parse(b.direction.trim())
        .ok_or(FieldError::new("direction", "invalid_field"))?;
    let urgency =
        Urgency::parse(b.urgency.trim()).ok_or(FieldError::new("urgency", "invalid_field"))?;
    let pathway = match b
        .pathway
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => Some(Pathway::parse(p).ok_or(FieldError::new("pathway", "invalid_field"))?),
    };
    if urgency == Urgency::Emergency && pathway.is_none() {
        return Err(FieldError::new("pathway", "pathway_required").into());
    }
    let reason = text(&b.reason, "reason", 500, true)?;
    let code = b.icd10_code.trim().to_ascii_uppercase();
    if !icd10::is_well_formed(&code) {
        return Err(FieldError::new("icd10", "icd10_invalid").into());
    }
    let icd10_text = match b
        .icd10_text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => text(t, "icd10", 100, true)?,
        None => icd10::name_of(&code).unwrap_or_default().to_string(),
    };
    let preferred_date = match b
        .preferred_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => Some(
            yigong_domain::registry::parse_date(d)
                .ok_or(FieldError::new("preferred_date", "date_invalid"))?,
        ),
    };
    let first_contact_at = match b
        .first_contact_at
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        Some(s) => Some(instant(s, "first_contact_at")?),
        None if urgency == Urgency::Emergency => Some(yigong_store::now()),
        None => None,
    };
    Ok(Draft {
        direction,
        urgency,
        pathway,
        reason,
        icd10_code: code,
        icd10_text,
        summary: text(&b.summary, "summary", 4000, false)?,
        instructions: text(&b.instructions, "instructions", 4000, false)?,
        preferred_date,
        first_contact_at,
    })
}

/// Checks a draft against the caller and what the registry says about the parties:
/// the resident is one the caller may see, up goes from grassroots to a hospital and down
/// the other way, the department is the receiving hospital's, a parent is this
/// resident's upward referral.
pub fn approve(
    user: &CurrentUser,
    probe: PartiesProbe,
    d: Draft,
    parties: &ReferralParties,
) -> ApiResult<NewReferral> {
    let community_reach = user.role.resident_reach() == yigong_domain::access::Reach::Community;
    match parties.resident_institution {
        Some(home) if community_reach || user.scope.allows(home) => {}
        _ => return Err(FieldError::new("resident", "not_found").into()),
    }
    let home_kind = parties
        .from_kind
        .as_deref()
        .and_then(InstitutionKind::parse)
        .ok_or_else(ApiError::internal)?;
    let to_kind = parties
        .to_kind
        .as_deref()
        .and_then(InstitutionKind::parse)
        .ok_or(FieldError::new("to_institution", "not_found"))?;
    let hospital =
        |k: InstitutionKind| matches!(k, InstitutionKind::Lead | InstitutionKind::Member);
    let grassroots = |k: InstitutionKind| k.holds_residents();
    match d.direction {
        Direction::Up if !grassroots(home_kind) => {
            return Err(FieldError::new("direction", "sender_invalid").into());
        }
        Direction::Up if !hospital(to_kind) => {
            return Err(FieldError::new("to_institution", "destination_invalid").into());
        }
        Direction::Down if !hospital(home_kind) => {
            return Err(FieldError::new("direction", "sender_invalid").into());
        }
        Direction::Down if !grassroots(to_kind) => {
            return Err(FieldError::new("to_institution", "destination_invalid").into());
        }
        _ => {}
    }
    if probe.department.is_some() && parties.department_active != Some(true) {
        return Err(FieldError::new("department", "department_invalid").into());
    }
    // One answer for a parent that does not exist and one that is not this resident's
    // upward referral: the check must not tell which referral ids exist.
    if probe.parent.is_some()
        && (parties.parent_resident != Some(probe.resident)
            || parties.parent_direction.as_deref() != Some(Direction::Up.as_str()))
    {
        return Err(FieldError::new("parent", "invalid_field").into());
    }
    Ok(NewReferral {
        resident_id: probe.resident,
        direction: d.direction,
        urgency: d.urgency,
        pathway: d.pathway,
        from_institution_id: probe.from,
        to_institution_id: probe.to,
        to_department_id: probe.department,
        parent_id: probe.parent,
        reason: d.reason,
        icd10_code: d.icd10_code,
        icd10_text: d.icd10_text,
        summary: d.summary,
        instructions: d.instructions,
        preferred_date: d.preferred_date,
        created_by: Some(user.account_id),
        created_at: yigong_store::now(),
        first_contact_at: d.first_contact_at,
    })
}

pub fn announce(state: &AppState, r: &Referral) {
    // No receiver is not an error: nobody has a worklist open.
    let _ = state.live.send(LiveReferral {
        id: r.id.uuid(),
        from_institution_id: r.from_institution_id,
        to_institution_id: r.to_institution_id,
        to_department_id: r.to_department_id,
        status: r.status.to_string(),
        urgency: r.urgency.to_string(),
    });
}

/// Sends a referral; shared by the API, FHIR and the UI.
pub async fn create_referral(
    state: &AppState,
    user: &CurrentUser,
    b: &ReferralBody,
) -> ApiResult<Referral> {
    let draft = draft_of(b)?;
    let probe = PartiesProbe {
        resident: b.resident_id,
        from: user.institution_id,
        to: b.to_institution_id,
        department: b.to_department_id,
        parent: b.parent_id,
    };
    // The audit row goes in with the referral, in one transaction.
    let entry = user.audit_entry(
        "referral.create",
        "referral",
        None,
        true,
        draft.direction.as_str(),
    );
    let caller = user.clone();
    let r = state
        .store
        .create_referral_checked(state.community.id, probe, Some(&entry), move |parties| {
            approve(&caller, probe, draft, parties)
        })
        .await??;
    announce(state, &r);
    Ok(r)
}

#[utoipa::path(post, path = "/referrals", request_body = ReferralBody,
    responses((status = 201, body = Object), (status = 422)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ReferralBody>,
) -> ApiResult<(StatusCode, Json<Referral>)> {
    Ok((
        StatusCode::CREATED,
        Json(create_referral(&state, &user, &b).await?),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `incoming` (open referrals sent to the caller's institution and department,
    /// emergency first, then longest waiting), or anything else for all in reach, newest first.
    pub view: Option<String>,
    pub direction: Option<String>,
    pub status: Option<String>,
    pub urgency: Option<String>,
    pub resident_id: Option<Uuid>,
    /// The start of the resident's name or pinyin initials, or of the ICD-10 code.
    pub q: Option<String>,
    /// Sent on or after this day (`2026-11-01`, China time).
    pub from: Option<String>,
    /// Sent on or before this day.
    pub to: Option<String>,
    /// Sent by this institution.
    pub from_institution: Option<Uuid>,
    /// Sent to this institution.
    pub to_institution: Option<Uuid>,
    /// `waiting` or `urgency`.
    pub sort: Option<String>,
    /// `desc` reverses the sort.
    pub dir: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The columns a referral list sorts by.
pub const SORTS: [&str; 2] = ["waiting", "urgency"];

/// A day filter: empty is none; anything but `YYYY-MM-DD` is refused by field.
fn day(v: Option<&str>, field: &'static str) -> ApiResult<Option<time::Date>> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::ui::list::date(Some(s))
            .map(Some)
            .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, field, "date_invalid")),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralPage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Referral>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub fn filter_of(user: &CurrentUser, p: &ListParams) -> ApiResult<ReferralFilter> {
    let bad = |f: &'static str| ApiError::field(StatusCode::BAD_REQUEST, f, "invalid_field");
    let incoming = p.view.as_deref() == Some("incoming");
    Ok(ReferralFilter {
        incoming_to: incoming.then_some(user.institution_id),
        incoming_department: if incoming { user.department_id } else { None },
        direction: p
            .direction
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| Direction::parse(s).ok_or(bad("direction")))
            .transpose()?,
        statuses: p
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| Status::parse(s).ok_or(bad("status")))
            .transpose()?
            .into_iter()
            .collect(),
        urgency: p
            .urgency
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| Urgency::parse(s).ok_or(bad("urgency")))
            .transpose()?,
        resident_id: p.resident_id,
        open_only: false,
        created_from: day(p.from.as_deref(), "from")?.map(clock::start_of),
        created_before: day(p.to.as_deref(), "to")?
            .and_then(|d| d.next_day())
            .map(clock::start_of),
        text: p.q.clone().filter(|q| !q.trim().is_empty()),
        from_institution: p.from_institution,
        to_institution: p.to_institution,
        sort: match crate::ui::list::Sort::parse(p.sort.as_deref(), p.dir.as_deref(), &SORTS) {
            Some(s) if s.key == "urgency" => Some(ReferralSort::Urgency { desc: s.desc }),
            Some(s) => Some(ReferralSort::Waiting { desc: s.desc }),
            None => None,
        },
    })
}

pub async fn search(
    state: &AppState,
    user: &CurrentUser,
    p: &ListParams,
    export: bool,
) -> ApiResult<ReferralPage> {
    let filter = filter_of(user, p)?;
    let (paging, action) = if export {
        (PageRequest::export(), "referral.export")
    } else {
        (PageRequest::new(p.page, p.per_page), "referral.list")
    };
    let page = state
        .store
        .list_referrals(state.community.id, &user.referrals, &filter, paging)
        .await?;
    user.audit_list(state, action, "referral", page.total)
        .await?;
    Ok(ReferralPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Referrals in the caller's reach; `view=incoming` is the receiving worklist.
#[utoipa::path(get, path = "/referrals", params(ListParams), responses((status = 200, body = ReferralPage)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<Json<ReferralPage>> {
    Ok(Json(search(&state, &user, &p, false).await?))
}

/// A referral the caller may see (404 otherwise), audited either way.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: ReferralId,
    action: &str,
) -> ApiResult<Referral> {
    let found = match state.store.get_referral(state.community.id, id).await {
        Ok(r) => Some(r),
        Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let allowed = found.as_ref().is_some_and(|r| {
        user.referrals.allows(
            r.from_institution_id,
            r.to_institution_id,
            r.to_department_id,
        )
    });
    user.audit(state, action, "referral", Some(id.uuid()), allowed, "")
        .await?;
    match found {
        Some(r) if allowed => Ok(r),
        _ => Err(ApiError::not_found()),
    }
}

/// The green channel's clock: first contact to admission against the pathway's target.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GreenChannel {
    pub pathway: String,
    pub target_minutes: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub admitted_at: Option<OffsetDateTime>,
    /// When the clock stopped: at admission, or when the case ended without one.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub stopped_at: Option<OffsetDateTime>,
    /// Minutes so far, or to where the clock stopped.
    pub elapsed_minutes: f64,
    /// Admitted after the target, or still open past it; never on a case closed
    /// without an admission.
    pub breached: bool,
}

pub async fn target_minutes(state: &AppState, pathway: Pathway) -> ApiResult<i64> {
    let set = state.store.pathway_targets(state.community.id).await?;
    Ok(set
        .into_iter()
        .find(|(p, _)| p == pathway.as_str())
        .map_or(pathway.default_target_minutes(), |(_, m)| i64::from(m)))
}

pub async fn green_channel(
    state: &AppState,
    r: &Referral,
    events: &[ReferralEvent],
) -> ApiResult<Option<GreenChannel>> {
    let Some(pathway) = r.pathway.as_deref().and_then(Pathway::parse) else {
        return Ok(None);
    };
    let at = |m: Milestone| {
        events
            .iter()
            .find(|e| e.milestone.as_deref() == Some(m.as_str()))
            .map(|e| e.at)
    };
    let started = at(Milestone::FirstContact)
        .or(at(Milestone::ReferralSent))
        .unwrap_or(r.created_at);
    let admitted = at(Milestone::Admitted);
    let ended = events
        .iter()
        .filter(|e| {
            e.status_to
                .as_deref()
                .and_then(Status::parse)
                .is_some_and(Status::is_terminal)
        })
        .map(|e| e.at)
        .next();
    let target = target_minutes(state, pathway).await?;
    let minutes = |t: OffsetDateTime| (t - started).as_seconds_f64() / 60.0;
    let clock = rules::green_clock(
        0.0,
        admitted.map(minutes),
        ended.map(minutes),
        minutes(OffsetDateTime::now_utc()),
        target,
    );
    Ok(Some(GreenChannel {
        pathway: pathway.as_str().into(),
        target_minutes: target,
        started_at: started,
        admitted_at: admitted,
        stopped_at: if clock.running {
            None
        } else {
            admitted.or(ended)
        },
        elapsed_minutes: (clock.elapsed_minutes * 10.0).round() / 10.0,
        breached: clock.within_target == Some(false),
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReferralDetail {
    #[schema(value_type = Object)]
    pub referral: Referral,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<ReferralEvent>,
    pub green_channel: Option<GreenChannel>,
}

pub async fn detail_of(
    state: &AppState,
    user: &CurrentUser,
    id: ReferralId,
) -> ApiResult<ReferralDetail> {
    let referral = load(state, user, id, "referral.read").await?;
    let events = state.store.referral_events(state.community.id, id).await?;
    let green_channel = green_channel(state, &referral, &events).await?;
    Ok(ReferralDetail {
        referral,
        events,
        green_channel,
    })
}

/// A referral with its timeline and, for the green channel, its clock.
#[utoipa::path(get, path = "/referrals/{id}", responses((status = 200, body = ReferralDetail), (status = 404)))]
pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ReferralId>,
) -> ApiResult<Json<ReferralDetail>> {
    Ok(Json(detail_of(&state, &user, id).await?))
}
