//! Outreach's home cards: the sessions a township still has to record (their day has
//! come, nothing recorded yet), and for the office those left unrecorded past three days.

use super::api::{places, plans};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use yigong_domain::access::Role;
use yigong_domain::clock::today;
use yigong_domain::outreach::session::Status;
use yigong_store::PageRequest;
use yigong_store::outreach::SessionFilter;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(cards_for(state, user))
}

async fn cards_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let t = today();
    let (key, to) = if user.role == Role::TownshipDoctor {
        ("home.todo.outreach_to_record", t)
    } else if plans(user) {
        ("home.todo.outreach_unrecorded", t - time::Duration::days(3))
    } else {
        return Ok(Vec::new());
    };
    let f = SessionFilter {
        institutions: places(user),
        status: Some(Status::Planned),
        from: Some(t - time::Duration::days(60)),
        to: Some(to),
        ..SessionFilter::default()
    };
    let one = PageRequest::new(Some(1), Some(1));
    let n = state
        .store
        .find_sessions(state.community.id, &f, one)
        .await?
        .total;
    let href = format!(
        "/outreach?status=planned&from={}&to={}",
        t - time::Duration::days(60),
        to
    );
    Ok(vec![Card::count(key, n, &href, Tone::Due)])
}
