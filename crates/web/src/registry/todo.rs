//! The registry's home cards: the resident records in the user's reach, and for the
//! office and the administrator the institutions and staff they maintain.

use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone};
use yigong_domain::access::ResidentScope;
use yigong_store::PageRequest;
use yigong_store::residents::ResidentQuery;
use yigong_store::staff::StaffQuery;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async move {
        let c = state.community.id;
        let one = PageRequest::new(Some(1), Some(1));
        let mut out = Vec::new();
        if user.scope != ResidentScope::None {
            let residents = state
                .store
                .search_residents(c, &user.scope, &ResidentQuery::default(), one)
                .await?
                .total;
            out.push(Card::count(
                "home.todo.residents",
                residents,
                "/residents",
                Tone::Plain,
            ));
        }
        if user.role.edits_registry() {
            let institutions = state.store.list_institutions(c).await?.len() as i64;
            let staff = state
                .store
                .search_staff(c, &StaffQuery::default(), one)
                .await?
                .total;
            out.push(Card::count(
                "home.todo.institutions",
                institutions,
                "/institutions",
                Tone::Plain,
            ));
            out.push(Card::count("home.todo.staff", staff, "/staff", Tone::Plain));
        }
        Ok(out)
    })
}
