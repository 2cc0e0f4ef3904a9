//! FHIR search does what the CapabilityStatement says: every declared parameter filters,
//! `total` counts what matches, `_offset` pages, and following `next` from the first
//! page gives every match once, with every filter kept. Each test builds its own data
//! and works out what must come back by hand.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, encode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;
use yigong_store::PageRequest;
use yigong_store::residents::Resident;

/// Follows a search from `first` through its `next` links; the resources of every page.
/// Checks on the way that each page repeats the total and carries the query's filters
/// in its `self` and `next` links, and at the end that every match came once.
async fn walk(app: &TestApp, token: &str, first: &str) -> (i64, Vec<Value>) {
    let filters: Vec<String> = first
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter(|p| !p.starts_with('_'))
                .map(decode)
                .collect()
        })
        .unwrap_or_default();
    let (mut url, mut total, mut found, mut pages) = (first.to_string(), None, Vec::new(), 0);
    loop {
        let reply = app.get(&url, token).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}: {}", reply.text());
        let b = reply.json();
        assert_eq!(b["type"], "searchset");
        let t = b["total"].as_i64().expect("total");
        assert_eq!(
            *total.get_or_insert(t),
            t,
            "the total stays the same on {url}"
        );
        found.extend(
            b["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["resource"].clone()),
        );
        pages += 1;
        let links = b["link"].as_array().expect("links");
        for l in links {
            let u = decode(l["url"].as_str().expect("url"));
            for f in &filters {
                assert!(
                    u.contains(f.as_str()),
                    "{} link {u} lost {f}",
                    l["relation"]
                );
            }
        }
        match links.iter().find(|l| l["relation"] == "next") {
            Some(next) => {
                let next = next["url"].as_str().expect("next url");
                url = next
                    .strip_prefix("http://localhost")
                    .expect("our base")
                    .to_string();
            }
            None => break,
        }
        assert!(pages < 100, "next links never end");
    }
    let total = total.expect("a page");
    assert_eq!(found.len() as i64, total, "{first}: every match, once");
    let ids: BTreeSet<&str> = found.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), found.len(), "{first}: no match twice");
    (total, found)
}

