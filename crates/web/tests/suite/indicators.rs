//! Indicators on SQLite and PostgreSQL, from a hand-made month of encounters whose every
//! figure is worked out below: the import (refused rows with every reason, a re-import
//! storing nothing twice, a corrected row moving only its own counts), the figures for
//! the community and for one township, the cases behind a numerator and a denominator
//! (masked, audited), a rebuild giving the same numbers, and who may read what.

use axum::http::StatusCode;
use serde_json::Value;
use std::io::Cursor;
use uuid::Uuid;
use yigong_app::import::encounters::{self, EncounterSummary, Importer, Rows, Upload};
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::outside::{Level, ValidOutside};
use yigong_store::indicators::outside::NewOutside;
use yigong_testkit::app::{TestApp, apps, masked_id, problem_fields};

const HEAD: &str =
    "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)";

fn file(id: &str, v1_fund: u32) -> String {
    format!(
        "{HEAD}
LEAD,内科,L1,{id},门诊,2026-05-03,,I10,20000,10000
LEAD,内科,L2,{id},住院,2026-04-28,2026-05-02,J18.9,800000,560000
T01,全科,T1,{id},门诊,2026-05-10,,I10,6000,3000
T01,全科,T2,{id},急诊,2026-05-11,,J06.9,9000,5000
T01-V01,全科,V1,{id},门诊,2026-05-12,,E11.9,3000,{v1_fund}
T01-V01,全科,V2,{id},门诊,2025-05-12,,E11.9,3000,1500
LEAD,内科,L3,{id},门诊,2025-05-20,,I10,20000,10000
LEAD,内科,L4,{id},门诊,2026-06-01,,I10,20000,10000
XX,内科,B1,{id},门诊,2026-05-03,,I10,100,50
LEAD,内科,B2,123,体检,2026-13-01,,高血压,-1,0
"
    )
}

pub(crate) async fn import(app: &TestApp, text: &str) -> EncounterSummary {
    let bytes = text.as_bytes().to_vec();
    let hash = encounters::file_hash(&mut Cursor::new(bytes.clone())).expect("hash");
    let rows = Rows::open("his.csv", Box::new(Cursor::new(bytes))).expect("opens");
    let who = Importer {
        account_id: None,
        username: "test",
    };
    let today = time::macros::date!(2026 - 11 - 30);
    let upload = Upload {
        file_name: "his.csv",
        hash: &hash,
        today,
    };
    encounters::import(
        &app.state.store,
        app.state.community.id,
        who,
        upload,
        rows,
        &mut |_| {},
    )
    .await
    .expect("imports")
}

fn figure<'a>(all: &'a Value, code: &str) -> &'a Value {
    all.as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("{code} in {all}"))
}

fn parts(all: &Value, code: &str) -> (i64, i64, Option<f64>) {
    let f = figure(all, code);
    (
        f["numerator"].as_i64().expect("n"),
        f["denominator"].as_i64().expect("d"),
        f["value"].as_f64(),
    )
}

