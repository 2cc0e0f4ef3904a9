//! Party building (党建) and the first-secretary programme (第一书记): the organisation's
//! structure with its counts, and the sites with their funds.

pub mod api;
pub mod pages;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: crate::contexts::none,
    todo: todo::cards,
};
