//! Family doctors' home card: contract coverage among the headline figures.

use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, percent_text};

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async move {
        if !user.role.reads_headlines() {
            return Ok(Vec::new());
        }
        let rates = state
            .store
            .contract_rates(state.community.id, yigong_domain::clock::today())
            .await?;
        let residents = rates.iter().map(|r| r.residents).sum();
        let contracted = rates.iter().map(|r| r.contracted).sum();
        Ok(vec![Card::figure(
            "home.figure.contract_coverage",
            percent_text(contracted, residents),
            "/contracts",
        )])
    })
}
