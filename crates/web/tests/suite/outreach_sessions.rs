//! Outreach sessions on SQLite and PostgreSQL: the township records a held session with
//! the patients seen and the doctor who sat in, the counts of sessions and people served
//! rise for each reach, the office cancels and swaps planned sessions with a reason, and
//! the last place of a session goes to exactly one of two residents booking at once.

use crate::roster;

use axum::http::StatusCode;
use roster::{experts, resident_under, residents_under, session};
use serde_json::json;
use time::Duration;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock::today;
use yigong_domain::outreach::slots::Refusal;
use yigong_testkit::app::{apps, problem_fields, setup_entry};

#[tokio::test]
async fn a_recorded_session_lists_its_patients_to_its_township_and_the_counts_rise() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let [(e1, _), (e2, e2_name)] = <[_; 2]>::try_from(experts(&app, 2).await).expect("two");
        let (here, there) = (app.places.township, app.places.other_township);
        let t = today();
        let held_here = session(&app, &manager, (e1, here, t), ("08:30", "11:30", 20)).await;
        let held_there = session(&app, &manager, (e2, there, t), ("14:30", "17:00", 20)).await;
        let ahead = session(
            &app,
            &manager,
            (e1, here, t + Duration::days(7)),
            ("08:30", "11:30", 20),
        )
        .await;
        let patient = resident_under(&app, here).await;
        let stranger = resident_under(&app, there).await;
        let doctor = app.staff_at(here, 1).await[0];
        let record = |served: i64, residents: &[Uuid]| {
            let visits: Vec<_> = residents
                .iter()
                .map(|r| json!({"resident_id": r, "doctor_id": (r == &patient.id).then_some(doctor)}))
                .collect();
            json!({"people_served": served, "procedures": 2, "teaching_rounds": 1, "lectures": 0, "summary": "带教血压测量", "visits": visits})
        };
        let path = |id: &str| format!("/api/v1/outreach/sessions/{id}/record");
        // Fewer people than the patients listed, a patient of another township, a
        // negative count: each named.
        let r = app
            .put(&path(&held_here), &township, record(0, &[patient.id]))
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!("served_below_listed")
            ),
            "{l}"
        );
        let r = app
            .put(&path(&held_here), &township, record(5, &[stranger.id]))
            .await;
        assert_eq!(problem_fields(&r.json()), ["visits"], "{l}: {}", r.text());
        let r = app
            .put(&path(&held_here), &township, json!({"people_served": -1}))
            .await;
        assert_eq!(problem_fields(&r.json()), ["people_served"], "{l}");
        // A session whose day has not come is not recorded yet.
        let r = app.put(&path(&ahead), &township, record(3, &[])).await;
        assert_eq!(r.json()["error"]["code"], "session_not_yet", "{l}");
        let r = app
            .put(&path(&held_here), &township, record(12, &[patient.id]))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        // Another township's doctor does not reach it: 404, audited.
        app.add_account("other_doc", Role::TownshipDoctor, (there, None))
            .await;
        let other = app.login("other_doc").await;
        let r = app.put(&path(&held_here), &other, record(1, &[])).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let trail = app.audit_of(held_here.parse().expect("id")).await;
        assert!(
            trail.iter().any(|a| a
                == &(
                    "outreach.session_record".into(),
                    "denied".into(),
                    "other_doc".into()
                )),
            "{l}: {trail:?}"
        );
        let r = app
            .put(&path(&held_there), &other, record(5, &[stranger.id]))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        // The township sees its session's patients; the bureau the session without them.
        let seen = app
            .get(&format!("/api/v1/outreach/sessions/{held_here}"), &township)
            .await
            .json();
        assert_eq!(
            (seen["status"].clone(), seen["people_served"].clone()),
            (json!("held"), json!(12)),
            "{l}"
        );
        assert_eq!(
            seen["visits"][0]["resident_name"],
            json!(patient.name),
            "{l}"
        );
        assert_eq!(seen["visits"][0]["doctor_id"], json!(doctor), "{l}");
        let bureau = app.login("bureau").await;
        let b = app
            .get(&format!("/api/v1/outreach/sessions/{held_here}"), &bureau)
            .await
            .json();
        assert_eq!(
            (b["people_served"].clone(), b["visits"].clone()),
            (json!(12), json!(null)),
            "{l}"
        );
        assert!(!b.to_string().contains(&patient.name), "{l}");
        // Counts in each reach: the township its own, the office and the bureau both.
        let period = format!("from={}&to={}", t - Duration::days(1), t);
        let stats = |token: String| {
            let app = &app;
            let url = format!("/api/v1/outreach/stats?{period}");
            async move { app.get(&url, &token).await.json() }
        };
        assert_eq!(
            stats(township.clone()).await,
            json!({"sessions": 1, "people_served": 12}),
            "{l}"
        );
        assert_eq!(
            stats(manager.clone()).await,
            json!({"sessions": 2, "people_served": 17}),
            "{l}"
        );
        assert_eq!(
            stats(bureau.clone()).await,
            json!({"sessions": 2, "people_served": 17}),
            "{l}"
        );
        let by = app
            .get(
                &format!("/api/v1/outreach/counts?{period}&by=expert"),
                &manager,
            )
            .await
            .json();
        let e1_name = by
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["label"] != json!(e2_name))
            .expect("e1")["label"]
            .clone();
        assert_eq!(by.as_array().map(Vec::len), Some(2), "{l}: {by}");
        assert!(
            by.as_array()
                .expect("rows")
                .contains(&json!({"label": e2_name, "sessions": 1, "people_served": 5})),
            "{l}: {by}"
        );
        assert!(
            by.as_array()
                .expect("rows")
                .contains(&json!({"label": e1_name, "sessions": 1, "people_served": 12})),
            "{l}"
        );
        let month = format!("{}-{:02}", t.year(), u8::from(t.month()));
        let by_month = app
            .get(
                &format!("/api/v1/outreach/counts?{period}&by=month"),
                &manager,
            )
            .await
            .json();
        assert_eq!(
            by_month,
            json!([{"label": month, "sessions": 2, "people_served": 17}]),
            "{l}"
        );
        let r = app
            .get(
                &format!("/api/v1/outreach/counts?{period}&by=colour"),
                &manager,
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["by"], "{l}");
    }
}

