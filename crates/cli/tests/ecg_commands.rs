//! The ECG commands as a user runs them: `yigong ecg detect DIR --out OUTDIR` writes one
//! `.peaks` file per WFDB record (0-based R-peak indices, first channel, whole record),
//! and `yigong ecg measure FILE` prints the measurements as JSON.

use std::path::PathBuf;
use std::process::Command;

fn data() -> PathBuf {
    std::env::var_os("YIGONG_ECG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ecg")
        })
}

#[test]
fn detect_writes_a_peaks_file_per_record() {
    let work = std::env::temp_dir().join(format!("yigong-detect-{}", std::process::id()));
    let (records, out) = (work.join("records"), work.join("out"));
    std::fs::create_dir_all(&records).expect("mkdir");
    for record in ["101", "208"] {
        for ext in ["hea", "dat"] {
            std::fs::copy(
                data().join(format!("mitdb/{record}.{ext}")),
                records.join(format!("{record}.{ext}")),
            )
            .expect("copy");
        }
    }
    let run = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", "detect"])
        .arg(&records)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (record, reference) in [("101", 1865), ("208", 2955)] {
        let text =
            std::fs::read_to_string(out.join(format!("{record}.peaks"))).expect("peaks file");
        let peaks: Vec<usize> = text
            .lines()
            .map(|l| l.parse().expect("an index per line"))
            .collect();
        assert!(peaks.windows(2).all(|w| w[0] < w[1]) && peaks.iter().all(|p| *p < 650_000));
        let off = (peaks.len() as f64 - reference as f64).abs() / reference as f64;
        assert!(
            off < 0.02,
            "{record}: {} peaks against {reference} beats",
            peaks.len()
        );
    }
    let empty = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", "detect"])
        .arg(&out)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        !empty.status.success(),
        "a folder without records is an error"
    );
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn measure_prints_the_measurements_as_json() {
    let run = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", "measure"])
        .arg(data().join("formats/dicom/pydicom_waveform_ecg.dcm"))
        .output()
        .expect("runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(v["format"], "dicom");
    assert_eq!(v["leads"].as_array().map(Vec::len), Some(12));
    assert!(
        v["measurements"]["heart_rate_bpm"]
            .as_f64()
            .is_some_and(|hr| (hr - 61.1).abs() < 1.0)
    );
    assert!(v["measurements"]["intervals"]["qt_ms"].as_f64().is_some());
    // A WFDB header measures with its signal file beside it.
    let wfdb = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", "measure"])
        .arg(data().join("mitdb/201.hea"))
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&wfdb.stdout).expect("JSON");
    assert_eq!(v["samples_per_lead"], 650_000);
    // Garbage is refused with a reason, not a panic.
    let junk = std::env::temp_dir().join(format!("yigong-junk-{}.csv", std::process::id()));
    std::fs::write(&junk, "not,an\necg").expect("write");
    let bad = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", "measure"])
        .arg(&junk)
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("panicked"));
    let _ = std::fs::remove_file(&junk);
}
