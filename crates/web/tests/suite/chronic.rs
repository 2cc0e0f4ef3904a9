//! The chronic-disease registers on SQLite and PostgreSQL: a follow-up setting the next
//! due date by the national standard's rules, the worklist of exactly the due and
//! overdue patients of the given clinics, and the demo's teams, contracts and year of
//! visits.

use yigong_testkit::app as common;

use common::{TestApp, apps};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::chronic::{Disease, Plan, Reading, STANDARD};
use yigong_domain::clock::today;
use yigong_store::PageRequest;
use yigong_store::chronic::{NewFollowUp, NewRegister};

/// Enrols a resident on a register kept at `clinic`, enrolled `since` days ago, the next
/// visit due `due` days from today (negative: overdue).
async fn enrol(
    app: &TestApp,
    resident: Uuid,
    clinic: Uuid,
    disease: Disease,
    since: i64,
    due: i64,
) -> Uuid {
    app.enrol_due(resident, clinic, disease.as_str(), since, due)
        .await
}

#[tokio::test]
async fn a_follow_up_sets_the_next_due_date_by_the_rules() {
    for app in apps(800).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let resident = app.resident_ids_at(app.places.village, 1).await[0];
        let start = today() - Duration::days(60);
        let id = enrol(
            &app,
            resident,
            app.places.village,
            Disease::Hypertension,
            60,
            -46,
        )
        .await;
        let visit = |day: Date, s: u16, d: u16| async move {
            let reg = store.get_register(c, id).await.expect("register");
            let reading = Reading {
                systolic: Some(s),
                diastolic: Some(d),
                ..Default::default()
            };
            let decision = STANDARD.decide(
                Disease::Hypertension,
                50,
                &reading,
                reg.last_controlled == Some(false),
            );
            let f = NewFollowUp {
                visit_on: Some(day),
                systolic: Some(i32::from(s)),
                diastolic: Some(i32::from(d)),
                controlled: decision.controlled,
                plan: decision.plan.as_str(),
                next_due: Some(day + Duration::days(i64::from(decision.next_in_days))),
                ..Default::default()
            };
            assert!(
                store
                    .record_follow_up(
                        c,
                        id,
                        reg.version,
                        &f,
                        &common::setup_entry("chronic.follow_up")
                    )
                    .await
                    .expect("recorded")
                    .is_some()
            );
            (
                decision.plan,
                store.get_register(c, id).await.expect("register").next_due,
            )
        };
        let d1 = start + Duration::days(14);
        assert_eq!(
            visit(d1, 152, 94).await,
            (Plan::Recheck, d1 + Duration::days(14)),
            "{}",
            app.label
        );
        let d2 = d1 + Duration::days(14);
        assert_eq!(
            visit(d2, 148, 92).await,
            (Plan::Refer, d2 + Duration::days(14)),
            "{}",
            app.label
        );
        let d3 = d2 + Duration::days(14);
        assert_eq!(
            visit(d3, 136, 84).await,
            (Plan::Routine, d3 + Duration::days(90)),
            "{}",
            app.label
        );
        let history = store.follow_ups(c, id).await.expect("visits");
        assert_eq!(history.len(), 3);
        assert_eq!(history[0].controlled, Some(true));
        // A visit decided on an old version of the register is refused, and writes nothing.
        let stale = NewFollowUp {
            visit_on: Some(d3),
            plan: "routine",
            next_due: Some(d3),
            ..Default::default()
        };
        assert!(
            store
                .record_follow_up(c, id, 0, &stale, &common::setup_entry("chronic.follow_up"))
                .await
                .expect("refused")
                .is_none()
        );
        assert_eq!(store.follow_ups(c, id).await.expect("visits").len(), 3);
    }
}

