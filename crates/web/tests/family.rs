//! Family-doctor teams, contracts and the chronic-disease registers on SQLite and
//! PostgreSQL: the contract lifecycle, a follow-up setting the next due date by the
//! national standard's rules, and the worklist of exactly the due and overdue patients of
//! the given clinics.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::chronic::{Disease, Plan, Reading, STANDARD};
use yigong_domain::family::{MemberRole, Term};
use yigong_store::chronic::{NewFollowUp, NewRegister};
use yigong_store::family::{NewContract, NewTeam};
use yigong_store::{PageRequest, StoreError};

async fn staff_at(app: &TestApp, institution: Uuid, n: usize) -> Vec<Uuid> {
    let q = yigong_store::staff::StaffQuery {
        institution: Some(institution),
        ..Default::default()
    };
    let page = app
        .state
        .store
        .search_staff(app.state.community.id, &q, PageRequest::new(None, Some(20)))
        .await
        .expect("staff");
    assert!(page.items.len() >= n, "{} staff there", page.items.len());
    page.items.into_iter().take(n).map(|s| s.id).collect()
}

async fn residents_at(app: &TestApp, institution: Uuid, n: i64) -> Vec<Uuid> {
    let q = yigong_store::residents::ResidentQuery {
        institution: Some(institution),
        ..Default::default()
    };
    app.state
        .store
        .search_residents(
            app.state.community.id,
            &yigong_domain::access::ResidentScope::All,
            &q,
            PageRequest::new(None, Some(n)),
        )
        .await
        .expect("residents")
        .items
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// A "1+2+1" team of the demo township covering `villages`.
async fn team(app: &TestApp, name: &str, villages: &[Uuid]) -> Uuid {
    let lead = staff_at(app, app.places.lead, 1).await;
    let town = staff_at(app, app.places.township, 2).await;
    let village = staff_at(app, villages[0], 1).await;
    let members = vec![
        (lead[0], MemberRole::Specialist.as_str()),
        (town[0], MemberRole::TownshipClinician.as_str()),
        (town[1], MemberRole::PublicHealth.as_str()),
        (village[0], MemberRole::VillageDoctor.as_str()),
    ];
    app.state
        .store
        .create_team(
            app.state.community.id,
            &NewTeam {
                name: name.into(),
                institution_id: app.places.township,
                leader_staff_id: town[0],
                members,
                villages: villages.to_vec(),
            },
            &common::setup_entry("family.team.create"),
        )
        .await
        .expect("team")
}

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
    let today = today();
    app.state
        .store
        .enrol(
            app.state.community.id,
            &NewRegister {
                resident_id: resident,
                disease: disease.as_str(),
                institution_id: clinic,
                responsible_staff_id: None,
                diagnosed_on: today - Duration::days(since),
                enrolled_on: today - Duration::days(since),
                next_due: today + Duration::days(due),
            },
            &common::setup_entry("chronic.enrol"),
        )
        .await
        .expect("enrolled")
}

fn today() -> Date {
    yigong_web::chronic::api::today()
}

