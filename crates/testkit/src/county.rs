//! A county's encounters and care outside it as files, for the indicators' independent
//! check and their scale benchmark: the demo's generator over a stored community's
//! residents, written as the import's CSV (`encounters.csv`), with `outside.csv` and
//! `institutions.csv`, the accepted referrals as `referrals.csv`, the reported ECGs as
//! `ecg.csv`, the answered teleconsultations as `consults.csv`, the held outreach
//! sessions as `sessions.csv`, the admitted green-channel
//! cases as `green.csv`, the registered residents as
//! `residents.csv`, the official population figures as `populations.csv`, the
//! postings as `postings.csv` and the chronic-disease registers with their visits as
//! `registers.csv` and `follow_ups.csv` for DuckDB; imported through the platform's own importer;
//! and the figures DuckDB computes from the files with the SQL in `bench/indicators/`.

use serde_json::{Value, json};
use std::io::{BufWriter, Write};
use std::path::Path;
use uuid::Uuid;
use yigong_app::import::encounters::{self, EncounterSummary, Importer, Rows, Upload};
use yigong_demo::encounters::{Row, generate};
use yigong_demo::seed::encounters::{County, county};
use yigong_domain::clock::today;
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::{Month, Span};
use yigong_store::Store;
use yigong_store::indicators::outside::NewOutside;
use yigong_store::institutions::Institution;

fn word(k: Kind) -> &'static str {
    match k {
        Kind::Outpatient => "门诊",
        Kind::Emergency => "急诊",
        Kind::Inpatient => "住院",
    }
}

/// What was written: the encounters in the file, and the outside visits to store.
pub struct Written {
    pub encounters: usize,
    pub away: Vec<NewOutside>,
}

