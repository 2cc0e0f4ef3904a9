//! Two months of ECG network history for the demo, from the sample recordings shipped in
//! the repository (`data/ecg`): 10-second stretches of MIT-BIH records (WFDB pairs cut
//! by `yigong ecg excerpts` from the full database) and the 12-lead samples, sent from
//! township and village clinics, read by the ECG centre. The readers' findings come from
//! the cardiologists' annotations of each stretch (kept in `excerpts.tsv`), so what the
//! demo shows is what the recording holds. The newest studies wait on the worklist.

use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::ecg::{Urgency, finding};
use yigong_ecg::{measure, read_upload, wfdb};
use yigong_store::Store;
use yigong_store::ecg::{HistoricStudy, NewReport, NewStudy};

use crate::rng::Rng;

/// Stretches cut from each MIT-BIH record.
const PER_RECORD: usize = 4;
/// Studies the demo makes of each stretch (for different residents and times).
const STUDIES_PER_SAMPLE: usize = 3;
const SECONDS: usize = 10;
const DAYS: i64 = 60;
/// The manifest of the excerpts: one line per stretch, its name and its findings.
const MANIFEST: &str = "excerpts/excerpts.tsv";

/// The sample recordings shipped with the platform (`data/ecg`): the HL7 aECG and DICOM
/// samples and the MIT-BIH excerpts. `YIGONG_ECG_SAMPLES`, or `data/ecg` in the working
/// directory, in any folder above the program, or in the source tree it was built from.
pub fn samples_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("YIGONG_ECG_SAMPLES")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(PathBuf::from("data/ecg"));
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(|a| a.join("data/ecg")));
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ecg"));
    candidates.into_iter().find(|d| d.join(MANIFEST).is_file())
}

/// One recording to send: its files, and the findings its annotations support.
struct Sample {
    files: Vec<(String, Vec<u8>)>,
    findings: Vec<&'static str>,
}

/// The findings the reference annotations of frames `[from, to)` support.
fn annotated(notes: &[wfdb::Annotation], from: u64, to: u64) -> Vec<&'static str> {
    // The rhythm in force at `from`, and any that starts inside.
    let mut rhythms: Vec<&str> = Vec::new();
    if let Some(r) = notes
        .iter()
        .rfind(|a| a.code == wfdb::RHYTHM && a.sample <= from)
    {
        rhythms.push(r.aux.as_str());
    }
    rhythms.extend(
        notes
            .iter()
            .filter(|a| a.code == wfdb::RHYTHM && (from..to).contains(&a.sample))
            .map(|a| a.aux.as_str()),
    );
    let beats: Vec<u8> = notes
        .iter()
        .filter(|a| a.is_beat() && (from..to).contains(&a.sample))
        .map(|a| a.code)
        .collect();
    let has = |code: u8| beats.contains(&code);
    let mut out: Vec<&'static str> = Vec::new();
    let rhythm = |r: &str| rhythms.iter().any(|x| x.starts_with(r));
    if rhythm("(VFL") {
        out.push("vf");
    } else if rhythm("(AFIB") {
        out.push("atrial_fibrillation");
    } else if rhythm("(AFL") {
        out.push("atrial_flutter");
    } else if rhythm("(VT") {
        out.push("vt");
    } else if rhythm("(P") || has(12) {
        out.push("paced");
    } else {
        out.push("sinus_rhythm");
    }
    if has(5) {
        out.push("premature_ventricular");
    }
    if has(8) || has(4) {
        out.push("premature_atrial");
    }
    if has(2) {
        out.push("lbbb");
    }
    if has(3) {
        out.push("rbbb");
    }
    out
}

/// A 10-second stretch of a MIT-BIH record as a WFDB pair, with the findings its
/// reference annotations support and the number of beats they mark in it.
pub struct Excerpt {
    pub name: String,
    pub hea: String,
    pub dat: Vec<u8>,
    pub findings: Vec<&'static str>,
    pub beats: usize,
}

