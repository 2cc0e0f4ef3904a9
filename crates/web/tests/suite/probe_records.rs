//! The cross-institution probe on one township's records: a doctor of the other township
//! sends an ECG, orders a test, enrols a resident and signs a contract; every role that
//! may not reach them tries them by id through the API, FHIR and the pages, and nothing
//! leaks or lands. Runs on SQLite, and on PostgreSQL with `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;

use crate::probing;
use probing::{Target, denied_by, no_leak, probe_fhir_search, probe_record};

#[tokio::test]
async fn another_townships_ecgs_registers_and_contracts_stay_there() {
    for app in apps(1500).await {
        let l = app.label.clone();
        // A doctor at the other township, made by the administrator, who sends an ECG,
        // enrols a resident and signs a contract with the township's team (set up first).
        let admin = app.login("admin").await;
        let place = app.places.other_township;
        let (store, c) = (&app.state.store, app.state.community.id);
        let village = store.child_institutions(c, place).await.expect("villages")[0];
        let team = app.team_at(place, "远端家庭医生团队", &[village]).await;
        let reply = app
            .post(
                "/api/v1/accounts",
                &admin,
                json!({"username": "far_township", "display_name": "远端医生", "password": "farpass1234",
                    "role": "township_doctor", "institution_id": place}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}: {}", reply.text());
        let far = app.login_with("far_township", "farpass1234").await;
        let resident = app.resident_at(place).await;
        let secrets = vec![
            resident.name.clone(),
            resident.id_number.clone(),
            resident.phone.clone(),
        ];
        let c = app.state.community.id;

        let study = app.upload_dicom(&far, resident.id).await;
        let order = app
            .post(
                "/api/v1/orders",
                &far,
                json!({"resident_id": resident.id, "item_code": "electrolytes", "question": "乏力"}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("an order")
            .parse::<uuid::Uuid>()
            .expect("uuid");
        for disease in ["hypertension", "diabetes"] {
            app.post(
                "/api/v1/registers",
                &far,
                json!({"resident_id": resident.id, "disease": disease, "diagnosed_on": "2024-03-01"}),
            )
            .await;
        }
        let register = app
            .state
            .store
            .registers_of(c, resident.id)
            .await
            .expect("registers")[0]
            .id;
        app.post(
            "/api/v1/contracts",
            &far,
            json!({"resident_id": resident.id, "team_id": team}),
        )
        .await;
        let contract = app
            .state
            .store
            .contracts_of(c, resident.id)
            .await
            .expect("contracts")
            .into_iter()
            .find(|k| k.status == "active")
            .expect("an active contract")
            .id;
        let visits_before = app
            .state
            .store
            .follow_ups(c, register)
            .await
            .expect("visits")
            .len();

        // A pack sent to the other township and used there on its resident.
        let cssd = app.login("cssd").await;
        let batch = app
            .post(
                "/api/v1/sterile/batches",
                &cssd,
                json!({"method": "steam", "cycle_no": 9, "packs": [{"kind": "suture", "count": 1}]}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("a batch")
            .to_string();
        let pack = app
            .get(&format!("/api/v1/sterile/batches/{batch}"), &cssd)
            .await
            .json()["packs"][0]["id"]
            .as_str()
            .expect("a pack")
            .parse::<uuid::Uuid>()
            .expect("uuid");
        app.post(
            &format!("/api/v1/sterile/packs/{pack}/dispatch"),
            &cssd,
            json!({"institution_id": place}),
        )
        .await;
        let r = app
            .post(
                &format!("/api/v1/sterile/packs/{pack}/use"),
                &far,
                json!({"procedure": "清创缝合", "resident_id": resident.id}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());

        let consult = app
            .post(
                "/api/v1/teleconsultations",
                &far,
                json!({"resident_id": resident.id, "question": "请会诊", "orders": [order]}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("a consultation")
            .parse::<uuid::Uuid>()
            .expect("uuid");
        // An expert's session there, recorded with the resident seen.
        let manager = app.login("manager").await;
        let lead = app
            .state
            .store
            .staff_of(c, app.places.lead)
            .await
            .expect("staff");
        let expert = lead
            .iter()
            .find(|s| yigong_domain::outreach::posting::title_level(&s.title).1)
            .expect("an expert")
            .id;
        let today = yigong_domain::clock::today().to_string();
        let session = app
            .post(
                "/api/v1/outreach/sessions",
                &manager,
                json!({"expert_id": expert, "institution_id": place, "day": today, "start": "08:30", "end": "11:30", "capacity": 20}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("a session")
            .parse::<uuid::Uuid>()
            .expect("uuid");
        let r = app
            .put(
                &format!("/api/v1/outreach/sessions/{session}/record"),
                &far,
                json!({"people_served": 4, "visits": [{"resident_id": resident.id}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let cancel = (
            format!("/api/v1/outreach/sessions/{session}/cancel"),
            json!({"reason": "probe"}),
        );
        let record_form = format!("/outreach/sessions/{session}/record");
        let targets = [
            (
                Target {
                    kind: "ECG study",
                    id: study,
                    secrets: secrets.clone(),
                },
                vec![
                    format!("/api/v1/ecg/studies/{study}"),
                    format!("/api/v1/ecg/studies/{study}/trace.svg"),
                    format!("/fhir/r4/DiagnosticReport/{study}"),
                    format!("/ecg/{study}"),
                    format!("/ecg/{study}/print"),
                ],
                vec![
                    (format!("/api/v1/ecg/studies/{study}/claim"), json!({})),
                    (
                        format!("/api/v1/ecg/studies/{study}/acknowledge"),
                        json!({}),
                    ),
                ],
                vec![format!("/ecg/{study}/acknowledge")],
                vec!["village", "township", "party", "bureau"],
            ),
            (
                Target {
                    kind: "diagnostic order",
                    id: order,
                    secrets: secrets.clone(),
                },
                vec![
                    format!("/api/v1/orders/{order}"),
                    format!("/fhir/r4/ServiceRequest/{order}"),
                    format!("/fhir/r4/DiagnosticReport/{order}"),
                    format!("/diagnostics/orders/{order}"),
                ],
                ["receive", "claim", "acknowledge", "cancel"]
                    .map(|a| (format!("/api/v1/orders/{order}/{a}"), json!({})))
                    .to_vec(),
                vec![format!("/diagnostics/orders/{order}/acknowledge")],
                vec!["village", "township", "imaging", "party", "bureau"],
            ),
            (
                Target {
                    kind: "teleconsultation",
                    id: consult,
                    secrets: secrets.clone(),
                },
                vec![
                    format!("/api/v1/teleconsultations/{consult}"),
                    format!("/fhir/r4/Appointment/{consult}"),
                    format!("/teleconsult/{consult}"),
                ],
                ["cancel", "rate"]
                    .map(|a| {
                        (
                            format!("/api/v1/teleconsultations/{consult}/{a}"),
                            json!({"rating": 5}),
                        )
                    })
                    .to_vec(),
                vec![format!("/teleconsult/{consult}/cancel")],
                vec!["village", "township", "lab", "party", "bureau"],
            ),
            (
                Target {
                    kind: "instrument pack",
                    id: pack,
                    secrets: secrets.clone(),
                },
                vec![format!("/sterile/packs/{pack}")],
                vec![(format!("/api/v1/sterile/packs/{pack}/return"), json!({}))],
                vec![format!("/sterile/packs/{pack}/use")],
                vec!["village", "township", "lab", "party", "bureau"],
            ),
            (
                Target {
                    kind: "outreach session",
                    id: session,
                    secrets: secrets.clone(),
                },
                vec![
                    format!("/api/v1/outreach/sessions/{session}"),
                    format!("/outreach/sessions/{session}"),
                ],
                vec![cancel.clone()],
                vec![record_form.clone()],
                vec!["village", "township"],
            ),
            // The roster is read county-wide; its patients are not, and only the office
            // and the place change or record a session.
            (
                Target {
                    kind: "outreach session",
                    id: session,
                    secrets: secrets.clone(),
                },
                vec![],
                vec![cancel.clone()],
                vec![record_form.clone()],
                vec!["party", "bureau"],
            ),
            // Specialists read residents county-wide, names whole and identifiers masked.
            (
                Target {
                    kind: "outreach session",
                    id: session,
                    secrets: secrets[1..].to_vec(),
                },
                vec![],
                vec![cancel],
                vec![record_form],
                vec!["specialist"],
            ),
            (
                Target {
                    kind: "chronic register",
                    id: register,
                    secrets: secrets.clone(),
                },
                vec![
                    format!("/api/v1/registers/{register}"),
                    format!("/fhir/r4/CarePlan/{register}"),
                    format!("/follow-ups/{register}"),
                ],
                vec![(
                    format!("/api/v1/registers/{register}/follow-ups"),
                    json!({"systolic": 150, "diastolic": 95}),
                )],
                vec![format!("/follow-ups/{register}")],
                vec!["village", "township", "party", "bureau"],
            ),
            // Specialists read residents county-wide (identifiers masked), and so their
            // registers; they may not record a visit.
            (
                Target {
                    kind: "chronic register",
                    id: register,
                    secrets: secrets[1..].to_vec(),
                },
                vec![],
                vec![(
                    format!("/api/v1/registers/{register}/follow-ups"),
                    json!({"systolic": 150, "diastolic": 95}),
                )],
                vec![format!("/follow-ups/{register}")],
                vec!["specialist", "ecg"],
            ),
            (
                Target {
                    kind: "contract",
                    id: contract,
                    secrets: secrets.clone(),
                },
                vec![],
                vec![
                    (
                        format!("/api/v1/contracts/{contract}/end"),
                        json!({"reason": "moved"}),
                    ),
                    (format!("/api/v1/contracts/{contract}/renew"), json!({})),
                ],
                vec![format!(
                    "/residents/{}/contract/{contract}/end",
                    resident.id
                )],
                vec![
                    "village",
                    "township",
                    "specialist",
                    "ecg",
                    "party",
                    "bureau",
                ],
            ),
        ];
        let mut tried = 0;
        for (target, reads, writes, forms, probers) in &targets {
            for who in probers {
                for a in probe_record(&app, who, reads, writes, forms).await {
                    no_leak(target, who, &a, &l);
                    tried += 1;
                }
                // Each read and write by id is a row (the record's own, or the
                // refusals layer's naming it).
                let denied = denied_by(&app.audit_of(target.id).await, who);
                let attempts = reads.len() + writes.len() + forms.len();
                assert!(
                    denied >= attempts,
                    "{l} {who}: {denied} of {attempts} refusals audited on the {}",
                    target.kind
                );
            }
        }
        // Every role that does not reach the resident, and those that do: the searches
        // that would widen a reach are refused.
        let person = Target {
            kind: "resident",
            id: resident.id,
            secrets: secrets.clone(),
        };
        for who in [
            "village",
            "township",
            "specialist",
            "ecg",
            "party",
            "bureau",
            "manager",
        ] {
            for a in probe_fhir_search(&app, who, &person).await {
                no_leak(&person, who, &a, &l);
                tried += 1;
            }
        }
        assert!(tried >= 100, "{l}: {tried} probes");

        // Nothing landed.
        let s = app
            .state
            .store
            .get_study(c, study.into())
            .await
            .expect("study");
        assert_eq!(s.status.as_str(), "awaiting", "{l}: the study was touched");
        let o = app
            .state
            .store
            .get_order(c, order.into())
            .await
            .expect("order");
        assert_eq!(o.status.as_str(), "ordered", "{l}: the order was touched");
        assert_eq!(
            app.state
                .store
                .follow_ups(c, register)
                .await
                .expect("visits")
                .len(),
            visits_before,
            "{l}: a follow-up landed"
        );
        let k = app
            .state
            .store
            .get_contract(c, contract)
            .await
            .expect("contract");
        assert_eq!(k.status, "active", "{l}: the contract was changed");
    }
}
