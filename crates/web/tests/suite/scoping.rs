//! Role scoping over the JSON API and FHIR: out-of-scope records answer 404, every
//! allowed and denied read is audited, identifiers are masked for roles that need no
//! full value. Runs on SQLite, and on PostgreSQL with `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::apps;
use serde_json::json;

#[tokio::test]
async fn village_doctor_cannot_read_or_change_another_villages_resident() {
    for app in apps(2000).await {
        let token = app.login("village").await;
        let mine = app.resident_at(app.places.village).await;
        let other = app.resident_at(app.places.other_village).await;

        // Allowed read, audited as allowed.
        let r = app
            .get(&format!("/api/v1/residents/{}", mine.id), &token)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", app.label);
        assert!(app.audit_of(mine.id).await.contains(&(
            "resident.read".into(),
            "allowed".into(),
            "village".into()
        )));

        // Denied read: 404 (not 403) and audited as denied.
        let r = app
            .get(&format!("/api/v1/residents/{}", other.id), &token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert_eq!(r.json()["error"]["code"], "not_found");
        assert!(app.audit_of(other.id).await.contains(&(
            "resident.read".into(),
            "denied".into(),
            "village".into()
        )));

        // Denied change: 404 and nothing changed.
        let body = json!({
            "name": "改名", "id_number": other.id_number, "phone": other.phone,
            "institution_id": app.places.village,
        });
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/residents/{}", other.id),
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let after = app
            .state
            .store
            .get_resident(app.state.community.id, other.id)
            .await
            .expect("still there");
        assert_eq!(after.name, other.name);
        assert_eq!(after.institution_id, other.institution_id);
        let r = app
            .post(
                &format!("/api/v1/residents/{}/deactivate", other.id),
                &token,
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            app.state
                .store
                .get_resident(app.state.community.id, other.id)
                .await
                .expect("row")
                .active
        );

        // FHIR read of the other village's patient: 404 OperationOutcome, audited.
        let r = app
            .get(&format!("/fhir/r4/Patient/{}", other.id), &token)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["resourceType"], "OperationOutcome");
        assert!(app.audit_of(other.id).await.contains(&(
            "resident.read.fhir".into(),
            "denied".into(),
            "village".into()
        )));
        let r = app
            .get(&format!("/fhir/r4/Patient/{}", mine.id), &token)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(app.audit_of(mine.id).await.contains(&(
            "resident.read.fhir".into(),
            "allowed".into(),
            "village".into()
        )));

        // FHIR search by the other resident's identifier finds nothing.
        let q = format!(
            "/fhir/r4/Patient?identifier=urn:oid:2.16.156.10011.1.3|{}",
            other.id_number
        );
        let r = app.get(&q, &token).await;
        assert_eq!(r.json()["total"], 0);

        // Search lists only the village's own residents.
        let r = app.get("/api/v1/residents?per_page=200", &token).await;
        let items = r.json()["items"].as_array().expect("items").clone();
        assert!(!items.is_empty());
        assert!(
            items
                .iter()
                .all(|i| i["institution_id"] == app.places.village.to_string())
        );
    }
}

#[tokio::test]
async fn township_specialist_party_and_bureau_reach() {
    for app in apps(2000).await {
        let in_village = app.resident_at(app.places.village).await;
        let in_other_township = app.resident_at(app.places.other_township).await;
        let path = |id: uuid::Uuid| format!("/api/v1/residents/{id}");

        let township = app.login("township").await;
        assert_eq!(
            app.get(&path(in_village.id), &township).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.get(&path(in_other_township.id), &township).await.status,
            StatusCode::NOT_FOUND
        );

        let specialist = app.login("specialist").await;
        assert_eq!(
            app.get(&path(in_other_township.id), &specialist)
                .await
                .status,
            StatusCode::OK
        );

        for who in ["party", "bureau"] {
            let t = app.login(who).await;
            assert_eq!(
                app.get(&path(in_village.id), &t).await.status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
            assert_eq!(
                app.get("/api/v1/residents", &t).await.json()["total"],
                0,
                "{who}"
            );
        }
    }
}

#[tokio::test]
async fn identifiers_are_masked_except_for_registrars() {
    for app in apps(2000).await {
        let r = app.resident_at(app.places.village).await;
        let path = format!("/api/v1/residents/{}", r.id);
        let village = app.get(&path, &app.login("village").await).await.json();
        assert_eq!(village["identifiers_masked"], true);
        // The region code only: the birth date, sequence and check character stay hidden.
        assert_eq!(
            village["id_number"],
            format!("{}************", &r.id_number[..6])
        );
        assert_eq!(
            village["phone"],
            format!("{}****{}", &r.phone[..3], &r.phone[7..])
        );
        let manager = app.get(&path, &app.login("manager").await).await.json();
        assert_eq!(manager["id_number"], r.id_number);
        assert_eq!(manager["phone"], r.phone);
    }
}

#[tokio::test]
async fn every_endpoint_needs_authentication() {
    for app in apps(50).await {
        for path in [
            "/api/v1/residents",
            "/api/v1/institutions",
            "/api/v1/staff",
            "/api/v1/audit",
            "/api/v1/me",
            "/fhir/r4/Patient",
            "/fhir/r4/Organization",
        ] {
            let r = app.call(Method::GET, path, None, None).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
        }
        let r = app
            .call(Method::GET, "/api/v1/residents", Some("forged-token"), None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "village", "password": "wrong"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], "invalid_credentials");
        // Audit log is for administrators only.
        assert_eq!(
            app.get("/api/v1/audit", &app.login("manager").await)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let audit = app
            .get("/api/v1/audit?outcome=denied", &app.login("admin").await)
            .await;
        assert_eq!(audit.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn logout_ends_the_token() {
    for app in apps(10).await {
        let t = app.login("village").await;
        assert_eq!(
            app.get("/api/v1/me", &t).await.json()["username"],
            "village"
        );
        assert_eq!(
            app.post("/api/v1/auth/logout", &t, json!({})).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get("/api/v1/me", &t).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}
