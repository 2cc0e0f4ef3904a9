//! Remote diagnoses on SQLite and PostgreSQL, kept as teleconsultations are answered: an
//! answer counts once this month at the township that asked (rating it afterwards counts
//! nothing more), the case behind the figure is the consultation, and a rebuild agrees.

use crate::figure_probe::{case_behind, this_month};
use axum::http::StatusCode;
use serde_json::json;
use yigong_testkit::app::apps;

const CODE: [&str; 1] = ["remote_diagnoses_per_10k"];

#[tokio::test]
async fn an_answered_teleconsultation_counts_once_where_it_was_asked() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (township, manager) = (app.login("township").await, app.login("manager").await);
        let specialist = app.login("specialist").await;
        let here = format!("&institution={}", app.places.township);
        let before = this_month(&app, &manager, &here, &CODE).await[0];
        let resident = app.resident_at(app.places.township).await;
        let ask =
            json!({"resident_id": resident.id, "kind": "general", "question": "反复头晕，请会诊"});
        let r = app.post("/api/v1/teleconsultations", &township, ask).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let step = |action: &str| format!("/api/v1/teleconsultations/{id}/{action}");
        let expert = app
            .state
            .store
            .find_account(app.state.community.id, "specialist")
            .await
            .expect("account")
            .expect("specialist")
            .id;
        let book = json!({"expert_id": expert, "at": "2030-03-04T09:00", "duration_minutes": 30});
        let r = app.post(&step("schedule"), &manager, book).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        // Scheduled: nothing counts yet.
        assert_eq!(
            this_month(&app, &manager, &here, &CODE).await[0],
            before,
            "{l}"
        );
        let r = app
            .post(
                &step("answer"),
                &specialist,
                json!({"opinion": "考虑良性位置性眩晕，建议复位治疗。"}),
            )
            .await;
        assert_eq!(r.json()["status"], "answered", "{l}: {}", r.text());
        let want = (before.0 + 1, before.1);
        assert_eq!(
            this_month(&app, &manager, &here, &CODE).await[0],
            want,
            "{l}"
        );
        let r = app
            .post(&step("rate"), &township, json!({"rating": 5}))
            .await;
        assert_eq!(r.json()["rating"], 5, "{l}: {}", r.text());
        assert_eq!(
            this_month(&app, &manager, &here, &CODE).await[0],
            want,
            "{l}: rated, not counted again"
        );

        let (case, _) = case_behind(
            &app,
            &manager,
            ("remote_diagnoses_per_10k", "numerator"),
            &id,
        )
        .await;
        assert_eq!(
            (&case["source"], &case["kind"], &case["diagnoses"]),
            (
                &json!("consult"),
                &json!("general"),
                &json!("反复头晕，请会诊")
            ),
            "{l}"
        );
        assert!(
            case["id_number"].as_str().is_some_and(|n| n.contains('*')),
            "{l}: masked"
        );
        app.state
            .store
            .rebuild_tallies(app.state.community.id)
            .await
            .expect("rebuild");
        assert_eq!(
            this_month(&app, &manager, &here, &CODE).await[0],
            want,
            "{l}: rebuilt"
        );
    }
}