#[tokio::test]
async fn the_worklist_holds_exactly_the_due_and_overdue_of_the_given_clinics() {
    for app in apps(1500).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let today = today();
        let mine = app.resident_ids_at(app.places.village, 5).await;
        let theirs = app.resident_ids_at(app.places.other_village, 2).await;
        assert_eq!((mine.len(), theirs.len()), (5, 2), "{}", app.label);
        // Overdue by 10 days, due in 3 days, due today, due in 30 days (not this week).
        let offsets = [-10i64, 3, 0, 30];
        let mut expected = Vec::new();
        for (r, days) in mine.iter().zip(offsets) {
            let id = enrol(&app, *r, app.places.village, Disease::Diabetes, 400, days).await;
            if days <= 7 {
                expected.push((id, days));
            }
        }
        for r in &theirs {
            enrol(
                &app,
                *r,
                app.places.other_village,
                Disease::Hypertension,
                0,
                -5,
            )
            .await;
        }
        expected.sort_by_key(|e| e.1);
        // Referred upward at the last visit and due in five days: the riskiest of those
        // not yet overdue, so first after the overdue.
        let referred = NewRegister {
            resident_id: mine[4],
            disease: Disease::Hypertension.as_str(),
            institution_id: app.places.village,
            responsible_staff_id: None,
            diagnosed_on: today - Duration::days(100),
            enrolled_on: today - Duration::days(100),
            next_due: today,
        };
        let visit = NewFollowUp {
            visit_on: Some(today - Duration::days(9)),
            systolic: Some(162),
            diastolic: Some(98),
            controlled: Some(false),
            plan: "refer",
            next_due: Some(today + Duration::days(5)),
            ..Default::default()
        };
        store
            .bulk_load_chronic(c, &[(referred, vec![visit])])
            .await
            .expect("loaded");
        let referred = store.registers_of(c, mine[4]).await.expect("registers")[0].id;
        expected.insert(1, (referred, 5));
        let w = store
            .follow_up_worklist(
                c,
                &[app.places.village],
                today,
                today + Duration::days(7),
                PageRequest::new(None, Some(50)),
            )
            .await
            .expect("worklist");
        let got: Vec<Uuid> = w.items.iter().map(|r| r.register_id).collect();
        let want: Vec<Uuid> = expected.iter().map(|e| e.0).collect();
        assert_eq!(
            got, want,
            "{}: overdue first, then by risk and due date; no other clinic's",
            app.label
        );
        assert_eq!(w.total, 4);
        assert_eq!(w.items[1].last_plan.as_deref(), Some("refer"));
        assert!(w.items.iter().all(|r| !r.phone.is_empty()));
    }
}