/// Writes the three files for `months` months up to this one, streamed (a county's five
/// years do not fit in memory as text).
pub async fn write(
    store: &Store,
    community: Uuid,
    dir: &Path,
    (seed, months): (u64, u32),
) -> std::io::Result<Written> {
    let County {
        institutions,
        index,
        places,
        residents,
        people,
    } = county(store, community).await.expect("the county");
    write_institutions(&institutions, dir)?;
    write_acceptances(store, community, dir).await?;
    write_ecg_reads(store, community, dir).await?;
    write_sessions(store, community, dir).await?;
    write_population(store, community, &institutions, dir).await?;
    write_green(store, community, dir).await?;
    write_consults(store, community, dir).await?;
    write_chronic(store, community, &institutions, dir).await?;
    let mut first = Month::of(today());
    for _ in 1..months {
        first = first.previous();
    }
    let mut enc = BufWriter::new(std::fs::File::create(dir.join("encounters.csv"))?);
    writeln!(
        enc,
        "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)"
    )?;
    let mut out = BufWriter::new(std::fs::File::create(dir.join("outside.csv"))?);
    writeln!(
        out,
        "home_code,kind,started_on,ended_on,total_fen,insurance_fen,referred"
    )?;
    let mut written = Written {
        encounters: 0,
        away: Vec::new(),
    };
    let mut failed: Option<std::io::Error> = None;
    let mut keep = |r: std::io::Result<()>| {
        if let Err(e) = r {
            failed.get_or_insert(e);
        }
    };
    generate(
        seed,
        &places,
        &people,
        first,
        months,
        today(),
        &mut |row| match row {
            Row::Visit(v) => {
                let end = v.ended_on.map(|d| d.to_string()).unwrap_or_default();
                keep(writeln!(
                    enc,
                    "{},{},{},{},{},{},{},{},{},{}",
                    places[v.place].code,
                    v.department,
                    v.visit_no,
                    residents[v.person].1,
                    word(v.kind),
                    v.started_on,
                    end,
                    v.diagnoses,
                    v.total_fen,
                    v.insurance_fen
                ));
                written.encounters += 1;
            }
            Row::Away(a) => {
                let (id, _, home) = residents[a.person].clone();
                let end = a.ended_on.map(|d| d.to_string()).unwrap_or_default();
                keep(writeln!(
                    out,
                    "{},{},{},{},{},{},0",
                    places[index[&home]].code,
                    a.kind.as_str(),
                    a.started_on,
                    end,
                    a.total_fen,
                    a.insurance_fen
                ));
                written
                    .away
                    .push(yigong_demo::seed::encounters::away_row(a, (id, home)));
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    enc.flush()?;
    out.flush()?;
    Ok(written)
}

/// Writes `institutions.csv`: each institution's code, kind and parent's code.
fn write_institutions(institutions: &[Institution], dir: &Path) -> std::io::Result<()> {
    let mut f = BufWriter::new(std::fs::File::create(dir.join("institutions.csv"))?);
    writeln!(f, "code,kind,parent_code")?;
    for i in institutions {
        let parent = i
            .parent_id
            .and_then(|p| institutions.iter().find(|x| x.id == p))
            .map_or("", |p| p.code.as_str());
        writeln!(f, "{},{},{}", i.code, i.kind, parent)?;
    }
    f.flush()
}

/// Writes `referrals.csv`: every accepted referral stored, with the instant of
/// acceptance in UTC (DuckDB finds its China-time month itself).
async fn write_acceptances(store: &Store, community: Uuid, dir: &Path) -> std::io::Result<()> {
    let rows = store.acceptances(community).await.expect("the referrals");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("referrals.csv"))?);
    writeln!(f, "direction,from_code,to_code,accepted_utc")?;
    let utc = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    for (direction, from, to, at) in rows {
        let at = at
            .to_offset(time::UtcOffset::UTC)
            .format(utc)
            .expect("a time");
        writeln!(f, "{direction},{from},{to},{at}")?;
    }
    f.flush()
}

/// An instant in UTC to the microsecond, as DuckDB reads a timestamp.
fn utc_micros(t: time::OffsetDateTime) -> String {
    let utc = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(utc)
        .expect("a time")
}

/// Writes `ecg.csv`: every reported ECG stored, with its upload and report instants in
/// UTC to the microsecond (DuckDB finds the month and the minutes itself).
async fn write_ecg_reads(store: &Store, community: Uuid, dir: &Path) -> std::io::Result<()> {
    let rows = store.ecg_reads(community).await.expect("the ECGs");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("ecg.csv"))?);
    writeln!(f, "from_code,urgency_rank,uploaded_utc,reported_utc")?;
    let at = utc_micros;
    for (from, rank, uploaded, reported) in rows {
        writeln!(f, "{from},{rank},{},{}", at(uploaded), at(reported))?;
    }
    f.flush()
}

/// Writes `sessions.csv`: every held outreach session, its place, day and people served.
async fn write_sessions(store: &Store, community: Uuid, dir: &Path) -> std::io::Result<()> {
    let rows = store.held_sessions(community).await.expect("the sessions");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("sessions.csv"))?);
    writeln!(f, "place_code,day,people_served")?;
    for (place, day, served) in rows {
        writeln!(f, "{place},{day},{served}")?;
    }
    f.flush()
}

/// Writes `registers.csv` (each register's disease, clinic code, enrolment and end) and
/// `follow_ups.csv` (each visit's register, day, result and type).
async fn write_chronic(
    store: &Store,
    community: Uuid,
    institutions: &[Institution],
    dir: &Path,
) -> std::io::Result<()> {
    let code: std::collections::HashMap<Uuid, &str> = institutions
        .iter()
        .map(|i| (i.id, i.code.as_str()))
        .collect();
    let (registers, visits) = store.chronic_rows(community).await.expect("the registers");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("registers.csv"))?);
    writeln!(f, "register_id,disease,clinic_code,enrolled_on,ended_on")?;
    for (id, disease, clinic, enrolled, ended) in registers {
        let ended = ended.map(|d| d.to_string()).unwrap_or_default();
        let clinic = code.get(&clinic).copied().unwrap_or_default();
        writeln!(f, "{id},{disease},{clinic},{enrolled},{ended}")?;
    }
    f.flush()?;
    let mut f = BufWriter::new(std::fs::File::create(dir.join("follow_ups.csv"))?);
    writeln!(f, "register_id,visit_on,controlled,visit_type")?;
    for (register, on, controlled, kind) in visits {
        let controlled = controlled.map(|c| c.to_string()).unwrap_or_default();
        writeln!(f, "{register},{on},{controlled},{kind}")?;
    }
    f.flush()
}

