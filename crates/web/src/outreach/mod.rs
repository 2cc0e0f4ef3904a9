//! Expert outreach (专家下沉): the office's roster of experts at townships, the sessions
//! the townships record, the counts of sessions and people served, and the public page of
//! this week's visiting experts.

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