#[tokio::test]
async fn my_follow_ups_through_the_api_scope_record_and_reschedule() {
    for app in apps(1500).await {
        let village = app.login("village").await;
        let today = today();
        let mine = app.resident_ids_at(app.places.village, 2).await;
        let other = app.resident_ids_at(app.places.other_village, 1).await[0];
        let overdue = enrol(
            &app,
            mine[0],
            app.places.village,
            Disease::Hypertension,
            300,
            -5,
        )
        .await;
        let diabetic = enrol(&app, mine[1], app.places.village, Disease::Diabetes, 300, 2).await;
        let elsewhere = enrol(
            &app,
            other,
            app.places.other_village,
            Disease::Hypertension,
            300,
            -5,
        )
        .await;

        let w = app.get("/api/v1/follow-ups", &village).await;
        assert_eq!(w.status, axum::http::StatusCode::OK, "{}", w.text());
        let ids: Vec<String> = w.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["register_id"].as_str().expect("id").to_string())
            .collect();
        assert_eq!(
            ids,
            [overdue.to_string(), diabetic.to_string()],
            "{}",
            app.label
        );
        assert_eq!(w.json()["items"][0]["overdue_days"], 5);

        // Bad readings are refused and say which field.
        let path = format!("/api/v1/registers/{overdue}/follow-ups");
        let r = app
            .post(
                &path,
                &village,
                serde_json::json!({"systolic": 400, "diastolic": 90}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "systolic");
        let r = app
            .post(&path, &village, serde_json::json!({"glucose": 6.0}))
            .await;
        assert_eq!(
            r.json()["error"]["field"],
            "systolic",
            "hypertension needs a blood pressure"
        );
        // An uncontrolled reading: two weeks, and the patient leaves the overdue list.
        let r = app
            .post(
                &path,
                &village,
                serde_json::json!({"systolic": 152, "diastolic": 96, "adherence": "regular"}),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::CREATED,
            "{}: {}",
            app.label,
            r.text()
        );
        let o = r.json();
        assert_eq!(
            (o["plan"].as_str(), o["controlled"].as_bool()),
            (Some("recheck"), Some(false))
        );
        assert_eq!(o["next_due"], (today + Duration::days(14)).to_string());
        let w = app.get("/api/v1/follow-ups", &village).await.json();
        assert_eq!(
            w["total"], 1,
            "{}: only the diabetic is due this week",
            app.label
        );
        // An emergency value proposes an emergency referral.
        let r = app
            .post(
                &format!("/api/v1/registers/{diabetic}/follow-ups"),
                &village,
                serde_json::json!({"glucose": 17.2}),
            )
            .await;
        assert_eq!(r.json()["plan"], "emergency_referral");
        assert_eq!(r.json()["emergencies"][0], "high_glucose");
        // Another village's register is not there; a bureau viewer keeps no list.
        let r = app
            .post(
                &format!("/api/v1/registers/{elsewhere}/follow-ups"),
                &village,
                serde_json::json!({"systolic": 130, "diastolic": 80}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::NOT_FOUND);
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get("/api/v1/follow-ups", &bureau).await.status,
            axum::http::StatusCode::FORBIDDEN
        );
        // Enrolment through the API: the first visit is due in two weeks.
        let fresh = app.resident_ids_at(app.places.village, 3).await[2];
        let r = app
            .post("/api/v1/registers", &village, serde_json::json!({"resident_id": fresh, "disease": "hypertension", "diagnosed_on": "2026-01-05"}))
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
        assert_eq!(
            r.json()["next_due"],
            (today + Duration::days(14)).to_string()
        );
        let again = app
            .post("/api/v1/registers", &village, serde_json::json!({"resident_id": fresh, "disease": "hypertension", "diagnosed_on": "2026-01-05"}))
            .await;
        assert_eq!(again.status, axum::http::StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn the_demo_has_185_teams_four_in_five_of_the_key_population_under_contract_and_a_year_of_visits()
 {
    for app in apps(4000).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let today = today();
        let added = yigong_demo::seed::family::add_history(store, c, 7, today)
            .await
            .expect("history");
        assert_eq!(added.teams, 185, "{}", app.label);
        assert!(added.registers > 300, "{}: {added:?}", app.label);
        assert!(
            added.visits >= added.registers * 3,
            "{}: {added:?}",
            app.label
        );
        let teams = store
            .list_teams(c, None, PageRequest::new(None, Some(200)))
            .await
            .expect("teams");
        assert_eq!(teams.total, 185);
        assert!(
            teams
                .items
                .iter()
                .all(|t| t.members >= 4 && t.villages >= 1)
        );
        let rates = store.contract_rates(c, today).await.expect("rates");
        let key: i64 = rates.iter().map(|r| r.key_population).sum();
        let key_signed: i64 = rates.iter().map(|r| r.key_contracted).sum();
        let share = key_signed as f64 / key as f64;
        assert!(
            (0.75..=0.85).contains(&share),
            "{}: key population coverage {share:.2}",
            app.label
        );
        // The demo village doctor has patients due or overdue.
        let village = app.login("village").await;
        let w = app
            .get("/api/v1/follow-ups?within=30", &village)
            .await
            .json();
        assert!(
            w["total"].as_i64().is_some_and(|n| n > 0),
            "{}: {w}",
            app.label
        );

        // Quality figures for the township: rates in a county's range, by clinic, team,
        // doctor and month.
        let township = app.login("township").await;
        let q = app.get("/api/v1/chronic/quality", &township).await;
        assert_eq!(q.status, axum::http::StatusCode::OK, "{}", q.text());
        let q = q.json();
        for disease in ["hypertension", "diabetes"] {
            let t = q["totals"]
                .as_array()
                .expect("totals")
                .iter()
                .find(|t| t["disease"] == disease)
                .expect(disease);
            let control = t["control_rate"].as_f64().expect("control rate");
            let standard = t["standardised_rate"].as_f64().expect("standardised rate");
            assert!(
                (0.35..=0.85).contains(&control),
                "{}: {disease} control {control:.2}",
                app.label
            );
            assert!(
                (0.5..=1.0).contains(&standard),
                "{}: {disease} standardised {standard:.2}",
                app.label
            );
        }
        assert!(q["by_team"].as_array().is_some_and(|t| !t.is_empty()));
        assert!(q["by_doctor"].as_array().is_some_and(|d| !d.is_empty()));
        assert!(
            q["months"].as_array().is_some_and(|m| m.len() >= 20),
            "{}: months {}",
            app.label,
            q["months"]
        );
        // The chart and the table measure the same thing: this month's point is the
        // table's figure (the year it looks back over starts a few days apart).
        for disease in ["hypertension", "diabetes"] {
            let table = q["totals"]
                .as_array()
                .and_then(|t| t.iter().find(|x| x["disease"] == disease))
                .and_then(|t| t["control_rate"].as_f64())
                .expect("table");
            let chart = q["months"]
                .as_array()
                .and_then(|m| m.iter().rev().find(|x| x["disease"] == disease))
                .and_then(|m| m["control_rate"].as_f64())
                .expect("chart");
            assert!(
                (table - chart).abs() < 0.03,
                "{}: {disease} table {table:.3} chart {chart:.3}",
                app.label
            );
        }
        // The office may look at any township; a village doctor only at their own.
        let manager = app.login("manager").await;
        let m = app
            .get(
                &format!(
                    "/api/v1/chronic/quality?institution={}",
                    app.places.township
                ),
                &manager,
            )
            .await;
        assert_eq!(m.status, axum::http::StatusCode::OK);
        let v = app
            .get(
                &format!(
                    "/api/v1/chronic/quality?institution={}",
                    app.places.other_village
                ),
                &village,
            )
            .await;
        assert_eq!(v.status, axum::http::StatusCode::NOT_FOUND);

        // The pages: the township's quality figures with the monthly chart, the village's list.
        let page = app.get("/chronic/quality", &township).await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        assert!(page.text().contains("控制率") && page.text().contains("<polyline"));
        let page = app.get("/follow-ups", &village).await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        assert!(page.text().contains("我的随访"));
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get("/follow-ups", &bureau).await.status,
            axum::http::StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/chronic/quality", &bureau).await.status,
            axum::http::StatusCode::OK
        );
        // Contract coverage and renewals: the township sees its clinics.
        let rates = app.get("/api/v1/contracts/rates", &township).await.json();
        let rows = rates.as_array().expect("rates");
        assert!(
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r["key_contracted"].as_i64() <= r["key_population"].as_i64())
        );
        let page = app.get("/contracts", &township).await;
        assert!(
            page.status.is_success() && page.text().contains("重点人群签约"),
            "{}",
            app.label
        );
    }
}