/// Writes `green.csv`: every admitted green-channel case, its sender's code, the
/// instants of its first contact, referral and admission in UTC to the microsecond, and
/// the target kept with it.
async fn write_green(store: &Store, community: Uuid, dir: &Path) -> std::io::Result<()> {
    let rows = store
        .green_admissions(community)
        .await
        .expect("green channel");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("green.csv"))?);
    writeln!(
        f,
        "from_code,contact_utc,sent_utc,admitted_utc,target_minutes"
    )?;
    let at = utc_micros;
    for (from, contact, sent, admitted, target) in rows {
        let (c, s) = (
            contact.map(at).unwrap_or_default(),
            sent.map(at).unwrap_or_default(),
        );
        writeln!(f, "{from},{c},{s},{},{target}", at(admitted))?;
    }
    f.flush()
}

/// Writes `consults.csv`: every answered teleconsultation, the asking institution's code
/// and the instant of the answer in UTC.
async fn write_consults(store: &Store, community: Uuid, dir: &Path) -> std::io::Result<()> {
    let rows = store
        .answered_consults(community)
        .await
        .expect("consultations");
    let mut f = BufWriter::new(std::fs::File::create(dir.join("consults.csv"))?);
    writeln!(f, "from_code,answered_utc")?;
    for (from, at) in rows {
        writeln!(f, "{from},{}", utc_micros(at))?;
    }
    f.flush()
}

/// Writes `residents.csv` (each active resident's institution code), `populations.csv`
/// (the official figures) and `postings.csv` (every posting with its physician's title).
async fn write_population(
    store: &Store,
    community: Uuid,
    institutions: &[Institution],
    dir: &Path,
) -> std::io::Result<()> {
    let code = |id: Uuid| {
        institutions
            .iter()
            .find(|i| i.id == id)
            .map_or(String::new(), |i| i.code.clone())
    };
    let mut f = BufWriter::new(std::fs::File::create(dir.join("residents.csv"))?);
    writeln!(f, "home_code")?;
    let codes: std::collections::HashMap<Uuid, String> = institutions
        .iter()
        .map(|i| (i.id, i.code.clone()))
        .collect();
    for (_, home, _) in store.resident_births(community).await.expect("residents") {
        writeln!(f, "{}", codes[&home])?;
    }
    f.flush()?;
    let mut f = BufWriter::new(std::fs::File::create(dir.join("populations.csv"))?);
    writeln!(f, "code,year,residents")?;
    for p in store.populations(community).await.expect("populations") {
        writeln!(f, "{},{},{}", code(p.institution_id), p.year, p.residents)?;
    }
    f.flush()?;
    let mut f = BufWriter::new(std::fs::File::create(dir.join("postings.csv"))?);
    writeln!(
        f,
        "staff_id,site_id,site_code,title,direction,start_on,end_on"
    )?;
    let (from, to) = (
        time::macros::date!(1900 - 01 - 01),
        time::macros::date!(9999 - 12 - 31),
    );
    for p in store
        .postings(community, (from, to))
        .await
        .expect("postings")
    {
        let end = p.end_on.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            f,
            "{},{},{},{},{},{},{end}",
            p.staff_id,
            p.institution_id,
            code(p.institution_id),
            p.title,
            p.direction.as_str(),
            p.start_on
        )?;
    }
    f.flush()
}

