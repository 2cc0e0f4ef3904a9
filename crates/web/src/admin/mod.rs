//! Administration: accounts and the audit log (the file import page is the registry's).

pub mod api;
pub mod pages;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: crate::contexts::none,
    todo: todo::cards,
};
