//! What every route shares at the HTTP edge: the error shape, sessions and the current
//! user, the CSRF layer, the audit of refusals, throttles, and password checking.

pub mod auth;
pub mod csrf;
pub mod error;
pub mod passwords;
pub mod refusals;
pub mod throttle;