#[tokio::test]
async fn a_contract_is_signed_renewed_transferred_and_ended() {
    for app in apps(800).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let first = team(&app, "茅台镇第一团队", &[app.places.village]).await;
        let second = team(&app, "茅台镇第二团队", &[app.places.other_village]).await;
        let t = store.get_team(c, first).await.expect("team");
        assert_eq!(
            (t.members, t.villages, t.contracts),
            (4, 1, 0),
            "{}",
            app.label
        );
        let resident = residents_at(&app, app.places.village, 1).await[0];
        let term = Term::year_from(today());
        let new = NewContract {
            resident_id: resident,
            team_id: first,
            package: "basic".into(),
            key_groups: "elderly,hypertension".into(),
            start_date: term.start,
            end_date: term.end,
            created_by: None,
        };
        let id = store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
            .expect("signed");
        // One active contract per resident.
        match store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
        {
            Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, "active_contract"),
            other => panic!("{}: {other:?}", app.label),
        }
        assert_eq!(store.get_team(c, first).await.expect("team").contracts, 1);
        // Renewed: the old year is marked renewed, the next one follows it.
        let old = store.get_contract(c, id).await.expect("contract");
        let next = term.renewed();
        let renewed = store
            .renew_contract(
                c,
                &old,
                next,
                None,
                &common::setup_entry("family.contract.renew"),
            )
            .await
            .expect("renewed");
        assert_eq!(
            store.get_contract(c, id).await.expect("old").status,
            "renewed"
        );
        let r = store.get_contract(c, renewed).await.expect("new");
        assert_eq!(
            (r.status.as_str(), r.previous_id, r.start_date),
            ("active", Some(id), next.start)
        );
        // Renewing a contract that is no longer active is refused.
        assert!(
            store
                .renew_contract(c, &old, next, None, &common::setup_entry("x"))
                .await
                .is_err()
        );
        // Transferred to the second team.
        let moved = store
            .transfer_contract(
                c,
                &r,
                second,
                Term {
                    start: today(),
                    end: term.end,
                },
                None,
                &common::setup_entry("family.contract.transfer"),
            )
            .await
            .expect("transferred");
        let was = store.get_contract(c, renewed).await.expect("was");
        assert_eq!(
            (was.status.as_str(), was.end_reason.as_deref()),
            ("ended", Some("transferred"))
        );
        assert_eq!(
            store.get_contract(c, moved).await.expect("now").team_id,
            second
        );
        // Ended with a reason; then the resident may sign again.
        assert!(
            store
                .end_contract(
                    c,
                    moved,
                    "declined",
                    today(),
                    &common::setup_entry("family.contract.end")
                )
                .await
                .expect("end")
        );
        assert!(
            !store
                .end_contract(
                    c,
                    moved,
                    "declined",
                    today(),
                    &common::setup_entry("family.contract.end")
                )
                .await
                .expect("again")
        );
        assert_eq!(
            store
                .contracts_of(c, resident)
                .await
                .expect("history")
                .len(),
            3
        );
        store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
            .expect("signs again");
        // Due for renewal: contracts ending within the window.
        let due = store
            .contracts_due(
                c,
                &[first],
                &yigong_domain::access::ResidentScope::All,
                term.end,
            )
            .await
            .expect("due");
        assert_eq!(due.len(), 1, "{}", app.label);
        assert!(
            store
                .contracts_due(
                    c,
                    &[first],
                    &yigong_domain::access::ResidentScope::All,
                    term.start
                )
                .await
                .expect("due")
                .is_empty()
        );
    }
}

