//! The shared diagnostic centres (资源共享中心): orders from the clinics to the lead
//! hospital's laboratory, imaging and pathology centres, their results, critical values,
//! and recognition of earlier results (结果互认).

pub mod api;
pub mod fhir;
pub mod fhir_consult;
pub mod pages;
pub mod todo;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: fhir_consult::router,
    todo: todo::cards,
};
