//! The ECG commands as a user runs them: `yigong ecg detect DIR --out OUTDIR` writes one
//! `.peaks` file per WFDB record (0-based R-peak indices, first channel, whole record),
//! and `yigong ecg measure FILE` prints the measurements as JSON. They run on the samples
//! shipped in `data/ecg` (the 10-second MIT-BIH excerpts and the 12-lead samples).

use std::path::PathBuf;
use std::process::Command;

/// Runs `yigong ecg COMMAND FILE`.
fn ecg(command: &str, file: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", command])
        .arg(file)
        .output()
        .expect("runs")
}

/// Runs `yigong ecg COMMAND IN --out OUT`.
fn ecg_to(command: &str, input: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(["ecg", command])
        .arg(input)
        .arg("--out")
        .arg(out)
        .output()
        .expect("runs")
}

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ecg")
}

/// The beats the cardiologists marked in a shipped excerpt (`excerpts.tsv`).
fn reference_beats(excerpt: &str) -> usize {
    let manifest = std::fs::read_to_string(data().join("excerpts/excerpts.tsv")).expect("manifest");
    manifest
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|c| c[0] == excerpt)
        .and_then(|c| c.get(2)?.parse().ok())
        .expect("the excerpt's beats")
}

#[test]
fn detect_writes_a_peaks_file_per_record() {
    let work = std::env::temp_dir().join(format!("yigong-detect-{}", std::process::id()));
    let (records, out) = (work.join("records"), work.join("out"));
    std::fs::create_dir_all(&records).expect("mkdir");
    for record in ["101_00", "208_00"] {
        for ext in ["hea", "dat"] {
            std::fs::copy(
                data().join(format!("excerpts/{record}.{ext}")),
                records.join(format!("{record}.{ext}")),
            )
            .expect("copy");
        }
    }
    let run = ecg_to("detect", &records, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for record in ["101_00", "208_00"] {
        let text =
            std::fs::read_to_string(out.join(format!("{record}.peaks"))).expect("peaks file");
        let peaks: Vec<usize> = text
            .lines()
            .map(|l| l.parse().expect("an index per line"))
            .collect();
        assert!(peaks.windows(2).all(|w| w[0] < w[1]) && peaks.iter().all(|p| *p < 3600));
        // A beat cut at either end of the stretch may be found or not.
        let reference = reference_beats(record);
        assert!(
            peaks.len().abs_diff(reference) <= 1,
            "{record}: {} peaks against {reference} beats",
            peaks.len()
        );
    }
    let empty = ecg_to("detect", &out, &out);
    assert!(
        !empty.status.success(),
        "a folder without records is an error"
    );
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn measure_prints_the_measurements_as_json() {
    let run = ecg(
        "measure",
        &data().join("formats/dicom/pydicom_waveform_ecg.dcm"),
    );
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
    let wfdb = ecg("measure", &data().join("excerpts/201_00.hea"));
    let v: serde_json::Value = serde_json::from_slice(&wfdb.stdout).expect("JSON");
    assert_eq!(v["samples_per_lead"], 3600);
    // Garbage is refused with a reason, not a panic.
    let junk = std::env::temp_dir().join(format!("yigong-junk-{}.csv", std::process::id()));
    std::fs::write(&junk, "not,an\necg").expect("write");
    let bad = ecg("measure", &junk);
    assert!(!bad.status.success());
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("panicked"));
    let _ = std::fs::remove_file(&junk);
}

/// The full MIT-BIH development records (`YIGONG_ECG_DATA`, or `shared/data/ecg` beside
/// the repository), or `None`, saying the test was skipped; with
/// `YIGONG_REQUIRE_ALL_LEGS` (CI) their absence fails instead.
fn full_records() -> Option<PathBuf> {
    let full = std::env::var_os("YIGONG_ECG_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ecg")
        });
    if full.join("mitdb/RECORDS").is_file() {
        return Some(full);
    }
    assert!(
        std::env::var("YIGONG_REQUIRE_ALL_LEGS").is_err(),
        "the full MIT-BIH records are not at {}",
        full.display()
    );
    // Straight to stderr: the test harness keeps a passing test's own output.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: the full MIT-BIH records are not at {}",
        full.display()
    );
    None
}

/// `data/ecg/excerpts` is exactly what `yigong ecg excerpts` cuts from the full records
/// (when they are here: `YIGONG_ECG_DATA` or `shared/data/ecg` beside the repository).
#[test]
fn the_shipped_excerpts_are_cut_from_the_full_records() {
    let Some(full) = full_records() else {
        return;
    };
    let out = std::env::temp_dir().join(format!("yigong-excerpts-{}", std::process::id()));
    let run = ecg_to("excerpts", &full, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let shipped = data().join("excerpts");
    let mut names: Vec<_> = std::fs::read_dir(&shipped)
        .expect("shipped excerpts")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 96 * 2 + 1, "96 WFDB pairs and the manifest");
    for name in names {
        assert_eq!(
            std::fs::read(shipped.join(&name)).expect("shipped"),
            std::fs::read(out.join(&name)).expect("cut again"),
            "{name:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// The detector's output on the whole records, scored by the independent scorer beside
/// the records (`tools/ecg_eval_generic.py` of the shared folder, Python's standard
/// library only): gross Se and +P at least 99.5 %.
#[test]
fn the_independent_scorer_passes_the_detectors_output() {
    let Some(full) = full_records() else {
        return;
    };
    let scorer = full.join("../../tools/ecg_eval_generic.py");
    assert!(scorer.is_file(), "{}", scorer.display());
    let out = std::env::temp_dir().join(format!("yigong-scored-{}", std::process::id()));
    let detect = ecg_to("detect", &full.join("mitdb"), &out);
    assert!(
        detect.status.success(),
        "{}",
        String::from_utf8_lossy(&detect.stderr)
    );
    let scored = Command::new("python3")
        .arg(&scorer)
        .arg("--records")
        .arg(full.join("mitdb"))
        .arg("--detections")
        .arg(&out)
        .args([
            "--missing",
            "error",
            "--min-se",
            "99.5",
            "--min-ppv",
            "99.5",
            "--quiet",
        ])
        .output()
        .expect("the scorer runs");
    let text = String::from_utf8_lossy(&scored.stdout);
    assert!(
        scored.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&scored.stderr)
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "independent scorer: {}", text.trim());
    let _ = std::fs::remove_dir_all(&out);
}
