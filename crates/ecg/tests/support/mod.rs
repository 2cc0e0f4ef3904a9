//! The real recordings the ECG tests and benchmarks read: the samples shipped in the
//! repository (`data/ecg`: exchange formats and 10-second MIT-BIH excerpts), and the
//! full MIT-BIH development records for the accuracy tests, found at `YIGONG_ECG_DATA`
//! or `shared/data/ecg` beside the repository. Tests that need the full records skip,
//! saying so, when they are absent; with `YIGONG_REQUIRE_ALL_LEGS` (CI) they fail instead.
#![allow(dead_code)]

use std::path::PathBuf;

/// The samples shipped in the repository.
pub fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ecg")
}

/// The full development records, if they are here.
pub fn full() -> Option<PathBuf> {
    let dir = std::env::var_os("YIGONG_ECG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ecg")
        });
    if dir.join("mitdb/RECORDS").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("YIGONG_REQUIRE_ALL_LEGS").is_err(),
        "the full MIT-BIH records are not at {} but YIGONG_REQUIRE_ALL_LEGS is set",
        dir.display()
    );
    // Straight to stderr: the test harness keeps a passing test's own output.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: the full MIT-BIH records are not at {} (set YIGONG_ECG_DATA)",
        dir.display()
    );
    None
}

/// A file's bytes: `mitdb/…` from the full records (the caller has checked [`full`]),
/// anything else from the shipped samples.
pub fn file(path: &str) -> Vec<u8> {
    let p = if path.starts_with("mitdb/") {
        full().expect("the full MIT-BIH records").join(path)
    } else {
        samples().join(path)
    };
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
