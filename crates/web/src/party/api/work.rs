//! A branch's organisational life through the API: activities planned and recorded with
//! minutes and attendance, and the members with their points. The secretary of the branch
//! and the party committee write; the bureau reads; anyone else is told there is nothing.

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
use yigong_domain::party::points::{PointEntry, award};
use yigong_domain::party::schedule::ACTIVITIES;
use yigong_domain::party::work::{WorkFacts, WorkKind, WorkStatus, WorkStep, step};
use yigong_store::party::{Meeting, MemberPoints, NewActivity, PartyOrg, Presence};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// An organisation the user reaches, and whether they may write to it; 404 (audited)
/// for one out of reach.
pub async fn org_in_reach(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    action: &str,
) -> ApiResult<(PartyOrg, bool)> {
    let found = state
        .store
        .party_orgs(state.community.id)
        .await?
        .into_iter()
        .find(|o| o.id == org);
    let secretary = |o: &PartyOrg| o.secretary_account_id == Some(user.account_id);
    match found {
        Some(o) if super::sees_all(user) || secretary(&o) => {
            let writes = user.role == Role::PartySecretary || secretary(&o);
            Ok((o, writes))
        }
        _ => {
            user.audit(state, action, "party_org", Some(org), false, "reach")
                .await?;
            Err(ApiError::not_found())
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActivityBody {
    /// `members_meeting`, `committee_meeting`, `group_meeting`, `party_lecture`,
    /// `theme_day`, `life_meeting` or `appraisal`.
    pub subject: String,
    /// What it is about (the lecture's theme, the meeting's agenda).
    pub topic: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub due_on: Option<String>,
}

/// Plans an activity of a branch (its secretary or the committee).
#[utoipa::path(post, path = "/party/orgs/{id}/activities", params(("id" = Uuid, Path)), request_body = ActivityBody,
    responses((status = 201, body = Object), (status = 404), (status = 422)))]
pub async fn plan_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
    AppJson(b): AppJson<ActivityBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = plan(&state, &user, org, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "status": "open" })),
    ))
}

/// Plans an activity, every field checked at once; its id.
pub async fn plan(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    b: &ActivityBody,
) -> ApiResult<Uuid> {
    let (o, writes) = org_in_reach(state, user, org, "party.activity").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let mut problems = Vec::new();
    if !ACTIVITIES.iter().any(|(s, _)| *s == b.subject) {
        problems.push(unprocessable("subject", "invalid_field"));
    }
    let topic = super::required_text(&mut problems, "topic", &b.topic, 100);
    let due_on = match b.due_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => {
            let parsed = crate::ui::list::date(Some(d));
            if parsed.is_none() {
                problems.push(unprocessable("due_on", "date_invalid"));
            }
            parsed
        }
    };
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let new = NewActivity {
        org_id: o.id,
        subject: b.subject.clone(),
        title: topic.to_string(),
        due_on,
    };
    let entry = user.audit_entry("party.activity", "party_work", None, true, &b.subject);
    Ok(state
        .store
        .plan_activity(state.community.id, &new, &entry)
        .await?)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PresenceBody {
    pub member_id: Uuid,
    /// `present`, `leave` or `absent`.
    pub presence: String,
    /// Why, for a member on leave or absent.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MeetingBody {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub minutes: String,
    pub attendance: Vec<PresenceBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingRecorded {
    pub status: String,
    /// Point entries written for the members present.
    pub points_awarded: u64,
}

/// Each member's presence checked: a member of the branch, once, with a reason for an
/// absence or a leave.
fn attendance(b: &MeetingBody, members: &[MemberPoints]) -> Result<Vec<Presence>, ApiError> {
    let mut out: Vec<Presence> = Vec::new();
    for p in &b.attendance {
        let presence = match p.presence.as_str() {
            "present" => "present",
            "leave" => "leave",
            "absent" => "absent",
            _ => return Err(unprocessable("attendance", "invalid_field")),
        };
        if !members.iter().any(|m| m.id == p.member_id)
            || out.iter().any(|x| x.member_id == p.member_id)
        {
            return Err(unprocessable("attendance", "invalid_field"));
        }
        if presence != "present" && p.reason.trim().is_empty() {
            return Err(unprocessable("attendance", "reason_required"));
        }
        out.push(Presence {
            member_id: p.member_id,
            presence,
            reason: p.reason.trim().chars().take(200).collect(),
            points: 0,
        });
    }
    if out.is_empty() {
        return Err(unprocessable("attendance", "required"));
    }
    Ok(out)
}

/// The attendance points each member present earns: the rule's, cut to what its yearly
/// cap leaves of what they had from it this year (none once it is reached).
async fn present_points(
    state: &AppState,
    (org, year): (Uuid, i32),
    presence: &mut [Presence],
) -> ApiResult<()> {
    let rule = super::rules(state)
        .await?
        .into_iter()
        .find(|r| r.code == "attendance")
        .ok_or_else(ApiError::internal)?;
    let had = state
        .store
        .rule_year_totals(state.community.id, (org, &rule.code, year))
        .await?;
    for p in presence.iter_mut().filter(|p| p.presence == "present") {
        let so_far = had
            .iter()
            .find(|(m, _)| *m == p.member_id)
            .map_or(0, |t| t.1);
        let ledger = [PointEntry {
            member: p.member_id,
            rule: rule.code.clone(),
            points: i32::try_from(so_far).unwrap_or(i32::MAX),
            year,
            source: None,
        }];
        p.points = award(&ledger, &rule, p.member_id, year, None).map_or(0, |e| e.points);
    }
    Ok(())
}

/// Records a planned activity as held: minutes, attendance, and points for those present
/// (never twice for one meeting); 409 when it was recorded already.
#[utoipa::path(post, path = "/party/activities/{id}/record", params(("id" = Uuid, Path)), request_body = MeetingBody,
    responses((status = 200, body = MeetingRecorded), (status = 404), (status = 409), (status = 422)))]
