//! The family-doctor pages: teams and the team form, contract coverage, and the care
//! part of a resident's page.

pub mod care;
mod contracts;
mod team_form;
mod teams;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(care::router())
        .merge(contracts::router())
        .merge(team_form::router())
        .merge(teams::router())
}