fn ids(resources: &[Value]) -> BTreeSet<String> {
    resources
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

async fn refer(app: &TestApp, token: &str, resident: Uuid) -> String {
    let r = app
        .post(
            "/api/v1/referrals",
            token,
            json!({"resident_id": resident, "direction": "up", "urgency": "routine",
                   "to_institution_id": app.places.lead, "reason": "高血压控制不佳",
                   "icd10_code": "I10", "summary": "血压 170/100"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn referrals_filter_by_patient_and_status_on_every_page() {
    for app in apps(600).await {
        let township = app.login("township").await;
        let people = app.residents_at(app.places.township, 2).await;
        let (a, b) = (people[0].id, people[1].id);
        let mut of_a = Vec::new();
        for _ in 0..3 {
            of_a.push(refer(&app, &township, a).await);
        }
        let of_b = [
            refer(&app, &township, b).await,
            refer(&app, &township, b).await,
        ];
        let cancelled = &of_a[1];
        let r = app
            .post(
                &format!("/api/v1/referrals/{cancelled}/cancel"),
                &township,
                json!({"reason": "患者要求"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());

        let (total, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/ServiceRequest?patient=Patient/{a}&_count=1"),
        )
        .await;
        assert_eq!(total, 3, "{}", app.label);
        assert_eq!(ids(&found), of_a.iter().cloned().collect());
        assert!(
            found
                .iter()
                .all(|r| r["subject"]["reference"] == format!("Patient/{a}"))
        );

        let (_, found) = walk(&app, &township, "/fhir/r4/ServiceRequest?status=revoked").await;
        assert_eq!(ids(&found), [cancelled.clone()].into());
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/ServiceRequest?patient=Patient/{a}&status=active&_count=1"),
        )
        .await;
        assert_eq!(ids(&found), [of_a[0].clone(), of_a[2].clone()].into());
        // Four still active in all (three of a's less one, both of b's), two to a page.
        let (total, found) = walk(
            &app,
            &township,
            "/fhir/r4/ServiceRequest?status=active&_count=2",
        )
        .await;
        assert_eq!(total, 4);
        let mut active: BTreeSet<String> = of_b.iter().cloned().collect();
        active.extend([of_a[0].clone(), of_a[2].clone()]);
        assert_eq!(ids(&found), active);
        assert!(found.iter().all(|r| r["status"] == "active"));
        // Either of two statuses; a system that is not request-status matches nothing.
        let (total, _) = walk(
            &app,
            &township,
            "/fhir/r4/ServiceRequest?status=active,revoked&_count=3",
        )
        .await;
        assert_eq!(total, 5);
        let bad = app
            .get("/fhir/r4/ServiceRequest?status=urn:x|active", &township)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["resourceType"], "OperationOutcome");

        // Tasks: by patient and by their own status codes.
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Task?patient=Patient/{b}&status=requested&_count=1"),
        )
        .await;
        assert_eq!(ids(&found), of_b.iter().cloned().collect());
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Task?patient=Patient/{a}&status=cancelled"),
        )
        .await;
        assert_eq!(ids(&found), [cancelled.clone()].into());
        let (total, _) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Task?focus=ServiceRequest/{cancelled}&status=requested"),
        )
        .await;
        assert_eq!(total, 0, "the focus matches, its status does not");
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Task?focus=ServiceRequest/{cancelled}&patient=Patient/{a}"),
        )
        .await;
        assert_eq!(ids(&found), [cancelled.clone()].into());

        // Another township sees none of them, whatever it asks.
        let other = app.login("village").await;
        let (total, _) = walk(
            &app,
            &other,
            &format!("/fhir/r4/ServiceRequest?patient=Patient/{a}"),
        )
        .await;
        assert_eq!(total, 0);
    }
}

/// Enrols `resident` for `disease` and records `visits` (bodies of follow-ups); the
/// register's id.
async fn register_with_visits(
    app: &TestApp,
    token: &str,
    resident: &Resident,
    disease: &'static str,
    visits: &[Value],
) -> Uuid {
    let register = app.enrol(resident, disease).await;
    for body in visits {
        let r = app
            .post(
                &format!("/api/v1/registers/{register}/follow-ups"),
                token,
                body.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    register
}

#[tokio::test]
async fn observations_by_code_and_category_with_a_true_total_and_offset() {
    for app in apps(600).await {
        let township = app.login("township").await;
        let resident = app.residents_at(app.places.township, 1).await.remove(0);
        let p = format!("patient=Patient/{}", resident.id);
        // Hypertension: three visits with blood pressure. Diabetes: two with glucose,
        // one of them with blood pressure too. Then one ECG.
        let bp = |day: u32, s: u32| json!({"visit_on": format!("2025-03-{day:02}"), "systolic": s, "diastolic": 90});
        let hypertension = register_with_visits(
            &app,
            &township,
            &resident,
            "hypertension",
            &[bp(1, 150), bp(8, 142), bp(15, 136)],
        )
        .await;
        let diabetes = register_with_visits(
            &app,
            &township,
            &resident,
            "diabetes",
            &[
                json!({"visit_on": "2025-03-02", "glucose": 7.9}),
                json!({"visit_on": "2025-03-09", "glucose": 7.1, "systolic": 128, "diastolic": 82}),
            ],
        )
        .await;
        let study = app.upload_dicom(&township, resident.id).await;

        let (total, all) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&_count=2"),
        )
        .await;
        assert_eq!(
            total,
            4 + 2 + 1,
            "{}: four pressures, two glucose, one ECG",
            app.label
        );
        assert!(
            all.iter()
                .all(|o| o["subject"]["reference"] == format!("Patient/{}", resident.id))
        );
        let code = |o: &Value| {
            o["code"]["coding"][0]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        let (total, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&code=85354-9&_count=3"),
        )
        .await;
        assert_eq!(total, 4);
        assert!(found.iter().all(|o| code(o) == "85354-9"));
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&code=http://loinc.org|11524-6"),
        )
        .await;
        assert_eq!(ids(&found), [study.to_string()].into());
        assert_eq!(found[0]["component"].as_array().map(Vec::len), Some(13));
        let (_, found) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&category=laboratory&_count=1"),
        )
        .await;
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|o| code(o) == "1558-6"));
        let (total, _) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&category=vital-signs&code=1558-6"),
        )
        .await;
        assert_eq!(total, 0, "glucose is a laboratory result");
        let (total, _) = walk(
            &app,
            &township,
            &format!("/fhir/r4/Observation?{p}&code=1558-6,11524-6"),
        )
        .await;
        assert_eq!(total, 3);
        // Newest first; `_offset` need not be a whole page.
        let dates: Vec<&str> = all
            .iter()
            .filter_map(|o| o["effectiveDateTime"].as_str())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|x, y| y[..10].cmp(&x[..10]));
        assert_eq!(
            dates.iter().map(|d| &d[..10]).collect::<Vec<_>>(),
            sorted.iter().map(|d| &d[..10]).collect::<Vec<_>>()
        );
        let b = app
            .get(
                &format!("/fhir/r4/Observation?{p}&_offset=3&_count=2"),
                &township,
            )
            .await
            .json();
        assert_eq!(b["total"], 7);
        let page: Vec<&Value> = b["entry"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| &e["resource"])
            .collect();
        assert_eq!(page, vec![&all[3], &all[4]]);

        // Care plans page too.
        let (_, plans) = walk(&app, &township, &format!("/fhir/r4/CarePlan?{p}&_count=1")).await;
        assert_eq!(
            ids(&plans),
            [hypertension.to_string(), diabetes.to_string()].into()
        );
        // A search without the patient is refused, saying so.
        let r = app
            .get("/fhir/r4/Observation?code=85354-9", &township)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["resourceType"], "OperationOutcome");
    }
}

