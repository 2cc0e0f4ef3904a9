//! Patient data that stays protected, part 3: pages. Every page POST needs the session's
//! CSRF token, pages carry the browser-side rules, an action on another resident's record
//! writes nothing, each side records its own milestones, and every list and refusal is
//! audited. Runs on SQLite, and on PostgreSQL with `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, apps, form};
use serde_json::{Value, json};
use uuid::Uuid;

#[tokio::test]
async fn lists_that_carry_resident_data_are_audited() {
    for app in apps(1500).await {
        let l = &app.label;
        let manager = app.login("manager").await;
        let ecg = app.login("ecg").await;
        for (token, path) in [
            (&manager, "/api/v1/referrals"),
            (&manager, "/api/v1/referral-attention"),
            (&manager, "/fhir/r4/ServiceRequest"),
            (&ecg, "/api/v1/ecg/studies"),
            (&ecg, "/api/v1/ecg/stats"),
        ] {
            let reply = app.get(path, token).await;
            assert_eq!(reply.status, StatusCode::OK, "{l} {path}: {}", reply.text());
        }
        let actions = |rows: Vec<(String, String, String, String, String)>| -> Vec<String> {
            rows.into_iter().map(|(a, ..)| a).collect()
        };
        let m = actions(app.audit_by("manager").await);
        for a in [
            "referral.list",
            "referral.attention",
            "referral.search.fhir",
        ] {
            assert!(m.contains(&a.to_string()), "{l}: {a} in {m:?}");
        }
        let e = actions(app.audit_by("ecg").await);
        for a in ["ecg.list", "ecg.stats"] {
            assert!(e.contains(&a.to_string()), "{l}: {a} in {e:?}");
        }
        // A refused list is a row too.
        let village = app.login("village").await;
        assert_eq!(
            app.get("/api/v1/ecg/stats", &village).await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            app.audit_by("village")
                .await
                .iter()
                .any(|(a, o, ..)| a == "ecg.stats" && o == "denied")
        );
    }
}