/// Cuts [`PER_RECORD`] stretches of every two-channel format-212 record of the full
/// database in `full` (`mitdb/RECORDS`), at places drawn from `seed`; a record that
/// holds ventricular flutter shows it in its first stretch.
pub fn cut_excerpts(full: &Path, seed: u64) -> anyhow::Result<Vec<Excerpt>> {
    let mut rng = Rng::new(seed ^ 0x00ec_6000);
    let mut out = Vec::new();
    let list = std::fs::read_to_string(full.join("mitdb/RECORDS"))?;
    for record in list.split_whitespace() {
        let header_text = std::fs::read_to_string(full.join(format!("mitdb/{record}.hea")))?;
        let header = wfdb::parse_header(&header_text)?;
        if header.signals.len() != 2 || header.signals.iter().any(|s| s.format != 212) {
            continue;
        }
        let dat = std::fs::read(full.join(format!("mitdb/{record}.dat")))?;
        let notes =
            wfdb::read_annotations(&std::fs::read(full.join(format!("mitdb/{record}.atr")))?)?;
        let frames = (SECONDS as f64 * header.fs) as usize;
        let total = dat.len() / 3;
        let mut starts: Vec<usize> = (0..PER_RECORD)
            .map(|_| rng.below((total - frames) as u64) as usize)
            .collect();
        if let Some(vf) = notes
            .iter()
            .find(|a| a.code == wfdb::RHYTHM && a.aux.starts_with("(VFL"))
        {
            starts[0] = (vf.sample as usize + 2 * header.fs as usize).min(total - frames);
        }
        for (k, start) in starts.into_iter().enumerate() {
            let name = format!("{record}_{k:02}");
            let mut hea = format!("{name} 2 {} {frames}\n", header.fs);
            for s in &header.signals {
                hea.push_str(&format!(
                    "{name}.dat 212 {}({}) 11 0 0 0 0 {}\n",
                    s.gain, s.baseline, s.description
                ));
            }
            out.push(Excerpt {
                // Two 12-bit channels make three bytes a frame: a stretch is a byte range.
                dat: dat[start * 3..(start + frames) * 3].to_vec(),
                hea,
                findings: annotated(&notes, start as u64, (start + frames) as u64),
                beats: notes
                    .iter()
                    .filter(|a| {
                        a.is_beat() && (start..start + frames).contains(&(a.sample as usize))
                    })
                    .count(),
                name,
            });
        }
    }
    Ok(out)
}

/// Writes excerpts as `DIR/NAME.hea`, `DIR/NAME.dat` and the manifest `DIR/excerpts.tsv`.
pub fn write_excerpts(dir: &Path, excerpts: &[Excerpt]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut manifest =
        String::from("# name\tfindings (from the reference annotations)\treference beats\n");
    for e in excerpts {
        std::fs::write(dir.join(format!("{}.hea", e.name)), &e.hea)?;
        std::fs::write(dir.join(format!("{}.dat", e.name)), &e.dat)?;
        manifest.push_str(&format!(
            "{}\t{}\t{}\n",
            e.name,
            e.findings.join(","),
            e.beats
        ));
    }
    std::fs::write(dir.join("excerpts.tsv"), manifest)?;
    Ok(())
}

