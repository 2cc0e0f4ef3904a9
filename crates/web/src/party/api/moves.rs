//! A member's moves through the API (流动党员 · 组织关系转接): leaving for a time and
//! returning, a transfer to another branch of the community, a transfer out. The branch's
//! secretary or the committee records them; each is checked by `domain::party::mobility`.

use super::members::member_in_reach;
use super::{past_day, required_text};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::party::mobility::{Mobility, Move, apply};
use yigong_store::party::NewMove;

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MoveBody {
    /// `leave`, `return`, `transfer` or `transfer_out`.
    #[serde(default, rename = "move")]
    pub kind: String,
    /// For `transfer`: the branch of the community the member moves to.
    #[serde(default)]
    pub org_id: Option<Uuid>,
    /// The day, `YYYY-MM-DD`, not after today.
    #[serde(default)]
    pub moved_on: String,
    /// Where to (required when leaving or transferred out).
    #[serde(default)]
    pub destination: String,
}

/// Where a move left the member.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Moved {
    pub mobility: &'static str,
    /// The branch the member is of now, and the one they were of.
    pub org_id: Uuid,
    pub from_org_id: Uuid,
}

/// Records a move, every field checked at once.
pub async fn relocate(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &MoveBody,
) -> ApiResult<Moved> {
    let (member, org, writes) = member_in_reach(state, user, id, "party.member_move").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let mut problems = Vec::new();
    let kind = Move::parse(b.kind.trim());
    if kind.is_none() {
        problems.push(unprocessable("move", "invalid_field"));
    }
    let on = past_day(&mut problems, "moved_on", &b.moved_on);
    let note = match kind {
        Some(Move::Leave | Move::TransferOut) => {
            required_text(&mut problems, "destination", &b.destination, 200)
        }
        _ => {
            if b.destination.trim().chars().count() > 200 {
                problems.push(unprocessable("destination", "too_long"));
            }
            b.destination.trim().to_string()
        }
    };
    let mut to_org = None;
    if kind == Some(Move::Transfer) {
        let orgs = state.store.party_orgs(state.community.id).await?;
        to_org = b
            .org_id
            .filter(|t| *t != org.id && orgs.iter().any(|o| o.id == *t && o.kind == "branch"));
        if to_org.is_none() {
            problems.push(unprocessable("org_id", "invalid_field"));
        }
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(kind), Some(on)) = (kind, on) else {
        return Err(ApiError::internal());
    };
    let from = Mobility::parse(&member.mobility).ok_or_else(ApiError::internal)?;
    let to =
        apply(from, kind).map_err(|p| ApiError::field(StatusCode::CONFLICT, "move", p.code()))?;
    let new = NewMove {
        kind: kind.as_str(),
        from: from.as_str(),
        to: to.as_str(),
        from_org: org.id,
        to_org,
        on,
        note,
    };
    let entry = user.audit_entry(
        "party.member_move",
        "party_member",
        None,
        true,
        kind.as_str(),
    );
    if !state
        .store
        .move_member(state.community.id, id, &new, &entry)
        .await?
    {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "move",
            "move_not_from_here",
        ));
    }
    Ok(Moved {
        mobility: to.as_str(),
        org_id: to_org.unwrap_or(org.id),
        from_org_id: org.id,
    })
}

/// Records where a member goes: away for a time, back, to another branch, or out.
#[utoipa::path(post, path = "/party/members/{id}/moves", params(("id" = Uuid, Path)), request_body = MoveBody,
    responses((status = 200, body = Moved), (status = 404), (status = 409), (status = 422)))]
pub async fn move_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<MoveBody>,
) -> ApiResult<Json<Moved>> {
    Ok(Json(relocate(&state, &user, id, &b).await?))
}
