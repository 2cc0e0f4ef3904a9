//! Patient data that stays protected: each test here replays a way the demo gave up data
//! or let a session live on, and checks it is closed. Runs on SQLite, and on PostgreSQL
//! with `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TestApp, apps};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;
use uuid::Uuid;

fn masked_id(id_number: &str) -> String {
    format!("{}************", &id_number[..6])
}

fn masked_phone(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// Every string anywhere in a JSON value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencoding(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_resident_edit_form_never_gives_back_a_masked_value() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let path = format!("/residents/{}/edit", r.id);
        // What a masked role's form holds: the masks, and an empty clinic (a form error).
        let attempt = |csrf: &str| {
            form(&[
                ("_csrf", csrf),
                ("name", &r.name),
                ("id_number", &masked_id(&r.id_number)),
                ("phone", &masked_phone(&r.phone)),
                ("institution_id", ""),
            ])
        };
        // Roles that may not edit this resident: refused before anything is loaded.
        for who in ["specialist", "party", "bureau"] {
            let (cookie, csrf) = app.ui_session(who).await;
            let reply = app.post_form(&path, &cookie, &attempt(&csrf)).await;
            assert!(
                matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{l} {who}: {}",
                reply.status
            );
            let page = reply.text();
            assert!(
                !page.contains(&r.id_number) && !page.contains(&r.phone),
                "{l} {who}"
            );
            assert!(
                app.audit_by(who)
                    .await
                    .iter()
                    .any(|(a, o, m, p, _)| a == "resident.update"
                        && o == "denied"
                        && m == "POST"
                        && *p == path),
                "{l} {who}: the refusal is audited with the request"
            );
        }
        // The village doctor may edit, sees the masks, and gets the form back with them.
        let (cookie, csrf) = app.ui_session("village").await;
        let reply = app.post_form(&path, &cookie, &attempt(&csrf)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let page = reply.text();
        assert!(
            !page.contains(&r.id_number),
            "{l}: the full ID number came back"
        );
        assert!(!page.contains(&r.phone), "{l}: the full phone came back");
        assert!(page.contains(&masked_id(&r.id_number)), "{l}");
        // Submitted with its clinic, the masks mean "unchanged": the stored values stay.
        let ok = form(&[
            ("_csrf", &csrf),
            ("name", "改过的名字"),
            ("id_number", &masked_id(&r.id_number)),
            ("phone", &masked_phone(&r.phone)),
            ("institution_id", &r.institution_id.to_string()),
        ]);
        let reply = app.post_form(&path, &cookie, &ok).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{l}: {}", reply.text());
        let after = app
            .state
            .store
            .get_resident(app.state.community.id, r.id)
            .await
            .expect("resident");
        assert_eq!(
            (
                after.name.as_str(),
                after.id_number.as_str(),
                after.phone.as_str()
            ),
            ("改过的名字", r.id_number.as_str(), r.phone.as_str()),
            "{l}"
        );
    }
}

