//! The HTML UI through a cookie session: login, scoped pages, CSRF on forms.

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TestApp, apps};

/// Logs in through the form; returns the session cookie and the page's CSRF token.
async fn ui_login(app: &TestApp, username: &str) -> (String, String) {
    let r = app
        .login_form(&format!(
            "username={username}&password=demo1234&next=/residents"
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/residents");
    let set = r.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("pair").to_string();
    let home = page(app, "/", &cookie).await;
    let csrf = home
        .1
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .expect("csrf field")
        .split('"')
        .next()
        .expect("value")
        .to_string();
    (cookie, csrf)
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> (StatusCode, String) {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let r = app.request(req).await;
    (r.status, r.text())
}

async fn form(app: &TestApp, path: &str, cookie: &str, body: String) -> (StatusCode, String) {
    let req = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let r = app.request(req).await;
    (r.status, r.text())
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login_and_bad_passwords_say_so() {
    for app in apps(10).await {
        let r = app
            .request(
                Request::get("/residents?q=x")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.headers[header::LOCATION],
            "/login?next=/residents%3Fq%3Dx"
        );
        let r = app.login_form("username=village&password=nope").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text().contains("用户名或密码错误"));
        let r = app
            .request(
                Request::get("/login?lang=en")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert!(r.text().contains("Log in"));
        // The login page names the icon every tab shows, and the icon is there.
        assert!(
            r.text()
                .contains("rel=\"icon\" href=\"/static/favicon.svg\"")
        );
        let icon = app
            .request(
                Request::get("/static/favicon.svg")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(icon.status, StatusCode::OK);
        assert_eq!(icon.headers[header::CONTENT_TYPE], "image/svg+xml");
        assert!(icon.text().starts_with("<svg"));
    }
}

#[tokio::test]
async fn village_doctor_ui_shows_own_residents_masked_and_hides_others() {
    for app in apps(2000).await {
        let (cookie, _) = ui_login(&app, "village").await;
        let mine = app.resident_at(app.places.village).await;
        let other = app.resident_at(app.places.other_village).await;

        let (status, html) = page(&app, &format!("/residents/{}", mine.id), &cookie).await;
        assert_eq!(status, StatusCode::OK);
        // The region code only: birth date, sequence and check character stay hidden.
        let masked = format!("{}************", &mine.id_number[..6]);
        assert!(html.contains(&masked), "masked ID shown");
        assert!(!html.contains(&mine.id_number), "full ID never shown");

        let (status, html) = page(&app, &format!("/residents/{}", other.id), &cookie).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!html.contains(&other.name));
        assert!(
            app.audit_of(other.id)
                .await
                .iter()
                .any(|(a, o, _)| a == "resident.read" && o == "denied")
        );

        // The list searches within the clinic only.
        let surname: String = other.name.chars().take(1).collect();
        let (_, html) = page(
            &app,
            &format!("/residents?q={}", common::encode(&surname)),
            &cookie,
        )
        .await;
        assert!(!html.contains(&format!("/residents/{}\"", other.id)));

        // Editing the other village's resident through the form: 404, nothing changed.
        let (_, csrf) = ui_login(&app, "village").await;
        let body = format!(
            "_csrf={csrf}&name=%E6%94%B9&id_number={}&phone={}&institution_id={}",
            other.id_number, other.phone, app.places.village
        );
        let (status, _) = form(
            &app,
            &format!("/residents/{}/edit", other.id),
            &cookie,
            body,
        )
        .await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
            "{status}"
        );
        let after = app
            .state
            .store
            .get_resident(app.state.community.id, other.id)
            .await
            .expect("row");
        assert_eq!(after.name, other.name);
    }
}

#[tokio::test]
async fn forms_require_the_sessions_csrf_token() {
    for app in apps(2000).await {
        let (cookie, csrf) = ui_login(&app, "village").await;
        let r = app.resident_at(app.places.village).await;
        let (status, _) = form(
            &app,
            &format!("/residents/{}/deactivate", r.id),
            &cookie,
            "_csrf=forged".into(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            app.state
                .store
                .get_resident(app.state.community.id, r.id)
                .await
                .expect("row")
                .active
        );
        let (status, _) = form(
            &app,
            &format!("/residents/{}/deactivate", r.id),
            &cookie,
            format!("_csrf={csrf}"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            !app.state
                .store
                .get_resident(app.state.community.id, r.id)
                .await
                .expect("row")
                .active
        );
        // Cookie-authenticated API writes need the CSRF header too.
        let req = Request::post(format!("/api/v1/residents/{}/reactivate", r.id))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req");
        assert_eq!(app.request(req).await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn resident_form_shows_the_problem_in_chinese_and_keeps_the_input() {
    for app in apps(10).await {
        let (cookie, csrf) = ui_login(&app, "village").await;
        let body = format!(
            "_csrf={csrf}&name=%E5%BC%A0%E4%B8%89&id_number=520382198001010012&phone=13800138000&institution_id={}",
            app.places.village
        );
        let (status, html) = form(&app, "/residents/new", &cookie, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("身份证号：校验位不正确"), "{html}");
        assert!(html.contains("value=\"张三\""));
    }
}

#[tokio::test]
async fn every_page_renders_for_every_role() {
    for app in apps(50).await {
        for user in [
            "admin",
            "manager",
            "specialist",
            "township",
            "village",
            "party",
            "bureau",
        ] {
            let (cookie, _) = ui_login(&app, user).await;
            for path in [
                "/",
                "/institutions",
                "/staff",
                "/institutions?q=%E8%8C%85",
                &format!("/institutions/{}", app.places.lead),
            ] {
                let (status, html) = page(&app, path, &cookie).await;
                assert_eq!(status, StatusCode::OK, "{user} {path}");
                assert!(html.contains("</html>"));
            }
            let expect = |ok: bool| {
                if ok {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                }
            };
            assert_eq!(
                page(&app, "/audit", &cookie).await.0,
                expect(user == "admin"),
                "{user}"
            );
            assert_eq!(
                page(&app, "/import", &cookie).await.0,
                expect(user == "admin" || user == "manager"),
                "{user}"
            );
            assert_eq!(page(&app, "/residents", &cookie).await.0, StatusCode::OK);
        }
    }
}

#[tokio::test]
async fn ecg_pages_render_for_who_may_see_them() {
    for app in apps(200).await {
        // A study to look at, uploaded through the API.
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let dir = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
        let xml = std::fs::read(dir.join("formats/hl7-aecg/hl7_2003-12_example_aecg.xml"))
            .expect("sample");
        let boundary = "uiecg";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"resident_id\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xml\"\r\n\r\n",
            resident.id
        )
        .into_bytes();
        body.extend_from_slice(&xml);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = app
            .raw(
                axum::http::Method::POST,
                "/api/v1/ecg/studies",
                &township,
                &format!("multipart/form-data; boundary={boundary}"),
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["study"]["id"].as_str().expect("id").to_string();

        for (user, sees) in [
            ("admin", true),
            ("manager", true),
            ("ecg", true),
            ("township", true),
            ("village", false),
            ("party", false),
            ("bureau", false),
        ] {
            let (cookie, csrf) = ui_login(&app, user).await;
            let (status, html) = page(&app, "/ecg", &cookie).await;
            let list_ok = user != "party" && user != "bureau";
            assert_eq!(status == StatusCode::OK, list_ok, "{user} /ecg");
            if list_ok {
                assert!(html.contains("心电一张网"), "{user}");
            }
            for path in [format!("/ecg/{id}"), format!("/ecg/{id}/print")] {
                let (status, html) = page(&app, &path, &cookie).await;
                assert_eq!(status == StatusCode::OK, sees, "{user} {path}");
                if sees {
                    assert!(
                        html.contains("计算机自动分析") && html.contains("trace.svg"),
                        "{user} {path}"
                    );
                }
            }
            let (status, html) = page(&app, "/ecg/stats", &cookie).await;
            // The bureau reads the figures too, but not the waiting critical reports,
            // which name patients.
            assert_eq!(
                status == StatusCode::OK,
                matches!(user, "admin" | "manager" | "ecg" | "bureau"),
                "{user} /ecg/stats"
            );
            if status == StatusCode::OK {
                assert!(html.contains("10 分钟内出报告"), "{user}");
            }
            if user == "bureau" {
                assert!(
                    !html.contains("class=\"escalation"),
                    "bureau sees no patients"
                );
            }
            let (status, _) = page(&app, "/ecg/new", &cookie).await;
            assert_eq!(
                status == StatusCode::OK,
                matches!(user, "township" | "village"),
                "{user} /ecg/new"
            );
            if user == "ecg" {
                // A form without the session's token is refused; with it, the claim goes through.
                let (status, _) =
                    form(&app, &format!("/ecg/{id}/claim"), &cookie, String::new()).await;
                assert_eq!(status, StatusCode::FORBIDDEN);
                let (status, _) = form(
                    &app,
                    &format!("/ecg/{id}/claim"),
                    &cookie,
                    format!("_csrf={csrf}"),
                )
                .await;
                assert_eq!(status, StatusCode::SEE_OTHER);
                let (_, html) = page(&app, &format!("/ecg/{id}"), &cookie).await;
                assert!(
                    html.contains("id=\"report-form\""),
                    "the reader now has the report form"
                );
                // The report form sends repeated `findings`.
                let body = format!(
                    "_csrf={csrf}&findings=sinus_rhythm&findings=stemi_inferior&conclusion=%E6%80%A5%E6%80%A7"
                );
                let (status, _) = form(&app, &format!("/ecg/{id}/report"), &cookie, body).await;
                assert_eq!(status, StatusCode::SEE_OTHER);
            }
            if user == "township" {
                // From the critical report, the referral form opens filled in.
                let (_, html) = page(&app, &format!("/ecg/{id}"), &cookie).await;
                assert!(
                    html.contains("id=\"green-channel\""),
                    "a green-channel button"
                );
                let (status, form_html) = page(
                    &app,
                    &format!("/referrals/new?resident_id={}&ecg={id}", resident.id),
                    &cookie,
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                assert!(
                    form_html.contains("value=\"chest_pain\" selected"),
                    "green channel preset"
                );
                assert!(form_html.contains("I21.9") && form_html.contains(&format!("/ecg/{id}")));
            }
        }
    }
}

#[tokio::test]
async fn accounts_are_managed_in_the_ui_by_administrators_only() {
    for app in apps(300).await {
        let l = &app.label;
        // Others may neither open the page nor create an account through it.
        let (village, village_csrf) = app.ui_session("village").await;
        assert_eq!(
            app.page("/accounts", &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let body = format!(
            "_csrf={village_csrf}&username=sneaky&display_name=x&password=12345678&role=admin&institution_id={}",
            app.places.lead
        );
        let r = app.post_form("/accounts", &village, &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        // The administrator creates one: a notice names it, the list holds it, the audit
        // records it, and the new account signs in.
        let (admin, csrf) = app.ui_session("admin").await;
        let body = format!(
            "_csrf={csrf}&username=lihua&display_name=%E6%9D%8E%E5%8D%8E&password=cunyi-2026&role=village_doctor&institution_id={}",
            app.places.village
        );
        let (reply, to) = app.submit("/accounts", &admin, &body).await;
        let to = to.unwrap_or_else(|| panic!("{l}: {} {}", reply.status, reply.text()));
        assert!(
            to.starts_with("/accounts?done=created&who=lihua"),
            "{l}: {to}"
        );
        let (_, html) = app.page(&to, &admin).await;
        assert!(html.contains("已创建账号 lihua"), "{l}");
        assert!(html.contains("data-username=\"lihua\""), "{l}");
        let created: Vec<_> = app
            .audit_by("admin")
            .await
            .into_iter()
            .filter(|e| e.0 == "account.create")
            .collect();
        assert_eq!(created.len(), 1, "{l}");
        assert_eq!(created[0].4, "lihua", "{l}");
        let signed_in = app.login_form("username=lihua&password=cunyi-2026").await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{l}");
        assert!(signed_in.headers.contains_key("set-cookie"), "{l}");
        // The same username again: refused at its field, the form kept, no password back.
        let r = app.post_form("/accounts", &admin, &body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let html = r.text();
        assert!(html.contains("value=\"lihua\""), "{l}");
        assert!(!html.contains("cunyi-2026"), "{l}");
    }
}

#[tokio::test]
async fn the_audit_log_reads_as_words_links_the_resident_and_exports_what_it_shows() {
    for app in apps(2000).await {
        let l = &app.label;
        // The village doctor opens a record; the administrator reads that in the log.
        let resident = app.resident_at(app.places.village).await;
        let village = app.ui_cookie("village").await;
        let (status, _) = app
            .page(&format!("/residents/{}", resident.id), &village)
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let admin = app.ui_cookie("admin").await;
        let (status, html) = app
            .page(
                "/audit?username=village&action=resident.read&days=1",
                &admin,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("<td>查看居民档案</td>"),
            "{l}: the action by name"
        );
        assert!(
            html.contains(&format!(
                "居民 <a href=\"/residents/{}\">{}</a>",
                resident.id, resident.name
            )),
            "{l}: the resident named and linked"
        );
        assert!(!html.contains("resident.read</td>"), "{l}: no raw code");
        let shown = html.matches("<tr><td>").count();
        assert!(shown >= 1, "{l}");
        // The export holds the rows the filters select, and says so in its name.
        let reply = app
            .page_reply(
                "/audit/export?username=village&action=resident.read&days=1",
                &admin,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let disposition = reply.headers["content-disposition"]
            .to_str()
            .expect("ascii");
        for part in ["审计日志_查看居民档案_", "_village.xlsx"] {
            assert!(
                disposition.contains(&common::encode(part)),
                "{l}: {disposition}"
            );
        }
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(table.headers[..3], ["时间", "用户", "操作"], "{l}");
        assert_eq!(table.rows.len(), shown, "{l}: exactly what the page shows");
        for (_, row) in &table.rows {
            assert_eq!(
                (row[1].as_str(), row[2].as_str()),
                ("village", "查看居民档案"),
                "{l}"
            );
        }
        assert!(
            table
                .rows
                .iter()
                .any(|(_, r)| r[3] == format!("居民 {}", resident.name)),
            "{l}"
        );
        // Others may not read or export it.
        assert_eq!(
            app.page("/audit/export", &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
