//! What the cross-institution probes share: a record somebody may not reach, what one
//! attempt got, the check that nothing leaked, and the reads and writes tried by id.

use axum::http::StatusCode;
use uuid::Uuid;
use yigong_testkit::app::{Reply, TestApp};

/// A record somebody may not reach, and what would give it away.
pub struct Target {
    pub kind: &'static str,
    pub id: Uuid,
    /// Strings that must appear in no answer to a prober.
    pub secrets: Vec<String>,
}

/// What one probe tried and got.
pub struct Attempt {
    pub what: String,
    pub reply: Reply,
}

pub fn no_leak(t: &Target, who: &str, a: &Attempt, label: &str) {
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
/// Reads (API, FHIR, pages) and writes (API, forms) on one record, by id.
pub async fn probe_record(
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
pub async fn probe_fhir_search(app: &TestApp, who: &str, t: &Target) -> Vec<Attempt> {
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

pub fn denied_by(audit: &[(String, String, String)], who: &str) -> usize {
    audit
        .iter()
        .filter(|(_, o, u)| o == "denied" && u == who)
        .count()
}
