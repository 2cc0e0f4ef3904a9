//! The ECG indicators on SQLite and PostgreSQL, kept as reports are signed: a chest-pain
//! ECG (urgent) and a routine one, uploaded by the township and reported at once, move
//! this month's remote reads by two and the urgent ones read on time by one of one; the
//! cases behind them are the studies (masked), and a rebuild gives the same numbers.

use crate::figure_probe::{case_behind, this_month};
use axum::http::{Method, StatusCode};
use serde_json::json;
use yigong_testkit::app::{TestApp, apps, masked_id, multipart};

const CODES: [&str; 2] = ["ecg_remote_reads", "ecg_urgent_on_time"];

/// Uploads the DICOM sample (with chest pain: urgent) and has the ECG centre report it.
async fn read_one(app: &TestApp, township: &str, resident: uuid::Uuid, chest_pain: bool) -> String {
    let dir = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
    let dcm = std::fs::read(dir.join("formats/dicom/pydicom_waveform_ecg.dcm")).expect("sample");
    let resident = resident.to_string();
    let pain = if chest_pain { "on" } else { "" };
    let (ct, body) = multipart(
        &[("resident_id", &resident), ("chest_pain", pain)],
        &[("a.dcm", &dcm)],
    );
    let r = app
        .raw(Method::POST, "/api/v1/ecg/studies", township, &ct, body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["study"]["id"].as_str().expect("id").to_string();
    let reader = app.login("ecg").await;
    let act = |a: &str| format!("/api/v1/ecg/studies/{id}/{a}");
    assert_eq!(
        app.post(&act("claim"), &reader, json!({})).await.status,
        StatusCode::OK
    );
    let r = app
        .post(
            &act("report"),
            &reader,
            json!({"findings": ["sinus_rhythm"], "conclusion": "窦性心律"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    id
}

#[tokio::test]
async fn a_signed_report_counts_at_once_and_a_rebuild_agrees() {
    for app in apps(800).await {
        let (township, manager) = (app.login("township").await, app.login("manager").await);
        let before = this_month(&app, &manager, "", &CODES).await;
        let resident = app.resident_at(app.places.village).await;
        let urgent = read_one(&app, &township, resident.id, true).await;
        read_one(&app, &township, resident.id, false).await;
        let (r, u) = (before[0], before[1]);
        let want = vec![(r.0 + 2, 0), (u.0 + 1, u.1 + 1)];
        assert_eq!(
            this_month(&app, &manager, "", &CODES).await,
            want,
            "{}",
            app.label
        );

        // Behind the on-time count: the urgent study, masked.
        let part = ("ecg_urgent_on_time", "numerator");
        let (ours, total) = case_behind(&app, &manager, part, &urgent).await;
        assert_eq!(
            (&ours["source"], &ours["kind"]),
            (&json!("ecg"), &json!("urgent"))
        );
        assert_eq!(ours["id_number"], masked_id(&resident.id_number));
        assert_eq!(total, u.0 + 1);
        let part = ("ecg_remote_reads", "numerator");
        assert_eq!(case_behind(&app, &manager, part, &urgent).await.1, r.0 + 2);

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
