//! Teleconsultation through the API (远程会诊): a clinic requests one for a patient in
//! its reach, bringing results and ECGs; the office schedules a lead-hospital expert at a
//! time clear of the expert's other commitments; the expert answers; the clinic rates the
//! opinion and may link the referral that followed. The office sees every consultation,
//! a clinic its own, an expert those scheduled with them.

use super::unprocessable;
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock::start_of;
use yigong_domain::diagnostics::consult::{self as rules, Action, Actor, Kind, Slot};
use yigong_domain::diagnostics::order::Scope;
use yigong_domain::ids::OrderId;
use yigong_domain::registry::InstitutionKind;
use yigong_store::diagnostics::{Consult, ConsultChange, ConsultFilter, NewConsult};
use yigong_store::{Page, PageRequest, StoreError};

/// The consultations a user reaches, or none.
pub fn consult_reach(user: &CurrentUser) -> Option<ConsultFilter> {
    match &user.diagnostics {
        Scope::All => Some(ConsultFilter::All),
        Scope::Orderers(ids) => Some(ConsultFilter::Involving {
            institutions: ids.clone(),
            expert: user.account_id,
        }),
        Scope::Centre(_) => Some(ConsultFilter::Involving {
            institutions: Vec::new(),
            expert: user.account_id,
        }),
        Scope::Sterile | Scope::None => None,
    }
}

fn reaches(user: &CurrentUser, c: &Consult) -> bool {
    match consult_reach(user) {
        Some(ConsultFilter::All) => true,
        Some(ConsultFilter::Involving {
            institutions,
            expert,
        }) => c.expert_id == Some(expert) || institutions.contains(&c.from_institution_id),
        None => false,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultQuery {
    /// Requested on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Requested on or before this day.
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// A day of a consultation query (400 naming the field when it is not one).
pub fn consult_day(v: &Option<String>, field: &'static str) -> ApiResult<Option<time::Date>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::ui::list::date(Some(s))
            .map(Some)
            .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, field, "date_invalid")),
    }
}

/// A page of the consultations in reach requested in the period, the list audited.
pub async fn consults_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ConsultQuery,
) -> ApiResult<Page<Consult>> {
    let Some(filter) = consult_reach(user) else {
        user.audit(
            state,
            "consult.list",
            "teleconsultation",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    };
    let from = consult_day(&q.from, "from")?.map(start_of);
    let before = consult_day(&q.to, "to")?
        .and_then(|d| d.next_day())
        .map(start_of);
    let page = state
        .store
        .find_consults(
            state.community.id,
            (&filter, None, None),
            (from, before),
            PageRequest::new(q.page, q.per_page),
        )
        .await?;
    user.audit_list(state, "consult.list", "teleconsultation", page.total)
        .await?;
    Ok(page)
}

/// Teleconsultations in reach, the latest first.
#[utoipa::path(get, path = "/teleconsultations", params(ConsultQuery),
    responses((status = 200, description = "A page of teleconsultations with `total`"), (status = 400), (status = 403)))]
