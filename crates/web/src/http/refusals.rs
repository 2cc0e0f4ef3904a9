//! Every refusal is an audit row. Handlers that refuse a named record audit it with its
//! id; this layer writes the row for any other 403 a signed-in user gets (a role refused
//! before anything was loaded), so no refusal goes unrecorded.

use crate::http::auth::CurrentUser;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};
use uuid::Uuid;
use yigong_store::audit::AuditEntry;

/// What a request's handlers have recorded: who is asking, and whether a refusal of
/// theirs is already an audit row.
#[derive(Debug, Clone, Default)]
pub struct AuditTrail(Arc<Mutex<Trail>>);

#[derive(Debug, Default)]
struct Trail {
    who: Option<Who>,
    refusal_recorded: bool,
}

#[derive(Debug, Clone)]
struct Who {
    account_id: Uuid,
    username: String,
    ip: String,
    method: String,
    path: String,
}

impl AuditTrail {
    pub fn signed_in(&self, user: &CurrentUser) {
        self.0.lock().expect("trail").who = Some(Who {
            account_id: user.account_id,
            username: user.username.clone(),
            ip: user.ip.clone(),
            method: user.method.clone(),
            path: user.path.clone(),
        });
    }

    pub fn refusal_recorded(&self) {
        self.0.lock().expect("trail").refusal_recorded = true;
    }

    /// The signed-in user whose refusal nobody has recorded.
    fn unrecorded(&self) -> Option<Who> {
        let t = self.0.lock().expect("trail");
        t.who.clone().filter(|_| !t.refusal_recorded)
    }
}

/// The record a path names (its last id: `/residents/{id}/contract/{cid}/end` acts on
/// the contract), so that the refusal is found with the record's other audit rows.
fn record_in(path: &str) -> Option<Uuid> {
    path.rsplit('/').find_map(|segment| segment.parse().ok())
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let trail = AuditTrail::default();
    req.extensions_mut().insert(trail.clone());
    let res = next.run(req).await;
    if res.status() == StatusCode::FORBIDDEN
        && let Some(who) = trail.unrecorded()
    {
        let entry = AuditEntry {
            account_id: Some(who.account_id),
            username: &who.username,
            action: "request.refused",
            entity: "request",
            entity_id: record_in(&who.path),
            allowed: false,
            ip: &who.ip,
            detail: "role",
            method: &who.method,
            path: &who.path,
        };
        if let Err(e) = state.store.record_audit(state.community.id, &entry).await {
            tracing::error!(error = %e, "a refusal could not be audited");
            return crate::http::error::ApiError::internal().into_response();
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_is_the_first_id_in_the_path() {
        let id = Uuid::from_u128(7);
        assert_eq!(
            record_in(&format!("/api/v1/registers/{id}/follow-ups")),
            Some(id)
        );
        assert_eq!(record_in("/api/v1/follow-ups"), None);
        assert_eq!(record_in("/api/v1/registers/12/follow-ups"), None);
    }
}
