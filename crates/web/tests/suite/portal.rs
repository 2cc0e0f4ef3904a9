//! The residents' window through the API on SQLite and PostgreSQL: a resident signs in
//! with their ID number, phone and a one-time code (shown only in demo mode, sent through
//! the outbox either way), sees only their own records, books a place at a visiting
//! expert's session (201, or 409 `session_full` writing nothing), and a report released
//! for them is pushed to them; another resident's report answers 404, audited.

use crate::roster;

use axum::http::StatusCode;
use roster::{experts, residents_under, session};
use serde_json::{Value, json};
use time::Duration;
use yigong_domain::clock::today;
use yigong_testkit::app::{TestApp, apps};

/// Signs a resident in through the API; their bearer token.
async fn sign_in(app: &TestApp, id_number: &str, phone: &str) -> String {
    let sent = app
        .post(
            "/api/v1/portal/code",
            "",
            json!({"id_number": id_number, "phone": phone}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text());
    let code = sent.json()["demo_code"]
        .as_str()
        .expect("a demo code")
        .to_string();
    let r = app
        .post(
            "/api/v1/portal/sign-in",
            "",
            json!({"id_number": id_number, "phone": phone, "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["token"].as_str().expect("token").to_string()
}

/// A study of `resident` sent by the township and signed by the ECG centre; its id.
async fn signed_ecg(app: &TestApp, resident: uuid::Uuid) -> String {
    let township = app.login("township").await;
    let reader = app.login("ecg").await;
    let study = app.upload_dicom(&township, resident).await;
    app.post(
        &format!("/api/v1/ecg/studies/{study}/claim"),
        &reader,
        json!({}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/ecg/studies/{study}/report"),
            &reader,
            json!({"findings": ["sinus_rhythm"], "conclusion": "窦性心律，正常心电图"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    study.to_string()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_resident_signs_in_with_a_code_and_reaches_only_their_own_reports() {
    for app in apps(300).await {
        let l = app.label.clone();
        let people = residents_under(&app, app.places.township, 2).await;
        let (me, other) = (&people[0], &people[1]);
        // A wrong phone gets the same answer and no code; nothing says who exists.
        let r = app
            .post(
                "/api/v1/portal/code",
                "",
                json!({"id_number": me.id_number, "phone": "13900000000"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()),
            (
                StatusCode::ACCEPTED,
                json!({"sent": true, "demo_code": null})
            ),
            "{l}"
        );
        let sent = app
            .post(
                "/api/v1/portal/code",
                "",
                json!({"id_number": me.id_number, "phone": me.phone}),
            )
            .await
            .json();
        let code = sent["demo_code"].as_str().expect("code").to_string();
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "{l}: {code}"
        );
        let outbox = app.state.messenger.recent();
        assert!(
            outbox
                .iter()
                .any(|(to, text)| to == &me.phone && text.contains(&code)),
            "{l}: the code went out"
        );
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let r = app
            .post(
                "/api/v1/portal/sign-in",
                "",
                json!({"id_number": me.id_number, "phone": me.phone, "code": wrong}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::UNAUTHORIZED, json!("portal_code_invalid")),
            "{l}"
        );
        let r = app
            .post(
                "/api/v1/portal/sign-in",
                "",
                json!({"id_number": me.id_number, "phone": me.phone, "code": code}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let token = r.json()["token"].as_str().expect("token").to_string();
        // The code is spent.
        let again = app
            .post(
                "/api/v1/portal/sign-in",
                "",
                json!({"id_number": me.id_number, "phone": me.phone, "code": code}),
            )
            .await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{l}");
        let who = app.get("/api/v1/portal/me", &token).await.json();
        assert_eq!(who["name"], json!(me.name), "{l}");
        assert!(
            !who.to_string().contains(&me.id_number) && !who.to_string().contains(&me.phone),
            "{l}: masked: {who}"
        );
        // A resident is not staff, and staff are not a resident.
        assert_eq!(
            app.get("/api/v1/residents", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        let staff = app.login("township").await;
        assert_eq!(
            app.get("/api/v1/portal/me", &staff).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        // Reports: the other resident's is not theirs; their own is pushed when signed.
        let theirs = signed_ecg(&app, other.id).await;
        let r = app
            .get(&format!("/api/v1/portal/reports/{theirs}"), &token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        assert!(!r.text().contains(&other.name), "{l}");
        let trail = app.audit_of(theirs.parse().expect("id")).await;
        let denied = (
            "portal.report".to_string(),
            "denied".to_string(),
            format!("resident:{}", me.id),
        );
        assert!(trail.contains(&denied), "{l}: {trail:?}");
        assert_eq!(
            ids(&app.get("/api/v1/portal/reports", &token).await.json()),
            Vec::<String>::new(),
            "{l}"
        );
        let mine = signed_ecg(&app, me.id).await;
        let list = app.get("/api/v1/portal/reports", &token).await.json();
        assert_eq!(ids(&list), std::slice::from_ref(&mine), "{l}");
        assert_eq!(list[0]["conclusion"], "窦性心律，正常心电图", "{l}");
        let notices = app.get("/api/v1/portal/notices", &token).await.json();
        assert_eq!(notices.as_array().map(Vec::len), Some(1), "{l}: {notices}");
        assert_eq!(
            (
                notices[0]["kind"].clone(),
                notices[0]["ref_id"].clone(),
                notices[0]["channel"].clone()
            ),
            (json!("ecg_report"), json!(mine), json!("outbox")),
            "{l}"
        );
        let pushed = app.state.messenger.recent();
        assert!(
            pushed
                .iter()
                .any(|(to, text)| to == &me.phone && text.contains("报告")),
            "{l}"
        );
        assert!(
            !pushed.iter().any(|(_, text)| text.contains("窦性心律")),
            "{l}: the text names no result"
        );
        // Signing out ends the token.
        let r = app.post("/api/v1/portal/sign-out", &token, json!({})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
        assert_eq!(
            app.get("/api/v1/portal/me", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
    }
}

#[tokio::test]
async fn a_booking_answers_201_or_409_session_full_and_a_refusal_writes_nothing() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let [(e1, _), (e2, _)] = <[_; 2]>::try_from(experts(&app, 2).await).expect("two");
        let day = today() + Duration::days(3);
        let here = session(
            &app,
            &manager,
            (e1, app.places.township, day),
            ("08:30", "11:30", 1),
        )
        .await;
        let there = session(
            &app,
            &manager,
            (e2, app.places.other_township, day),
            ("08:30", "11:30", 5),
        )
        .await;
        let people = residents_under(&app, app.places.township, 2).await;
        let a = sign_in(&app, &people[0].id_number, &people[0].phone).await;
        let b = sign_in(&app, &people[1].id_number, &people[1].phone).await;
        let listed = app.get("/api/v1/portal/sessions", &a).await.json();
        assert_eq!(
            ids(&listed),
            std::slice::from_ref(&here),
            "{l}: only their township's"
        );
        let book = |id: &str| format!("/api/v1/outreach/sessions/{id}/bookings");
        let r = app.post(&book(&here), &a, json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let r = app.post(&book(&here), &b, json!({})).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("session_full")),
            "{l}"
        );
        let r = app.post(&book(&here), &a, json!({})).await;
        assert_eq!(r.json()["error"]["code"], "session_already_booked", "{l}");
        let held = app
            .state
            .store
            .get_session(app.state.community.id, here.parse().expect("id"))
            .await
            .expect("session");
        assert_eq!(held.booked, 1, "{l}: the refusals wrote nothing");
        assert!(
            app.state
                .store
                .resident_bookings(app.state.community.id, people[1].id)
                .await
                .expect("b")
                .is_empty(),
            "{l}"
        );
        // Another township's session is not theirs to book: 404, audited.
        let r = app.post(&book(&there), &a, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let trail = app.audit_of(there.parse().expect("id")).await;
        assert!(
            trail.contains(&(
                "portal.book".into(),
                "denied".into(),
                format!("resident:{}", people[0].id)
            )),
            "{l}"
        );
        // Staff cannot book for themselves; giving the place back frees it.
        let township = app.login("township").await;
        assert_eq!(
            app.post(&book(&here), &township, json!({})).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        let r = app
            .call(axum::http::Method::DELETE, &book(&here), Some(&a), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
        assert_eq!(
            app.post(&book(&here), &b, json!({})).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let mine = app.get("/api/v1/portal/sessions", &b).await.json();
        assert_eq!(mine[0]["mine"], true, "{l}");
        // The office cancels: the resident holding a place is told, with the reason.
        let r = app
            .post(
                &format!("/api/v1/outreach/sessions/{here}/cancel"),
                &manager,
                json!({"reason": "专家临时外出会诊"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
        let told = app.get("/api/v1/portal/notices", &b).await.json();
        assert_eq!(
            (told[0]["kind"].clone(), told[0]["ref_id"].clone()),
            (json!("session_changed"), json!(here)),
            "{l}: {told}"
        );
        assert_eq!(
            app.get("/api/v1/portal/notices", &a).await.json(),
            json!([]),
            "{l}: a gave the place back"
        );
        let sent = app.state.messenger.recent();
        assert!(
            sent.iter()
                .any(|(to, text)| to == &people[1].phone && text.contains("专家临时外出会诊")),
            "{l}"
        );
    }
}

#[tokio::test]
async fn codes_are_throttled_per_id_number() {
    for app in apps(300).await {
        let l = app.label.clone();
        let people = residents_under(&app, app.places.township, 1).await;
        let ask = json!({"id_number": people[0].id_number, "phone": people[0].phone});
        for _ in 0..5 {
            assert_eq!(
                app.post("/api/v1/portal/code", "", ask.clone())
                    .await
                    .status,
                StatusCode::ACCEPTED,
                "{l}"
            );
        }
        let r = app.post("/api/v1/portal/code", "", ask).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::TOO_MANY_REQUESTS, json!("too_many_codes")),
            "{l}"
        );
    }
}
