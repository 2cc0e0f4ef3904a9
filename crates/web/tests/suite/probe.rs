//! The cross-institution probe: every role that may not reach a record tries it through
//! the JSON API, FHIR (read and search by patient) and the pages, reading and writing.
//! Zero leaks (no answer carries the record's name or ID number, no write lands), and
//! every attempt on the record is an audit row. Runs on SQLite, and on PostgreSQL with
//! `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{TestApp, apps};
use serde_json::json;
use uuid::Uuid;

use crate::probing;
use probing::{Attempt, Target, no_leak, probe_record};
async fn probe_resident(app: &TestApp, who: &str, t: &Target) -> Vec<Attempt> {
    let token = app.login(who).await;
    let (cookie, csrf) = app.ui_session(who).await;
    let id = t.id;
    let mut out = vec![];
    for path in [
        format!("/api/v1/residents/{id}"),
        format!("/api/v1/screenings?resident_id={id}"),
        format!("/fhir/r4/Patient/{id}"),
        format!("/fhir/r4/ServiceRequest?patient=Patient/{id}"),
        format!("/fhir/r4/Observation?patient=Patient/{id}"),
        format!("/fhir/r4/DiagnosticReport?patient=Patient/{id}"),
        format!("/fhir/r4/CarePlan?patient=Patient/{id}"),
    ] {
        let reply = app.get(&path, &token).await;
        // A search answers 200 with nothing in it, or refuses the role.
        if path.contains('?') && reply.status == StatusCode::OK {
            let v = reply.json();
            let total = v.get("total").cloned().unwrap_or(json!(null));
            let empty = v
                .get("entry")
                .is_none_or(|e| e.as_array().is_none_or(Vec::is_empty));
            let screenings_empty = v.get("screenings").is_none();
            assert!(
                (total == json!(0) && empty) || (v.get("total").is_none() && screenings_empty),
                "{} {who} {path}: {v}",
                app.label
            );
        }
        out.push(Attempt { what: path, reply });
    }
    let write =
        json!({"name": "改名", "id_number": "", "phone": "", "institution_id": app.places.village});
    let reply = app
        .call(
            Method::PUT,
            &format!("/api/v1/residents/{id}"),
            Some(&token),
            Some(write),
        )
        .await;
    out.push(Attempt {
        what: format!("PUT /api/v1/residents/{id}"),
        reply,
    });
    let reply = app.page_reply(&format!("/residents/{id}"), &cookie).await;
    out.push(Attempt {
        what: format!("GET /residents/{id}"),
        reply,
    });
    let reply = app
        .post_form(
            &format!("/residents/{id}/edit"),
            &cookie,
            &format!("_csrf={csrf}&name=x&id_number=&phone=&institution_id="),
        )
        .await;
    out.push(Attempt {
        what: format!("POST /residents/{id}/edit"),
        reply,
    });
    let reply = app
        .post_form(
            &format!("/residents/{id}/screenings"),
            &cookie,
            &format!("_csrf={csrf}&systolic=150&diastolic=95"),
        )
        .await;
    out.push(Attempt {
        what: format!("POST /residents/{id}/screenings"),
        reply,
    });
    out
}

/// Tries a referral: API read and actions, a milestone, FHIR read, the page and a form.
async fn probe_referral(app: &TestApp, who: &str, t: &Target) -> Vec<Attempt> {
    let id = t.id;
    let reads = [
        format!("/api/v1/referrals/{id}"),
        format!("/fhir/r4/ServiceRequest/{id}"),
        format!("/fhir/r4/Task/{id}"),
        format!("/referrals/{id}"),
    ];
    let writes = [
        (
            format!("/api/v1/referrals/{id}/accept"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/referrals/{id}/cancel"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/referrals/{id}/milestones"),
            json!({"milestone": "admitted"}),
        ),
    ];
    probe_record(
        app,
        who,
        &reads,
        &writes,
        &[format!("/referrals/{id}/accept")],
    )
    .await
}

