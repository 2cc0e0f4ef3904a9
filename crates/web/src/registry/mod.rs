//! The registry: institutions, departments, staff and residents, and the file import
//! that fills it.

pub mod api;
pub mod fhir;
pub mod pages;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: fhir::router,
    todo: todo::cards,
};
