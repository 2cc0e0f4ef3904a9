//! The readers on the real sample files (`data/ecg/` beside the repository, or
//! `YIGONG_ECG_DATA`): MIT-BIH records in WFDB form, the HL7 aECG and DICOM samples,
//! and the same recording given in two formats read the same.

use yigong_ecg::{Format, Recording, csv, read_upload};
mod support;
use support::file;

fn upload(files: &[(&str, &[u8])], fs: Option<f64>) -> (Format, Recording) {
    read_upload(files, fs)
        .unwrap_or_else(|e| panic!("{:?}: {e}", files.iter().map(|f| f.0).collect::<Vec<_>>()))
}

/// A WFDB record: a shipped excerpt (`208_00`) or a full record (`208`).
fn wfdb(record: &str) -> Recording {
    let dir = if record.contains('_') {
        "excerpts"
    } else {
        "mitdb"
    };
    let (hea, dat) = (
        file(&format!("{dir}/{record}.hea")),
        file(&format!("{dir}/{record}.dat")),
    );
    let (format, r) = upload(
        &[
            (&format!("{record}.hea"), &hea),
            (&format!("{record}.dat"), &dat),
        ],
        None,
    );
    assert_eq!(format, Format::Wfdb);
    r
}

/// Einthoven's law, I + III = II: the largest deviation in mV.
fn einthoven_gap(r: &Recording) -> f32 {
    let lead = |n: &str| &r.lead(n).expect("a limb lead").samples;
    let (i, ii, iii) = (lead("I"), lead("II"), lead("III"));
    (0..r.len())
        .map(|k| (i[k] + iii[k] - ii[k]).abs())
        .fold(0.0, f32::max)
}

/// Two recordings agree: same rate, same leads, samples equal within `tolerance` mV.
fn assert_agree(a: &Recording, b: &Recording, tolerance: f32) {
    assert!(
        (a.fs - b.fs).abs() < 1e-3 * a.fs,
        "{} Hz vs {} Hz",
        a.fs,
        b.fs
    );
    let names = |r: &Recording| r.leads.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for (x, y) in a.leads.iter().zip(&b.leads) {
        assert_eq!(x.samples.len(), y.samples.len(), "lead {}", x.name);
        let worst = x
            .samples
            .iter()
            .zip(&y.samples)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0, f32::max);
        assert!(worst <= tolerance, "lead {}: differs by {worst} mV", x.name);
    }
}

#[test]
fn every_mitdb_record_reads_whole() {
    if support::full().is_none() {
        return;
    }
    let list = String::from_utf8(file("mitdb/RECORDS")).expect("test data");
    let records: Vec<&str> = list.split_whitespace().collect();
    assert_eq!(records.len(), 24);
    for record in records {
        let r = wfdb(record);
        assert_eq!(r.fs, 360.0, "{record}");
        assert_eq!(r.leads.len(), 2, "{record}");
        assert_eq!(r.len(), 650_000, "{record}");
        // 11 bits over 10 mV: every sample within ±5 mV, and the trace is not flat.
        for lead in &r.leads {
            assert!(
                lead.samples.iter().all(|v| v.abs() <= 5.12),
                "{record} {}",
                lead.name
            );
            let (lo, hi) = lead
                .samples
                .iter()
                .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            assert!(hi - lo > 0.5, "{record} {}: range {lo}..{hi}", lead.name);
        }
    }
    // Channel 0 is MLII (brought to "II") except in the V5 records.
    assert_eq!(wfdb("101").leads[0].name, "II");
    assert_eq!(wfdb("114").leads[0].name, "V5");
}

#[test]
fn hl7_aecg_samples_read_as_twelve_leads() {
    let (format, r) = upload(
        &[(
            "example.xml",
            &file("formats/hl7-aecg/hl7_2003-12_example_aecg.xml"),
        )],
        None,
    );
    assert_eq!(format, Format::Aecg);
    assert_eq!(r.fs, 500.0);
    assert!(r.is_twelve_lead());
    assert_eq!(r.len(), 5000);
    // Einthoven's law holds in the recorded leads: I + III = II, within the 2.5 µV scale.
    let worst = einthoven_gap(&r);
    assert!(worst < 0.02, "I + III − II up to {worst} mV");

    let (_, liryc) = upload(
        &[(
            "liryc.xml",
            &file("formats/hl7-aecg/liryc_hl7aecg_example.xml"),
        )],
        None,
    );
    assert_eq!(liryc.fs, 100.0);
    assert!(liryc.is_twelve_lead());
    assert_eq!(liryc.len(), 1000);

    let (_, minimum) = upload(
        &[(
            "minimum.xml",
            &file("formats/hl7-aecg/fda_minimum_aecg.xml"),
        )],
        None,
    );
    assert_eq!(minimum.leads.len(), 1);
    assert_eq!(minimum.leads[0].name, "II");
    assert_eq!(minimum.len(), 13);
    assert!((minimum.leads[0].samples[12] - -0.0225).abs() < 1e-6);
}

