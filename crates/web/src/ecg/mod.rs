//! The ECG network (心电网络): uploads from the clinics, the county's reading worklist, reports.

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
