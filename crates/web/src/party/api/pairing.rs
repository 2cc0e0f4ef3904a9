//! Pairing through the API (结对共建): the committee pairs a department of the lead
//! hospital with a township branch; the pair's joint activities are recorded by the
//! committee or the branch's secretary. The committee and the bureau see every pairing, a
//! branch secretary those of their branch; anyone else is told there is nothing.

use super::{committee_only, past_day, required_text, sees_all};
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
use yigong_domain::registry::InstitutionKind;
use yigong_store::StoreError;
use yigong_store::institutions::Department;
use yigong_store::party::{JointActivity, NewJointActivity, NewPairing, Pairing};

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// The pairings in reach and whether the caller writes to each; 404 (audited) when none.
pub async fn pairings_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<(Pairing, bool)>> {
    let all = state.store.pairings(state.community.id).await?;
    let orgs = state.store.party_orgs(state.community.id).await?;
    let own = |p: &Pairing| {
        orgs.iter()
            .any(|o| o.id == p.org_id && o.secretary_account_id == Some(user.account_id))
    };
    let committee = user.role == Role::PartySecretary;
    let secretary = orgs
        .iter()
        .any(|o| o.secretary_account_id == Some(user.account_id));
    if !sees_all(user) && !secretary {
        user.audit(
            state,
            "party.pairings",
            "party_pairing",
            None,
            false,
            "reach",
        )
        .await?;
        return Err(ApiError::not_found());
    }
    let list: Vec<(Pairing, bool)> = all
        .into_iter()
        .filter(|p| sees_all(user) || own(p))
        .map(|p| {
            let writes = committee || own(&p);
            (p, writes)
        })
        .collect();
    user.audit_list(state, "party.pairings", "party_pairing", list.len() as i64)
        .await?;
    Ok(list)
}

/// The pairings in the caller's reach.
#[utoipa::path(get, path = "/party/pairings",
    responses((status = 200, body = [Object]), (status = 404)))]
pub async fn list_pairings(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<Pairing>>> {
    let list = pairings_for(&state, &user).await?;
    Ok(Json(list.into_iter().map(|(p, _)| p).collect()))
}

/// The lead hospital's departments, which pair with township branches.
pub async fn lead_departments(state: &AppState) -> ApiResult<Vec<Department>> {
    let c = state.community.id;
    let lead = state
        .store
        .list_institutions(c)
        .await?
        .into_iter()
        .find(|i| i.kind() == Some(InstitutionKind::Lead))
        .ok_or_else(ApiError::internal)?;
    let list = state.store.list_departments(c, lead.id).await?;
    Ok(list.into_iter().filter(|d| d.active).collect())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PairingBody {
    /// A department of the lead hospital.
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// A township branch.
    #[serde(default)]
    pub org_id: Option<Uuid>,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub note: String,
}

/// Pairs a department with a branch (the committee), every field checked at once.
pub async fn pair(state: &AppState, user: &CurrentUser, b: &PairingBody) -> ApiResult<Uuid> {
    committee_only(state, user, ("party.pairing", "party_pairing", None)).await?;
    let mut problems = Vec::new();
    let departments = lead_departments(state).await?;
    let department = b
        .department_id
        .filter(|d| departments.iter().any(|x| x.id == *d));
    if department.is_none() {
        problems.push(unprocessable("department_id", "invalid_field"));
    }
    let branches = township_branches(state).await?;
    let org = b.org_id.filter(|o| branches.iter().any(|(id, _)| id == o));
    if org.is_none() {
        problems.push(unprocessable("org_id", "invalid_field"));
    }
    let since = past_day(&mut problems, "since", &b.since);
    if b.note.trim().chars().count() > 200 {
        problems.push(unprocessable("note", "too_long"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(department_id), Some(org_id), Some(since)) = (department, org, since) else {
        return Err(ApiError::internal());
    };
    let new = NewPairing {
        department_id,
        org_id,
        since,
        note: b.note.trim().to_string(),
    };
    let entry = user.audit_entry("party.pairing", "party_pairing", None, true, "");
    match state
        .store
        .add_pairing(state.community.id, &new, &entry)
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(ApiError::field(
            StatusCode::CONFLICT,
            "org_id",
            "already_paired",
        )),
        other => Ok(other?),
    }
}

/// The branches of township institutions: (id, name).
pub async fn township_branches(state: &AppState) -> ApiResult<Vec<(Uuid, String)>> {
    let c = state.community.id;
    let townships: Vec<Uuid> = state
        .store
        .list_institutions(c)
        .await?
        .into_iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Township))
        .map(|i| i.id)
        .collect();
    Ok(state
        .store
        .party_orgs(c)
        .await?
        .into_iter()
        .filter(|o| o.kind == "branch" && townships.contains(&o.institution_id))
        .map(|o| (o.id, o.name))
        .collect())
}

/// Pairs a lead-hospital department with a township branch.
#[utoipa::path(post, path = "/party/pairings", request_body = PairingBody,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 409, description = "Already paired"), (status = 422)))]
pub async fn add_pairing(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<PairingBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let id = pair(&state, &user, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// A pairing with its joint activities, and whether the caller records them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PairingView {
    #[schema(value_type = Object)]
    pub pairing: Pairing,
    #[schema(value_type = Vec<Object>)]
    pub activities: Vec<JointActivity>,
    pub writes: bool,
}

pub async fn pairing_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<PairingView> {
    let found = pairings_for(state, user)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == id);
    let Some((pairing, writes)) = found else {
        user.audit(
            state,
            "party.pairing_view",
            "party_pairing",
            Some(id),
            false,
            "reach",
        )
        .await?;
        return Err(ApiError::not_found());
    };
    let activities = state.store.joint_activities(state.community.id, id).await?;
    Ok(PairingView {
        pairing,
        activities,
        writes,
    })
}

/// A pairing with its joint activities.
#[utoipa::path(get, path = "/party/pairings/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = PairingView), (status = 404)))]
pub async fn pairing(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PairingView>> {
    Ok(Json(pairing_of(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct JointActivityBody {
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub minutes: String,
}

/// Records a joint activity of a pairing (the committee or the branch's secretary).
pub async fn record_activity(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &JointActivityBody,
) -> ApiResult<Uuid> {
    let view = pairing_of(state, user, id).await?;
    if !view.writes {
        user.audit(
            state,
            "party.joint_activity",
            "party_pairing",
            Some(id),
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let mut problems = Vec::new();
    let held_on = past_day(&mut problems, "held_on", &b.held_on);
    let title = required_text(&mut problems, "topic", &b.topic, 100);
    let minutes = required_text(&mut problems, "minutes", &b.minutes, 4000);
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let held_on = held_on.ok_or_else(ApiError::internal)?;
    let new = NewJointActivity {
        title,
        held_on,
        minutes,
    };
    let entry = user.audit_entry("party.joint_activity", "party_work", None, true, "");
    Ok(state
        .store
        .record_joint_activity(state.community.id, id, &new, &entry)
        .await?)
}

/// Records a joint activity of a pairing.
#[utoipa::path(post, path = "/party/pairings/{id}/activities", params(("id" = Uuid, Path)), request_body = JointActivityBody,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn add_joint_activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<JointActivityBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let a = record_activity(&state, &user, id, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": a }))))
}
