//! Administration's home cards: refusals written to the audit log in the last week, and
//! the accounts in use.

use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use time::{Duration, OffsetDateTime};
use yigong_store::PageRequest;
use yigong_store::audit::AuditQuery;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async move {
        if !user.role.reads_audit() {
            return Ok(Vec::new());
        }
        let q = AuditQuery {
            outcome: Some("denied".into()),
            since: Some(OffsetDateTime::now_utc() - Duration::days(7)),
            ..Default::default()
        };
        let denied = state
            .store
            .list_audit(state.community.id, &q, PageRequest::new(Some(1), Some(1)))
            .await?
            .total;
        let mut cards = vec![Card::count(
            "home.todo.audit_refusals",
            denied,
            "/audit?outcome=denied&days=7",
            Tone::Due,
        )];
        if user.role.manages_accounts() {
            let accounts = state.store.list_accounts(state.community.id).await?;
            let active = accounts.iter().filter(|a| a.active).count() as i64;
            cards.push(Card::count(
                "home.todo.accounts",
                active,
                "/accounts",
                Tone::Plain,
            ));
        }
        Ok(cards)
    })
}
