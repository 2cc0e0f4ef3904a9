//! The residents' window (居民端) at `/m`: a phone-first place where a resident signs in
//! with their ID number, phone and a one-time code, books a place with a visiting expert,
//! and sees their own reports, referrals, contract and next follow-up.

pub mod api;
pub mod auth;
pub mod exams;
pub mod messenger;
pub mod pages;
pub mod reports;

pub use messenger::{Messenger, Outbox};

pub const CONTEXT: crate::contexts::Context = crate::contexts::Context {
    api: api::router,
    pages: pages::router,
    fhir: crate::contexts::none,
    todo: crate::ui::todo::no_cards,
};
