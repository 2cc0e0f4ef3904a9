//! Server-sent events: open worklists, referral and ECG pages hear of changes at once.
//! Only what the user may see is announced, and only ids and statuses are sent.

use crate::auth::CurrentUser;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/referrals-live", get(stream_referrals))
        .route("/ecg-live", get(stream_studies))
}

async fn stream_referrals(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.live.subscribe();
    let events = stream::unfold((rx, user), |(mut rx, user)| async move {
        loop {
            match rx.recv().await {
                Ok(r)
                    if user.referrals.allows(
                        r.from_institution_id,
                        r.to_institution_id,
                        r.to_department_id,
                    ) =>
                {
                    let data = serde_json::to_string(&r).unwrap_or_default();
                    return Some((
                        Ok(Event::default().event("referral").data(data)),
                        (rx, user),
                    ));
                }
                Ok(_) => continue,
                // A slow page missed some: tell it to refresh.
                Err(RecvError::Lagged(_)) => {
                    return Some((
                        Ok(Event::default().event("referral").data("{}")),
                        (rx, user),
                    ));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// ECG studies in the user's reach: uploads for the reading worklist, claims, reports
/// and acknowledgements for the sender's pages.
async fn stream_studies(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.ecg_live.subscribe();
    let events = stream::unfold((rx, user), |(mut rx, user)| async move {
        loop {
            match rx.recv().await {
                Ok(s) if user.ecg.sees(s.from_institution_id) => {
                    let data = serde_json::to_string(&s).unwrap_or_default();
                    return Some((Ok(Event::default().event("study").data(data)), (rx, user)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("study").data("{}")), (rx, user)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