/// A team covering both demo villages, and one contract ending soon at each village.
async fn contracts_at_two_villages(app: &TestApp) -> (Uuid, Uuid) {
    use yigong_domain::family::MemberRole;
    use yigong_store::family::{NewContract, NewTeam};
    let (store, c) = (&app.state.store, app.state.community.id);
    let staff = |inst: Uuid| {
        let q = yigong_store::staff::StaffQuery {
            institution: Some(inst),
            ..Default::default()
        };
        async move {
            store
                .search_staff(c, &q, yigong_store::PageRequest::new(None, Some(5)))
                .await
                .expect("staff")
                .items
                .into_iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
        }
    };
    let (lead, town, village) = (
        staff(app.places.lead).await,
        staff(app.places.township).await,
        staff(app.places.village).await,
    );
    let entry = common::setup_entry("setup");
    let team = store
        .create_team(
            c,
            &NewTeam {
                name: "两村团队".into(),
                institution_id: app.places.township,
                leader_staff_id: town[0],
                members: vec![
                    (lead[0], MemberRole::Specialist.as_str()),
                    (town[0], MemberRole::TownshipClinician.as_str()),
                    (town[1], MemberRole::PublicHealth.as_str()),
                    (village[0], MemberRole::VillageDoctor.as_str()),
                ],
                villages: vec![app.places.village, app.places.other_village],
            },
            &entry,
        )
        .await
        .expect("team");
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

#[tokio::test]
async fn masks_hide_the_sequence_and_masked_roles_look_up_whole_numbers_only_and_seldom() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let view = app
            .get(&format!("/api/v1/residents/{}", r.id), &village)
            .await
            .json();
        assert_eq!(view["id_number"], masked_id(&r.id_number), "{l}");
        // No field gives back the hidden part (birth date digits, sequence, check).
        let mut all = vec![];
        strings(&view, &mut all);
        assert!(
            all.iter().all(|s| !s.contains(&r.id_number[6..])),
            "{l}: {all:?}"
        );
        // Fragments of an ID number would reveal the hidden digits: refused.
        for q in [&r.id_number[14..], &r.id_number[..10], &r.id_number[..17]] {
            let reply = app.get(&format!("/api/v1/residents?q={q}"), &village).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{l} {q}");
            assert_eq!(
                reply.json()["error"]["code"],
                "id_search_needs_whole_number"
            );
        }
        // The whole number finds the resident (the card in front of the doctor), audited.
        let reply = app
            .get(&format!("/api/v1/residents?q={}", r.id_number), &village)
            .await
            .json();
        assert_eq!(reply["items"][0]["id"], r.id.to_string(), "{l}");
        assert_eq!(reply["total"], 1, "{l}");
        // FHIR: the same look-up counts too; a masked reader gets no identifier at all.
        let bundle = app
            .get(
                &format!(
                    "/fhir/r4/Patient?identifier={}|{}",
                    yigong_fhir::ID_CARD_SYSTEM,
                    r.id_number
                ),
                &village,
            )
            .await
            .json();
        assert_eq!(bundle["total"], 1, "{l}");
        assert!(
            bundle["entry"][0]["resource"].get("identifier").is_none(),
            "{l}"
        );
        let lookups = app
            .audit_by("village")
            .await
            .into_iter()
            .filter(|(a, o, ..)| a.starts_with("resident.id_lookup") && o == "allowed")
            .count();
        assert_eq!(lookups, 2, "{l}");
        // Twenty an hour: 18 more pass, the 21st is refused and the refusal audited.
        let whole = format!("/api/v1/residents?q={}", r.id_number);
        for _ in 0..18 {
            assert_eq!(
                app.get(&whole, &village).await.status,
                StatusCode::OK,
                "{l}"
            );
        }
        let reply = app.get(&whole, &village).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{l}");
        assert_eq!(reply.json()["error"]["code"], "too_many_identifier_lookups");
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("一小时"))
        );
        assert!(
            app.audit_by("village")
                .await
                .iter()
                .any(|(a, o, _, _, d)| a == "resident.id_lookup"
                    && o == "denied"
                    && d == "throttled")
        );
        // Registrars see numbers whole and search by their end, unthrottled.
        let manager = app.login("manager").await;
        let reply = app
            .get(
                &format!("/api/v1/residents?q={}", &r.id_number[14..]),
                &manager,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let bundle = app
            .get(&format!("/fhir/r4/Patient/{}", r.id), &manager)
            .await
            .json();
        assert_eq!(bundle["identifier"][0]["value"], r.id_number, "{l}");
    }
}

