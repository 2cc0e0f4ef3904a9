//! Every indicator against an independent engine: a county's two years of encounters and
//! care outside it are generated, written as the import files (with the demo's accepted
//! referrals, reported ECGs and held outreach sessions beside them), imported through the
//! platform's importer, and every figure the API answers (per month, quarter and year;
//! for the community, primary care and one township; this period's and last year's) is
//! compared with what DuckDB computes from the same files with the SQL in
//! `bench/indicators/` — from the tallies kept as the rows arrived, and again after a
//! rebuild from the raw rows. Runs with `YIGONG_DUCKDB_PYTHON` (set by
//! `scripts/install-test-deps`).

use serde_json::Value;
use std::path::PathBuf;
use yigong_testkit::app::{TestApp, apps};
use yigong_testkit::county;
use yigong_testkit::server::leg;

const MONTHS: u32 = 24;

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
        yigong_demo::seed::add_referral_history(&app.state.store, c, 11)
            .await
            .expect("a year of referrals");
        let samples = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
        yigong_web::demo::add_ecg_history(&app.state.store, c, &samples, 11)
            .await
            .expect("the ECG network's history");
        let today = yigong_domain::clock::today();
        yigong_demo::seed::outreach::add_history(&app.state.store, c, 11, today)
            .await
            .expect("a year of outreach");
        yigong_demo::seed::consults::add_history(&app.state.store, c, 11)
            .await
            .expect("a year of teleconsultation");
        // Postings (most of them six months or more) and an official figure for the
        // township this year, so that the per-10,000 figures divide by it there.
        let added = yigong_demo::seed::mentoring::add_history(&app.state.store, c, 11, today)
            .await
            .expect("postings");
        assert!(added.postings > 10, "{}", app.label);
        let entry = yigong_testkit::app::setup_entry("indicator.population.set");
        app.state
            .store
            .set_population(
                c,
                (app.places.township, today.year()),
                Some((9_876, "统计年鉴")),
                &entry,
            )
            .await
            .expect("an official figure");
        let written = county::write(&app.state.store, c, &dir, (11, MONTHS))
            .await
            .expect("the files");
        let s = county::import(&app.state.store, c, &dir, &written.away).await;
        assert_eq!(s.rejected, 0, "{}: {:?}", app.label, s.rejects);
        assert_eq!(
            s.stored.inserted as usize, written.encounters,
            "{}",
            app.label
        );
        assert!(written.encounters > 8_000, "{}", app.label);
        let institutions = app
            .state
            .store
            .list_institutions(c)
            .await
            .expect("institutions");
        let reqs = county::requests(&institutions, app.places.township, MONTHS);
        let (theirs, _) = county::duckdb(&python, &dir, &reqs);
        // The referrals were counted: a year of them in the last twelve months.
        let year = format!("{}/all", yigong_domain::clock::today().year());
        assert!(
            theirs[&year]["now"]["referrals_up"][0].as_i64() > Some(100),
            "{theirs}"
        );
        assert!(
            theirs[&year]["now"]["posted_physicians_per_10k"][0].as_i64() > Some(0),
            "{theirs}"
        );
        assert!(
            theirs[&year]["now"]["green_channel_on_time"][1].as_i64() > Some(5),
            "{theirs}"
        );
        let n = compare(&app, &theirs, &reqs, "kept").await;
        // The township's official figure counted this year, its registry last year.
        let t01 = format!("{}/t01", today.year());
        assert_eq!(
            theirs[&t01]["now"]["remote_diagnoses_per_10k"][1], 9_876,
            "{theirs}"
        );
        // 29 periods × 3 scopes × 18 indicators × (this period, last year).
        assert_eq!(n, reqs.len() * 18 * 2, "{}", app.label);
        app.state.store.rebuild_tallies(c).await.expect("rebuild");
        compare(&app, &theirs, &reqs, "rebuilt").await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
