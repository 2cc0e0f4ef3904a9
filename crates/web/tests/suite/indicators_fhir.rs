//! Encounters pushed over FHIR on SQLite and PostgreSQL: a township's HIS posts a stay,
//! it is counted in the month's figures at once, a second push of the same visit number
//! corrects it without counting it twice, search finds it by patient, identifier and
//! class, another place's doctor neither reads nor pushes it, and a wrong resource is
//! refused with nothing stored.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yigong_domain::access::Role;
use yigong_testkit::app::TestApp;

/// A stay at `provider` in May 2026 with a bill of `total` yuan.
pub fn stay(patient: uuid::Uuid, provider: uuid::Uuid, total: f64) -> Value {
    json!({
        "resourceType": "Encounter",
        "status": "finished",
        "identifier": [{"system": "urn:yigong:visit-no:T01", "value": "ZY-2026-0001"}],
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "serviceType": {"text": "住院部"},
        "subject": {"reference": format!("Patient/{patient}")},
        "serviceProvider": {"reference": format!("Organization/{provider}")},
        "period": {"start": "2026-05-02T08:30:00+08:00", "end": "2026-05-09"},
        "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "J18.9"}]}],
        "extension": [
            {"url": "urn:yigong:encounter-total-cost", "valueMoney": {"value": total, "currency": "CNY"}},
            {"url": "urn:yigong:encounter-insurance-paid", "valueMoney": {"value": 1500.0, "currency": "CNY"}},
        ],
    })
}

pub async fn push(app: &TestApp, token: &str, body: &Value) -> yigong_testkit::app::Reply {
    app.raw(
        Method::POST,
        "/fhir/r4/Encounter",
        token,
        "application/fhir+json",
        body.to_string().into_bytes(),
    )
    .await
}

/// The in-county share of stays in May 2026 as the office reads it: (numerator,
/// denominator).
pub async fn stays_in_may(app: &TestApp) -> (i64, i64) {
    let manager = app.login("manager").await;
    let all = app
        .get("/api/v1/indicators?period=2026-05", &manager)
        .await
        .json();
    let f = all
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == "ip_in_county_share")
        .expect("the in-county share");
    (
        f["numerator"].as_i64().unwrap_or(-1),
        f["denominator"].as_i64().unwrap_or(-1),
    )
}

async fn total(app: &TestApp, token: &str, query: &str) -> i64 {
    let r = app.get(&format!("/fhir/r4/Encounter?{query}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text());
    r.json()["total"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn a_pushed_stay_is_counted_once_found_in_reach_and_a_wrong_one_refused() {
    for app in yigong_testkit::app::apps(600).await {
        let l = app.label.clone();
        let township = app.login("township").await;
        // A resident of the township's village, in hospital at the township.
        let resident = app.resident_at(app.places.village).await;
        let provider = app.places.township;
        assert_eq!(stays_in_may(&app).await, (0, 0), "{l}");

        let r = push(&app, &township, &stay(resident.id, provider, 3520.5)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let created = r.json();
        let id = created["id"].as_str().expect("an id").to_string();
        assert!(
            r.headers["location"]
                .to_str()
                .expect("location")
                .ends_with(&format!("/Encounter/{id}")),
            "{l}"
        );
        assert_eq!(created["extension"][0]["valueMoney"]["value"], 3520.5);
        assert_eq!(stays_in_may(&app).await, (1, 1), "{l}");

        // The same visit number again, with another bill: corrected, not counted twice.
        let r = push(&app, &township, &stay(resident.id, provider, 3600.0)).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(r.json()["id"], created["id"], "{l}");
        assert_eq!(stays_in_may(&app).await, (1, 1), "{l}");
        let read = app
            .get(&format!("/fhir/r4/Encounter/{id}"), &township)
            .await;
        assert_eq!(read.status, StatusCode::OK, "{l}");
        assert_eq!(read.json()["extension"][0]["valueMoney"]["value"], 3600.0);

        let patient = format!("patient={}", resident.id);
        for (query, want) in [
            (patient.as_str(), 1),
            ("identifier=urn:yigong:visit-no:T01|ZY-2026-0001", 1),
            ("identifier=ZY-2026-0001", 1),
            ("identifier=urn:yigong:visit-no:T02|ZY-2026-0001", 0),
            ("identifier=urn:other|ZY-2026-0001", 0),
            ("class=IMP", 1),
            ("class=AMB", 0),
        ] {
            assert_eq!(total(&app, &township, query).await, want, "{l} {query}");
        }
        let r = app.get("/fhir/r4/Encounter?class=HH", &township).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");

        // The doctor of the township's other village: neither the resident nor the
        // township's visits are theirs.
        app.add_account(
            "other_village",
            Role::VillageDoctor,
            (app.places.other_village, None),
        )
        .await;
        let village = app.login("other_village").await;
        let r = app.get(&format!("/fhir/r4/Encounter/{id}"), &village).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(total(&app, &village, &patient).await, 0, "{l}");
        let r = push(&app, &village, &stay(resident.id, provider, 10.0)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let audit = app.audit_by("other_village").await;
        for action in ["encounter.read.fhir", "encounter.push"] {
            assert!(
                audit.iter().any(|a| a.0 == action && a.1 == "denied"),
                "{l} {action}: {audit:?}"
            );
        }

        // Wrong resources: the element named, nothing stored.
        let mut bad_class = stay(resident.id, provider, 10.0);
        bad_class["class"]["code"] = json!("HH");
        let mut backwards = stay(resident.id, provider, 10.0);
        backwards["identifier"][0]["value"] = json!("ZY-2026-0002");
        backwards["period"]["end"] = json!("2026-04-30");
        let mut nobody = stay(uuid::Uuid::now_v7(), provider, 10.0);
        nobody["identifier"][0]["value"] = json!("ZY-2026-0003");
        for (body, word) in [
            (bad_class, "class"),
            (backwards, "ended_on"),
            (nobody, "subject"),
        ] {
            let r = push(&app, &township, &body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l} {word}");
            let outcome = r.json();
            assert_eq!(outcome["resourceType"], "OperationOutcome", "{l}");
            assert_eq!(outcome["issue"][0]["code"], "invalid", "{l} {word}");
        }
        assert_eq!(total(&app, &township, &patient).await, 1, "{l}");
        assert_eq!(stays_in_may(&app).await, (1, 1), "{l}");
    }
}