/// The UI routes that take POST, read from the routers' source (the page modules:
/// `src/ui/` and each context's `pages.rs` or `pages/`): every `.route("…", …)` whose
/// handlers include `post(`.
fn ui_post_routes() -> Vec<String> {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = vec![];
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.retain(|f| {
        f.components()
            .any(|c| c.as_os_str() == "ui" || c.as_os_str() == "pages")
            || f.file_stem().is_some_and(|s| s == "pages")
    });
    let mut out = vec![];
    for file in files {
        let text = std::fs::read_to_string(file).expect("source");
        for piece in text.split(".route(").skip(1) {
            let Some(path) = piece.split('"').nth(1) else {
                continue;
            };
            // The route's handlers run to the next route or the end of the router.
            let handlers = piece.split("\n}").next().unwrap_or(piece);
            if path.starts_with('/') && handlers.contains("post(") {
                out.push(path.to_string());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_ui_post_route_needs_the_session_csrf_token() {
    let routes = ui_post_routes();
    for known in [
        "/login",
        "/logout",
        "/residents/{id}/edit",
        "/import",
        "/ecg/new",
        "/referrals/{id}/{action}",
        "/residents/{id}/contract",
        "/follow-ups/{id}",
    ] {
        assert!(routes.contains(&known.to_string()), "{known} in {routes:?}");
    }
    for app in apps(50).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("manager").await;
        let id = Uuid::now_v7();
        // Logging out ends the session: that route goes last.
        let mut routes = routes.clone();
        routes.sort_by_key(|r| r == "/logout");
        for route in &routes {
            let path = route
                .replace("{id}", &id.to_string())
                .replace("{cid}", &id.to_string())
                .replace("{sid}", &id.to_string())
                .replace("{action}", "accept")
                .replace("{decision}", "confirm");
            let reply = app.post_form(&path, &cookie, "x=1").await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{l} {path}");
            assert!(reply.text().contains("页面已过期"), "{l} {path}");
            if matches!(route.as_str(), "/login" | "/m/code" | "/m/sign-in") {
                // Before a session, the form's own double-submit token (tested above).
                continue;
            }
            // With the token it gets past the layer (whatever the handler then says).
            let reply = app
                .post_form(&path, &cookie, &format!("_csrf={csrf}"))
                .await;
            assert!(
                !reply.text().contains("页面已过期"),
                "{l} {path}: {}",
                reply.status
            );
        }
        // The API too: a cookie session's write needs the header.
        let (cookie, _) = app.ui_session("manager").await;
        let reply = app
            .request(
                Request::post("/api/v1/residents")
                    .header("cookie", &cookie)
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(reply.json()["error"]["code"], "csrf_failed");
        assert!(
            app.audit_by("manager")
                .await
                .iter()
                .any(|(a, o, ..)| a == "csrf" && o == "denied")
        );
    }
}

#[tokio::test]
async fn pages_and_answers_carry_the_browser_side_rules() {
    for app in apps(50).await {
        let (cookie, _) = app.ui_session("village").await;
        let reply = app
            .request(
                Request::get("/residents")
                    .header("cookie", &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        let csp = reply.headers["content-security-policy"]
            .to_str()
            .expect("csp");
        assert!(
            csp.split(';').any(|d| d.trim() == "script-src 'self'"),
            "{csp}"
        );
        assert_eq!(reply.headers["cache-control"], "no-store");
        // No inline script on any page: every <script> has a src.
        let html = reply.text();
        assert!(
            html.matches("<script").count() == html.matches("<script src=").count(),
            "{html}"
        );
        let token = app.login("village").await;
        let api = app.get("/api/v1/residents", &token).await;
        assert_eq!(api.headers["cache-control"], "no-store");
        let asset = app
            .request(
                Request::get("/static/js/app.js")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert!(
            asset
                .headers
                .get("cache-control")
                .is_none_or(|v| v != "no-store")
        );
        // A malformed id in a path answers in the error shape.
        let bad = app.get("/api/v1/residents/not-a-uuid", &token).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["code"], "invalid_path");
        let fhir = app.get("/fhir/r4/Patient/not-a-uuid", &token).await;
        assert!(fhir.status.is_client_error());
    }
}

#[tokio::test]
async fn page_actions_on_another_residents_record_write_nothing() {
    for app in apps(1500).await {
        let l = &app.label;
        let (mine, foreign) = contracts_at_two_villages(&app).await;
        let township = app.login("township").await;
        let due = app.get("/api/v1/contracts/due", &township).await.json();
        let contract: Uuid = due
            .as_array()
            .expect("list")
            .iter()
            .find(|k| k["resident_id"] == mine.to_string())
            .and_then(|k| k["id"].as_str())
            .expect("the contract")
            .parse()
            .expect("id");
        // Ending `mine`'s contract through `foreign`'s page: refused before the write.
        let (cookie, csrf) = app.ui_session("township").await;
        let reply = app
            .post_form(
                &format!("/residents/{foreign}/contract/{contract}/end"),
                &cookie,
                &form(&[("_csrf", &csrf), ("reason", "moved")]),
            )
            .await;
        assert!(
            reply.status.is_client_error() || reply.status.is_redirection(),
            "{l}"
        );
        let k = app
            .state
            .store
            .get_contract(app.state.community.id, contract)
            .await
            .expect("contract");
        assert_eq!(k.status, "active", "{l}: the contract was ended");
        assert!(
            app.audit_by("township")
                .await
                .iter()
                .any(|(a, o, _, _, d)| a == "family.contract.end" && o == "denied" && d == "reach")
        );

        // A suspicion of one resident decided through another's page: stays open.
        let village = app.login("village").await;
        let a = app.resident_at(app.places.village).await;
        let reply = app
            .post(
                "/api/v1/screenings",
                &village,
                json!({"resident_id": a.id, "systolic": 165, "diastolic": 102}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}");
        let pending = app
            .get("/api/v1/screenings/pending?per_page=200", &village)
            .await
            .json();
        let sid = pending["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["resident_id"] == a.id.to_string())
            .and_then(|s| s["id"].as_str())
            .expect("suspicion")
            .to_string();
        // Another resident of the same clinic: in reach, but not the suspicion's.
        let b = app
            .state
            .store
            .search_residents(
                app.state.community.id,
                &yigong_domain::access::ResidentScope::All,
                &yigong_store::residents::ResidentQuery {
                    institution: Some(app.places.village),
                    ..Default::default()
                },
                yigong_store::PageRequest::new(None, Some(2)),
            )
            .await
            .expect("residents")
            .items
            .into_iter()
            .find(|r| r.id != a.id)
            .expect("a second resident")
            .id;
        let (cookie, csrf) = app.ui_session("village").await;
        let reply = app
            .post_form(
                &format!("/residents/{b}/suspicions/{sid}/exclude"),
                &cookie,
                &form(&[("_csrf", &csrf), ("note", "x")]),
            )
            .await;
        assert!(!reply.status.is_server_error(), "{l}");
        let still = app
            .get("/api/v1/screenings/pending?per_page=200", &village)
            .await
            .json();
        assert!(
            still["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|s| s["id"] == sid.as_str()),
            "{l}: the suspicion was decided through another resident's page"
        );
    }
}

#[tokio::test]
async fn each_side_records_its_own_milestones_at_plausible_times() {
    for app in apps(1500).await {
        let l = &app.label;
        let township = app.login("township").await;
        let specialist = app.login("specialist").await;
        let resident = app.resident_at(app.places.township).await;
        let body = json!({"resident_id": resident.id, "direction": "up", "urgency": "emergency",
            "pathway": "chest_pain", "to_institution_id": app.places.lead,
            "to_department_id": app.places.cardiology, "reason": "胸痛", "icd10_code": "R07.4"});
        let reply = app.post("/api/v1/referrals", &township, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}: {}", reply.text());
        let id = reply.json()["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/referrals/{id}/milestones");
        let at = |minutes: i64| {
            (time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes))
                .format(&time::format_description::well_known::Rfc3339)
                .expect("time")
        };
        // The sending clinic cannot say the hospital admitted the patient.
        let reply = app
            .post(&path, &township, json!({"milestone": "admitted"}))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{l}");
        assert!(
            app.audit_by("township")
                .await
                .iter()
                .any(|(a, o, _, _, d)| a == "referral.milestone" && o == "denied" && d == "side")
        );
        // Nor may the hospital record its own milestones out of time.
        let reply = app
            .post(
                &path,
                &specialist,
                json!({"milestone": "admitted", "at": at(-120)}),
            )
            .await;
        assert_eq!(reply.json()["error"]["code"], "milestone_too_early", "{l}");
        let reply = app
            .post(
                &path,
                &specialist,
                json!({"milestone": "admitted", "at": at(30)}),
            )
            .await;
        assert_eq!(reply.json()["error"]["code"], "in_future", "{l}");
        // The clinic's first ECG may precede the referral by up to a day.
        let reply = app
            .post(
                &path,
                &township,
                json!({"milestone": "first_ecg", "at": at(-120)}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{l}: {}",
            reply.text()
        );

        // A referral parent that does not exist and one of another resident answer alike.
        let other = app.resident_at(app.places.village).await;
        let mut body = json!({"resident_id": other.id, "direction": "up", "urgency": "routine",
            "to_institution_id": app.places.lead, "reason": "复查"});
        body["parent_id"] = json!(id);
        let real = app
            .post("/api/v1/referrals", &township, body.clone())
            .await
            .json();
        body["parent_id"] = json!(Uuid::now_v7());
        let random = app.post("/api/v1/referrals", &township, body).await.json();
        assert_eq!(real["error"], random["error"], "{l}");
    }
}

/// A role refused before any record is named (a list it may not see, a page for
/// another role) is an audit row too, with the request, and exactly one.
#[tokio::test]
async fn every_refusal_is_one_audit_row() {
    for app in apps(300).await {
        let l = app.label.clone();
        let party = app.login("party").await;
        let (cookie, _) = app.ui_session("party").await;
        assert_eq!(
            app.get("/api/v1/follow-ups", &party).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.page_reply("/follow-ups", &cookie).await.status,
            StatusCode::FORBIDDEN
        );
        let rows = app.audit_by("party").await;
        for path in ["/api/v1/follow-ups", "/follow-ups"] {
            let refused: Vec<_> = rows
                .iter()
                .filter(|(_, o, m, p, _)| o == "denied" && m == "GET" && p == path)
                .collect();
            assert_eq!(refused.len(), 1, "{l} {path}: {rows:?}");
        }
        // A refusal the handler audits itself is not written twice.
        let manager = app.login("manager").await;
        let path = "/api/v1/accounts";
        assert_eq!(app.get(path, &manager).await.status, StatusCode::FORBIDDEN);
        let refused = app
            .audit_by("manager")
            .await
            .into_iter()
            .filter(|(_, o, _, p, _)| o == "denied" && p == path)
            .count();
        assert_eq!(refused, 1, "{l}");
    }
}

/// A team covering both demo villages, and one contract ending soon at each village.
async fn contracts_at_two_villages(app: &TestApp) -> (Uuid, Uuid) {
    use yigong_store::family::NewContract;
    let (store, c) = (&app.state.store, app.state.community.id);
    let team = app
        .team("两村团队", &[app.places.village, app.places.other_village])
        .await;
    let entry = common::setup_entry("setup");
    let today = yigong_web::chronic::api::today();
    let mut ids = vec![];
    for inst in [app.places.village, app.places.other_village] {
        let resident = app.resident_at(inst).await.id;
        store
            .sign_contract(
                c,
                &NewContract {
                    resident_id: resident,
                    team_id: team,
                    package: "basic".into(),
                    key_groups: "hypertension".into(),
                    start_date: today - time::Duration::days(350),
                    end_date: today + time::Duration::days(10),
                    created_by: None,
                },
                &entry,
            )
            .await
            .expect("contract");
        ids.push(resident);
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn the_renewal_list_holds_only_residents_in_reach_and_is_audited() {
    for app in apps(1500).await {
        let l = &app.label;
        let (mine, foreign) = contracts_at_two_villages(&app).await;
        let residents = |v: &Value| -> Vec<String> {
            v.as_array()
                .expect("list")
                .iter()
                .map(|c| c["resident_id"].as_str().expect("id").to_string())
                .collect()
        };
        let village = app
            .get("/api/v1/contracts/due", &app.login("village").await)
            .await;
        let seen = residents(&village.json());
        assert!(seen.contains(&mine.to_string()), "{l}");
        assert!(
            !seen.contains(&foreign.to_string()),
            "{l}: another clinic's resident"
        );
        let township = app
            .get("/api/v1/contracts/due", &app.login("township").await)
            .await;
        let seen = residents(&township.json());
        assert!(
            seen.contains(&mine.to_string()) && seen.contains(&foreign.to_string()),
            "{l}"
        );
        let bureau = app
            .get("/api/v1/contracts/due", &app.login("bureau").await)
            .await;
        assert_eq!(bureau.json(), json!([]), "{l}: the bureau sees no resident");
        // The page holds the same: the foreign resident's name is not on it.
        let foreign_name = app
            .state
            .store
            .get_resident(app.state.community.id, foreign)
            .await
            .expect("resident")
            .name;
        let (cookie, _) = app.ui_session("village").await;
        let (status, page) = app.page("/contracts", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            !page.contains(&format!("/residents/{foreign}")),
            "{l}: {foreign_name}"
        );
        for who in ["village", "township", "bureau"] {
            assert!(
                app.audit_by(who)
                    .await
                    .iter()
                    .any(|(a, o, m, _, _)| a == "contract.due" && o == "allowed" && m == "GET"),
                "{l} {who}"
            );
        }
    }
}
