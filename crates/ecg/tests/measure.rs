//! Measurements on real recordings against references: the intervals a Mortara machine
//! wrote into the DICOM sample and into the HL7 aECG example, and the cardiologists'
//! rhythm annotations of MIT-BIH for atrial-fibrillation suspicion.

use yigong_ecg::measure::{Measurements, Quality, measure};
use yigong_ecg::{Lead, Recording, read_upload, wfdb};
mod support;
use support::file;

fn measured(name: &str, path: &str) -> Measurements {
    let (_, r) = read_upload(&[(name, &file(path))], None).expect("sample reads");
    measure(&r)
}

fn near(what: &str, ours: f64, machine: f64, tolerance: f64) {
    assert!(
        (ours - machine).abs() <= tolerance,
        "{what}: ours {ours:.0} ms, the machine's {machine} ms (tolerance {tolerance} ms)"
    );
}

#[test]
fn dicom_sample_agrees_with_the_machine_that_recorded_it() {
    // The file's own measurement sequence: RR 982, QRS 75, QT 368, QTc 370 ms.
    let m = measured("ecg.dcm", "formats/dicom/pydicom_waveform_ecg.dcm");
    assert!(
        m.quality.iter().all(|q| q.quality == Quality::Good),
        "{:?}",
        m.quality
    );
    near("RR", m.rr.as_ref().expect("RR").median_ms, 982.0, 10.0);
    let i = m.intervals.as_ref().expect("12-lead intervals");
    near("QRS", i.qrs_ms, 75.0, 15.0);
    near("QT", i.qt_ms, 368.0, 20.0);
    near("QTc", i.qtc_ms, 370.0, 25.0);
    assert!(i.st_elevation.is_empty(), "{:?}", i.st_elevation);
    assert!(m.alerts.is_empty(), "{:?}", m.alerts);
}

#[test]
fn hl7_example_agrees_with_its_annotations() {
    // The example's global annotations: QRS 120, QT 420 ms. Our QT comes from the
    // tangent method, which ends the T wave earlier than most machines do.
    let m = measured("a.xml", "formats/hl7-aecg/hl7_2003-12_example_aecg.xml");
    let i = m.intervals.as_ref().expect("12-lead intervals");
    near("QRS", i.qrs_ms, 120.0, 15.0);
    near("QT", i.qt_ms, 420.0, 40.0);
    assert!(i.st_elevation.is_empty(), "{:?}", i.st_elevation);
}

/// One-minute windows of channel 0 lying wholly inside one reference rhythm, with it.
fn rhythm_windows(record: &str) -> Vec<(String, Recording)> {
    let header = wfdb::parse_header(&String::from_utf8_lossy(&file(&format!(
        "mitdb/{record}.hea"
    ))))
    .expect("header");
    let r = wfdb::read(&header, &file(&format!("mitdb/{record}.dat"))).expect("signal");
    let notes = wfdb::read_annotations(&file(&format!("mitdb/{record}.atr"))).expect("annotations");
    let changes: Vec<(usize, String)> = notes
        .iter()
        .filter(|a| a.code == wfdb::RHYTHM)
        .map(|a| (a.sample as usize, a.aux.clone()))
        .collect();
    let minute = 60 * 360;
    let mut out = Vec::new();
    for (k, (start, rhythm)) in changes.iter().enumerate() {
        let end = changes.get(k + 1).map_or(r.len(), |c| c.0);
        let mut at = *start + 360;
        while at + minute <= end {
            let lead = Lead {
                name: r.leads[0].name.clone(),
                samples: r.leads[0].samples[at..at + minute].to_vec(),
            };
            out.push((
                rhythm.clone(),
                Recording {
                    fs: r.fs,
                    leads: vec![lead],
                },
            ));
            at += minute;
        }
    }
    out
}

#[test]
fn atrial_fibrillation_is_suspected_where_cardiologists_marked_it() {
    if support::full().is_none() {
        return;
    }
    let list = String::from_utf8(file("mitdb/RECORDS")).expect("list");
    let (mut af, mut af_hit, mut other, mut other_hit) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for record in list.split_whitespace() {
        for (rhythm, window) in rhythm_windows(record) {
            let suspected = measure(&window)
                .irregularity
                .is_some_and(|i| i.af_suspected);
            if rhythm == "(AFIB" {
                af += 1;
                af_hit += usize::from(suspected);
            } else if rhythm != "(AFL" {
                other += 1;
                other_hit += usize::from(suspected);
                if suspected {
                    misses.push(format!("{record} {rhythm}"));
                }
            }
        }
    }
    println!(
        "AF minutes suspected {af_hit}/{af}; other minutes suspected {other_hit}/{other}: {misses:?}"
    );
    assert!(af >= 20, "{af} AF minutes");
    assert!(
        af_hit * 100 >= af * 85,
        "AF suspected in {af_hit} of {af} AF minutes"
    );
    assert!(
        other_hit * 100 <= other * 5,
        "AF suspected in {other_hit} of {other} minutes without AF: {misses:?}"
    );
}

#[test]
fn every_mitdb_record_gives_the_reference_heart_rate() {
    if support::full().is_none() {
        return;
    }
    let list = String::from_utf8(file("mitdb/RECORDS")).expect("list");
    for record in list.split_whitespace() {
        let hea = file(&format!("mitdb/{record}.hea"));
        let dat = file(&format!("mitdb/{record}.dat"));
        let (_, r) = read_upload(&[("r.hea", &hea), ("r.dat", &dat)], None).expect("reads");
        let m = measure(&r);
        let beats: Vec<u64> = wfdb::read_annotations(&file(&format!("mitdb/{record}.atr")))
            .expect("annotations")
            .iter()
            .filter(|a| a.is_beat())
            .map(|a| a.sample)
            .collect();
        let mut rr: Vec<u64> = beats.windows(2).map(|w| w[1] - w[0]).collect();
        rr.sort_unstable();
        let reference = 60.0 * r.fs / rr[rr.len() / 2] as f64;
        // The heart rate (from the median RR) within 3 % of the cardiologists' beats.
        let hr = m.heart_rate_bpm.expect("rate");
        assert!(
            (hr - reference).abs() <= 0.03 * reference,
            "{record}: {hr:.1} bpm, reference {reference:.1}"
        );
        assert!(m.rr.is_some() && m.irregularity.is_some(), "{record}");
    }
}
