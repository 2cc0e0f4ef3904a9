//! Indicators at county scale (prints figures; `cargo bench -p yigong-web --bench
//! indicators`): a county of `YIGONG_BENCH_RESIDENTS` residents (default 100,000) with
//! `YIGONG_BENCH_MONTHS` months of encounters (default 12; the county scale of the
//! indicators' issue is 1,000,000 and 60, about 20 million rows) written as the import's
//! CSV; per engine: the import through the platform's importer (rows/s), the full rebuild
//! of the tallies, then through HTTP the month's and the year's figures and a drill-down
//! page (median, p90, p99; target p99 under 50 ms on SQLite), every compared period and
//! scope answered once, and DuckDB computing the same figures from the same files (with
//! `YIGONG_DUCKDB_PYTHON`), with the ratio. SQLite always; PostgreSQL too when
//! `YIGONG_TEST_PG` names a server.

use std::time::{Duration, Instant};
use yigong_domain::clock::today;
use yigong_domain::indicators::month::Month;
use yigong_store::Store;
use yigong_testkit::bench as support;
use yigong_testkit::county;
use yigong_web::state::AppState;

use support::{Conn, json_str, latency};

const REQUESTS: usize = 300;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

async fn run(store: Store, label: &str) {
    let residents = setting("YIGONG_BENCH_RESIDENTS", 100_000) as usize;
    let months = setting("YIGONG_BENCH_MONTHS", 12) as u32;
    let started = Instant::now();
    let (community, places) = yigong_web::demo::load(&store, 3, residents, &mut |_| {})
        .await
        .expect("demo");
    let c = community.id;
    println!(
        "[{label}] {residents} residents stored in {:.0} s",
        secs(started.elapsed())
    );
    let dir = std::env::temp_dir().join(format!("yigong-bench-indicators-{label}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let t = Instant::now();
    let written = county::write(&store, c, &dir, (11, months))
        .await
        .expect("the files");
    let size = std::fs::metadata(dir.join("encounters.csv")).map_or(0, |m| m.len());
    println!(
        "[{label}] {months} months: {} encounters ({:.0} MB of CSV) and {} outside visits written in {:.0} s",
        written.encounters,
        size as f64 / 1e6,
        written.away.len(),
        secs(t.elapsed())
    );
    let t = Instant::now();
    let summary = county::import(&store, c, &dir, &written.away).await;
    let took = secs(t.elapsed());
    assert_eq!(summary.rejected, 0, "{:?}", summary.rejects);
    println!(
        "[{label}] import: {} encounters (and the outside visits) in {took:.1} s, {:.0} rows/s",
        summary.stored.inserted,
        summary.stored.inserted as f64 / took
    );
    let t = Instant::now();
    store.rebuild_tallies(c).await.expect("rebuild");
    let rebuild = secs(t.elapsed());
    println!("[{label}] full rebuild of the tallies: {rebuild:.2} s");

    let institutions = store.list_institutions(c).await.expect("institutions");
    let reqs = county::requests(&institutions, places.township, months);
    let state = AppState::new(store.clone(), community.clone(), true, false);
    let (base, server) = support::serve(state).await;
    let label_owned = label.to_string();
    let paths: Vec<String> = reqs.iter().map(|r| r.1.clone()).collect();
    let answered = tokio::task::spawn_blocking(move || {
        let label = label_owned;
        let mut conn = Conn::open(&base);
        let body = r#"{"username":"manager","password":"demo1234"}"#;
        let answer = conn.post("/api/v1/auth/login", "", body);
        let auth = format!("Bearer {}", json_str(&answer, "token").expect("token"));
        let month = Month::of(today()).previous().key();
        let year = today().year() - 1;
        for (what, path) in [
            (
                "a month's figures",
                format!("/api/v1/indicators?period={month}"),
            ),
            (
                "a year's figures",
                format!("/api/v1/indicators?period={year}"),
            ),
            (
                "a township's month",
                format!(
                    "/api/v1/indicators?period={month}&institution={}",
                    places.township
                ),
            ),
            (
                "drill-down, first page of a month's numerator",
                format!(
                    "/api/v1/indicators/primary_visit_share/cases?period={month}&part=numerator"
                ),
            ),
            (
                "drill-down, first page of a year's denominator",
                format!(
                    "/api/v1/indicators/ip_in_county_share/cases?period={year}&part=denominator"
                ),
            ),
            (
                "drill-down, page 50 of a month's numerator",
                format!(
                    "/api/v1/indicators/primary_visit_share/cases?period={month}&part=numerator&page=50"
                ),
            ),
            (
                "drill-down, a township's year of stays",
                format!(
                    "/api/v1/indicators/ip_in_county_share/cases?period={year}&part=numerator&institution={}",
                    places.township
                ),
            ),
        ] {
            latency(&label, what, (&mut conn, REQUESTS), &path, &auth);
        }
        let t = Instant::now();
        for p in &paths {
            conn.send("GET", p, &auth, "");
        }
        t.elapsed()
    })
    .await
    .expect("requests");
    server.abort();
    println!(
        "[{label}] every compared period and scope ({} figure lists) answered in {:.3} s",
        reqs.len(),
        secs(answered)
    );
    if let Ok(python) = std::env::var("YIGONG_DUCKDB_PYTHON") {
        let t = Instant::now();
        let (_, timing) = county::duckdb(&python, &dir, &reqs);
        let duck = secs(t.elapsed());
        println!(
            "[{label}] DuckDB from the CSV, the same figures: {duck:.2} s in all ({timing}); \
             {:.0}× the platform's answers from its tallies, {:.1}× its full rebuild",
            duck / secs(answered),
            duck / rebuild
        );
    } else {
        println!("[{label}] DuckDB skipped: YIGONG_DUCKDB_PYTHON is not set");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    support::on_each_engine(|store, label| async move { run(store, label).await });
}