#[tokio::test]
async fn a_follow_up_sets_the_next_due_date_by_the_rules() {
    for app in apps(800).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let resident = residents_at(&app, app.places.village, 1).await[0];
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
        let mine = residents_at(&app, app.places.village, 5).await;
        let theirs = residents_at(&app, app.places.other_village, 2).await;
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
        let mine = residents_at(&app, app.places.village, 2).await;
        let other = residents_at(&app, app.places.other_village, 1).await[0];
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
        let fresh = residents_at(&app, app.places.village, 3).await[2];
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

#[tokio::test]
async fn the_office_creates_a_team_checked_for_one_two_one_and_its_villages_see_it() {
    for app in apps(800).await {
        let manager = app.login("manager").await;
        let lead = staff_at(&app, app.places.lead, 1).await[0];
        let town = staff_at(&app, app.places.township, 2).await;
        let village = staff_at(&app, app.places.village, 1).await[0];
        let body = |members: serde_json::Value, villages: serde_json::Value| {
            serde_json::json!({
                "name": "茅台镇示范团队", "institution_id": app.places.township, "leader_staff_id": town[0],
                "members": members, "villages": villages,
            })
        };
        let full = serde_json::json!([
            {"staff_id": lead, "role": "specialist"},
            {"staff_id": town[0], "role": "township_clinician"},
            {"staff_id": town[1], "role": "public_health"},
            {"staff_id": village, "role": "village_doctor"},
        ]);
        // No village doctor: refused, saying what is missing.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(
                    serde_json::json!([
                        {"staff_id": lead, "role": "specialist"},
                        {"staff_id": town[0], "role": "township_clinician"},
                        {"staff_id": town[1], "role": "public_health"},
                    ]),
                    serde_json::json!([app.places.village]),
                ),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            r.text()
        );
        assert_eq!(r.json()["error"]["code"], "team_role_missing");
        // A township clinician who works at the lead hospital is at the wrong level.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(
                    serde_json::json!([
                        {"staff_id": lead, "role": "township_clinician"},
                        {"staff_id": town[0], "role": "specialist"},
                    ]),
                    serde_json::json!([app.places.village]),
                ),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "team_role_wrong_level");
        // Another township's village is not this team's to cover.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(full.clone(), serde_json::json!([app.places.other_township])),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "team_village_invalid");
        // A village doctor may not create teams.
        let village_doctor = app.login("village").await;
        let r = app
            .post(
                "/api/v1/teams",
                &village_doctor,
                body(full.clone(), serde_json::json!([app.places.village])),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::FORBIDDEN);

        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(full, serde_json::json!([app.places.village])),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::CREATED,
            "{}: {}",
            app.label,
            r.text()
        );
        let id = r.json()["team"]["id"].as_str().expect("id").to_string();
        assert_eq!(r.json()["members"].as_array().map(Vec::len), Some(4));
        // The village doctor sees the team that covers their village; the bureau sees all.
        let seen = app
            .get(&format!("/api/v1/teams/{id}"), &village_doctor)
            .await;
        assert_eq!(seen.status, axum::http::StatusCode::OK);
        assert_eq!(
            seen.json()["villages"][0][0],
            app.places.village.to_string()
        );
        let listed = app.get("/api/v1/teams", &village_doctor).await.json();
        assert_eq!(listed["total"], 1);
        // The pages.
        let page = app.get("/teams", &manager).await;
        assert!(page.status.is_success() && page.text().contains("茅台镇示范团队"));
        let page = app.get(&format!("/teams/{id}"), &village_doctor).await;
        assert!(page.status.is_success() && page.text().contains("村医"));
    }
}

