//! The real sample recordings the ECG tests and benchmarks read: `shared/data/ecg`
//! beside the repository, or `YIGONG_ECG_DATA`.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn data() -> PathBuf {
    std::env::var_os("YIGONG_ECG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ecg")
        })
}

/// A sample file's bytes (`path` below the data folder).
pub fn file(path: &str) -> Vec<u8> {
    let p = data().join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