#[tokio::test]
async fn a_duplicate_id_number_from_a_masked_role_counts_as_a_look_up() {
    for app in apps(1500).await {
        let l = &app.label;
        let existing = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let body = json!({
            "name": "重复", "id_number": existing.id_number, "phone": "13800138000",
            "institution_id": app.places.village,
        });
        let reply = app.post("/api/v1/residents", &village, body).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{l}");
        let rows = app.audit_by("village").await;
        assert!(
            rows.iter()
                .any(|(a, o, ..)| a == "resident.duplicate_id" && o == "allowed")
        );
        assert!(
            rows.iter()
                .any(|(a, o, _, _, d)| a == "resident.create" && o == "denied" && d == "duplicate")
        );
    }
}

#[tokio::test]
async fn whole_phones_reach_only_the_lists_of_people_to_call() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let reply = app
            .post(
                "/api/v1/screenings",
                &village,
                json!({"resident_id": r.id, "systolic": 160, "diastolic": 100}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}: {}", reply.text());
        // The specialist reads the resident's screenings: the phone is masked.
        let specialist = app.login("specialist").await;
        let of = app
            .get(
                &format!("/api/v1/screenings?resident_id={}", r.id),
                &specialist,
            )
            .await
            .json();
        assert_eq!(of["suspicions"][0]["phone"], masked_phone(&r.phone), "{l}");
        // The village doctor's list of findings to confirm is a call list: whole.
        let pending = app
            .get("/api/v1/screenings/pending?per_page=200", &village)
            .await
            .json();
        let row = pending["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["resident_id"] == r.id.to_string())
            .cloned()
            .expect("the new finding is on the list");
        assert_eq!(row["phone"], r.phone, "{l}");
        // Their record view is not a call list: masked.
        let view = app
            .get(&format!("/api/v1/residents/{}", r.id), &village)
            .await
            .json();
        assert_eq!(view["phone"], masked_phone(&r.phone), "{l}");
    }
}

async fn api_login(app: &TestApp, username: &str, password: &str) -> (StatusCode, Value) {
    let reply = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await;
    (reply.status, reply.json())
}

