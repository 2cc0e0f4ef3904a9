//! The cross-institution probe: every role that may not reach a record tries it through
//! the JSON API, FHIR (read and search by patient) and the pages, reading and writing.
//! Zero leaks (no answer carries the record's name or ID number, no write lands), and
//! every attempt on the record is an audit row. Runs on SQLite, and on PostgreSQL with
//! `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{Reply, TestApp, apps};
use serde_json::json;
use uuid::Uuid;

/// A record somebody may not reach, and what would give it away.
struct Target {
    kind: &'static str,
    id: Uuid,
    /// Strings that must appear in no answer to a prober.
    secrets: Vec<String>,
}

/// What one probe tried and got.
struct Attempt {
    what: String,
    reply: Reply,
}

fn no_leak(t: &Target, who: &str, a: &Attempt, label: &str) {
    let body = a.reply.text();
    for s in &t.secrets {
        assert!(
            !body.contains(s.as_str()),
            "{label} {who} {}: {} leaked",
            a.what,
            t.kind
        );
    }
    assert!(
        !a.reply.status.is_success() || a.what.contains('?'),
        "{label} {who} {}: {} answered {}",
        a.what,
        t.kind,
        a.reply.status
    );
    assert!(
        !a.reply.status.is_server_error(),
        "{label} {who} {}",
        a.what
    );
}

/// Tries a resident through every door: API read, edit and screenings, FHIR read and
/// the searches by patient, the record page and its edit form.
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

/// Reads (API, FHIR, pages) and writes (API, forms) on one record, by id.
async fn probe_record(
    app: &TestApp,
    who: &str,
    reads: &[String],
    writes: &[(String, serde_json::Value)],
    forms: &[String],
) -> Vec<Attempt> {
    let token = app.login(who).await;
    let (cookie, csrf) = app.ui_session(who).await;
    let mut out = vec![];
    for path in reads {
        let reply = if path.starts_with("/api/") || path.starts_with("/fhir/") {
            app.get(path, &token).await
        } else {
            app.page_reply(path, &cookie).await
        };
        out.push(Attempt {
            what: format!("GET {path}"),
            reply,
        });
    }
    for (path, body) in writes {
        let reply = app.post(path, &token, body.clone()).await;
        out.push(Attempt {
            what: format!("POST {path}"),
            reply,
        });
    }
    for path in forms {
        let reply = app
            .post_form(
                path,
                &cookie,
                &format!("_csrf={csrf}&systolic=150&diastolic=95&reason=moved"),
            )
            .await;
        out.push(Attempt {
            what: format!("POST {path} (form)"),
            reply,
        });
    }
    out
}

/// FHIR searches that would widen a reach if they were honoured or silently ignored:
/// `_include`, `_revinclude`, chained and modified parameters. Each is refused with an
/// OperationOutcome that names the parameter and gives nothing else back.
async fn probe_fhir_search(app: &TestApp, who: &str, t: &Target) -> Vec<Attempt> {
    let token = app.login(who).await;
    let (name, id_number) = (&t.secrets[0], &t.secrets[1]);
    let mut out = vec![];
    for path in [
        "/fhir/r4/ServiceRequest?_include=ServiceRequest:subject".to_string(),
        "/fhir/r4/Patient?_revinclude=CarePlan:subject".to_string(),
        "/fhir/r4/DiagnosticReport?_include=*".to_string(),
        format!("/fhir/r4/ServiceRequest?subject.identifier={id_number}"),
        format!("/fhir/r4/CarePlan?patient.name={name}"),
        format!("/fhir/r4/DiagnosticReport?subject:Patient.identifier={id_number}"),
        format!("/fhir/r4/Patient?name:exact={name}"),
        "/fhir/r4/Observation?_has:Patient:subject:identifier=x".to_string(),
    ] {
        let reply = app.get(&path, &token).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{who} {path}: {}",
            reply.text()
        );
        let v = reply.json();
        assert_eq!(v["resourceType"], "OperationOutcome", "{who} {path}");
        out.push(Attempt { what: path, reply });
    }
    out
}

fn denied_by(audit: &[(String, String, String)], who: &str) -> usize {
    audit
        .iter()
        .filter(|(_, o, u)| o == "denied" && u == who)
        .count()
}

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
