//! Two-way referral (双向转诊) with the emergency green channel.

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
