//! The bounded contexts this server mounts. Each context lives in its own folder
//! (`src/<context>/`) with its JSON API, its pages and its FHIR resources, and is
//! mounted by one line in [`CONTEXTS`].

use crate::state::AppState;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

/// One context's routers: its JSON API (nested under `/api/v1`, documented by its
/// handlers' `#[utoipa::path]`), its HTML pages, and its FHIR resources (under `/fhir/r4`).
pub struct Context {
    pub api: fn() -> OpenApiRouter<AppState>,
    pub pages: fn() -> Router<AppState>,
    pub fhir: fn() -> Router<AppState>,
    /// The cards it adds to a user's home to-do list.
    pub todo: crate::ui::todo::Cards,
}

/// Every context, in the order their routers are merged.
pub const CONTEXTS: &[Context] = &[
    crate::registry::CONTEXT,
    crate::admin::CONTEXT,
    crate::referral::CONTEXT,
    crate::ecg::CONTEXT,
    crate::chronic::CONTEXT,
    crate::family::CONTEXT,
    crate::screening::CONTEXT,
    crate::party::CONTEXT,
    crate::diagnostics::CONTEXT,
    crate::outreach::CONTEXT,
    crate::portal::CONTEXT,
    crate::indicators::CONTEXT,
];

/// For a context without pages or without FHIR resources.
pub fn none() -> Router<AppState> {
    Router::new()
}
