//! The administrators' JSON API: accounts and the audit log.

pub mod accounts;
pub mod audit;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    accounts::router().merge(audit::router())
}
