//! Screening's home card: suspected cases waiting for the grassroots doctor's decision.

use crate::chronic::api::clinics;
use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use yigong_store::PageRequest;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async move {
        let Ok(clinics) = clinics(user) else {
            return Ok(Vec::new());
        };
        let open = state
            .store
            .open_suspicions(
                state.community.id,
                &clinics,
                PageRequest::new(Some(1), Some(1)),
            )
            .await?
            .total;
        Ok(vec![Card::count(
            "home.todo.suspicions",
            open,
            "/screenings",
            Tone::Due,
        )])
    })
}