/// Imports `encounters.csv` of `dir` through the platform's importer, then stores the
/// outside visits.
pub async fn import(
    store: &Store,
    community: Uuid,
    dir: &Path,
    away: &[NewOutside],
) -> EncounterSummary {
    let file = dir.join("encounters.csv");
    let open = || std::fs::File::open(&file).expect("the file");
    let hash = encounters::file_hash(&mut open()).expect("hash");
    let rows = Rows::open("encounters.csv", Box::new(open())).expect("rows");
    let who = Importer {
        account_id: None,
        username: "test",
    };
    let upload = Upload {
        file_name: "encounters.csv",
        hash: &hash,
        today: today(),
    };
    let summary = encounters::import(store, community, who, upload, rows, &mut |_| {})
        .await
        .expect("imports");
    let audit = yigong_demo::seed::outreach::demo_entry("outside.add", "outside_visit");
    for chunk in away.chunks(2000) {
        store
            .add_outside_visits(community, chunk, &audit)
            .await
            .expect("outside");
    }
    store
        .refresh_indicator_statistics()
        .await
        .expect("statistics");
    summary
}

/// The periods and scopes compared: (request key, API query, DuckDB request) for the
/// last `months` months, three quarters and two years; for the community, primary care
/// and `township` with its villages.
pub fn requests(
    institutions: &[Institution],
    township: Uuid,
    months: u32,
) -> Vec<(String, String, Value)> {
    let codes = |keep: &dyn Fn(&Institution) -> bool| -> Vec<String> {
        institutions
            .iter()
            .filter(|i| i.kind != "bureau" && keep(i))
            .map(|i| i.code.clone())
            .collect()
    };
    let scopes = [
        ("all", String::new(), codes(&|_| true)),
        (
            "primary",
            "&level=primary".to_string(),
            codes(&|i| i.kind == "township" || i.kind == "village"),
        ),
        (
            "t01",
            format!("&institution={township}"),
            codes(&|i| i.id == township || i.parent_id == Some(township)),
        ),
    ];
    let mut periods: Vec<String> = Vec::new();
    let mut m = Month::of(today());
    for _ in 0..months {
        periods.push(m.key());
        m = m.previous();
    }
    let this_year = today().year();
    periods.extend([
        format!("{this_year}-Q1"),
        format!("{this_year}-Q2"),
        format!("{}-Q4", this_year - 1),
    ]);
    periods.extend([this_year.to_string(), (this_year - 1).to_string()]);
    let mut out = Vec::new();
    for p in &periods {
        let span = Span::parse(p).expect("period");
        let (b, bb) = (span.year_before(), span.year_before().year_before());
        for (name, filter, scope) in &scopes {
            let key = format!("{p}/{name}");
            let req = json!({"key": key, "first": span.first.key(), "last": span.last.key(), "bfirst": b.first.key(),
                "blast": b.last.key(), "bbfirst": bb.first.key(), "bblast": bb.last.key(),
                "today": today().to_string(), "scope": scope});
            out.push((key, format!("/api/v1/indicators?period={p}{filter}"), req));
        }
    }
    out
}

/// What DuckDB computes from the files of `dir` for each request, and what it printed of
/// its own time (`duckdb load … s, queries … s`).
pub fn duckdb(python: &str, dir: &Path, reqs: &[(String, String, Value)]) -> (Value, String) {
    let file = dir.join("requests.json");
    let list: Vec<&Value> = reqs.iter().map(|r| &r.2).collect();
    std::fs::write(&file, serde_json::to_vec(&list).expect("json")).expect("write");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/indicators/duckdb_figures.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(dir)
        .arg(&file)
        .arg("--time")
        .output()
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert!(out.status.success(), "duckdb: {stderr}");
    (
        serde_json::from_slice(&out.stdout).expect("duckdb's JSON"),
        stderr,
    )
}