pub async fn record_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<MeetingBody>,
) -> ApiResult<Json<MeetingRecorded>> {
    Ok(Json(record(&state, &user, id, &b).await?))
}

/// Records an activity as held (see [`record_meeting`]).
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &MeetingBody,
) -> ApiResult<MeetingRecorded> {
    let c = state.community.id;
    let work = match state.store.get_work(c, id).await {
        Ok(w) => w,
        Err(yigong_store::StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let org = work.org_id.ok_or_else(ApiError::not_found)?;
    let (_, writes) = org_in_reach(state, user, org, "party.meeting").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let held_on = crate::ui::list::date(Some(&b.held_on))
        .ok_or_else(|| unprocessable("held_on", "date_invalid"))?;
    let minutes = b.minutes.trim();
    if minutes.is_empty() {
        return Err(unprocessable("minutes", "required"));
    }
    let year = held_on.year();
    let members = state.store.members_with_points(c, org, year).await?;
    let mut presence = attendance(b, &members)?;
    present_points(state, (org, year), &mut presence).await?;
    // Held and written up: started and submitted for the committee's review at once.
    let facts = WorkFacts {
        assigned: true,
        evidence: 1,
    };
    let from = WorkStatus::parse(&work.status).ok_or_else(ApiError::internal)?;
    let to = step(WorkKind::Activity, from, WorkStep::Start, facts)
        .and_then(|s| step(WorkKind::Activity, s, WorkStep::Submit, facts))
        .map_err(|p| ApiError::new(StatusCode::CONFLICT, p.code()))?;
    let meeting = Meeting {
        held_on,
        minutes: minutes.to_string(),
        attendance: presence,
        rule: "attendance",
        from: from.as_str(),
        to: to.as_str(),
    };
    let entry = user.audit_entry("party.meeting", "party_work", None, true, &work.subject);
    match state
        .store
        .record_meeting(c, id, &meeting, (year, &entry))
        .await?
    {
        Some(points_awarded) => Ok(MeetingRecorded {
            status: to.as_str().to_string(),
            points_awarded,
        }),
        None => Err(ApiError::new(StatusCode::CONFLICT, "work_wrong_status")),
    }
}

/// A branch's members with their points this year, most first.
#[utoipa::path(get, path = "/party/orgs/{id}/members", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Object]), (status = 404)))]
pub async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
) -> ApiResult<Json<Vec<MemberPoints>>> {
    org_in_reach(&state, &user, org, "party.members").await?;
    let year = yigong_domain::clock::today().year();
    let list = state
        .store
        .members_with_points(state.community.id, org, year)
        .await?;
    user.audit_list(&state, "party.members", "party_org", list.len() as i64)
        .await?;
    Ok(Json(list))
}

/// A kind of activity a branch is behind on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Behind {
    pub org_id: Uuid,
    pub org: String,
    pub subject: &'static str,
    /// `monthly`, `quarterly`, `half_yearly` or `yearly`.
    pub frequency: &'static str,
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "yigong_store::opt_iso_date")]
    pub last_held: Option<time::Date>,
}

/// Every branch in reach and kind of activity it has not held in its last complete
/// period, branch by branch.
pub async fn behind_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Behind>> {
    let s = super::structure_for(state, user).await?;
    let held = state.store.last_held(state.community.id).await?;
    let today = yigong_domain::clock::today();
    let mut out = Vec::new();
    for o in s.organizations.iter().filter(|o| o.kind == "branch") {
        for (subject, frequency) in ACTIVITIES {
            let last = held
                .iter()
                .find(|(org, s, _)| *org == o.id && s == subject)
                .and_then(|h| h.2);
            if yigong_domain::party::schedule::behind(frequency, last, today) {
                out.push(Behind {
                    org_id: o.id,
                    org: o.name.clone(),
                    subject,
                    frequency: frequency.as_str(),
                    last_held: last,
                });
            }
        }
    }
    user.audit_list(state, "party.behind", "party_org", out.len() as i64)
        .await?;
    Ok(out)
}

/// The branches behind schedule on their organisational life.
#[utoipa::path(get, path = "/party/behind",
    responses((status = 200, body = [Behind]), (status = 404)))]
pub async fn behind(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Behind>>> {
    Ok(Json(behind_for(&state, &user).await?))
}