/// A glucose typed as 8.6 is stored, sent and shown as 8.6; a comma is a decimal mark in
/// the API and on the visit form; a value that is not a number is refused at its field.
#[tokio::test]
async fn a_glucose_reads_back_as_it_was_typed() {
    for app in apps(800).await {
        let l = &app.label;
        let village = app.login("village").await;
        let resident = app.resident_ids_at(app.places.village, 1).await[0];
        let id = enrol(
            &app,
            resident,
            app.places.village,
            Disease::Diabetes,
            90,
            -3,
        )
        .await;
        let path = format!("/api/v1/registers/{id}/follow-ups");
        for (typed, want) in [
            (serde_json::json!(8.6), "8.6"),
            (serde_json::json!("10,9"), "10.9"),
        ] {
            let r = app
                .post(&path, &village, serde_json::json!({"glucose": typed}))
                .await;
            assert_eq!(
                r.status,
                axum::http::StatusCode::CREATED,
                "{l}: {}",
                r.text()
            );
            let detail = app.get(&format!("/api/v1/registers/{id}"), &village).await;
            let text = detail.text();
            assert!(
                text.contains(&format!("\"glucose\":{want},")),
                "{l}: {want} not in {text}"
            );
        }
        let bad = app
            .post(&path, &village, serde_json::json!({"glucose": "8.6.1"}))
            .await;
        assert_eq!(bad.status.as_u16() / 100, 4, "{l}: {}", bad.text());

        // The visit form takes "7,2" and the record page shows 7.2, never float noise.
        let (cookie, csrf) = app.ui_session("village").await;
        let (shown, to) = app
            .submit(
                &format!("/follow-ups/{id}"),
                &cookie,
                &common::form(&[("_csrf", &csrf), ("glucose", "7,2")]),
            )
            .await;
        let to = to.expect("the visit form redirects");
        assert!(
            to.starts_with(&format!("/follow-ups/{id}?recorded=")),
            "{l}: {to}"
        );
        assert!(
            shown.text().contains("id=\"visit-outcome\""),
            "{l}: the outcome"
        );
        // A reload of where it landed shows the outcome again and records nothing.
        let (_, again) = app.page(&to, &cookie).await;
        assert!(again.contains("id=\"visit-outcome\""), "{l}");
        let visits = app.state.store.follow_ups(app.state.community.id, id).await;
        let glucoses: Vec<Option<f64>> =
            visits.expect("visits").iter().map(|v| v.glucose).collect();
        assert_eq!(
            glucoses,
            [Some(7.2), Some(10.9), Some(8.6)],
            "{l}: newest first"
        );
        let (_, record) = app.page(&format!("/follow-ups/{id}"), &cookie).await;
        for want in ["7.2 mmol/L", "10.9 mmol/L", "8.6 mmol/L"] {
            assert!(record.contains(want), "{l}: the visit history shows {want}");
        }
        let noise = float_noise(&record);
        assert!(noise.is_none(), "{l}: float noise {noise:?}");
    }
}

/// A number with six or more decimals (`10.899999618530273`) in a page, if any.
fn float_noise(html: &str) -> Option<String> {
    let b = html.as_bytes();
    (1..b.len()).find_map(|i| {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        (b[i] == b'.' && b[i - 1].is_ascii_digit() && digits >= 6)
            .then(|| String::from_utf8_lossy(&b[i - 1..i + 1 + digits]).into_owned())
    })
}
