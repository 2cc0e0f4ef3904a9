//! What the FHIR server declares and refuses: every parameter the CapabilityStatement
//! declares is read and nothing else, an unknown type or method answers an
//! OperationOutcome, and a masked ID number is never sent as an identifier.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{apps, encode};
use uuid::Uuid;

#[tokio::test]
async fn every_declared_parameter_is_read_and_nothing_else() {
    for app in apps(600).await {
        let t = app.login("manager").await;
        let resident = app.resident_at(app.places.village).await;
        let meta = app
            .call(Method::GET, "/fhir/r4/metadata", None, None)
            .await
            .json();
        let resources = meta["rest"][0]["resource"].as_array().expect("resources");
        assert_eq!(resources.len(), 14);
        for r in resources {
            let ty = r["type"].as_str().expect("type");
            let patient = format!("patient=Patient/{}", resident.id);
            for p in r["searchParam"].as_array().expect("params") {
                let name = p["name"].as_str().expect("name");
                let value = match (name, p["type"].as_str().expect("type")) {
                    ("focus", _) => format!("ServiceRequest/{}", Uuid::now_v7()),
                    ("patient", _) => format!("Patient/{}", resident.id),
                    ("schedule", _) => format!("Schedule/{}", Uuid::now_v7()),
                    ("practitioner", _) => format!("Practitioner/{}", Uuid::now_v7()),
                    (_, "reference") => format!("Organization/{}", app.places.township),
                    (_, "number") => "3".into(),
                    ("status", _) if ty == "Task" => "requested".into(),
                    ("status", _) => "active".into(),
                    ("category", _) => "vital-signs".into(),
                    ("code", _) => "85354-9".into(),
                    ("class", _) => "IMP".into(),
                    ("identifier", _) => "urn:yigong:institution-code|LEAD".into(),
                    _ => "王".into(),
                };
                let asked = format!("{name}={}", encode(&value));
                let url = if ["Observation", "CarePlan"].contains(&ty) && name != "patient" {
                    format!("/fhir/r4/{ty}?{patient}&{asked}")
                } else {
                    format!("/fhir/r4/{ty}?{asked}")
                };
                let reply = app.get(&url, &t).await;
                assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.text());
                let self_link = reply.json()["link"][0]["url"]
                    .as_str()
                    .expect("self")
                    .to_string();
                assert!(
                    self_link.contains(&format!("{name}=")),
                    "{url}: {self_link}"
                );
            }
            for refused in [
                "_sort=name",
                "_include=Patient:organization",
                "name:exact=x",
                "subject.name=x",
                "unknown=1",
            ] {
                let reply = app.get(&format!("/fhir/r4/{ty}?{refused}"), &t).await;
                assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{ty}?{refused}");
                let o = reply.json();
                assert_eq!(o["resourceType"], "OperationOutcome");
                assert!(
                    o["issue"][0]["diagnostics"]
                        .as_str()
                        .expect("text")
                        .contains(refused.split('=').next().expect("key"))
                );
            }
        }
    }
}

#[tokio::test]
async fn unknown_types_and_methods_answer_operation_outcomes() {
    for app in apps(10).await {
        let t = app.login("manager").await;
        let r = app.get("/fhir/r4/MedicationRequest?patient=x", &t).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let o = r.json();
        assert_eq!(o["resourceType"], "OperationOutcome");
        assert!(
            o["issue"][0]["diagnostics"]
                .as_str()
                .expect("text")
                .contains("MedicationRequest")
        );
        let r = app
            .call(Method::GET, "/fhir/r4/MedicationRequest", None, None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "asks who is calling first"
        );
        assert_eq!(r.json()["resourceType"], "OperationOutcome");
        let r = app
            .call(Method::DELETE, "/fhir/r4/Patient", Some(&t), None)
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        let o = r.json();
        assert_eq!(o["resourceType"], "OperationOutcome");
        assert_eq!(o["issue"][0]["code"], "not-supported");
    }
}

#[tokio::test]
async fn a_masked_id_number_is_never_an_identifier() {
    for app in apps(600).await {
        let office = app.login("manager").await;
        let staff = app
            .get("/fhir/r4/Practitioner?_count=200", &office)
            .await
            .json();
        let staff_numbers: Vec<String> = staff["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| {
                e["resource"]["identifier"][0]["value"]
                    .as_str()
                    .map(str::to_string)
            })
            .collect();
        assert!(!staff_numbers.is_empty(), "the office sees whole numbers");
        for (user, place) in [
            ("township", app.places.township),
            ("village", app.places.village),
        ] {
            let t = app.login(user).await;
            let resident = app.resident_at(place).await;
            for url in [
                format!("/fhir/r4/Patient/{}", resident.id),
                format!("/fhir/r4/Patient?organization=Organization/{place}"),
            ] {
                let reply = app.get(&url, &t).await;
                assert_eq!(reply.status, StatusCode::OK, "{user} {url}");
                let text = reply.text();
                assert!(
                    text.contains(&resident.name),
                    "{user} {url}: the record is there"
                );
                assert!(
                    !text.contains(yigong_fhir::ID_CARD_SYSTEM),
                    "{user} {url}: {text}"
                );
                assert!(
                    !text.contains(&resident.id_number[6..14]),
                    "{user} {url}: what the mask hides"
                );
            }
            let text = app.get("/fhir/r4/Practitioner?_count=200", &t).await.text();
            assert!(!text.contains(yigong_fhir::ID_CARD_SYSTEM), "{user}");
            assert!(
                staff_numbers.iter().all(|n| !text.contains(&n[6..14])),
                "{user}"
            );
        }
    }
}