#[tokio::test]
async fn the_office_cancels_and_swaps_planned_sessions_with_a_reason_the_township_sees() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let [(e1, _), (e2, e2_name)] = <[_; 2]>::try_from(experts(&app, 2).await).expect("two");
        let here = app.places.township;
        let day = today() + Duration::days(8);
        let a = session(&app, &manager, (e1, here, day), ("08:30", "11:30", 20)).await;
        let b = session(
            &app,
            &manager,
            (e1, here, day + Duration::days(1)),
            ("08:30", "11:30", 20),
        )
        .await;
        // Swap a's expert for e2, who is then busy elsewhere at that hour: refused.
        session(
            &app,
            &manager,
            (e2, app.places.other_township, day),
            ("09:00", "10:00", 5),
        )
        .await;
        let swap = json!({"expert_id": e2, "reason": "原专家外出学习"});
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{a}/move"),
                &manager,
                swap.clone(),
            )
            .await;
        assert_eq!(
            r.json()["error"]["code"],
            "expert_elsewhere",
            "{l}: {}",
            r.text()
        );
        let r = app
            .post(&format!("/api/v1/outreach/sessions/{a}/move"), &manager, json!({"expert_id": e2, "start": "14:00", "end": "17:00", "reason": "原专家外出学习"}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        // No reason, no cancellation; the township does not cancel.
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{b}/cancel"),
                &manager,
                json!({}),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["reason"], "{l}");
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{b}/cancel"),
                &township,
                json!({"reason": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{b}/cancel"),
                &manager,
                json!({"reason": "暴雨预警"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{b}/cancel"),
                &manager,
                json!({"reason": "暴雨预警"}),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "session_not_planned", "{l}");
        let page = app
            .get(
                &format!(
                    "/api/v1/outreach/sessions?from={day}&to={}",
                    day + Duration::days(1)
                ),
                &township,
            )
            .await
            .json();
        let got: Vec<(String, String, String, String)> = page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| {
                let text = |k: &str| s[k].as_str().unwrap_or("").to_string();
                (
                    text("expert_name"),
                    text("status"),
                    text("note"),
                    s["start_min"].to_string(),
                )
            })
            .collect();
        let (_, e1_name) = &experts(&app, 1).await[0];
        assert_eq!(
            got,
            [
                (
                    e2_name.clone(),
                    "planned".into(),
                    "原专家外出学习".into(),
                    "840".into()
                ),
                (
                    e1_name.clone(),
                    "cancelled".into(),
                    "暴雨预警".into(),
                    "510".into()
                )
            ],
            "{l}"
        );
        // Once cancelled, the township cannot record it.
        let r = app
            .put(
                &format!("/api/v1/outreach/sessions/{b}/record"),
                &township,
                json!({"people_served": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
    }
}

#[tokio::test]
async fn the_last_place_goes_to_exactly_one_of_two_residents_booking_at_once() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let (e1, _) = experts(&app, 1).await[0].clone();
        let here = app.places.township;
        let id: Uuid = session(
            &app,
            &manager,
            (e1, here, today() + Duration::days(2)),
            ("08:30", "11:30", 1),
        )
        .await
        .parse()
        .expect("id");
        let people: Vec<Uuid> = residents_under(&app, here, 3)
            .await
            .iter()
            .map(|r| r.id)
            .collect();
        let (store, c, t) = (&app.state.store, app.state.community.id, today());
        let entry = setup_entry("outreach.booking");
        let (a, b) = tokio::join!(
            store.book_session(c, (id, people[0]), t, &entry),
            store.book_session(c, (id, people[1]), t, &entry)
        );
        let mut outcomes = [a.expect("a"), b.expect("b")];
        outcomes.sort_by_key(|o| o.is_err());
        assert_eq!(outcomes, [Ok(()), Err(Refusal::Full)], "{l}");
        let held = store.get_session(c, id).await.expect("session");
        assert_eq!(held.booked, 1, "{l}");
        let winner = if store
            .resident_bookings(c, people[0])
            .await
            .expect("mine")
            .is_empty()
        {
            people[1]
        } else {
            people[0]
        };
        assert_eq!(
            store
                .session_bookings(c, id)
                .await
                .expect("list")
                .iter()
                .map(|b| b.0)
                .collect::<Vec<_>>(),
            [winner],
            "{l}"
        );
        // The holder books once; giving the place back frees it for a third resident.
        assert_eq!(
            store
                .book_session(c, (id, winner), t, &entry)
                .await
                .expect("again"),
            Err(Refusal::AlreadyBooked),
            "{l}"
        );
        assert!(
            store
                .cancel_booking(c, (id, winner), &entry)
                .await
                .expect("cancel"),
            "{l}"
        );
        assert_eq!(
            store
                .book_session(c, (id, people[2]), t, &entry)
                .await
                .expect("third"),
            Ok(()),
            "{l}"
        );
        // A session past its day takes no booking.
        assert_eq!(
            store
                .book_session(c, (id, people[0]), t + Duration::days(3), &entry)
                .await
                .expect("late"),
            Err(Refusal::Closed),
            "{l}"
        );
    }
}

#[tokio::test]
async fn an_expert_who_is_a_party_member_earns_outreach_points_once_per_session() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let (store, c) = (&app.state.store, app.state.community.id);
        // The expert joins the party at its first organisation.
        let (expert, _) = experts(&app, 1).await[0].clone();
        let org = store.party_orgs(c).await.expect("orgs")[0].id;
        let joined = yigong_store::party::NewMember {
            staff_id: Some(expert),
            name: "专家党员".into(),
            status: "full",
            status_since: today() - Duration::days(3650),
            joined_on: None,
            full_time: false,
            dues_basis: "working",
            pay_fen: 800_000,
        };
        let member = store
            .add_member(c, org, &joined, &setup_entry("party.member"))
            .await
            .expect("member");
        assert_eq!(
            store.member_of_staff(c, expert).await.expect("found"),
            Some(member),
            "{l}"
        );
        let id = session(
            &app,
            &manager,
            (expert, app.places.township, today()),
            ("08:30", "11:30", 20),
        )
        .await;
        for served in [8, 9] {
            let r = app
                .put(
                    &format!("/api/v1/outreach/sessions/{id}/record"),
                    &township,
                    json!({"people_served": served}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        }
        let source = format!("outreach:{id}");
        let lines: Vec<(String, i32)> = store
            .member_points(c, member)
            .await
            .expect("ledger")
            .into_iter()
            .filter(|p| p.source.as_deref() == Some(source.as_str()))
            .map(|p| (p.rule, p.points))
            .collect();
        assert_eq!(
            lines,
            [("outreach".to_string(), 5)],
            "{l}: once, the rule's 5 points"
        );
    }
}
