//! Patient data that stays protected, part 2: sessions. Logins are throttled and
//! audited, a session ends at once everywhere (logout, expiry, deactivation, a password
//! reset), and broad searches are capped. Runs on SQLite, and on PostgreSQL with
//! `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TestApp, apps};
use futures_util::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

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
