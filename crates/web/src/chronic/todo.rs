//! Chronic care's home cards: the grassroots doctor's overdue and due follow-ups; the
//! control rate among the headline figures.

use super::api::{clinics, today};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone, percent_text};
use time::{Date, Duration};
use yigong_domain::chronic::STANDARD;
use yigong_store::PageRequest;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(cards_for(state, user))
}

async fn cards_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let mut out = Vec::new();
    let c = state.community.id;
    if let Ok(clinics) = clinics(user) {
        let today = today();
        let due_by = |d: Date| state.store.follow_up_worklist(c, &clinics, today, d, one());
        let overdue = due_by(today - Duration::days(1)).await?.total;
        let within_week = due_by(today + Duration::days(7)).await?.total;
        out.push(Card::count(
            "home.todo.follow_ups_overdue",
            overdue,
            "/follow-ups",
            Tone::Alert,
        ));
        out.push(Card::count(
            "home.todo.follow_ups_due",
            within_week - overdue,
            "/follow-ups",
            Tone::Due,
        ));
    }
    if user.role.reads_headlines() {
        let clinics: Vec<_> = state
            .store
            .list_institutions(c)
            .await?
            .into_iter()
            .filter(|i| i.kind == "township" || i.kind == "village")
            .map(|i| i.id)
            .collect();
        let since = today() - Duration::days(365);
        let rows = state
            .store
            .chronic_quality(c, &clinics, since, i64::from(STANDARD.visits_per_year))
            .await?;
        let managed = rows.iter().map(|r| r.managed).sum();
        let controlled = rows.iter().map(|r| r.controlled).sum();
        out.push(Card::figure(
            "home.figure.control_rate",
            percent_text(controlled, managed),
            "/chronic/quality",
        ));
    }
    Ok(out)
}

fn one() -> PageRequest {
    PageRequest::new(Some(1), Some(1))
}