#[tokio::test]
async fn contracts_through_the_api_sign_renew_transfer_and_end() {
    for app in apps(800).await {
        let first = team(&app, "一队", &[app.places.village]).await;
        let second = team(&app, "二队", &[app.places.village]).await;
        let township = app.login("township").await;
        let resident = residents_at(&app, app.places.village, 1).await[0];
        let sign = |groups: serde_json::Value| serde_json::json!({"resident_id": resident, "team_id": first, "key_groups": groups});
        let r = app
            .post(
                "/api/v1/contracts",
                &township,
                sign(serde_json::json!(["elderly"])),
            )
            .await;
        assert_eq!(
            r.json()["error"]["code"],
            "key_group_derived",
            "{}",
            app.label
        );
        // A package is named by its code; its Chinese name is a label, not a value.
        let mut by_name = sign(serde_json::json!([]));
        by_name["package"] = serde_json::json!("基础包");
        let r = app.post("/api/v1/contracts", &township, by_name).await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "package", "{}", app.label);
        let r = app
            .post(
                "/api/v1/contracts",
                &township,
                sign(serde_json::json!(["low_income"])),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::CREATED,
            "{}: {}",
            app.label,
            r.text()
        );
        let k = r.json();
        assert!(
            k["key_groups"]
                .as_str()
                .is_some_and(|g| g.contains("low_income"))
        );
        assert_eq!(k["start_date"], today().to_string());
        // In a key group and no package chosen: the key-population package.
        assert_eq!(k["package"], "key_population", "{}", app.label);
        let id = k["id"].as_str().expect("id").to_string();
        let again = app
            .post("/api/v1/contracts", &township, sign(serde_json::json!([])))
            .await;
        assert_eq!(again.status, axum::http::StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "contract_active");
        // Due for renewal within a year and a month.
        let due = app
            .get("/api/v1/contracts/due?within=400", &township)
            .await
            .json();
        assert!(
            due.as_array()
                .is_some_and(|d| d.iter().any(|c| c["id"] == id.as_str())),
            "{}",
            app.label
        );
        // Renew: the next year follows.
        let renewed = app
            .post(
                &format!("/api/v1/contracts/{id}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(
            renewed.status,
            axum::http::StatusCode::OK,
            "{}",
            renewed.text()
        );
        let renewed = renewed.json();
        assert_eq!(renewed["previous_id"], id.as_str());
        let next = renewed["id"].as_str().expect("id").to_string();
        // The old one can no longer be acted on.
        let r = app
            .post(
                &format!("/api/v1/contracts/{id}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CONFLICT);
        // Transfer to the second team, then end with a reason.
        let moved = app
            .post(
                &format!("/api/v1/contracts/{next}/transfer"),
                &township,
                serde_json::json!({"team_id": second}),
            )
            .await;
        assert_eq!(moved.status, axum::http::StatusCode::OK, "{}", moved.text());
        let moved = moved.json();
        assert_eq!(moved["team_id"], second.to_string());
        let last = moved["id"].as_str().expect("id").to_string();
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/end"),
                &township,
                serde_json::json!({"reason": "nonsense"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let ended = app
            .post(
                &format!("/api/v1/contracts/{last}/end"),
                &township,
                serde_json::json!({"reason": "moved"}),
            )
            .await;
        assert_eq!(ended.json()["status"], "ended");
        assert_eq!(ended.json()["end_reason"], "moved");
        // An ended contract is not acted on again; who keeps no clinic may not act at all.
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "contract_not_active");
        let bureau = app.login("bureau").await;
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/renew"),
                &bureau,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_office_forms_a_team_on_the_page_and_a_missing_role_is_named() {
    for app in apps(300).await {
        let l = &app.label;
        let cookie = app.ui_cookie("manager").await;
        let (status, html) = app.page("/teams/new", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"pick-township\"") && !html.contains("id=\"team-form\""),
            "{l}"
        );
        let (status, html) = app
            .page(
                &format!("/teams/new?township={}", app.places.township),
                &cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("id=\"team-form\""), "{l}");
        let csrf = html
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("csrf")
            .to_string();
        let lead = staff_at(&app, app.places.lead, 1).await;
        let town = staff_at(&app, app.places.township, 2).await;
        let village = staff_at(&app, app.places.village, 1).await;
        let post = |body: String| {
            let req = axum::http::Request::post("/teams/new")
                .header("cookie", cookie.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .expect("request");
            app.request(req)
        };
        let base = format!(
            "_csrf={csrf}&township={}&name=%E8%8C%85%E5%8F%B0%E9%95%87%E7%AC%AC%E4%B9%9D%E5%9B%A2%E9%98%9F\
             &member_specialist={}&member_township_clinician={}&member_public_health={}&leader=township_clinician\
             &village_{}=on",
            app.places.township, lead[0], town[0], town[1], app.places.village
        );
        // Without a village doctor: refused, the role named in Chinese, the form kept.
        let r = post(base.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(
            html.contains("id=\"team-error\"") && html.contains("村医"),
            "{l}: {html}"
        );
        assert!(
            html.contains(&format!("value=\"{}\" selected", lead[0])),
            "{l}"
        );
        let r = post(format!("{base}&member_village_doctor={}", village[0])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
        let to = r.headers["location"]
            .to_str()
            .expect("location")
            .to_string();
        let (status, html) = app.page(&to, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("茅台镇第九团队"), "{l}");
        // A village doctor may not form teams.
        let village_cookie = app.ui_cookie("village").await;
        assert_eq!(
            app.page("/teams/new", &village_cookie).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
