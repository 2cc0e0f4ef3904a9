//! Corrections of the indicators' definitions on SQLite and PostgreSQL: the
//! administrator corrects a definition's wording, version, source and target (a wrong
//! correction refused field by field, on the API and on the page with what was typed
//! kept), the figures and the dashboard carry the correction, the office may read but
//! not correct (the refusal audited), and an empty correction restores the built-in text.

use axum::http::StatusCode;
use serde_json::{Value, json};
use yigong_domain::indicators::catalog::find;
use yigong_testkit::app::{TestApp, apps, encode, problem_fields};

async fn definition(app: &TestApp, token: &str, code: &str) -> Value {
    let all = app
        .get("/api/v1/indicators/definitions", token)
        .await
        .json();
    all.as_array()
        .expect("definitions")
        .iter()
        .find(|d| d["code"] == code)
        .expect("listed")
        .clone()
}

#[tokio::test]
async fn the_administrator_corrects_a_definition_and_every_reader_sees_it() {
    for app in apps(40).await {
        let l = app.label.clone();
        let (admin, manager) = (app.login("admin").await, app.login("manager").await);
        let path = "/api/v1/indicators/definitions/primary_visit_share";
        let wrong = json!({"version": "2099", "target": "七十"});
        let r = app.put(path, &admin, wrong).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(problem_fields(&r.json()), ["version", "target"], "{l}");
        let r = app
            .put("/api/v1/indicators/definitions/nope", &admin, json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let r = app.put(path, &manager, json!({"target": "10"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let refused = app.audit_by("manager").await;
        assert!(
            refused
                .iter()
                .any(|a| a.0 == "indicator.definition.correct" && a.1 == "denied"),
            "{l}"
        );

        let official = json!({"name": "基层医疗卫生机构门急诊人次占比", "version": "2024",
            "source": "国卫基层发〔2024〕号 附件 指标7", "target": "70"});
        let r = app.put(path, &admin, official).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let d = definition(&app, &manager, "primary_visit_share").await;
        let built_in = find("primary_visit_share").expect("listed");
        assert_eq!(
            (&d["name"], &d["target"], &d["corrected"], &d["numerator"]),
            (
                &json!("基层医疗卫生机构门急诊人次占比"),
                &json!(70.0),
                &json!(true),
                &json!(built_in.numerator.zh)
            ),
            "{l}: what was not corrected stays"
        );
        // The figures carry it.
        let figures = app
            .get("/api/v1/indicators?period=2026-05", &manager)
            .await
            .json();
        let f = figures
            .as_array()
            .expect("figures")
            .iter()
            .find(|f| f["code"] == "primary_visit_share")
            .expect("the figure")
            .clone();
        assert_eq!(
            (&f["name"], &f["target"]),
            (&d["name"], &json!(70.0)),
            "{l}"
        );
        let (cookie, csrf) = app.ui_session("admin").await;
        let (_, dash) = app.page("/indicators?period=2026-05", &cookie).await;
        assert!(
            dash.contains("基层医疗卫生机构门急诊人次占比") && dash.contains("≥ 70"),
            "{l}"
        );

        // On the page: a wrong target sent back with what was typed, in its open form.
        let form = |target: &str| {
            format!(
                "_csrf={csrf}&name={}&numerator=&denominator=&note=&source=&version=&target={}",
                encode("县域就诊率（官方）"),
                encode(target)
            )
        };
        let (r, _) = app
            .submit(
                "/indicators/definitions/county_care_rate",
                &cookie,
                &form("-5"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let text = r.text();
        assert!(
            text.contains("id=\"error-target\"") && text.contains("value=\"县域就诊率（官方）\""),
            "{l}"
        );
        assert!(text.contains("<details open>"), "{l}");
        let (r, to) = app
            .submit(
                "/indicators/definitions/county_care_rate",
                &cookie,
                &form("92"),
            )
            .await;
        assert!(
            to.is_some_and(|t| t.contains("done=indicator_corrected")),
            "{l}"
        );
        assert!(r.text().contains("县域就诊率（官方）"), "{l}");
        // The office reads the page without its forms.
        let office = app.ui_cookie("manager").await;
        let (s, page) = app.page("/indicators/definitions", &office).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            page.contains("县域就诊率（官方）") && !page.contains("correct-form"),
            "{l}"
        );

        // An empty correction restores the built-in definition.
        let r = app.put(path, &admin, json!({})).await;
        assert_eq!(r.json()["corrected"], false, "{l}");
        let d = definition(&app, &manager, "primary_visit_share").await;
        assert_eq!(
            (&d["name"], &d["target"]),
            (&json!(built_in.name.zh), &json!(65.0)),
            "{l}"
        );
    }
}
