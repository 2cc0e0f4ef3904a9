//! Indicators (监测指标): the community's monthly figures computed from the imported
//! encounters and the register of care outside the county, each opening the cases
//! behind its numerator and denominator; for the office, the bureau and the party
//! committee; and the quarterly appraisal of the members on the office's score sheet.

pub mod api;
pub mod appraisal;
pub mod appraisal_page;
pub mod definitions;
pub mod definitions_page;
pub mod fhir;
pub mod import;
pub mod outside;
pub mod outside_import;
pub mod outside_page;
pub mod pages;
pub mod population;
pub mod population_page;
pub mod registers;
pub mod stocks;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: fhir::router,
    todo: crate::ui::todo::no_cards,
};
