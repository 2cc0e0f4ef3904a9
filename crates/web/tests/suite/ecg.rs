//! The ECG network through the API on SQLite and PostgreSQL: upload → automatic
//! measurement → claim → report → acknowledgement; two readers cannot claim the same
//! study; a damaged upload stores nothing; who may see and do what.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{TestApp, apps};
use serde_json::{Value, json};

fn sample(path: &str) -> Vec<u8> {
    let dir = yigong_demo::seed::ecg::samples_dir().expect("the ECG sample recordings (data/ecg)");
    std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Named files of one upload.
type Files<'a> = Vec<(&'a str, &'a [u8])>;

async fn upload(
    app: &TestApp,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> common::Reply {
    let (ct, body) = common::multipart(fields, files);
    app.raw(Method::POST, "/api/v1/ecg/studies", token, &ct, body)
        .await
}

async fn studies_and_files(app: &TestApp) -> (i64, i64) {
    app.state
        .store
        .count_studies(app.state.community.id)
        .await
        .expect("count")
}

fn worklist_ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn an_upload_is_measured_read_reported_and_acknowledged() {
    for app in apps(300).await {
        let township = app.login("township").await;
        let reader = app.login("ecg").await;
        let resident = app.resident_at(app.places.township).await;
        let dcm = sample("formats/dicom/pydicom_waveform_ecg.dcm");
        let r = upload(
            &app,
            &township,
            &[
                ("resident_id", &resident.id.to_string()),
                ("symptoms", "胸痛 40 分钟，大汗"),
                ("chest_pain", "on"),
                ("symptom_onset_at", "2026-11-22T08:10:00+08:00"),
                ("recorded_at", "2026-11-22T08:50:00+08:00"),
            ],
            &[("ecg.dcm", &dcm)],
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
        let d = r.json();
        let id = d["study"]["id"].as_str().expect("id").to_string();
        // Measured at once: rate from the median RR (the machine says 982 ms).
        let hr = d["measurements"]["heart_rate_bpm"].as_f64().expect("rate");
        assert!((hr - 61.1).abs() < 1.0, "{}: {hr}", app.label);
        assert_eq!(d["study"]["status"], "awaiting");
        assert_eq!(d["study"]["format"], "dicom");
        assert_eq!(d["study"]["lead_count"], 12);
        // Chest pain puts it ahead of routine studies.
        assert_eq!(d["study"]["urgency"], "urgent");
        assert!(d["measurements"]["intervals"]["qrs_ms"].as_f64().is_some());

        // A routine study uploaded after it sorts behind it.
        let hea = sample("excerpts/101_00.hea");
        let dat = sample("excerpts/101_00.dat");
        let routine = upload(
            &app,
            &township,
            &[("resident_id", &resident.id.to_string())],
            &[("101_00.hea", &hea), ("101_00.dat", &dat)],
        )
        .await;
        assert_eq!(
            routine.status,
            StatusCode::CREATED,
            "{}: {}",
            app.label,
            routine.text()
        );
        assert_eq!(routine.json()["study"]["urgency"], "routine");
        let w = app.get("/api/v1/ecg/studies", &reader).await.json();
        assert_eq!(worklist_ids(&w)[0], id, "{}", app.label);
        assert_eq!(w["total"], 2);

        // The reader opens the trace on ECG paper.
        let svg = app
            .get(&format!("/api/v1/ecg/studies/{id}/trace.svg"), &reader)
            .await;
        assert_eq!(svg.status, StatusCode::OK);
        assert!(svg.text().starts_with("<svg") && svg.text().contains(">aVF</text>"));

        // Claim, report a critical finding.
        let act = |action: &str| format!("/api/v1/ecg/studies/{id}/{action}");
        let c = app.post(&act("claim"), &reader, json!({})).await;
        assert_eq!(c.status, StatusCode::OK, "{}: {}", app.label, c.text());
        assert_eq!(c.json()["study"]["status"], "reading");
        let bad = app
            .post(
                &act("report"),
                &reader,
                json!({"findings": ["sinus_rhythm", "martian_rhythm"]}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["error"]["code"], "ecg_finding_unknown");
        let rep = app
            .post(
                &act("report"),
                &reader,
                json!({"findings": ["sinus_rhythm", "stemi_inferior"], "conclusion": "急性下壁心肌梗死，建议立即启动胸痛绿色通道"}),
            )
            .await;
        assert_eq!(rep.status, StatusCode::OK, "{}: {}", app.label, rep.text());
        let rep = rep.json();
        assert_eq!(rep["study"]["status"], "reported");
        assert_eq!(rep["study"]["critical"], true);
        assert_eq!(rep["report"]["findings"], "sinus_rhythm,stemi_inferior");
        // Reported studies leave the worklist.
        let w = app.get("/api/v1/ecg/studies", &reader).await.json();
        assert_eq!(w["total"], 1);

        // The township sees the report and must acknowledge it; the reader may not.
        let sent = app
            .get("/api/v1/ecg/studies?view=sent", &township)
            .await
            .json();
        assert!(worklist_ids(&sent).contains(&id));
        let ack = app.post(&act("acknowledge"), &reader, json!({})).await;
        assert_eq!(ack.status, StatusCode::FORBIDDEN);
        let ack = app.post(&act("acknowledge"), &township, json!({})).await;
        assert_eq!(ack.status, StatusCode::OK, "{}: {}", app.label, ack.text());
        assert!(ack.json()["study"]["acknowledged_at"].is_string());
        let again = app.post(&act("acknowledge"), &township, json!({})).await;
        assert_eq!(again.json()["error"]["code"], "ecg_already_acknowledged");

        // The timeline has every step, and every step is audited.
        let kinds: Vec<String> = ack.json()["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["kind"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            kinds,
            ["uploaded", "claim", "report", "acknowledge"],
            "{}",
            app.label
        );
        let audit: Vec<String> = app
            .audit_of(id.parse().expect("uuid"))
            .await
            .into_iter()
            .map(|(action, _, _)| action)
            .collect();
        for action in [
            "ecg.upload",
            "ecg.read",
            "ecg.claim",
            "ecg.report",
            "ecg.acknowledge",
        ] {
            assert!(
                audit.iter().any(|a| a == action),
                "{}: {action} in {audit:?}",
                app.label
            );
        }
        // One row per change: the change's own, written in its transaction.
        for action in ["ecg.upload", "ecg.claim", "ecg.report"] {
            assert_eq!(
                audit.iter().filter(|a| *a == action).count(),
                1,
                "{}: {action}",
                app.label
            );
        }
        // The refused attempts (the reader's, the second one) are on record too.
        assert_eq!(
            audit.iter().filter(|a| *a == "ecg.acknowledge").count(),
            3,
            "{}",
            app.label
        );
    }
}

#[tokio::test]
async fn two_readers_cannot_claim_the_same_study() {
    for app in apps(200).await {
        let township = app.login("township").await;
        let (first, second) = (app.login("ecg").await, app.login("specialist").await);
        let resident = app.resident_at(app.places.township).await;
        let xml = sample("formats/hl7-aecg/hl7_2003-12_example_aecg.xml");
        let r = upload(
            &app,
            &township,
            &[("resident_id", &resident.id.to_string())],
            &[("a.xml", &xml)],
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
        let id = r.json()["study"]["id"].as_str().expect("id").to_string();
        let claim = format!("/api/v1/ecg/studies/{id}/claim");
        // Both at once: exactly one wins.
        let (a, b) = tokio::join!(
            app.post(&claim, &first, json!({})),
            app.post(&claim, &second, json!({}))
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{}: {} / {}",
            app.label,
            a.text(),
            b.text()
        );
        let loser = if a.status == StatusCode::CONFLICT {
            &a
        } else {
            &b
        };
        assert_eq!(loser.json()["error"]["code"], "ecg_claimed_by_other");
        // The loser can neither report nor release it.
        let (winner, other) = if a.status == StatusCode::OK {
            (&first, &second)
        } else {
            (&second, &first)
        };
        let report = format!("/api/v1/ecg/studies/{id}/report");
        let r = app
            .post(&report, other, json!({"findings": ["normal"]}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // The winner releases it; then the other may claim it.
        let r = app
            .post(
                &format!("/api/v1/ecg/studies/{id}/release"),
                winner,
                json!({}),
            )
            .await;
        assert_eq!(r.json()["study"]["status"], "awaiting");
        let r = app.post(&claim, other, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.label, r.text());
    }
}

#[tokio::test]
async fn damaged_and_unknown_uploads_store_nothing_and_say_why() {
    for app in apps(200).await {
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let rid = resident.id.to_string();
        let before = studies_and_files(&app).await;
        let dcm = sample("formats/dicom/pydicom_waveform_ecg.dcm");
        let hea = sample("excerpts/101_00.hea");
        let dat = sample("excerpts/101_00.dat");
        let cases: Vec<(&str, Files, &str)> = vec![
            (
                "cut DICOM",
                vec![("a.dcm", &dcm[..dcm.len() / 2])],
                "ecg_data_damaged",
            ),
            (
                "cut WFDB",
                vec![("101_00.hea", &hea), ("101_00.dat", &dat[..1000])],
                "ecg_data_damaged",
            ),
            (
                "header alone",
                vec![("101_00.hea", &hea)],
                "ecg_unsupported",
            ),
            (
                "a photo",
                vec![("photo.jpg", b"\xff\xd8\xff\xe0 not an ecg")],
                "ecg_unsupported",
            ),
            (
                "CSV without a rate",
                vec![("a.csv", b"II\n0.1\n0.2\n")],
                "ecg_header_invalid",
            ),
        ];
        for (what, files, code) in cases {
            let r = upload(&app, &township, &[("resident_id", &rid)], &files).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}: {what}: {}",
                app.label,
                r.text()
            );
            assert_eq!(r.json()["error"]["code"], code, "{}: {what}", app.label);
            assert!(
                !r.json()["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .is_empty()
            );
        }
        // Fields are checked too.
        let r = upload(&app, &township, &[], &[("a.dcm", &dcm)]).await;
        assert_eq!(r.json()["error"]["field"], "resident");
        let r = upload(
            &app,
            &township,
            &[
                ("resident_id", &rid),
                ("recorded_at", "2099-01-01T00:00:00Z"),
            ],
            &[("a.dcm", &dcm)],
        )
        .await;
        assert_eq!(r.json()["error"]["code"], "in_future");
        let r = upload(
            &app,
            &township,
            &[("resident_id", &rid), ("sample_rate", "fast")],
            &[("a.csv", b"II\n1\n2\n")],
        )
        .await;
        assert_eq!(r.json()["error"]["field"], "sample_rate");
        assert_eq!(
            studies_and_files(&app).await,
            before,
            "{}: nothing stored",
            app.label
        );
    }
}

#[tokio::test]
async fn studies_are_seen_only_by_their_sender_and_the_ecg_centre() {
    for app in apps(200).await {
        let township = app.login("township").await;
        let village = app.login("village").await;
        let bureau = app.login("bureau").await;
        let reader = app.login("ecg").await;
        let resident = app.resident_at(app.places.township).await;
        let xml = sample("formats/hl7-aecg/hl7_2003-12_example_aecg.xml");
        // A village doctor cannot upload for a resident outside the village.
        let r = upload(
            &app,
            &village,
            &[("resident_id", &resident.id.to_string())],
            &[("a.xml", &xml)],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let r = upload(
            &app,
            &township,
            &[("resident_id", &resident.id.to_string())],
            &[("a.xml", &xml)],
        )
        .await;
        let id = r.json()["study"]["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/ecg/studies/{id}");
        assert_eq!(app.get(&path, &village).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &bureau).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &reader).await.status, StatusCode::OK);
        // Only readers claim; a sender's worklist is refused.
        let r = app
            .post(&format!("{path}/claim"), &township, json!({}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            app.get("/api/v1/ecg/studies?view=worklist", &township)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/ecg/studies", &bureau).await.status,
            StatusCode::FORBIDDEN
        );
        // The denied look is in the audit trail.
        let audit = app.audit_of(id.parse().expect("uuid")).await;
        assert!(
            audit
                .iter()
                .any(|(action, outcome, _)| action == "ecg.read" && outcome == "denied"),
            "{audit:?}"
        );
    }
}

#[tokio::test]
async fn the_demo_history_fills_the_worklist_with_real_recordings_and_readings() {
    for app in apps(300).await {
        let dir = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
        let n =
            yigong_web::demo::add_ecg_history(&app.state.store, app.state.community.id, &dir, 7)
                .await
                .expect("history");
        assert!((250..=400).contains(&n), "{}: {n} studies", app.label);
        let reader = app.login("ecg").await;
        let all = app
            .get("/api/v1/ecg/studies?view=all&per_page=100", &reader)
            .await
            .json();
        assert_eq!(all["total"], n as i64);
        let work = app
            .get("/api/v1/ecg/studies?view=worklist&per_page=100", &reader)
            .await
            .json();
        let waiting = work["total"].as_i64().expect("total");
        assert!(
            waiting > 0 && waiting < n as i64 / 5,
            "{}: {waiting} waiting",
            app.label
        );
        // Ventricular flutter in record 207 is read as a critical finding.
        let items = all["items"].as_array().expect("items");
        assert!(items.iter().any(|s| s["critical"] == true), "{}", app.label);
        // A stretch opens with its trace and its reading.
        let id = items
            .iter()
            .find(|s| s["status"] == "reported")
            .expect("a reported study")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let d = app
            .get(&format!("/api/v1/ecg/studies/{id}"), &reader)
            .await
            .json();
        assert!(
            d["report"]["findings"]
                .as_str()
                .is_some_and(|f| !f.is_empty())
        );
        let svg = app
            .get(&format!("/api/v1/ecg/studies/{id}/trace.svg"), &reader)
            .await;
        assert_eq!(svg.status, StatusCode::OK);
    }
}
