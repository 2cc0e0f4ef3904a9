//! The diagnostic centres' home cards: a clinic's critical results to acknowledge, a
//! centre's worklist, the office's unacknowledged critical results (escalated to it) and
//! the recognition rate of the last 30 days.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use yigong_domain::diagnostics::order::Scope;
use yigong_store::PageRequest;
use yigong_store::diagnostics::{OrderFilter, OrderNarrowing};

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(cards_for(state, user))
}

async fn count(state: &AppState, filter: OrderFilter, n: OrderNarrowing) -> ApiResult<i64> {
    let one = PageRequest::new(Some(1), Some(1));
    Ok(state
        .store
        .find_orders(state.community.id, &filter, &n, one)
        .await?
        .total)
}

async fn cards_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let unacknowledged = || OrderNarrowing {
        unacknowledged: true,
        ..OrderNarrowing::default()
    };
    let mut out = Vec::new();
    match &user.diagnostics {
        Scope::Orderers(ids) => {
            let n = count(state, OrderFilter::Orderers(ids.clone()), unacknowledged()).await?;
            let href = "/diagnostics?unacknowledged=1";
            out.push(Card::count("home.todo.diag_critical", n, href, Tone::Alert));
        }
        Scope::Centre(c) => {
            let n = count(state, OrderFilter::Worklist(*c), OrderNarrowing::default()).await?;
            let href = "/diagnostics?view=worklist";
            out.push(Card::count("home.todo.diag_worklist", n, href, Tone::Due));
        }
        Scope::All => {
            let n = count(state, OrderFilter::All, unacknowledged()).await?;
            let href = "/diagnostics/figures";
            out.push(Card::count(
                "home.todo.diag_unacknowledged",
                n,
                href,
                Tone::Alert,
            ));
        }
        Scope::None | Scope::Sterile => {}
    }
    if user.role.sees_figures() {
        // Counts only, no patient's data.
        let now = time::OffsetDateTime::now_utc();
        let period = (
            now - time::Duration::days(30),
            now + time::Duration::minutes(1),
        );
        let r = state.store.recognition(state.community.id, period).await?;
        let decided = r.reused + r.repeated;
        let rate = if decided > 0 {
            format!("{:.1} %", 100.0 * r.reused as f64 / decided as f64)
        } else {
            "—".to_string()
        };
        out.push(Card::figure(
            "home.figure.diag_recognition",
            rate,
            "/diagnostics/figures",
        ));
    }
    Ok(out)
}
