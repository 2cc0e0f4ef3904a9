//! Screening (筛查): results, suspicions and the clinic's decision on them.

pub mod api;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: crate::contexts::none,
    fhir: crate::contexts::none,
    todo: todo::cards,
};
