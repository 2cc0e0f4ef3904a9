//! QRS detection accuracy on the 24 MIT-BIH development records, scored as ANSI/AAMI
//! EC57 does (a detection within 150 ms of a reference beat matches it, one to one;
//! whole records, first channel): gross sensitivity and positive predictivity each at
//! least 99.5 %, and the R mark on the R peak (mean |detection − reference| under 10 ms).
//! The same figures come from `yigong ecg detect` scored by the shared scoring script.

use yigong_ecg::{qrs, wfdb};
mod support;
use support::file;

/// (true positives, false negatives, false positives, summed |offset| of matches in samples)
fn score(reference: &[usize], detected: &[usize], window: usize) -> (usize, usize, usize, usize) {
    let (mut i, mut j) = (0, 0);
    let (mut tp, mut offsets) = (0, 0);
    // Both ascending: walk them together, pairing each reference beat with the nearest
    // unused detection within the window.
    while i < reference.len() && j < detected.len() {
        let (r, d) = (reference[i], detected[j]);
        if d + window < r {
            j += 1;
        } else if r + window < d {
            i += 1;
        } else {
            // A later detection may be closer to this reference beat, and free for it.
            let closer = detected
                .get(j + 1)
                .is_some_and(|&e| e.abs_diff(r) < d.abs_diff(r));
            if closer {
                j += 1;
                continue;
            }
            tp += 1;
            offsets += d.abs_diff(r);
            i += 1;
            j += 1;
        }
    }
    (tp, reference.len() - tp, detected.len() - tp, offsets)
}

#[test]
fn detection_reaches_the_accuracy_targets_on_mitdb() {
    if support::full().is_none() {
        return;
    }
    let list = String::from_utf8(file("mitdb/RECORDS")).expect("list");
    let (mut tp, mut fn_, mut fp, mut offsets) = (0, 0, 0, 0);
    println!("record   ref   det    Se%     +P%   |dt| ms");
    for record in list.split_whitespace() {
        let header = wfdb::parse_header(&String::from_utf8_lossy(&file(&format!(
            "mitdb/{record}.hea"
        ))))
        .expect("header");
        let r = wfdb::read(&header, &file(&format!("mitdb/{record}.dat"))).expect("signal");
        let reference: Vec<usize> = wfdb::read_annotations(&file(&format!("mitdb/{record}.atr")))
            .expect("annotations")
            .iter()
            .filter(|a| a.is_beat())
            .map(|a| a.sample as usize)
            .collect();
        let detected = qrs::detect(&r.leads[0].samples, r.fs);
        let window = (0.150 * r.fs) as usize;
        let (t, n, p, o) = score(&reference, &detected, window);
        println!(
            "{record}    {:5} {:5} {:6.2} {:7.2} {:6.1}",
            reference.len(),
            detected.len(),
            100.0 * t as f64 / (t + n) as f64,
            100.0 * t as f64 / (t + p).max(1) as f64,
            o as f64 / t.max(1) as f64 * 1000.0 / r.fs
        );
        tp += t;
        fn_ += n;
        fp += p;
        offsets += o;
    }
    let se = 100.0 * tp as f64 / (tp + fn_) as f64;
    let ppv = 100.0 * tp as f64 / (tp + fp) as f64;
    let dt = offsets as f64 / tp as f64 * 1000.0 / 360.0;
    println!(
        "gross: Se {se:.2} %, +P {ppv:.2} %, mean |dt| {dt:.1} ms ({tp} TP, {fn_} FN, {fp} FP)"
    );
    assert!(se >= 99.5, "sensitivity {se:.2} %");
    assert!(ppv >= 99.5, "positive predictivity {ppv:.2} %");
    assert!(dt < 10.0, "mean offset {dt:.1} ms");
}