async fn resident_target(app: &TestApp, institution: Uuid) -> Target {
    let r = app.resident_at(institution).await;
    Target {
        kind: "resident",
        id: r.id,
        secrets: vec![r.name, r.id_number, r.phone],
    }
}

#[tokio::test]
async fn every_role_tries_every_other_institutions_records_and_gets_nothing() {
    for app in apps(1500).await {
        let l = app.label.clone();
        // A referral from the township centre to the lead hospital.
        let township = app.login("township").await;
        let sender = app.resident_at(app.places.township).await;
        let reply = app
            .post(
                "/api/v1/referrals",
                &township,
                json!({"resident_id": sender.id, "direction": "up", "urgency": "urgent",
                    "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
                    "reason": "胸闷待查", "icd10_code": "R07.4"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}: {}", reply.text());
        let referral = Target {
            kind: "referral",
            id: reply.json()["id"]
                .as_str()
                .expect("id")
                .parse()
                .expect("uuid"),
            secrets: vec![
                sender.name.clone(),
                sender.id_number.clone(),
                "胸闷待查".into(),
            ],
        };
        let far = resident_target(&app, app.places.other_township).await;
        let village = resident_target(&app, app.places.village).await;

        // Who may not reach what.
        let plan: Vec<(&str, Vec<&Target>, Vec<&Target>)> = vec![
            ("village", vec![&far], vec![&referral]),
            ("township", vec![&far], vec![]),
            ("party", vec![&far, &village], vec![&referral]),
            ("bureau", vec![&far, &village], vec![&referral]),
        ];
        let mut tried = 0;
        for (who, residents, referrals) in plan {
            for t in residents {
                for a in probe_resident(&app, who, t).await {
                    no_leak(t, who, &a, &l);
                    tried += 1;
                }
                let denied = app
                    .audit_of(t.id)
                    .await
                    .into_iter()
                    .filter(|(_, o, u)| o == "denied" && u == who)
                    .count();
                // The reads and writes by id (API, FHIR, pages): each one a row.
                assert!(
                    denied >= 6,
                    "{l} {who}: {denied} refusals audited on a resident"
                );
            }
            for t in referrals {
                for a in probe_referral(&app, who, t).await {
                    no_leak(t, who, &a, &l);
                    tried += 1;
                }
                let denied = app
                    .audit_of(t.id)
                    .await
                    .into_iter()
                    .filter(|(_, o, u)| o == "denied" && u == who)
                    .count();
                assert!(
                    denied >= 6,
                    "{l} {who}: {denied} refusals audited on a referral"
                );
            }
        }
        assert!(tried >= 80, "{l}: {tried} probes");

        // A role that reads residents but may not edit them sends the form back with the
        // masks it was shown and a form error: refused, and nothing unmasked comes back.
        let specialist = app.login("specialist").await;
        let shown = app
            .get(&format!("/api/v1/residents/{}", village.id), &specialist)
            .await
            .json();
        let (cookie, csrf) = app.ui_session("specialist").await;
        let form = format!(
            "_csrf={csrf}&name=x&id_number={}&phone={}&institution_id=",
            shown["id_number"].as_str().expect("mask"),
            shown["phone"].as_str().expect("mask")
        );
        let reply = app
            .post_form(&format!("/residents/{}/edit", village.id), &cookie, &form)
            .await;
        let a = Attempt {
            what: "POST /residents/{id}/edit (masks)".into(),
            reply,
        };
        let whole = Target {
            kind: "resident",
            id: village.id,
            secrets: village.secrets[1..].to_vec(),
        };
        no_leak(&whole, "specialist", &a, &l);
        // No write landed: the far resident is as it was.
        let after = app
            .state
            .store
            .get_resident(app.state.community.id, far.id)
            .await
            .expect("resident");
        assert_eq!(after.name, far.secrets[0], "{l}");
        let screened = app
            .state
            .store
            .screenings_of(app.state.community.id, far.id)
            .await
            .expect("screenings");
        assert!(screened.is_empty(), "{l}: a screening landed");
    }
}
