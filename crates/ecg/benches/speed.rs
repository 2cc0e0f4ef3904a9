//! ECG speed (prints figures; `bench/ecg-speed` installs the peer and runs this):
//!
//! 1. QRS detection over a whole 30-minute MIT-BIH record (360 Hz, first channel), in
//!    million samples per second on one core, median of repeated runs; and the same for
//!    sleepecg's C detector on the same samples in the same run, when
//!    `YIGONG_BENCH_PYTHON` names a Python with sleepecg installed; with the ratio.
//! 2. The full measurement of a 10-second 12-lead recording (the HL7 aECG and DICOM
//!    samples), median of repeated runs.

use std::process::Command;
use std::time::{Duration, Instant};
use yigong_ecg::{measure::measure, qrs, read_upload};
#[path = "../tests/support/mod.rs"]
mod support;
use support::file;

const RUNS: usize = 21;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let s = Instant::now();
                std::hint::black_box(f());
                s.elapsed()
            })
            .collect(),
    )
}

/// Times sleepecg's `detect_heartbeats` (C backend) on the same samples; seconds per run.
fn sleepecg(python: &str, signal: &[f32], fs: f64) -> Option<(f64, usize)> {
    let dir = std::env::temp_dir().join(format!("yigong-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let raw = dir.join("signal.f64");
    let bytes: Vec<u8> = signal
        .iter()
        .flat_map(|v| f64::from(*v).to_le_bytes())
        .collect();
    std::fs::write(&raw, bytes).ok()?;
    let script = format!(
        r#"
import time, numpy, sleepecg
x = numpy.fromfile(r"{raw}", dtype="<f8")
sleepecg.detect_heartbeats(x, {fs})
t = []
for _ in range({RUNS}):
    s = time.perf_counter(); beats = sleepecg.detect_heartbeats(x, {fs}); t.append(time.perf_counter() - s)
t.sort()
print(t[len(t) // 2], len(beats))
"#,
        raw = raw.display()
    );
    let out = Command::new(python).arg("-c").arg(script).output().ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        eprintln!("sleepecg: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
}

fn main() {
    let record = std::env::var("YIGONG_BENCH_RECORD").unwrap_or_else(|_| "208".into());
    let (hea, dat) = (
        file(&format!("mitdb/{record}.hea")),
        file(&format!("mitdb/{record}.dat")),
    );
    let (_, r) = read_upload(&[("r.hea", &hea), ("r.dat", &dat)], None).expect("record");
    let signal = &r.leads[0].samples;
    let n = signal.len();
    let ours = time(RUNS, || qrs::detect(signal, r.fs));
    let ours_rate = n as f64 / ours.as_secs_f64() / 1e6;
    println!(
        "detect, record {record} ({n} samples at {} Hz, {} beats): ours {:.2} ms = {ours_rate:.1} M samples/s (median of {RUNS})",
        r.fs,
        qrs::detect(signal, r.fs).len(),
        ours.as_secs_f64() * 1000.0
    );
    match std::env::var("YIGONG_BENCH_PYTHON") {
        Ok(python) => match sleepecg(&python, signal, r.fs) {
            Some((secs, beats)) => {
                let rate = n as f64 / secs / 1e6;
                println!(
                    "detect, record {record}: sleepecg (C backend) {:.2} ms = {rate:.1} M samples/s, {beats} beats; ours/sleepecg = {:.2}",
                    secs * 1000.0,
                    ours_rate / rate
                );
            }
            None => println!("sleepecg did not run"),
        },
        Err(_) => println!("sleepecg: not measured (run bench/ecg-speed, which installs it)"),
    }

    for (name, path) in [
        ("a.xml", "formats/hl7-aecg/hl7_2003-12_example_aecg.xml"),
        ("a.dcm", "formats/dicom/pydicom_waveform_ecg.dcm"),
    ] {
        let bytes = file(path);
        let (_, rec) = read_upload(&[(name, &bytes)], None).expect("sample");
        let took = time(RUNS * 5, || measure(&rec));
        let read = time(RUNS, || read_upload(&[(name, &bytes)], None));
        println!(
            "measure, {path} ({} leads × {} samples at {} Hz): {:.2} ms (reading the file: {:.2} ms)",
            rec.leads.len(),
            rec.len(),
            rec.fs,
            took.as_secs_f64() * 1000.0,
            read.as_secs_f64() * 1000.0
        );
    }
}
