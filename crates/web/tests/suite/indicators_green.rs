//! The green-channel indicator on SQLite and PostgreSQL, kept as admissions are
//! recorded: a case admitted within its pathway's target and one admitted late count at
//! once at the sending township; a later change of target re-judges neither, before or
//! after a rebuild, and judges the next case; the cases behind the figure are the
//! referrals with their minutes to admission.

use crate::figure_probe::{case_behind, this_month};
use axum::http::StatusCode;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use yigong_domain::referral::Pathway;
use yigong_testkit::app::{TestApp, apps};

const CODE: [&str; 1] = ["green_channel_on_time"];

/// A chest-pain case from the township first seen `minutes` ago, accepted, and admitted
/// now; its id.
async fn admitted(app: &TestApp, minutes: i64) -> String {
    let (township, specialist) = (app.login("township").await, app.login("specialist").await);
    let resident = app.resident_at(app.places.township).await;
    let contact = (OffsetDateTime::now_utc() - Duration::minutes(minutes))
        .format(&Rfc3339)
        .expect("a time");
    let body = json!({"resident_id": resident.id, "direction": "up", "urgency": "emergency",
        "pathway": "chest_pain", "to_institution_id": app.places.lead,
        "to_department_id": app.places.cardiology, "reason": "胸痛", "icd10_code": "R07.4",
        "first_contact_at": contact});
    let r = app.post("/api/v1/referrals", &township, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    let accepted = app
        .post(
            &format!("/api/v1/referrals/{id}/accept"),
            &specialist,
            json!({}),
        )
        .await;
    assert_eq!(accepted.json()["status"], "accepted", "{}", accepted.text());
    let path = format!("/api/v1/referrals/{id}/milestones");
    let r = app
        .post(&path, &specialist, json!({"milestone": "admitted"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    id
}

#[tokio::test]
async fn an_admission_is_judged_against_the_target_in_force_when_it_was_recorded() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let here = format!("&institution={}", app.places.township);
        let before = this_month(&app, &manager, "", &CODE).await[0];
        let before_here = this_month(&app, &manager, &here, &CODE).await[0];
        // 50 minutes against the default 60: on time; 90 minutes: late.
        let quick = admitted(&app, 50).await;
        let slow = admitted(&app, 90).await;
        let want = (before.0 + 1, before.1 + 2);
        assert_eq!(this_month(&app, &manager, "", &CODE).await[0], want, "{l}");
        assert_eq!(
            this_month(&app, &manager, &here, &CODE).await[0],
            (before_here.0 + 1, before_here.1 + 2),
            "{l}: counted at the township that sent them"
        );
        // The office relaxes the chest-pain target to 100 minutes: the late case stays
        // late, kept and rebuilt alike.
        let c = app.state.community.id;
        app.state
            .store
            .set_pathway_target(c, Pathway::ChestPain, 100)
            .await
            .expect("a target");
        assert_eq!(this_month(&app, &manager, "", &CODE).await[0], want, "{l}");
        app.state.store.rebuild_tallies(c).await.expect("rebuild");
        assert_eq!(
            this_month(&app, &manager, "", &CODE).await[0],
            want,
            "{l}: rebuilt"
        );
        // The next case is judged against 100 minutes: 90 is on time now.
        let next = admitted(&app, 90).await;
        assert_eq!(
            this_month(&app, &manager, "", &CODE).await[0],
            (want.0 + 1, want.1 + 1),
            "{l}"
        );

        // The cases: the quick and the next one on time, all three admitted.
        let (case, _) = case_behind(
            &app,
            &manager,
            ("green_channel_on_time", "numerator"),
            &quick,
        )
        .await;
        assert_eq!(
            (&case["source"], &case["kind"]),
            (&json!("green"), &json!("chest_pain")),
            "{l}"
        );
        assert!(
            matches!(case["served"].as_i64(), Some(49..=51)),
            "{l}: {case}"
        );
        case_behind(
            &app,
            &manager,
            ("green_channel_on_time", "numerator"),
            &next,
        )
        .await;
        let (late, n) = case_behind(
            &app,
            &manager,
            ("green_channel_on_time", "denominator"),
            &slow,
        )
        .await;
        assert!(
            matches!(late["served"].as_i64(), Some(89..=91)),
            "{l}: {late}"
        );
        assert_eq!(n, want.1 + 1, "{l}");
        let path = format!(
            "/api/v1/indicators/green_channel_on_time/cases?period={}&part=numerator&per_page=100",
            crate::figure_probe::month()
        );
        let listed = app.get(&path, &manager).await.json();
        assert!(
            listed["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|x| x["id"] != json!(slow)),
            "{l}: the late case is not on time"
        );
    }
}
