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
        // Registers with a year of visits; one of them ended this year (moved away), one
        // more visit by phone, which does not count towards the standard.
        yigong_demo::seed::family::add_history(&app.state.store, c, 11, today)
            .await
            .expect("registers");
        end_one_and_phone_another(&app).await;
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
        assert!(
            theirs[&year]["now"]["htn_standard_rate"][1].as_i64() > Some(20),
            "{theirs}"
        );
        assert!(
            theirs[&year]["now"]["dm_control_rate"][0].as_i64() > Some(0),
            "{theirs}"
        );
        let n = compare(&app, &theirs, &reqs, "kept").await;
        // The township's official figure counted this year, its registry last year.
        let t01 = format!("{}/t01", today.year());
        assert_eq!(
            theirs[&t01]["now"]["remote_diagnoses_per_10k"][1], 9_876,
            "{theirs}"
        );
        // 29 periods × 3 scopes × 22 indicators × (this period, last year).
        assert_eq!(n, reqs.len() * 22 * 2, "{}", app.label);
        app.state.store.rebuild_tallies(c).await.expect("rebuild");
        compare(&app, &theirs, &reqs, "rebuilt").await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Ends the first register (moved away, today) and records a phone call's visit on the
/// second.
async fn end_one_and_phone_another(app: &yigong_testkit::app::TestApp) {
    let (store, c) = (&app.state.store, app.state.community.id);
    let today = yigong_domain::clock::today();
    let registers = store.register_places(c).await.expect("registers");
    let first = store
        .get_register(c, registers[0].0)
        .await
        .expect("register");
    let call = yigong_store::chronic::calls::NewCall {
        called_on: today,
        outcome: "moved",
        quiet_until: None,
        visit_at_home: false,
        ends: Some("moved"),
        recorded_by: None,
    };
    let entry = yigong_testkit::app::setup_entry("chronic.call");
    let called = store
        .record_call(c, first.id, first.version, &call, &entry)
        .await;
    assert!(called.expect("called").is_some());
    let second = store
        .get_register(c, registers[1].0)
        .await
        .expect("register");
    let f = yigong_store::chronic::NewFollowUp {
        visit_on: Some(today),
        controlled: Some(true),
        plan: "routine",
        visit_type: "phone",
        next_due: Some(today + time::Duration::days(90)),
        ..Default::default()
    };
    let entry = yigong_testkit::app::setup_entry("chronic.follow_up");
    let visited = store
        .record_follow_up(c, second.id, second.version, &f, &entry)
        .await;
    assert!(visited.expect("recorded").is_some());
}
