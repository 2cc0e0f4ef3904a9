//! Every indicator against an independent engine: a county's two years of encounters and
//! care outside it are generated, written as the import files, imported through the
//! platform's importer, and every figure the API answers (per month, quarter and year;
//! for the community, primary care and one township; this period's and last year's) is
//! compared with what DuckDB computes from the same files with the SQL in
//! `bench/indicators/` — from the tallies kept as the rows arrived, and again after a
//! rebuild from the raw rows. Runs with `YIGONG_DUCKDB_PYTHON` (set by
//! `scripts/install-test-deps`).

use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use yigong_app::import::encounters::{self, Importer, Rows, Upload};
use yigong_demo::encounters::{Person, Place, Row, generate};
use yigong_domain::clock::today;
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::{Month, Span};
use yigong_domain::registry::InstitutionKind;
use yigong_store::indicators::outside::NewOutside;
use yigong_testkit::app::{TestApp, apps};
use yigong_testkit::server::leg;

const MONTHS: u32 = 24;

fn word(k: Kind) -> &'static str {
    match k {
        Kind::Outpatient => "门诊",
        Kind::Emergency => "急诊",
        Kind::Inpatient => "住院",
    }
}

/// Writes the three files for the app's county; the outside rows to store.
async fn write_county(app: &TestApp, dir: &Path) -> Vec<NewOutside> {
    let c = app.state.community.id;
    let institutions = app
        .state
        .store
        .list_institutions(c)
        .await
        .expect("institutions");
    let index: HashMap<uuid::Uuid, usize> = institutions
        .iter()
        .enumerate()
        .map(|(n, i)| (i.id, n))
        .collect();
    let mut inst = String::from("code,kind,parent_code\n");
    for i in &institutions {
        let parent = i
            .parent_id
            .and_then(|p| index.get(&p))
            .map_or("", |&p| institutions[p].code.as_str());
        let _ = writeln!(inst, "{},{},{}", i.code, i.kind, parent);
    }
    std::fs::write(dir.join("institutions.csv"), inst).expect("write");
    let places: Vec<Place> = institutions
        .iter()
        .map(|i| Place {
            kind: InstitutionKind::parse(&i.kind).expect("kind"),
            parent: i.parent_id.and_then(|p| index.get(&p).copied()),
            code: i.code.clone(),
        })
        .collect();
    let residents = app.state.store.resident_keys(c).await.expect("residents");
    let people: Vec<Person> = residents
        .iter()
        .map(|r| Person { home: index[&r.2] })
        .collect();
    let mut first = Month::of(today());
    for _ in 1..MONTHS {
        first = first.previous();
    }
    let mut enc = String::from(
        "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)\n",
    );
    let mut out =
        String::from("home_code,kind,started_on,ended_on,total_fen,insurance_fen,referred\n");
    let mut away = Vec::new();
    generate(
        11,
        &places,
        &people,
        first,
        MONTHS,
        today(),
        &mut |row| match row {
            Row::Visit(v) => {
                let end = v.ended_on.map(|d| d.to_string()).unwrap_or_default();
                let _ = writeln!(
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
                );
            }
            Row::Away(a) => {
                let (id, _, home) = residents[a.person].clone();
                let end = a.ended_on.map(|d| d.to_string()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},0",
                    places[index[&home]].code,
                    a.kind.as_str(),
                    a.started_on,
                    end,
                    a.total_fen,
                    a.insurance_fen
                );
                away.push(yigong_demo::seed::encounters::away_row(a, (id, home)));
            }
        },
    );
    std::fs::write(dir.join("encounters.csv"), enc).expect("write");
    std::fs::write(dir.join("outside.csv"), out).expect("write");
    away
}