#[tokio::test]
async fn diagnostic_reports_by_patient() {
    for app in apps(600).await {
        let township = app.login("township").await;
        let reader = app.login("ecg").await;
        let people = app.residents_at(app.places.township, 2).await;
        let a1 = app.upload_dicom(&township, people[0].id).await;
        let a2 = app.upload_dicom(&township, people[0].id).await;
        let b1 = app.upload_dicom(&township, people[1].id).await;
        for token in [&reader, &township] {
            let (_, found) = walk(
                &app,
                token,
                &format!(
                    "/fhir/r4/DiagnosticReport?patient=Patient/{}&_count=1",
                    people[0].id
                ),
            )
            .await;
            assert_eq!(
                ids(&found),
                [a1.to_string(), a2.to_string()].into(),
                "{}",
                app.label
            );
            let (_, found) = walk(&app, token, "/fhir/r4/DiagnosticReport?_count=2").await;
            assert_eq!(
                ids(&found),
                [a1.to_string(), a2.to_string(), b1.to_string()].into()
            );
        }
        let village = app.login("village").await;
        let (total, _) = walk(
            &app,
            &village,
            &format!("/fhir/r4/DiagnosticReport?patient=Patient/{}", people[0].id),
        )
        .await;
        assert_eq!(total, 0, "sent from another clinic");
    }
}

#[tokio::test]
async fn registry_searches_keep_their_filters_across_pages() {
    for app in apps(600).await {
        let t = app.login("manager").await;
        let c = app.state.community.id;
        let at_village = app.residents_at(app.places.village, 200).await;
        assert!(at_village.len() > 2, "enough for several pages");
        let (_, found) = walk(
            &app,
            &t,
            &format!(
                "/fhir/r4/Patient?organization=Organization/{}&_count=2",
                app.places.village
            ),
        )
        .await;
        assert_eq!(
            ids(&found),
            at_village.iter().map(|r| r.id.to_string()).collect()
        );
        let family: String = at_village[0].name.chars().take(1).collect();
        let (_, found) = walk(
            &app,
            &t,
            &format!(
                "/fhir/r4/Patient?name={}&organization=Organization/{}&_count=1",
                encode(&family),
                app.places.village
            ),
        )
        .await;
        // A name matches from its start or from the start of the given name.
        let expected: BTreeSet<String> = at_village
            .iter()
            .filter(|r| {
                r.name.starts_with(&family)
                    || yigong_domain::text::given_name(&r.name).starts_with(&family)
            })
            .map(|r| r.id.to_string())
            .collect();
        assert_eq!(ids(&found), expected);

        let institutions = app
            .state
            .store
            .list_institutions(c)
            .await
            .expect("institutions");
        let under: BTreeSet<String> = institutions
            .iter()
            .filter(|i| i.parent_id == Some(app.places.township))
            .map(|i| i.id.to_string())
            .collect();
        assert!(under.len() > 2);
        let (_, found) = walk(
            &app,
            &t,
            &format!(
                "/fhir/r4/Organization?partof=Organization/{}&_count=2",
                app.places.township
            ),
        )
        .await;
        assert_eq!(ids(&found), under);
        let (_, found) = walk(
            &app,
            &t,
            &format!("/fhir/r4/Organization?name={}&_count=3", encode("卫生室")),
        )
        .await;
        let clinics: BTreeSet<String> = institutions
            .iter()
            .filter(|i| i.name.contains("卫生室"))
            .map(|i| i.id.to_string())
            .collect();
        assert_eq!(ids(&found), clinics);

        let staff = app
            .state
            .store
            .search_staff(
                c,
                &yigong_store::staff::StaffQuery {
                    institution: Some(app.places.township),
                    ..Default::default()
                },
                PageRequest::new(None, Some(200)),
            )
            .await
            .expect("staff");
        let (total, found) = walk(
            &app,
            &t,
            &format!(
                "/fhir/r4/Practitioner?organization=Organization/{}&_count=4",
                app.places.township
            ),
        )
        .await;
        assert_eq!(total, staff.total);
        assert_eq!(
            ids(&found),
            staff.items.iter().map(|s| s.id.to_string()).collect()
        );
    }
}

/// Undoes percent-encoding.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        match (
            b[i],
            s.get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8")
}
