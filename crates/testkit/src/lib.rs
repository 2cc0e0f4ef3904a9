//! What the tests and benchmarks of every crate share; a dev-dependency only, so none of
//! it is in the product.
//!
//! - [`db`]: a fresh, migrated store per engine (SQLite always, PostgreSQL when
//!   `YIGONG_TEST_PG` names a server), and the schema reader of the parity test;
//! - [`app`]: the whole HTTP application in process, on each engine, with a demo
//!   community and a session per demo role;
//! - [`seeded`]: that demo stored once per process and engine, copied for each test;
//! - [`server`]: the real server on a loopback port, and the switches of optional legs;
//! - [`webdriver`]: a minimal W3C WebDriver client for the browser tests;
//! - [`bench`]: the benchmarks' raw HTTP/1.1 client and engine loop;
//! - [`county`]: a county's encounters as import files, imported, and DuckDB's figures
//!   from the same files (the indicators' independent check and scale benchmark).

pub mod app;
pub mod bench;
pub mod county;
pub mod db;
pub mod lookups;
pub mod seeded;
pub mod server;
pub mod webdriver;