#[tokio::test]
async fn a_hand_made_month_gives_hand_worked_figures_and_the_cases_behind_them() {
    for app in apps(60).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let (resident_id, id, home) =
            app.state.store.resident_keys(c).await.expect("residents")[0].clone();
        let s = import(&app, &file(&id, 1500)).await;
        assert_eq!((s.total, s.stored.inserted, s.rejected), (10, 8, 2), "{l}");
        let lines: Vec<usize> = s.rejects.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![10, 11], "{l}");
        assert!(
            s.rejects[0].1.contains("没有该编码的机构"),
            "{l}: {:?}",
            s.rejects[0]
        );
        for reason in [
            "身份证号",
            "应为门诊、急诊或住院",
            "诊断编码",
            "应为以分计的非负整数",
        ] {
            assert!(
                s.rejects[1].1.contains(reason),
                "{l}: {reason} in {:?}",
                s.rejects[1]
            );
        }
        // Outside the county: a stay and a visit of the resident in May 2026.
        let away = |kind, start: &str, end: Option<&str>, total, fund| NewOutside {
            resident_id,
            institution_id: home,
            visit: ValidOutside {
                settlement_no: format!("S-{start}"),
                kind,
                started_on: yigong_domain::registry::parse_date(start).expect("day"),
                ended_on: end.and_then(yigong_domain::registry::parse_date),
                hospital: "贵州省人民医院".into(),
                level: Level::Provincial,
                total_fen: total,
                insurance_fen: fund,
            },
            referral_id: None,
            source: "manual",
        };
        let rows = [
            away(
                Kind::Inpatient,
                "2026-05-05",
                Some("2026-05-15"),
                500_000,
                300_000,
            ),
            away(Kind::Outpatient, "2026-05-20", None, 40_000, 20_000),
        ];
        let audit = yigong_demo::seed::outreach::demo_entry("outside.add", "outside_visit");
        let (added, _) = app
            .state
            .store
            .add_outside_visits(c, &rows, &audit)
            .await
            .expect("adds");
        assert_eq!(added.inserted, 2, "{l}");

        let manager = app.login("manager").await;
        let r = app.get("/api/v1/indicators?period=2026-05", &manager).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let all = r.json();
        // Visits in May 2026: L1, T1, T2, V1 (3 of them primary care); the stay L2 was
        // discharged in May; L4 is June's. Outside: one stay, one visit.
        assert_eq!(
            parts(&all, "primary_visit_share"),
            (3, 4, Some(75.0)),
            "{l}"
        );
        assert_eq!(parts(&all, "ip_in_county_share"), (1, 2, Some(50.0)), "{l}");
        // (4 + 1) / (4 + 1 + 1 + 1) = 71.42857…
        assert_eq!(
            parts(&all, "county_care_rate"),
            (5, 7, Some(71.4286)),
            "{l}"
        );
        // Fund in the county 10,000 + 560,000 + 3,000 + 5,000 + 1,500 = 579,500; outside
        // 320,000: 579,500 / 899,500 = 64.42468…; primary 9,500 / 579,500 = 1.63934…
        assert_eq!(
            parts(&all, "fund_in_county_share"),
            (579_500, 899_500, Some(64.4247)),
            "{l}"
        );
        assert_eq!(
            parts(&all, "fund_primary_share"),
            (9_500, 579_500, Some(1.6393)),
            "{l}"
        );
        assert_eq!(
            parts(&all, "ordered_referral_rate"),
            (0, 2, Some(0.0)),
            "{l}"
        );
        // May 2025 had V2 and L3: 4 visits against 2 is +100 %; billed 838,000 against
        // 23,000 is +3,543.47826… %.
        assert_eq!(parts(&all, "visits_yoy"), (4, 2, Some(100.0)), "{l}");
        assert_eq!(
            parts(&all, "revenue_yoy"),
            (838_000, 23_000, Some(3543.4783)),
            "{l}"
        );
        assert_eq!(
            figure(&all, "primary_visit_share")["version"],
            "2024",
            "{l}"
        );

        // The township with its village clinics: every visit there is primary care, 3
        // against 1 a year before.
        let r = app
            .get(
                &format!(
                    "/api/v1/indicators?period=2026-05&institution={}",
                    app.places.township
                ),
                &manager,
            )
            .await;
        let t = r.json();
        assert_eq!(parts(&t, "primary_visit_share"), (3, 3, Some(100.0)), "{l}");
        assert_eq!(parts(&t, "visits_yoy"), (3, 1, Some(200.0)), "{l}");
        // A month with no outside register: the rates that need it say so.
        let june = app
            .get("/api/v1/indicators?period=2026-06", &manager)
            .await
            .json();
        assert_eq!(
            figure(&june, "county_care_rate")["status"],
            "no_data",
            "{l}"
        );
        assert!(figure(&june, "county_care_rate")["value"].is_null(), "{l}");

        // The cases behind the primary share's numerator: T1, T2, V1, masked.
        let r = app
            .get(
                "/api/v1/indicators/primary_visit_share/cases?period=2026-05&part=numerator",
                &manager,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let page = r.json();
        assert_eq!(page["total"], 3, "{l}");
        let mut places: Vec<String> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["place"].as_str().unwrap_or("").to_string())
            .collect();
        places.sort();
        assert_eq!(places.len(), 3, "{l}");
        assert!(!r.text().contains(&id), "{l}: the whole ID number leaks");
        assert_eq!(page["items"][0]["id_number"], masked_id(&id), "{l}");
        let d = app
            .get(
                "/api/v1/indicators/ip_in_county_share/cases?period=2026-05&part=denominator",
                &manager,
            )
            .await
            .json();
        let mut sources: Vec<&str> = d["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["source"].as_str())
            .collect();
        sources.sort();
        assert_eq!(sources, vec!["encounter", "outside"], "{l}");
        let before = app
            .get(
                "/api/v1/indicators/visits_yoy/cases?period=2026-05&part=denominator",
                &manager,
            )
            .await
            .json();
        let days: Vec<&str> = before["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|i| i["day"].as_str())
            .collect();
        assert_eq!(days, vec!["2025-05-20", "2025-05-12"], "{l}");
        let audit = app.audit_by("manager").await;
        assert!(
            audit.iter().any(|a| a.0 == "indicator.cases"),
            "{l}: {audit:?}"
        );

        // The same file again stores nothing; a corrected row moves only its own counts.
        let again = import(&app, &file(&id, 1500)).await;
        assert_eq!(
            (
                again.stored.inserted,
                again.stored.updated,
                again.stored.unchanged
            ),
            (0, 0, 8),
            "{l}"
        );
        let fixed = import(&app, &file(&id, 2000)).await;
        assert_eq!(
            (
                fixed.stored.inserted,
                fixed.stored.updated,
                fixed.stored.unchanged
            ),
            (0, 1, 7),
            "{l}"
        );
        let all = app
            .get("/api/v1/indicators?period=2026-05", &manager)
            .await
            .json();
        assert_eq!(parts(&all, "fund_primary_share").0, 10_000, "{l}");
        assert_eq!(parts(&all, "fund_in_county_share").0, 580_000, "{l}");

        // A rebuild from the raw rows gives the same counters and figures.
        let kept = app.state.store.all_tallies(c).await.expect("tallies");
        let admin = app.login("admin").await;
        let r = app
            .post("/api/v1/indicators/rebuild", &admin, serde_json::json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(
            app.state.store.all_tallies(c).await.expect("tallies"),
            kept,
            "{l}"
        );
        assert_eq!(
            app.get("/api/v1/indicators?period=2026-05", &manager)
                .await
                .json(),
            all,
            "{l}"
        );
    }
}

#[tokio::test]
async fn figures_are_for_the_office_the_bureau_and_the_committee_and_cases_for_the_office() {
    for app in apps(30).await {
        let l = app.label.clone();
        for (who, figures, cases) in [
            ("manager", StatusCode::OK, StatusCode::OK),
            ("bureau", StatusCode::OK, StatusCode::OK),
            ("party", StatusCode::OK, StatusCode::FORBIDDEN),
            ("township", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            ("village", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        ] {
            let t = app.login(who).await;
            let r = app.get("/api/v1/indicators", &t).await;
            assert_eq!(r.status, figures, "{l} {who}: {}", r.text());
            let r = app
                .get(
                    "/api/v1/indicators/county_care_rate/cases?part=numerator",
                    &t,
                )
                .await;
            assert_eq!(r.status, cases, "{l} {who}: {}", r.text());
        }
        let denied = app.audit_by("township").await;
        assert!(
            denied
                .iter()
                .any(|a| a.0 == "indicator.read" && a.1 == "denied"),
            "{l}: {denied:?}"
        );
        let m = app.login("manager").await;
        let nowhere = format!("/api/v1/indicators?institution={}", Uuid::from_u128(7));
        for (path, field) in [
            (nowhere.as_str(), "institution"),
            ("/api/v1/indicators?period=2026-13", "period"),
            ("/api/v1/indicators?level=bureau", "level"),
            (
                "/api/v1/indicators/county_care_rate/cases?part=both",
                "part",
            ),
        ] {
            let r = app.get(path, &m).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{l} {path}: {}",
                r.text()
            );
            assert_eq!(
                problem_fields(&r.json()),
                vec![field.to_string()],
                "{l} {path}"
            );
        }
        assert_eq!(
            app.get("/api/v1/indicators/nothing/cases", &m).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

/// A file of `n` visits at the lead hospital in May 2026, one per line.
fn big_file(id: &str, n: usize) -> String {
    let mut s = format!("{HEAD}\n");
    for i in 0..n {
        s.push_str(&format!(
            "LEAD,内科,R{i},{id},门诊,2026-05-03,,I10,1000,500\n"
        ));
    }
    s
}

#[tokio::test]
async fn an_interrupted_import_goes_on_where_it_stopped_and_counts_each_row_once() {
    for app in apps(30).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let id = app.state.store.resident_keys(c).await.expect("residents")[0]
            .1
            .clone();
        let n = encounters::BATCH * 2 + 700;
        let text = big_file(&id, n);
        let bytes = text.as_bytes().to_vec();
        let hash = encounters::file_hash(&mut Cursor::new(bytes.clone())).expect("hash");
        // The first run dies after its first stored batch.
        let (store, b, h) = (app.state.store.clone(), bytes.clone(), hash.clone());
        let died = tokio::spawn(async move {
            let rows = Rows::open("big.csv", Box::new(Cursor::new(b))).expect("opens");
            let who = Importer {
                account_id: None,
                username: "test",
            };
            let upload = Upload {
                file_name: "big.csv",
                hash: &h,
                today: time::macros::date!(2026 - 11 - 30),
            };
            let _ = encounters::import(&store, c, who, upload, rows, &mut |done| {
                assert!(done < encounters::BATCH as u64, "the process dies here");
            })
            .await;
        })
        .await;
        assert!(died.is_err(), "{l}: the first run was meant to die");
        let stored = app.state.store.all_tallies(c).await.expect("tallies");
        let may = yigong_domain::indicators::month::Month::parse("2026-05").expect("month");
        let visits = stored.get(
            may,
            app.places.lead,
            yigong_domain::indicators::tally::Measure::Visits,
        );
        assert_eq!(
            visits,
            encounters::BATCH as i64,
            "{l}: the first batch is kept"
        );
        assert_eq!(
            app.state
                .store
                .import_checkpoint(c, encounters::KIND, &hash)
                .await
                .expect("checkpoint"),
            encounters::BATCH as u64,
            "{l}"
        );
        let s = import(&app, &text).await;
        assert_eq!(
            (
                s.resumed_from,
                s.total,
                s.stored.inserted,
                s.stored.unchanged
            ),
            (
                encounters::BATCH as u64,
                n as u64,
                (n - encounters::BATCH) as u64,
                0
            ),
            "{l}"
        );
        let manager = app.login("manager").await;
        let all = app
            .get("/api/v1/indicators?period=2026-05", &manager)
            .await
            .json();
        assert_eq!(
            parts(&all, "primary_visit_share"),
            (0, n as i64, Some(0.0)),
            "{l}"
        );
        // Finished, the mark is gone: a third run reads the file again and stores nothing.
        let again = import(&app, &text).await;
        assert_eq!(
            (
                again.resumed_from,
                again.stored.inserted,
                again.stored.unchanged
            ),
            (0, 0, n as u64),
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_office_registers_care_outside_the_county_once_and_with_a_fitting_referral_only() {
    for app in apps(30).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let id = app.state.store.resident_keys(c).await.expect("residents")[0]
            .1
            .clone();
        let manager = app.login("manager").await;
        let body = serde_json::json!({"id_number": id, "settlement_no": "YB-1", "kind": "住院", "started_on": "2026-05-05",
            "ended_on": "2026-05-09", "hospital": "贵州省人民医院", "level": "provincial", "total_fen": 900000, "insurance_fen": 500000});
        let r = app
            .post("/api/v1/indicators/outside", &manager, body.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert!(r.json()["id"].is_string(), "{l}");
        let again = app
            .post("/api/v1/indicators/outside", &manager, body.clone())
            .await;
        assert_eq!(
            (again.status, again.json()["id"].is_null()),
            (StatusCode::OK, true),
            "{l}: the same settlement once"
        );
        let all = app
            .get("/api/v1/indicators?period=2026-05", &manager)
            .await
            .json();
        assert_eq!(
            parts(&all, "ordered_referral_rate"),
            (0, 1, Some(0.0)),
            "{l}"
        );
        let mut bad = body.clone();
        bad["settlement_no"] = "YB-2".into();
        bad["referral_id"] = uuid::Uuid::now_v7().to_string().into();
        let r = app.post("/api/v1/indicators/outside", &manager, bad).await;
        assert_eq!(
            (r.status, problem_fields(&r.json())),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                vec!["referral_id".to_string()]
            ),
            "{l}"
        );
        let r = app
            .post(
                "/api/v1/indicators/outside",
                &manager,
                serde_json::json!({"id_number": id, "kind": "住院", "started_on": "2026-05-05", "hospital": "",
                    "level": "国外", "total_fen": 100, "insurance_fen": 200}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let mut fields = problem_fields(&r.json());
        fields.sort();
        assert_eq!(
            fields,
            vec!["ended_on", "hospital", "insurance_fen", "level"],
            "{l}"
        );
        let township = app.login("township").await;
        assert_eq!(
            app.post("/api/v1/indicators/outside", &township, body)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
