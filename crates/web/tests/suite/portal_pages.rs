//! The residents' window's pages on SQLite and PostgreSQL: signing in through the forms
//! (the demo shows the code), the home page with the experts coming and a booking made
//! with the window's own form token, refused without it.

use crate::roster;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use roster::{experts, residents_under, session};
use time::Duration;
use yigong_domain::clock::today;
use yigong_testkit::app::{Reply, TestApp, apps, form};

/// The `name=value` of a Set-Cookie header of a reply.
fn set_cookie(r: &Reply, name: &str) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_string()
}

/// The value of the first `_csrf` field of a page.
fn csrf(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a form token")
        .to_string()
}

async fn post(app: &TestApp, path: &str, cookie: &str, body: String) -> Reply {
    let req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(Body::from(body))
        .expect("request");
    app.request(req).await
}

#[tokio::test]
async fn a_resident_signs_in_through_the_forms_and_books_a_place() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let (expert, name) = experts(&app, 1).await[0].clone();
        let id = session(
            &app,
            &manager,
            (expert, app.places.township, today() + Duration::days(2)),
            ("08:30", "11:30", 10),
        )
        .await;
        let me = residents_under(&app, app.places.township, 1)
            .await
            .remove(0);
        let first = app
            .request(Request::get("/m").body(Body::empty()).expect("request"))
            .await;
        assert_eq!(first.status, StatusCode::OK, "{l}");
        let form_cookie = set_cookie(&first, "yigong_login_csrf");
        let token = csrf(&first.text());
        let who = [
            ("_csrf", token.as_str()),
            ("id_number", me.id_number.as_str()),
            ("phone", me.phone.as_str()),
        ];
        let sent = post(&app, "/m/code", &form_cookie, form(&who)).await;
        let html = sent.text();
        assert_eq!(sent.status, StatusCode::OK, "{l}: {html}");
        let code = html
            .split("id=\"demo-code\">")
            .nth(1)
            .and_then(|s| s.split("<strong>").nth(1))
            .and_then(|s| s.split('<').next())
            .expect("the demo shows the code")
            .to_string();
        // Without the form's cookie the sign-in is refused as a stale page.
        let mut fields = who.to_vec();
        fields.push(("code", code.as_str()));
        let stale = post(&app, "/m/sign-in", "", form(&fields)).await;
        assert_eq!(stale.status, StatusCode::FORBIDDEN, "{l}");
        let signed = post(&app, "/m/sign-in", &form_cookie, form(&fields)).await;
        assert_eq!(
            signed.status,
            StatusCode::SEE_OTHER,
            "{l}: {}",
            signed.text()
        );
        let cookie = set_cookie(&signed, "yigong_resident");
        let (status, home) = app.page("/m", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            home.contains(&me.name) && home.contains(&name) && !home.contains(&me.id_number),
            "{l}"
        );
        let book = format!("/m/sessions/{id}/book");
        let refused = post(&app, &book, &cookie, "x=1".into()).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{l}: no form token");
        let (r, to) = app
            .submit(&book, &cookie, &form(&[("_csrf", csrf(&home).as_str())]))
            .await;
        assert_eq!(
            to.as_deref(),
            Some("/m?done=portal_booked"),
            "{l}: {}",
            r.text()
        );
        assert!(r.text().contains("class=\"tag\">已预约<"), "{l}");
        let held = app
            .state
            .store
            .get_session(app.state.community.id, id.parse().expect("id"))
            .await
            .expect("session");
        assert_eq!(held.booked, 1, "{l}");
    }
}
