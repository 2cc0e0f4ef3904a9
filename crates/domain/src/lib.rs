//! Yigong domain: the types and rules of a county medical community, free of I/O.
//!
//! Every rule that can be stated without a database or a network lives here and is
//! tested here: resident identity (GB 11643), phone numbers, masking, the institution
//! hierarchy, roles and what each may see.

pub mod access;
pub mod attachment;
pub mod chronic;
pub mod clock;
pub mod code;
pub mod diagnostics;
pub mod ecg;
pub mod family;
pub mod icd10;
pub mod identity;
pub mod ids;
pub mod indicators;
pub mod measures;
pub mod outreach;
pub mod party;
pub mod period;
pub mod referral;
pub mod registry;
pub mod screening;
pub mod text;