pub async fn list_consults(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ConsultQuery>,
) -> ApiResult<Json<Page<Consult>>> {
    Ok(Json(consults_for(&state, &user, &q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsultBody {
    #[serde(default)]
    pub resident_id: Option<Uuid>,
    /// `general` (the default) or `surgical`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub question: String,
    /// Orders of the patient whose results it brings along.
    #[serde(default)]
    pub orders: Vec<Uuid>,
    /// ECG studies of the patient it brings along.
    #[serde(default)]
    pub studies: Vec<Uuid>,
}

/// The links of a request, each checked to be the patient's and in the user's reach.
async fn links_of(
    state: &AppState,
    user: &CurrentUser,
    resident: Uuid,
    b: &ConsultBody,
) -> ApiResult<Vec<(&'static str, Uuid)>> {
    let mut links = Vec::new();
    for id in &b.orders {
        match super::visible(state, user, OrderId::from(*id)).await? {
            Some(o) if o.resident_id == resident => links.push(("order", *id)),
            _ => return Err(unprocessable("orders", "not_found").with_detail(id.to_string())),
        }
    }
    for id in &b.studies {
        match state
            .store
            .get_study(state.community.id, (*id).into())
            .await
        {
            Ok(s) if s.resident_id == resident && user.ecg.sees(s.from_institution_id) => {
                links.push(("ecg", *id))
            }
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(unprocessable("studies", "not_found").with_detail(id.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(links)
}

/// Records a request (a clinic, for a patient in its reach); its id.
pub async fn request(state: &AppState, user: &CurrentUser, b: &ConsultBody) -> ApiResult<Uuid> {
    if !user.diagnostics.orders() {
        user.audit(
            state,
            "consult.request",
            "teleconsultation",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let resident = match b.resident_id {
        None => return Err(unprocessable("resident_id", "required")),
        Some(id) => match state.store.get_resident(state.community.id, id).await {
            Ok(r) if user.scope.allows(r.institution_id) => r.id,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(unprocessable("resident_id", "not_found"));
            }
            Err(e) => return Err(e.into()),
        },
    };
    let kind = match b.kind.trim() {
        "" => Kind::General,
        k => Kind::parse(k).ok_or_else(|| unprocessable("kind", "invalid_field"))?,
    };
    let question = b.question.trim();
    if question.is_empty() {
        return Err(unprocessable("question", "required"));
    }
    if question.chars().count() > 2000 {
        return Err(unprocessable("question", "too_long"));
    }
    let links = links_of(state, user, resident, b).await?;
    let new = NewConsult {
        resident_id: resident,
        from_institution_id: user.institution_id,
        kind,
        question: question.to_string(),
        links,
    };
    let entry = user.audit_entry(
        "consult.request",
        "teleconsultation",
        None,
        true,
        kind.as_str(),
    );
    Ok(state
        .store
        .add_consult(state.community.id, &new, &entry)
        .await?)
}

/// Requests a teleconsultation.
#[utoipa::path(post, path = "/teleconsultations", request_body = ConsultBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_consult(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ConsultBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = request(&state, &user, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// A consultation with what it brings along.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConsultView {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub consult: Consult,
    /// `{kind: "order" | "ecg", id}`.
    #[schema(value_type = Vec<Object>)]
    pub links: Vec<serde_json::Value>,
}

/// A consultation in reach, the read audited (allowed or refused).
pub async fn consult_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<ConsultView> {
    let found = match state.store.get_consult(state.community.id, id).await {
        Ok(c) if reaches(user, &c) => Some(c),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    user.audit(
        state,
        "consult.read",
        "teleconsultation",
        Some(id),
        found.is_some(),
        "",
    )
    .await?;
    let consult = found.ok_or_else(ApiError::not_found)?;
    let links = state
        .store
        .consult_links(state.community.id, id)
        .await?
        .into_iter()
        .map(|(kind, id)| serde_json::json!({"kind": kind, "id": id}))
        .collect();
    Ok(ConsultView { consult, links })
}

/// A teleconsultation.
#[utoipa::path(get, path = "/teleconsultations/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = ConsultView), (status = 404)))]
pub async fn consult(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ConsultView>> {
    Ok(Json(consult_of(&state, &user, id).await?))
}

/// A step's details: `schedule` takes the expert, the time and how long; `answer` the
/// opinion; `rate` the rating (1 to 5) and a comment; `referral` links a referral.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    #[serde(default)]
    pub expert_id: Option<Uuid>,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` China time.
    #[serde(default)]
    pub at: String,
    /// How long the expert is booked (10 to 480 minutes; 30 by default).
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(default)]
    pub comment: String,
}

/// The lead hospital's specialists, who give opinions: `(account, name)`.
pub async fn experts(state: &AppState) -> ApiResult<Vec<(Uuid, String)>> {
    let c = state.community.id;
    let lead: Vec<Uuid> = state
        .store
        .list_institutions(c)
        .await?
        .into_iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Lead))
        .map(|i| i.id)
        .collect();
    Ok(state
        .store
        .list_accounts(c)
        .await?
        .into_iter()
        .filter(|a| {
            a.active && a.role() == Some(Role::Specialist) && lead.contains(&a.institution_id)
        })
        .map(|a| (a.id, a.display_name))
        .collect())
}

/// A time as given, RFC 3339 or a local `YYYY-MM-DDTHH:MM` in China time, in UTC (as
/// instants are stored).
fn instant(raw: &str) -> Option<OffsetDateTime> {
    given(raw.trim()).map(|t| t.to_offset(time::UtcOffset::UTC))
}

fn given(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .ok()
        .or_else(|| {
            let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
            let local = time::PrimitiveDateTime::parse(raw, &f).ok()?;
            Some(local.assume_offset(time::macros::offset!(+8)))
        })
}

/// The schedule a body asks for, checked against the expert's other commitments.
async fn schedule_of(
    state: &AppState,
    c: &Consult,
    b: &StepBody,
) -> ApiResult<(Uuid, OffsetDateTime, i64)> {
    let mut problems = Vec::new();
    let experts = experts(state).await?;
    let expert = b
        .expert_id
        .filter(|e| experts.iter().any(|(id, _)| id == e));
    if expert.is_none() {
        problems.push(unprocessable("expert_id", "invalid_field"));
    }
    let at = instant(&b.at);
    if at.is_none() {
        problems.push(unprocessable("at", "date_invalid"));
    }
    let minutes = b.duration_minutes.unwrap_or(30);
    if !(10..=480).contains(&minutes) {
        problems.push(unprocessable("duration_minutes", "out_of_range"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(expert), Some(at)) = (expert, at) else {
        return Err(ApiError::internal());
    };
    let window = (at - Duration::hours(12), at + Duration::hours(12));
    let busy: Vec<Slot> = state
        .store
        .expert_commitments(state.community.id, (expert, c.id), window)
        .await?
        .into_iter()
        .map(|(start, minutes)| Slot { start, minutes })
        .collect();
    if let Some(n) = rules::clash(Slot { start: at, minutes }, &busy) {
        let when = crate::ui::local(busy[n].start);
        return Err(ApiError::field(StatusCode::CONFLICT, "at", "expert_busy").with_detail(when));
    }
    Ok((expert, at, minutes))
}

/// The columns `action` changes, the body checked.
async fn change_of(
    state: &AppState,
    c: &Consult,
    action: Action,
    b: &StepBody,
) -> ApiResult<ConsultChange> {
    let mut ch = ConsultChange::of(c);
    match action {
        Action::Schedule => {
            let (expert, at, minutes) = schedule_of(state, c, b).await?;
            (ch.expert_id, ch.scheduled_at, ch.minutes) = (Some(expert), Some(at), Some(minutes));
        }
        Action::Answer => {
            let opinion = b.opinion.trim();
            if opinion.is_empty() || opinion.chars().count() > 4000 {
                return Err(unprocessable(
                    "opinion",
                    if opinion.is_empty() {
                        "required"
                    } else {
                        "too_long"
                    },
                ));
            }
            ch.opinion = opinion.to_string();
            ch.answered_at = Some(OffsetDateTime::now_utc());
        }
        Action::Rate => {
            let rating = b
                .rating
                .filter(|r| (1..=5).contains(r))
                .ok_or_else(|| unprocessable("rating", "out_of_range"))?;
            if b.comment.trim().chars().count() > 500 {
                return Err(unprocessable("comment", "too_long"));
            }
            ch.rating = Some(rating);
            ch.rating_comment = b.comment.trim().to_string();
        }
        Action::Cancel => {}
    }
    Ok(ch)
}

/// Whether the user's institutions asked for it.
fn requester(user: &CurrentUser, c: &Consult) -> bool {
    matches!(&user.diagnostics, Scope::Orderers(ids) if ids.contains(&c.from_institution_id))
}

/// Takes a step for the user; shared by the API and the pages.
pub async fn take_step(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: Action,
    b: &StepBody,
) -> ApiResult<ConsultView> {
    let name = format!("consult.{}", action.as_str());
    let v = consult_of(state, user, id).await?;
    let c = &v.consult;
    let who = Actor {
        office: user.diagnostics == Scope::All,
        requester: requester(user, c),
        expert: c.expert_id == Some(user.account_id),
    };
    let to = match rules::step(c.status, c.rating.is_some(), action, who) {
        Ok(to) => to,
        Err(e) => {
            let forbidden = e == rules::Refusal::NotYours;
            user.audit(
                state,
                &name,
                "teleconsultation",
                Some(id),
                !forbidden,
                e.code(),
            )
            .await?;
            let status = if forbidden {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            return Err(ApiError::new(status, e.code()));
        }
    };
    let mut ch = change_of(state, c, action, b).await?;
    ch.status = to;
    let entry = user.audit_entry(&name, "teleconsultation", Some(id), true, "");
    if !state
        .store
        .change_consult(state.community.id, (id, c.version), &ch, &entry)
        .await?
    {
        return Err(ApiError::new(StatusCode::CONFLICT, "consult_wrong_status"));
    }
    consult_of(state, user, id).await
}

/// Takes a step: `schedule` (the office), `answer` (the expert), `rate` or `cancel`.
#[utoipa::path(post, path = "/teleconsultations/{id}/{action}",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`schedule`, `answer`, `rate` or `cancel`")),
    request_body = StepBody,
    responses((status = 200, body = ConsultView), (status = 403), (status = 404), (status = 409, description = "Not possible as it stands, or the expert is busy then"), (status = 422)))]
pub async fn consult_step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(Uuid, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<ConsultView>> {
    let action = Action::parse(&action).ok_or_else(ApiError::not_found)?;
    let b: StepBody = crate::api::optional_json(&body)?;
    Ok(Json(take_step(&state, &user, id, action, &b).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkBody {
    #[serde(default)]
    pub referral_id: Option<Uuid>,
}

/// Links the referral that followed (the requester or the office): a referral of the
/// same patient that the user reaches.
pub async fn link_referral(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &LinkBody,
) -> ApiResult<ConsultView> {
    let v = consult_of(state, user, id).await?;
    let c = &v.consult;
    if !(requester(user, c) || user.diagnostics == Scope::All) {
        user.audit(
            state,
            "consult.referral",
            "teleconsultation",
            Some(id),
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let referral = b
        .referral_id
        .ok_or_else(|| unprocessable("referral_id", "required"))?;
    let r = crate::referral::api::load(state, user, referral.into(), "referral.read")
        .await
        .map_err(|_| unprocessable("referral_id", "not_found"))?;
    if r.resident_id != c.resident_id {
        return Err(unprocessable("referral_id", "not_found"));
    }
    let ch = ConsultChange {
        referral_id: Some(referral),
        ..ConsultChange::of(c)
    };
    let entry = user.audit_entry("consult.referral", "teleconsultation", Some(id), true, "");
    if !state
        .store
        .change_consult(state.community.id, (id, c.version), &ch, &entry)
        .await?
    {
        return Err(ApiError::new(StatusCode::CONFLICT, "consult_wrong_status"));
    }
    consult_of(state, user, id).await
}

/// Links the referral that followed the consultation.
#[utoipa::path(post, path = "/teleconsultations/{id}/referral", params(("id" = Uuid, Path)), request_body = LinkBody,
    responses((status = 200, body = ConsultView), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn consult_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<LinkBody>,
) -> ApiResult<Json<ConsultView>> {
    Ok(Json(link_referral(&state, &user, id, &b).await?))
}
