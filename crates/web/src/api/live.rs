//! Server-sent events: open worklists, referral and ECG pages hear of changes at once.
//! Only what the user may see is announced, and only ids and statuses are sent. A stream
//! closes the moment its session ends: logout, deactivation or expiry.

use crate::http::auth::{CurrentUser, Ended};
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use std::convert::Infallible;
use time::OffsetDateTime;
use tokio::sync::broadcast::{Receiver, error::RecvError};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stream_referrals))
        .routes(routes!(stream_studies))
        .routes(routes!(stream_orders))
}

#[utoipa::path(get, path = "/referrals-live", responses((status = 200, content_type = "text/event-stream",
    description = "Server-sent events: a `referral` event (its id) whenever a referral in the user's reach changes")))]
async fn stream_referrals(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.live.subscribe();
    live(state.ended.subscribe(), user, rx, "referral", |user, r| {
        user.referrals.allows(
            r.from_institution_id,
            r.to_institution_id,
            r.to_department_id,
        )
    })
}

/// ECG studies in the user's reach: uploads for the reading worklist, claims, reports
/// and acknowledgements for the sender's pages.
#[utoipa::path(get, path = "/ecg-live", responses((status = 200, content_type = "text/event-stream",
    description = "Server-sent events: an `ecg` event (its id) whenever a study in the user's reach changes")))]
async fn stream_studies(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.ecg_live.subscribe();
    live(state.ended.subscribe(), user, rx, "study", |user, s| {
        user.ecg.sees(s.from_institution_id)
    })
}

/// Orders to the diagnostic centres in the user's reach: new orders for a centre's
/// worklist, receipts, claims, results and acknowledgements for the ordering clinic.
#[utoipa::path(get, path = "/orders-live", responses((status = 200, content_type = "text/event-stream",
    description = "Server-sent events: an `order` event (its id) whenever an order in the user's reach changes")))]
async fn stream_orders(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.diag_live.subscribe();
    live(state.ended.subscribe(), user, rx, "order", |user, o| {
        yigong_domain::diagnostics::catalogue::Centre::parse(&o.centre)
            .is_some_and(|c| user.diagnostics.sees(o.from_institution_id, c))
    })
}

struct Watch<T> {
    rx: Receiver<T>,
    ended: Receiver<Ended>,
    user: CurrentUser,
}

/// The events of `rx` that `visible` lets this user see, until the session ends.
fn live<T: Clone + Serialize + Send + 'static>(
    ended: Receiver<Ended>,
    user: CurrentUser,
    rx: Receiver<T>,
    name: &'static str,
    visible: fn(&CurrentUser, &T) -> bool,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let watch = Watch { rx, ended, user };
    let events = stream::unfold(watch, move |mut w| async move {
        let left = w.user.expires_at - OffsetDateTime::now_utc();
        let expiry = tokio::time::sleep(left.try_into().unwrap_or_default());
        tokio::pin!(expiry);
        loop {
            tokio::select! {
                () = &mut expiry => return None,
                ended = w.ended.recv() => match ended {
                    Ok(e) if e.ends(&w.user) => return None,
                    Ok(_) => continue,
                    // Missed some endings: close, the page reconnects and is checked anew.
                    Err(_) => return None,
                },
                got = w.rx.recv() => match got {
                    Ok(item) if visible(&w.user, &item) => {
                        let data = serde_json::to_string(&item).unwrap_or_default();
                        return Some((Ok(Event::default().event(name).data(data)), w));
                    }
                    Ok(_) => continue,
                    // A slow page missed some: tell it to refresh.
                    Err(RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event(name).data("{}")), w));
                    }
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
