//! Family doctors (家庭医生): teams, contracts, and the care part of a resident's page.

pub mod api;
pub mod pages;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: crate::contexts::none,
    todo: todo::cards,
};
