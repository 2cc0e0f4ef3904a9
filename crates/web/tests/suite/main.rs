//! The web crate's tests in one binary: one link instead of one per file, and the test
//! threads share out every file's tests instead of waiting on each file's slowest. Each
//! module is one concern (a context's API, its pages, a browser walk, a security probe);
//! the shared helpers are the modules without tests of their own.
//!
//! Run one concern with `cargo test -p yigong-web --test suite indicators::`.

// Shared helpers.
mod fhir_cases;
mod figure_probe;
mod ordering;
mod probing;
mod roster;

mod appraisal;
mod appraisal_pages;
mod bad_input;
mod browser;
mod browser_diagnostics;
mod browser_forms;
mod browser_indicators;
mod browser_outreach;
mod browser_party;
mod chronic;
mod chronic_calls;
mod crawl;
mod diagnostics;
mod diagnostics_recognition;
mod ecg;
mod family;
mod family_teams;
mod fhir_capability;
mod fhir_search;
mod fhir_validation;
mod figures;
mod fuzz_inputs;
mod home;
mod imports;
mod indicators;
mod indicators_chronic;
mod indicators_definitions;
mod indicators_duckdb;
mod indicators_ecg;
mod indicators_fhir;
mod indicators_green;
mod indicators_outreach;
mod indicators_pages;
mod indicators_population;
mod indicators_referrals;
mod indicators_remote;
mod indicators_settlement;
mod indicators_sites;
mod lists;
mod openapi_routes;
mod outreach;
mod outreach_pages;
mod outreach_postings;
mod outreach_sessions;
mod party;
mod party_dues;
mod party_files;
mod party_joint;
mod party_members;
mod party_points;
mod party_report;
mod party_review;
mod party_schedule;
mod party_sites;
mod party_stars;
mod portal;
mod portal_exams;
mod portal_pages;
mod probe;
mod probe_records;
mod referral_page;
mod referrals;
mod registry_admin;
mod schemathesis;
mod scoping;
mod screening;
mod security;
mod security_masks;
mod security_sessions;
mod sterile;
mod teleconsult;
mod ui;
