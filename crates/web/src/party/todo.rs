//! Party building's home cards for those who hold a post: a branch secretary's branch and
//! a first secretary's remaining fund, each a link to its page.

use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use yigong_domain::party::fund::yuan_text;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async move {
        if super::api::sees_all(user) {
            return Ok(Vec::new());
        }
        let c = state.community.id;
        let mut out = Vec::new();
        let orgs = state.store.party_orgs(c).await?;
        let mine: i64 = orgs
            .iter()
            .filter(|o| o.secretary_account_id == Some(user.account_id))
            .map(|o| o.members)
            .sum();
        if orgs
            .iter()
            .any(|o| o.secretary_account_id == Some(user.account_id))
        {
            out.push(Card::count(
                "home.todo.party_members",
                mine,
                "/party",
                Tone::Plain,
            ));
        }
        let sites = state.store.sites(c, Some(user.account_id)).await?;
        if !sites.is_empty() {
            let left: i64 = sites.iter().map(|s| s.budget_fen - s.spent_fen).sum();
            // Work of the secretary's own, not a headline: the card opens the site.
            out.push(Card {
                value: yuan_text(left),
                ..Card::count("home.todo.site_fund", 0, "/first-secretary", Tone::Plain)
            });
        }
        Ok(out)
    })
}
