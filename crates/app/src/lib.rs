//! The use cases that more than one edge calls: the HTTP server (`yigong-web`) and the
//! command line (`yigong-cli`) both create accounts, import registry files, load the
//! demo community and speak from the one message catalogue. Nothing here knows HTTP;
//! errors are [`AppError`]s, which each edge renders its own way.

pub mod accounts;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod import;
pub mod passwords;

pub use error::{AppError, Kind};
