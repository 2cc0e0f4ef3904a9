//! FHIR R4 (4.0.1) JSON for the resources Yigong exposes: Patient, Organization,
//! Practitioner, ServiceRequest and Task (referrals), Observation and DiagnosticReport
//! (ECG), ServiceRequest, Observation and DiagnosticReport (diagnostic orders),
//! Appointment and Communication (teleconsultations), Schedule, Slot and PractitionerRole
//! (expert outreach and postings), Bundle (searchset), CapabilityStatement and OperationOutcome.
//!
//! The builders take plain values so this crate knows nothing of storage; output is
//! checked in the test suite by validators we did not write.

pub mod chronic;
pub mod consult;
pub mod diagnostics;
pub mod ecg;
pub mod encounter;
pub mod outreach;
pub mod referral;
pub mod resources;
pub mod search;

pub use chronic::*;
pub use consult::*;
pub use diagnostics::*;
pub use ecg::*;
pub use encounter::*;
pub use outreach::*;
pub use referral::*;
pub use resources::*;

/// 居民身份证 OID: the identifier system of Chinese resident ID numbers.
pub const ID_CARD_SYSTEM: &str = "urn:oid:2.16.156.10011.1.3";
/// Our institution codes.
pub const INSTITUTION_CODE_SYSTEM: &str = "urn:yigong:institution-code";
/// Our staff title codes.
pub const TITLE_SYSTEM: &str = "urn:yigong:staff-title";
pub const FHIR_VERSION: &str = "4.0.1";

/// The human-readable texts of the resources, in the reader's language: the caller's
/// message catalogue (`fhir.*` keys).
pub type Texts<'a> = &'a dyn Fn(&'static str) -> &'static str;
