//! Chronic care (两病): the hypertension and diabetes registers, follow-ups, quality figures.

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