#[tokio::test]
async fn logins_are_throttled_per_account_and_address_and_every_attempt_audited() {
    for app in apps(50).await {
        let l = &app.label;
        for _ in 0..5 {
            assert_eq!(
                api_login(&app, "village", "wrong").await.0,
                StatusCode::UNAUTHORIZED
            );
        }
        // The sixth, even with the right password, waits.
        let (status, body) = api_login(&app, "village", "demo1234").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{l}");
        assert_eq!(body["error"]["code"], "too_many_logins");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("5 分钟"))
        );
        let rows = app.audit_by("village").await;
        let logins: Vec<_> = rows.iter().filter(|(a, ..)| a == "login").collect();
        assert_eq!(logins.len(), 6, "{l}: every attempt is a row");
        assert!(
            logins
                .iter()
                .all(|(_, o, m, p, _)| o == "denied" && m == "POST" && p == "/api/v1/auth/login")
        );
        // Another account is not held up by this one's failures.
        assert_eq!(
            api_login(&app, "township", "demo1234").await.0,
            StatusCode::OK
        );
        assert!(
            app.audit_by("township")
                .await
                .iter()
                .any(|(a, o, ..)| a == "login" && o == "allowed")
        );
        // An unknown user is audited under the name tried.
        assert_eq!(
            api_login(&app, "nobody", "x").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(app.audit_by("nobody").await.len(), 1, "{l}");
        // Per address: 20 failures in five minutes, whatever the names.
        for n in 0..14 {
            assert_eq!(
                api_login(&app, &format!("guess{n}"), "x").await.0,
                StatusCode::UNAUTHORIZED,
                "{l} {n}"
            );
        }
        assert_eq!(
            api_login(&app, "manager", "demo1234").await.0,
            StatusCode::TOO_MANY_REQUESTS,
            "{l}: the address has used its 20"
        );
    }
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token_and_sends_only_home() {
    for app in apps(50).await {
        let l = &app.label;
        // No token: refused, and no session.
        let reply = app
            .request(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("username=village&password=demo1234"))
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{l}");
        assert!(
            !reply
                .headers
                .get_all("set-cookie")
                .iter()
                .any(|c| c.to_str().is_ok_and(|c| c.starts_with("yigong_session=")))
        );
        // `next` with a tab, a newline or another host goes home.
        for next in [
            "/%09/evil.example",
            "//evil.example",
            "/%0d%0a/x",
            "https://evil.example",
        ] {
            let reply = app
                .login_form(&format!("username=village&password=demo1234&next={next}"))
                .await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{l} {next}");
            assert_eq!(reply.headers["location"], "/", "{l} {next}");
            let reply = app
                .request(
                    Request::get(format!("/lang/en?next={next}"))
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(reply.headers["location"], "/", "{l} {next}");
        }
        let reply = app
            .login_form("username=village&password=demo1234&next=/residents%3Fq%3D1")
            .await;
        assert_eq!(reply.headers["location"], "/residents?q=1", "{l}");
    }
}

#[tokio::test]
async fn logout_and_expiry_end_the_session_at_once_everywhere() {
    for app in apps(50).await {
        let l = &app.label;
        // A lower-case scheme logs out too.
        let token = app.login("village").await;
        assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
        let reply = app
            .request(
                Request::post("/api/v1/auth/logout")
                    .header("authorization", format!("bearer {token}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{l}");
        assert_eq!(
            app.get("/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );

        // A cookie session logged out through the API.
        let (cookie, csrf) = app.ui_session("village").await;
        let me = |cookie: String| {
            Request::get("/api/v1/me")
                .header("cookie", cookie)
                .body(Body::empty())
                .expect("request")
        };
        assert_eq!(app.request(me(cookie.clone())).await.status, StatusCode::OK);
        let reply = app
            .request(
                Request::post("/api/v1/auth/logout")
                    .header("cookie", &cookie)
                    .header("x-csrf-token", &csrf)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{l}");
        assert_eq!(
            app.request(me(cookie)).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );

        // The page logout bites on the next request (the session cache is emptied).
        let (cookie, csrf) = app.ui_session("village").await;
        assert_eq!(app.page("/residents", &cookie).await.0, StatusCode::OK);
        let reply = app
            .post_form("/logout", &cookie, &format!("_csrf={csrf}"))
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let (status, _) = app.page("/residents", &cookie).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{l}: sent back to log in");

        // A live stream closes when its session ends.
        let token = app.login("township").await;
        let res = yigong_web::app(app.state.clone())
            .oneshot(
                Request::get("/api/v1/referrals-live")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(res.status(), StatusCode::OK);
        let mut stream = res.into_body().into_data_stream();
        let logout = app
            .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
            .await;
        assert_eq!(logout.status, StatusCode::NO_CONTENT);
        let ended = tokio::time::timeout(Duration::from_secs(5), async {
            while stream.next().await.is_some() {}
        })
        .await;
        assert!(ended.is_ok(), "{l}: the stream outlived its session");

        // Expiry bites at its second, cached or not: a session 1.5 s short of its
        // twelve hours, used (and so cached) before then.
        let account = app
            .state
            .store
            .find_account(app.state.community.id, "village")
            .await
            .expect("account")
            .expect("village");
        let token = "short-lived-session-token";
        let expires = time::OffsetDateTime::now_utc() + time::Duration::milliseconds(1500);
        let login = expires - time::Duration::hours(yigong_web::http::auth::SESSION_HOURS);
        app.state
            .store
            .create_session(
                app.state.community.id,
                &yigong_web::http::auth::token_hash(token),
                account.id,
                "c",
                login,
                expires,
            )
            .await
            .expect("session");
        assert_eq!(
            app.get("/api/v1/me", token).await.status,
            StatusCode::OK,
            "{l}"
        );
        tokio::time::sleep(Duration::from_millis(1700)).await;
        assert_eq!(
            app.get("/api/v1/me", token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
    }
}

#[tokio::test]
async fn broad_searches_are_counted_to_a_cap_and_long_ones_refused() {
    for app in apps(2000).await {
        let l = &app.label;
        let manager = app.login("manager").await;
        // Every demo ID number starts with 5: far more than the cap.
        let page = app.get("/api/v1/residents?q=5", &manager).await.json();
        assert_eq!(page["total"], 1000, "{l}");
        assert_eq!(page["total_capped"], true, "{l}");
        assert_eq!(page["items"].as_array().map(Vec::len), Some(20), "{l}");
        // A narrow one counts exactly.
        let r = app.resident_at(app.places.village).await;
        let page = app
            .get(&format!("/api/v1/residents?q={}", r.id_number), &manager)
            .await
            .json();
        assert_eq!(
            (page["total"].clone(), page["total_capped"].clone()),
            (json!(1), json!(false))
        );
        // Past 40 characters: a message, not every resident.
        let long = "王".repeat(41);
        let reply = app
            .get(&format!("/api/v1/residents?q={long}"), &manager)
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(reply.json()["error"]["code"], "query_too_long");
        // The page says so at the search box.
        let (cookie, _) = app.ui_session("manager").await;
        let (status, html) = app.page(&format!("/residents?q={long}"), &cookie).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("查询内容过长"), "{l}");
        // A page number past any list is past the end, not page 1.
        let reply = app
            .get("/api/v1/residents?page=9223372036854775807", &manager)
            .await
            .json();
        assert_eq!(reply["items"], json!([]), "{l}");
        assert_eq!(reply["page"], 1_000_000, "{l}");
    }
}

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
            if route == "/login" {
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

#[tokio::test]
async fn deactivating_an_account_or_resetting_its_password_ends_its_sessions_at_once() {
    for app in apps(50).await {
        let l = &app.label;
        let admin = app.login("admin").await;
        let village = app
            .state
            .store
            .find_account(app.state.community.id, "village")
            .await
            .expect("account")
            .expect("village");
        // A session in use (and cached) ends with the reset.
        let token = app.login("village").await;
        assert_eq!(app.get("/api/v1/me", &token).await.status, StatusCode::OK);
        let path = format!("/api/v1/accounts/{}/password", village.id);
        let short = app.post(&path, &admin, json!({"password": "short"})).await;
        assert_eq!(short.json()["error"]["code"], "password_too_short", "{l}");
        let reply = app
            .post(&path, &admin, json!({"password": "new-password-1"}))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{l}: {}",
            reply.text()
        );
        assert_eq!(
            app.get("/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        assert_eq!(
            api_login(&app, "village", "demo1234").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            api_login(&app, "village", "new-password-1").await.0,
            StatusCode::OK
        );
        // Deactivation: the session ends, the login is refused; reactivation lets it in.
        let token = app.login_with("village", "new-password-1").await;
        let path = format!("/api/v1/accounts/{}/deactivate", village.id);
        assert_eq!(
            app.post(&path, &admin, json!({})).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get("/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        assert_eq!(
            api_login(&app, "village", "new-password-1").await.0,
            StatusCode::UNAUTHORIZED
        );
        let path = format!("/api/v1/accounts/{}/reactivate", village.id);
        assert_eq!(
            app.post(&path, &admin, json!({})).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            api_login(&app, "village", "new-password-1").await.0,
            StatusCode::OK
        );
        // Only administrators; the refusal is audited.
        let manager = app.login("manager").await;
        let path = format!("/api/v1/accounts/{}/deactivate", village.id);
        assert_eq!(
            app.post(&path, &manager, json!({})).await.status,
            StatusCode::FORBIDDEN
        );
        assert!(
            app.audit_by("manager")
                .await
                .iter()
                .any(|(a, o, ..)| a == "account.deactivate" && o == "denied")
        );
        let rows = app.audit_by("admin").await;
        for a in [
            "account.password",
            "account.deactivate",
            "account.reactivate",
        ] {
            assert!(
                rows.iter().any(|(x, o, ..)| x == a && o == "allowed"),
                "{l}: {a}"
            );
        }
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
