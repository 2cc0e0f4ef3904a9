//! The FHIR resources of the diagnostic centres and of teleconsultation that the
//! validation test hands to both validators, made through the API as users would.

/// A reported lab order and a reported CT as FHIR: ServiceRequest, DiagnosticReport and
/// an Observation per value, and the patient's ServiceRequests (referrals and orders).
pub async fn diagnostic_orders(
    app: &yigong_testkit::app::TestApp,
    township: &str,
    resident: uuid::Uuid,
) -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let mut out = Vec::new();
    let order = |item: &str| {
        let body = json!({"resident_id": resident, "item_code": item, "urgency": "urgent", "question": "复查"});
        app.post("/api/v1/orders", township, body)
    };
    let lab = order("electrolytes").await.json()["id"]
        .as_str()
        .expect("lab")
        .to_string();
    let ct = order("ct_chest").await.json()["id"]
        .as_str()
        .expect("ct")
        .to_string();
    for (id, staff, result) in [
        (
            &lab,
            "lab",
            json!({"values": [{"analyte": "k", "value": 6.8}, {"analyte": "na", "value": 139}, {"analyte": "cl", "value": 101}]}),
        ),
        (
            &ct,
            "imaging",
            json!({"findings": "右下肺见少许条索影。", "impression": "右下肺少许慢性炎症。"}),
        ),
    ] {
        let t = app.login(staff).await;
        for action in ["receive", "claim"] {
            app.post(&format!("/api/v1/orders/{id}/{action}"), &t, json!({}))
                .await;
        }
        let r = app
            .post(&format!("/api/v1/orders/{id}/report"), &t, result)
            .await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    }
    let report = app
        .get(&format!("/fhir/r4/DiagnosticReport/{lab}"), township)
        .await
        .json();
    assert_eq!(report["status"], "final");
    assert_eq!(
        report["result"][0]["reference"],
        format!("Observation/{lab}-k")
    );
    out.push(("order-lab-report".into(), report));
    let k = app
        .get(&format!("/fhir/r4/Observation/{lab}-k"), township)
        .await
        .json();
    assert_eq!(k["interpretation"][0]["coding"][0]["code"], "HH");
    out.push(("order-lab-potassium".into(), k));
    let request = app
        .get(&format!("/fhir/r4/ServiceRequest/{lab}"), township)
        .await
        .json();
    assert_eq!(request["status"], "completed");
    out.push(("order-lab-request".into(), request));
    let ct_report = app
        .get(&format!("/fhir/r4/DiagnosticReport/{ct}"), township)
        .await
        .json();
    assert_eq!(ct_report["conclusion"], "右下肺少许慢性炎症。");
    out.push(("order-ct-report".into(), ct_report));
    let search = format!("/fhir/r4/ServiceRequest?patient={resident}&_count=50");
    let all = app.get(&search, township).await.json();
    let ids: Vec<&str> = all["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["resource"]["id"].as_str())
        .collect();
    assert!(
        ids.contains(&lab.as_str()) && ids.contains(&ct.as_str()),
        "{ids:?}"
    );
    assert_eq!(all["total"], ids.len());
    out.push(("patient-servicerequests".into(), all));
    let search = format!("/fhir/r4/DiagnosticReport?patient={resident}&_count=50");
    let reports = app.get(&search, township).await.json();
    let ids: Vec<&str> = reports["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["resource"]["id"].as_str())
        .collect();
    assert!(
        ids.contains(&lab.as_str()) && ids.contains(&ct.as_str()),
        "{ids:?}"
    );
    assert_eq!(reports["total"], ids.len());
    // Paging runs across both lists: the ECG reports first, then the orders' results.
    let ecg = ids.iter().filter(|i| **i != lab && **i != ct).count();
    let next = format!("/fhir/r4/DiagnosticReport?patient={resident}&_count=1&_offset={ecg}");
    let page = app.get(&next, township).await.json();
    assert_eq!(page["entry"][0]["resource"]["id"], ct.as_str(), "{page}");
    assert_eq!(page["total"], reports["total"]);
    out.push(("patient-reports".into(), reports));
    out
}

/// A teleconsultation booked and answered, one only requested, as Appointment and
/// Communication, and the patient's searches of both.
pub async fn teleconsultation(
    app: &yigong_testkit::app::TestApp,
    township: &str,
    resident: uuid::Uuid,
) -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let ask = json!({"resident_id": resident, "kind": "surgical", "question": "拟行清创缝合，请术前会诊"});
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = app
            .post("/api/v1/teleconsultations", township, ask.clone())
            .await;
        ids.push(r.json()["id"].as_str().expect("consult").to_string());
    }
    let (manager, specialist) = (app.login("manager").await, app.login("specialist").await);
    let c = app.state.community.id;
    let expert = app
        .state
        .store
        .find_account(c, "specialist")
        .await
        .expect("account")
        .expect("expert")
        .id;
    let book = json!({"expert_id": expert, "at": "2030-06-01T10:00", "duration_minutes": 30});
    let step = |a: &str| format!("/api/v1/teleconsultations/{}/{a}", ids[0]);
    assert_eq!(
        app.post(&step("schedule"), &manager, book).await.status,
        axum::http::StatusCode::OK
    );
    let r = app
        .post(
            &step("answer"),
            &specialist,
            json!({"opinion": "可在局麻下清创缝合。"}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    let booked = app
        .get(&format!("/fhir/r4/Appointment/{}", ids[0]), township)
        .await
        .json();
    assert_eq!(booked["status"], "fulfilled");
    let proposed = app
        .get(&format!("/fhir/r4/Appointment/{}", ids[1]), township)
        .await
        .json();
    assert_eq!(proposed["status"], "proposed");
    let said = app
        .get(
            &format!("/fhir/r4/Communication/{}-opinion", ids[0]),
            township,
        )
        .await
        .json();
    assert_eq!(said["payload"][0]["contentString"], "可在局麻下清创缝合。");
    let appointments = app
        .get(
            &format!("/fhir/r4/Appointment?patient={resident}"),
            township,
        )
        .await
        .json();
    assert_eq!(appointments["total"], 2);
    let opinions = app
        .get(
            &format!("/fhir/r4/Communication?patient={resident}"),
            township,
        )
        .await
        .json();
    assert_eq!(opinions["total"], 1);
    vec![
        ("consult-appointment".into(), booked),
        ("consult-proposed".into(), proposed),
        ("consult-opinion".into(), said),
        ("consult-appointments".into(), appointments),
        ("consult-opinions".into(), opinions),
    ]
}

/// An expert's session at the township (a Schedule and its Slot) and a posting (a
/// PractitionerRole), each read and searched.
pub async fn outreach(app: &yigong_testkit::app::TestApp) -> Vec<(String, serde_json::Value)> {
    use serde_json::json;
    let manager = app.login("manager").await;
    let staff = app
        .state
        .store
        .staff_of(app.state.community.id, app.places.lead)
        .await
        .expect("staff");
    let expert = staff
        .iter()
        .find(|s| yigong_domain::outreach::posting::title_level(&s.title).1)
        .expect("an expert")
        .id;
    let day = yigong_domain::clock::today() + time::Duration::days(2);
    let session = app
        .post(
            "/api/v1/outreach/sessions",
            &manager,
            json!({"expert_id": expert, "institution_id": app.places.township, "day": day.to_string(),
                "start": "08:30", "end": "11:30", "capacity": 20}),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("session")
        .to_string();
    let posting = app
        .post(
            "/api/v1/outreach/postings",
            &manager,
            json!({"staff_id": expert, "institution_id": app.places.township, "kind": "long_term",
                "start_on": "2026-01-05"}),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("posting")
        .to_string();
    // A resident of the township books a place: an Appointment on the Slot.
    let c = app.state.community.id;
    let mut places = vec![app.places.township];
    places.extend(
        app.state
            .store
            .child_institutions(c, app.places.township)
            .await
            .expect("villages"),
    );
    let mut resident = None;
    for p in places {
        if let Some(r) = app.residents_at(p, 1).await.pop() {
            resident = Some(r);
            break;
        }
    }
    let resident = resident.expect("a resident of the township");
    let ask = json!({"id_number": resident.id_number, "phone": resident.phone});
    let code = app
        .post("/api/v1/portal/code", "", ask.clone())
        .await
        .json()["demo_code"]
        .clone();
    let mut sign = ask;
    sign["code"] = code;
    let token = app.post("/api/v1/portal/sign-in", "", sign).await.json()["token"]
        .as_str()
        .expect("token")
        .to_string();
    let r = app
        .post(
            &format!("/api/v1/outreach/sessions/{session}/bookings"),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
    let booking = app
        .state
        .store
        .bookings_of(c, resident.id)
        .await
        .expect("bookings")[0]
        .id;
    let mut out = Vec::new();
    for (name, path) in [
        (
            "booking-appointment",
            format!("/fhir/r4/Appointment/{booking}"),
        ),
        (
            "booking-appointments",
            format!("/fhir/r4/Appointment?patient=Patient/{}", resident.id),
        ),
        ("outreach-schedule", format!("/fhir/r4/Schedule/{session}")),
        ("outreach-slot", format!("/fhir/r4/Slot/{session}")),
        (
            "outreach-slots",
            format!("/fhir/r4/Slot?schedule=Schedule/{session}"),
        ),
        (
            "outreach-schedules",
            format!(
                "/fhir/r4/Schedule?actor=Organization/{}",
                app.places.township
            ),
        ),
        (
            "posting-role",
            format!("/fhir/r4/PractitionerRole/{posting}"),
        ),
        (
            "posting-roles",
            "/fhir/r4/PractitionerRole?_count=5".to_string(),
        ),
    ] {
        let r = app.get(&path, &manager).await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{path}: {}", r.text());
        out.push((name.to_string(), r.json()));
    }
    out
}

/// A stay pushed by the township as an Encounter, as created and as a search finds it.
pub async fn encounter(
    app: &yigong_testkit::app::TestApp,
    township: &str,
) -> Vec<(String, serde_json::Value)> {
    use crate::indicators_fhir::{push, stay};
    let resident = app.resident_at(app.places.village).await;
    let body = stay(resident.id, app.places.township, 3520.5);
    let r = push(app, township, &body).await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.text());
    let search = app
        .get(
            &format!("/fhir/r4/Encounter?patient={}", resident.id),
            township,
        )
        .await
        .json();
    assert_eq!(search["total"], 1);
    vec![
        ("encounter".into(), r.json()),
        ("encounters".into(), search),
    ]
}