/// The periods and scopes compared: (request key, API query, DuckDB request).
fn requests(
    app: &TestApp,
    institutions: &[yigong_store::institutions::Institution],
) -> Vec<(String, String, Value)> {
    let codes = |keep: &dyn Fn(&yigong_store::institutions::Institution) -> bool| -> Vec<String> {
        institutions
            .iter()
            .filter(|i| i.kind != "bureau" && keep(i))
            .map(|i| i.code.clone())
            .collect()
    };
    let township = app.places.township;
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
    for _ in 0..MONTHS {
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
                "blast": b.last.key(), "bbfirst": bb.first.key(), "bblast": bb.last.key(), "scope": scope});
            out.push((key, format!("/api/v1/indicators?period={p}{filter}"), req));
        }
    }
    out
}

fn duckdb(python: &str, dir: &Path, reqs: &[(String, String, Value)]) -> Value {
    let file = dir.join("requests.json");
    let list: Vec<&Value> = reqs.iter().map(|r| &r.2).collect();
    std::fs::write(&file, serde_json::to_vec(&list).expect("json")).expect("write");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/indicators/duckdb_figures.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(dir)
        .arg(&file)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "duckdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("duckdb's JSON")
}

/// Compares every figure; the number of figures compared.
async fn compare(
    app: &TestApp,
    theirs: &Value,
    reqs: &[(String, String, Value)],
    when: &str,
) -> usize {
    let manager = app.login("manager").await;
    let mut n = 0;
    for (key, path, _) in reqs {
        let ours = app.get(path, &manager).await.json();
        for f in ours.as_array().expect("figures") {
            let code = f["code"].as_str().expect("code");
            for (span, value) in [("now", &f["value"]), ("before", &f["previous"])] {
                let t = &theirs[key][span][code];
                let at = format!(
                    "{} {when} {key} {span} {code}: ours {f}, DuckDB {t}",
                    app.label
                );
                if span == "now" {
                    assert_eq!((&f["numerator"], &f["denominator"]), (&t[0], &t[1]), "{at}");
                }
                match (value.as_f64(), t[2].as_f64()) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{at}"),
                    (None, None) => {}
                    _ => panic!("{at}"),
                }
                n += 1;
            }
        }
    }
    n
}

#[tokio::test]
async fn every_indicator_matches_duckdb_from_the_files_before_and_after_a_rebuild() {
    if !leg("YIGONG_DUCKDB_PYTHON") {
        return;
    }
    let python = std::env::var("YIGONG_DUCKDB_PYTHON").expect("python");
    for app in apps(1500).await {
        let c = app.state.community.id;
        let dir: PathBuf = std::env::temp_dir().join("yigong-tests").join(format!(
            "duckdb-{}-{}",
            app.label,
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let away = write_county(&app, &dir).await;
        let file = dir.join("encounters.csv");
        let hash =
            encounters::file_hash(&mut std::fs::File::open(&file).expect("open")).expect("hash");
        let rows = Rows::open(
            "encounters.csv",
            Box::new(std::fs::File::open(&file).expect("open")),
        )
        .expect("rows");
        let who = Importer {
            account_id: None,
            username: "test",
        };
        let s = encounters::import(
            &app.state.store,
            c,
            who,
            Upload {
                file_name: "encounters.csv",
                hash: &hash,
                today: today(),
            },
            rows,
            &mut |_| {},
        )
        .await
        .expect("imports");
        assert_eq!(s.rejected, 0, "{}: {:?}", app.label, s.rejects);
        assert!(
            s.stored.inserted > 8_000,
            "{}: {}",
            app.label,
            s.stored.inserted
        );
        let audit = yigong_demo::seed::outreach::demo_entry("outside.add", "outside_visit");
        for chunk in away.chunks(2000) {
            app.state
                .store
                .add_outside_visits(c, chunk, &audit)
                .await
                .expect("outside");
        }
        let institutions = app
            .state
            .store
            .list_institutions(c)
            .await
            .expect("institutions");
        let reqs = requests(&app, &institutions);
        let theirs = duckdb(&python, &dir, &reqs);
        let n = compare(&app, &theirs, &reqs, "kept").await;
        // 29 periods × 3 scopes × 8 indicators × (this period, last year).
        assert_eq!(n, reqs.len() * 8 * 2, "{}", app.label);
        app.state.store.rebuild_tallies(c).await.expect("rebuild");
        compare(&app, &theirs, &reqs, "rebuilt").await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
