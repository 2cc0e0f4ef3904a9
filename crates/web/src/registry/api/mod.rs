//! The registry's JSON API: institutions and departments, staff, residents, imports.

pub mod imports;
pub mod institutions;
pub mod residents;
pub mod staff;

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(institutions::router())
        .merge(residents::router())
        .merge(staff::router())
        .merge(imports::router())
}

/// Deactivates or reactivates an institution, department or staff member: registrars
/// only, audited as `<entity>.deactivate` / `<entity>.reactivate`.
pub async fn set_registry_active(
    state: &crate::state::AppState,
    user: &crate::http::auth::CurrentUser,
    kind: yigong_store::Deactivatable,
    entity: &str,
    id: uuid::Uuid,
    active: bool,
) -> Result<axum::http::StatusCode, crate::http::error::ApiError> {
    user.require(user.role.edits_registry())?;
    state
        .store
        .set_active(kind, state.community.id, id, active)
        .await?;
    let action = format!(
        "{entity}.{}",
        if active { "reactivate" } else { "deactivate" }
    );
    user.audit(state, &action, entity, Some(id), true, "")
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
