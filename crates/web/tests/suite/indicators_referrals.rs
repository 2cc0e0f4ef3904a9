//! The referral indicators on SQLite and PostgreSQL, kept as referrals are accepted: an
//! upward referral accepted by the lead hospital and a downward one acknowledged by a
//! village clinic each move their counts this month at once, one still waiting moves
//! nothing, the cases behind the counts are the referrals themselves (masked), and a
//! rebuild from the raw rows gives the same numbers.

use crate::figure_probe::{case_behind, this_month};
use axum::http::StatusCode;
use serde_json::{Value, json};
use yigong_testkit::app::{TestApp, apps, masked_id};

const CODES: [&str; 3] = ["referrals_up", "referrals_down", "lead_down_share"];

async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let r = app.post("/api/v1/referrals", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

async fn accept(app: &TestApp, token: &str, id: &str) {
    let r = app
        .post(&format!("/api/v1/referrals/{id}/accept"), token, json!({}))
        .await;
    assert_eq!(r.json()["status"], "accepted", "{}", r.text());
}

fn up(app: &TestApp, resident: uuid::Uuid) -> Value {
    json!({
        "resident_id": resident, "direction": "up", "urgency": "routine",
        "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
        "reason": "血压控制不佳", "icd10_code": "I10",
    })
}

#[tokio::test]
async fn accepting_a_referral_counts_it_at_once_and_a_rebuild_agrees() {
    for app in apps(800).await {
        let (township, specialist) = (app.login("township").await, app.login("specialist").await);
        let (village, manager) = (app.login("village").await, app.login("manager").await);
        let at_township = format!("&institution={}", app.places.township);
        let before = this_month(&app, &manager, "", &CODES).await;
        let before_township = this_month(&app, &manager, &at_township, &CODES).await;

        let resident = app.resident_at(app.places.village).await;
        let sent = create(&app, &township, up(&app, resident.id)).await;
        let _waiting = create(&app, &township, up(&app, resident.id)).await;
        accept(&app, &specialist, &sent).await;
        let down = json!({
            "resident_id": resident.id, "direction": "down", "urgency": "routine",
            "to_institution_id": app.places.village, "reason": "病情稳定，回基层随访",
            "icd10_code": "I10", "instructions": "氨氯地平 5mg qd",
        });
        let down = create(&app, &specialist, down).await;
        accept(&app, &village, &down).await;

        // One up (sent by the township, received by the lead hospital), one down (sent by
        // the lead hospital); the waiting one counts nowhere.
        let (u, d, s) = (before[0], before[1], before[2]);
        let want = vec![(u.0 + 1, 0), (d.0 + 1, 0), (s.0 + 1, s.1 + 2)];
        assert_eq!(
            this_month(&app, &manager, "", &CODES).await,
            want,
            "{}",
            app.label
        );
        // The township sent the upward one and no downward one; the lead hospital's share
        // has nothing to divide without the lead hospital in scope.
        let t = &before_township;
        assert_eq!(
            this_month(&app, &manager, &at_township, &CODES).await,
            vec![(t[0].0 + 1, 0), (t[1].0, 0), (0, 0)],
            "{}",
            app.label
        );

        // The cases behind the upward count are referrals, masked, at their sender.
        let (ours, total) = case_behind(&app, &manager, ("referrals_up", "numerator"), &sent).await;
        assert_eq!(
            (&ours["source"], &ours["kind"]),
            (&json!("referral"), &json!("up"))
        );
        assert_eq!(ours["id_number"], masked_id(&resident.id_number));
        assert_eq!(total, u.0 + 1);
        // Behind the lead hospital's share: its downward one and the upward one it took.
        let part = ("lead_down_share", "denominator");
        let (theirs, total) = case_behind(&app, &manager, part, &down).await;
        assert_eq!(total, s.1 + 2);
        assert_eq!(theirs["kind"], "down");
        let (ours, _) = case_behind(&app, &manager, part, &sent).await;
        assert_eq!(ours["id_number"], masked_id(&resident.id_number));

        app.state
            .store
            .rebuild_tallies(app.state.community.id)
            .await
            .expect("rebuild");
        assert_eq!(
            this_month(&app, &manager, "", &CODES).await,
            want,
            "{} rebuilt",
            app.label
        );
    }
}