/// The shipped excerpts (`dir/excerpts`) and the 12-lead samples, as recordings to send.
fn samples(dir: &Path) -> anyhow::Result<Vec<Sample>> {
    let mut out = Vec::new();
    for line in std::fs::read_to_string(dir.join(MANIFEST))?.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut columns = line.split('\t');
        let (name, codes) = (
            columns.next().unwrap_or_default(),
            columns.next().unwrap_or_default(),
        );
        let findings = codes
            .split(',')
            .map(|c| {
                finding(c)
                    .map(|f| f.code)
                    .ok_or_else(|| anyhow::anyhow!("{MANIFEST}: unknown finding {c:?}"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let files = vec![
            (
                format!("{name}.hea"),
                std::fs::read(dir.join(format!("excerpts/{name}.hea")))?,
            ),
            (
                format!("{name}.dat"),
                std::fs::read(dir.join(format!("excerpts/{name}.dat")))?,
            ),
        ];
        for _ in 0..STUDIES_PER_SAMPLE {
            out.push(Sample {
                files: files.clone(),
                findings: findings.clone(),
            });
        }
    }
    for (name, path) in [
        (
            "example.xml",
            "formats/hl7-aecg/hl7_2003-12_example_aecg.xml",
        ),
        ("ecg.dcm", "formats/dicom/pydicom_waveform_ecg.dcm"),
    ] {
        let bytes = std::fs::read(dir.join(path))?;
        for _ in 0..6 {
            out.push(Sample {
                files: vec![(name.to_string(), bytes.clone())],
                findings: vec!["sinus_rhythm"],
            });
        }
    }
    Ok(out)
}

/// The words a reader writes for a finding code, in the conclusion of a report.
pub type Label<'a> = &'a (dyn Fn(&str) -> String + Sync);

/// Adds the history; returns how many studies it stored.
pub async fn add_history(
    store: &Store,
    community: Uuid,
    dir: &Path,
    seed: u64,
    label: Label<'_>,
) -> anyhow::Result<usize> {
    let mut rng = Rng::new(seed ^ 0x00ec_6000);
    let samples = samples(dir)?;
    let Some(cast) = Cast::of(store, community).await? else {
        return Ok(0);
    };
    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::with_capacity(samples.len());
    for (k, sample) in samples.into_iter().enumerate() {
        rows.push(historic(&mut rng, k, sample, &cast, now, label)?);
    }
    rows.sort_by_key(|r| r.created_at);
    // The newest critical report is still waiting for its clinic's acknowledgement, so
    // the office's escalation list has something to show.
    if let Some(last) = rows
        .iter_mut()
        .rev()
        .find(|r| r.report.as_ref().is_some_and(|(r, _)| r.critical))
    {
        last.acknowledged = None;
    }
    store.bulk_load_studies(community, &rows).await?;
    Ok(rows.len())
}

/// Who takes part: grassroots residents (and their clinics), the demo readers, and the
/// demo accounts that send from their clinics.
struct Cast {
    residents: Vec<(Uuid, Uuid)>,
    readers: Vec<Uuid>,
    senders: Vec<(Uuid, Uuid)>,
}

impl Cast {
    /// `None` when the community has no grassroots residents or no reader.
    async fn of(store: &Store, community: Uuid) -> anyhow::Result<Option<Cast>> {
        let institutions = store.list_institutions(community).await?;
        let grassroots: std::collections::HashSet<Uuid> = institutions
            .iter()
            .filter(|i| i.kind == "township" || i.kind == "village")
            .map(|i| i.id)
            .collect();
        let residents: Vec<(Uuid, Uuid)> = store
            .resident_sample(community, 5000)
            .await?
            .into_iter()
            .filter(|(_, inst)| grassroots.contains(inst))
            .collect();
        if residents.is_empty() {
            return Ok(None);
        }
        let mut accounts = std::collections::HashMap::new();
        for name in ["ecg", "specialist", "township", "village"] {
            if let Some(a) = store.find_account(community, name).await? {
                accounts.insert(name, a);
            }
        }
        let readers: Vec<Uuid> = ["ecg", "specialist"]
            .iter()
            .filter_map(|n| accounts.get(n))
            .map(|a| a.id)
            .collect();
        let senders: Vec<(Uuid, Uuid)> = ["township", "village"]
            .iter()
            .filter_map(|n| accounts.get(n))
            .map(|a| (a.institution_id, a.id))
            .collect();
        Ok((!readers.is_empty()).then_some(Cast {
            residents,
            readers,
            senders,
        }))
    }
}

/// The `k`th study of the history: a sample recording sent for a resident some time in
/// the period, read (or still waiting) and, when critical, acknowledged.
fn historic(
    rng: &mut Rng,
    k: usize,
    sample: Sample,
    cast: &Cast,
    now: OffsetDateTime,
    label: Label<'_>,
) -> anyhow::Result<HistoricStudy> {
    let named: Vec<(&str, &[u8])> = sample
        .files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (format, recording) = read_upload(&named, None)?;
    let measured = measure::measure(&recording);
    let alerts: Vec<&str> = measured.alerts.iter().map(|a| a.as_str()).collect();
    let chest_pain = rng.percent(15);
    let urgency = Urgency::assess(&alerts, chest_pain);
    let (resident, institution) = cast.residents[rng.below(cast.residents.len() as u64) as usize];
    // Spread over the period, oldest first; the last few arrived within the hour.
    let age = if k.is_multiple_of(40) {
        rng.minutes(1, 50)
    } else {
        rng.minutes(60, DAYS * 24 * 60)
    };
    let created_at = now - age;
    let findings = with_rate(sample.findings.clone(), measured.heart_rate_bpm);
    let critical = findings
        .iter()
        .any(|f| finding(f).is_some_and(|f| f.critical));
    let reader = cast.readers[rng.below(cast.readers.len() as u64) as usize];
    let (claimed, report) = reading(rng, urgency, (created_at, now), reader, &findings, label);
    let uploader = cast
        .senders
        .iter()
        .find(|(i, _)| *i == institution)
        .map(|(_, a)| *a);
    let acknowledged = match (&report, critical) {
        (Some((_, at)), true) => {
            let ack_at = *at + rng.minutes(2, 30);
            (ack_at < now && now - *at > Duration::hours(2))
                .then_some((uploader.unwrap_or(reader), ack_at))
        }
        _ => None,
    };
    Ok(HistoricStudy {
        study: NewStudy {
            resident_id: resident,
            from_institution_id: institution,
            uploaded_by: uploader,
            urgency_rank: urgency.rank(),
            chest_pain,
            symptoms: if chest_pain {
                "胸痛、胸闷".into()
            } else {
                String::new()
            },
            symptom_onset_at: chest_pain.then(|| created_at - rng.minutes(20, 180)),
            recorded_at: created_at - rng.minutes(2, 15),
            format: format.as_str().to_string(),
            sample_rate: recording.fs,
            lead_count: recording.leads.len() as i32,
            samples_per_lead: recording.len() as i64,
            heart_rate: measured.heart_rate_bpm,
            alerts: alerts.join(","),
            measurements: serde_json::to_string(&measured)?,
            files: sample.files,
        },
        created_at,
        claimed,
        report,
        acknowledged,
    })
}

/// Who claimed a study and its report, if the reader got to it by `now`: sooner the more
/// urgent; one in three studies still waiting is already claimed.
#[allow(clippy::type_complexity)]
fn reading(
    rng: &mut Rng,
    urgency: Urgency,
    (created_at, now): (OffsetDateTime, OffsetDateTime),
    reader: Uuid,
    findings: &[&str],
    label: Label<'_>,
) -> (
    Option<(Uuid, OffsetDateTime)>,
    Option<(NewReport, OffsetDateTime)>,
) {
    let critical = findings
        .iter()
        .any(|f| finding(f).is_some_and(|f| f.critical));
    let (lo, hi) = match urgency {
        Urgency::Critical => (2, 12),
        Urgency::Urgent => (3, 25),
        Urgency::Routine => (8, 150),
    };
    let report_at = created_at + rng.minutes(lo, hi);
    let claimed_at = created_at + (report_at - created_at) / 3;
    if report_at > now {
        return (
            rng.percent(33)
                .then_some((reader, created_at + Duration::minutes(1))),
            None,
        );
    }
    let conclusion = findings
        .iter()
        .filter(|f| finding(f).is_some())
        .map(|f| label(f))
        .collect::<Vec<_>>()
        .join("，");
    let report = NewReport {
        findings: findings.join(","),
        conclusion: format!("{conclusion}。请结合临床。"),
        critical,
    };
    (Some((reader, claimed_at)), Some((report, report_at)))
}

/// A sinus rhythm's reference findings with the rate's own finding added when it is
/// slow or fast.
fn with_rate(mut findings: Vec<&'static str>, heart_rate: Option<f64>) -> Vec<&'static str> {
    match heart_rate {
        Some(hr) if hr < 60.0 && findings == ["sinus_rhythm"] => findings.push("sinus_bradycardia"),
        Some(hr) if hr > 100.0 && findings == ["sinus_rhythm"] => {
            findings.push("sinus_tachycardia")
        }
        _ => {}
    }
    findings
}
