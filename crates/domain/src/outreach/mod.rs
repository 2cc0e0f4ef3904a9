//! Expert outreach (专家下沉, seed 000: 2,200 sessions at townships in a year serving
//! 36,978 people): rosters of experts at townships expanded from weekly templates, the
//! conflicts a plan must not have, a session's life, the slots residents book, and
//! long-term postings with the official indicator they give. The rules that need no
//! storage.

pub mod posting;
pub mod roster;
pub mod session;
pub mod slots;
