//! Care outside the county from an insurance settlement file on SQLite and PostgreSQL:
//! the good rows are registered and counted in the month's figures, a wrong row is named
//! with every reason, a settlement already registered is not registered again (in the
//! same file or when the file comes twice), on the API and on the office's page; a
//! township doctor may not import, and the refusal is audited.

use axum::http::{Method, StatusCode};
use yigong_app::import::outside::HEADERS;
use yigong_testkit::app::{TestApp, apps, multipart};

/// (numerator, denominator) of the county care rate in May 2026.
async fn care_rate(app: &TestApp, token: &str) -> (i64, i64) {
    let all = app
        .get("/api/v1/indicators?period=2026-05", token)
        .await
        .json();
    let f = all
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == "ip_in_county_share")
        .expect("the in-county share of stays")
        .clone();
    (
        f["numerator"].as_i64().expect("n"),
        f["denominator"].as_i64().expect("d"),
    )
}

#[tokio::test]
async fn a_settlement_file_registers_its_good_rows_once_and_names_every_wrong_one() {
    for app in apps(40).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let keys = app.state.store.resident_keys(c).await.expect("residents");
        let (a, b) = (keys[0].1.clone(), keys[1].1.clone());
        let file = format!(
            "{}\nYB-1,{a},住院,2026-05-03,2026-05-08,贵州省人民医院,省级,\"15,200.50\",9800\n\
             YB-2,{b},门诊,2026-05-10,,遵义医科大学附属医院,市级,320,180\n\
             YB-3,110101190001011234,急诊,2026-05-11,,,太空,十元,10\n\
             YB-1,{a},住院,2026-05-03,2026-05-08,贵州省人民医院,省级,\"15,200.50\",9800\n",
            HEADERS.join(",")
        );
        let manager = app.login("manager").await;
        let before = care_rate(&app, &manager).await;
        let upload = |token: String| {
            let (ct, body) = multipart(&[], &[("yb.csv", file.as_bytes())]);
            let app = &app;
            async move {
                app.raw(
                    Method::POST,
                    "/api/v1/indicators/outside/import",
                    &token,
                    &ct,
                    body,
                )
                .await
            }
        };
        let r = upload(manager.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let s = r.json();
        assert_eq!(
            (&s["total"], &s["inserted"], &s["known"], &s["rejected"]),
            (&4.into(), &2.into(), &1.into(), &1.into()),
            "{l}: {s}"
        );
        // Line 4 (the header is line 1): every reason at once.
        let (line, why) = (
            &s["rejects"][0][0],
            s["rejects"][0][1].as_str().expect("reasons"),
        );
        assert_eq!(line, 4, "{l}");
        for reason in ["元", "级别", "身份证号", "就诊医院"] {
            assert!(why.contains(reason), "{l}: {why} lacks {reason}");
        }
        // The stay counts in May's figures: one more stay outside the county.
        let after = care_rate(&app, &manager).await;
        assert_eq!(after, (before.0, before.1 + 1), "{l}");
        // The same file again registers nothing.
        let s = upload(manager.clone()).await.json();
        assert_eq!(
            (&s["inserted"], &s["known"]),
            (&0.into(), &3.into()),
            "{l}: {s}"
        );
        assert_eq!(care_rate(&app, &manager).await, after, "{l}");

        // On the page, and refused to a township doctor.
        let (cookie, csrf) = app.ui_session("manager").await;
        let (_, form) = app.page("/indicators/outside/new", &cookie).await;
        assert!(
            form.contains("outside-import") && form.contains("结算单号"),
            "{l}"
        );
        let body = multipart(&[], &[("yb.csv", file.as_bytes())]);
        let r = app
            .post_multipart(
                &format!("/indicators/outside/import?_csrf={csrf}"),
                &cookie,
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let page = r.text();
        assert!(
            page.contains("id=\"outside-known\">3<") && page.contains("class=\"reject-row\""),
            "{l}"
        );
        let township = app.login("township").await;
        assert_eq!(upload(township).await.status, StatusCode::FORBIDDEN, "{l}");
        let audit = app.audit_by("township").await;
        assert!(
            audit
                .iter()
                .any(|a| a.0 == "outside.import" && a.1 == "denied"),
            "{l}"
        );
    }
}