#[test]
fn dicom_sample_reads_as_twelve_leads() {
    let (format, r) = upload(
        &[("ecg.dcm", &file("formats/dicom/pydicom_waveform_ecg.dcm"))],
        None,
    );
    assert_eq!(format, Format::Dicom);
    assert_eq!(r.fs, 1000.0);
    assert!(
        r.is_twelve_lead(),
        "{:?}",
        r.leads.iter().map(|l| &l.name).collect::<Vec<_>>()
    );
    assert_eq!(r.len(), 10_000);
    let worst = einthoven_gap(&r);
    assert!(worst < 0.05, "I + III − II up to {worst} mV");
    // A resting ECG: the QRS stands out of the baseline by some tenths of a millivolt.
    let ii = &r.lead("II").expect("lead II").samples;
    let range =
        ii.iter().fold(f32::MIN, |m, v| m.max(*v)) - ii.iter().fold(f32::MAX, |m, v| m.min(*v));
    assert!((0.3..10.0).contains(&range), "lead II spans {range} mV");
}

#[test]
fn the_same_recording_reads_the_same_in_two_formats() {
    // WFDB → CSV (what a machine exporting tables writes) → back.
    let mit = wfdb("208_00");
    let (format, again) = upload(&[("208.csv", csv::write(&mit).as_bytes())], None);
    assert_eq!(format, Format::Csv);
    assert_agree(&mit, &again, 1e-6);
    // The same with the rate declared rather than read off a time column.
    let table = csv::write(&mit);
    let no_time: String = table
        .lines()
        .map(|l| l.split_once(',').expect("test data").1.to_string() + "\n")
        .collect();
    let (_, declared) = upload(&[("208.csv", no_time.as_bytes())], Some(360.0));
    assert_agree(&mit, &declared, 1e-6);

    // HL7 aECG and DICOM, each against its CSV export.
    for (name, path) in [
        ("a.xml", "formats/hl7-aecg/hl7_2003-12_example_aecg.xml"),
        ("a.dcm", "formats/dicom/pydicom_waveform_ecg.dcm"),
    ] {
        let (_, first) = upload(&[(name, &file(path))], None);
        let (_, second) = upload(&[("a.csv", csv::write(&first).as_bytes())], None);
        assert_agree(&first, &second, 1e-6);
    }

    // aECG stores eight leads of the 2003 example's twelve as recorded; deriving the
    // other four from I and II gives what the machine wrote, within its resolution.
    let (_, full) = upload(
        &[(
            "a.xml",
            &file("formats/hl7-aecg/hl7_2003-12_example_aecg.xml"),
        )],
        None,
    );
    let mut eight = full.clone();
    eight
        .leads
        .retain(|l| !["III", "aVR", "aVL", "aVF"].contains(&l.name.as_str()));
    eight.complete_limb_leads();
    assert_agree(&full, &eight, 0.02);
}

#[test]
fn damaged_and_unknown_files_are_refused_with_a_reason() {
    let hea = file("excerpts/101_00.hea");
    let dat = file("excerpts/101_00.dat");
    let named =
        |files: &[(&str, &[u8])]| read_upload(files, None).expect_err("refused").to_string();
    assert!(named(&[("101_00.hea", &hea)]).contains(".hea"));
    assert!(named(&[("101_00.hea", &hea), ("101_00.dat", &dat[..dat.len() / 2])]).contains("3600"));
    assert!(named(&[("photo.jpg", b"\xff\xd8\xff\xe0")]).contains("photo.jpg"));
    let dcm = file("formats/dicom/pydicom_waveform_ecg.dcm");
    assert!(!named(&[("a.dcm", &dcm[..dcm.len() - 100])]).is_empty());
    let xml = file("formats/hl7-aecg/liryc_hl7aecg_example.xml");
    assert!(!named(&[("a.xml", &xml[..xml.len() / 3])]).is_empty());
}
