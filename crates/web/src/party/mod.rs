//! Party building (党建) and the first-secretary programme (第一书记): the organisation's
//! structure with its counts, and the sites with their funds.

pub mod api;

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: crate::contexts::none,
    fhir: crate::contexts::none,
    todo: crate::ui::todo::no_cards,
};
