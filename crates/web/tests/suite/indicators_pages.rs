//! The indicators' pages on SQLite and PostgreSQL: the office uploads a hospital's file
//! and watches it import (the progress fragment, then the summary with the refused row),
//! the dashboard shows the month's figures with links to their cases, the cases page
//! lists them masked, the Excel export carries every definition (read back by calamine),
//! and the party committee reads the figures without opening cases.

use crate::indicators_fhir::stays_in_may;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use yigong_testkit::app::{apps, masked_id, multipart};

#[tokio::test]
async fn the_office_imports_a_file_reads_the_dashboard_opens_the_cases_and_exports_them() {
    for app in apps(40).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let id = app.state.store.resident_keys(c).await.expect("residents")[0]
            .1
            .clone();
        let (cookie, csrf) = app.ui_session("manager").await;
        let (s, form) = app.page("/indicators/import", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(form.contains("encounter-template"), "{l}");
        let (s, template) = app.page("/indicators/import/template.csv", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            template.contains("就诊流水号") && template.contains("11010519491231002X"),
            "{l}"
        );
        let file = format!(
            "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)
LEAD,内科,A1,{id},门诊,2026-05-03,,I10,20000,10000
T01,全科,A2,{id},门诊,2026-05-04,,I10,6000,3000
T01,全科,A3,{id},住院,2026-05-04,,I10,6000,3000
"
        );
        let body = multipart(&[], &[("file", file.as_bytes())]);
        let r = app
            .post_multipart(&format!("/indicators/import?_csrf={csrf}"), &cookie, body)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
        let job = r.headers["location"]
            .to_str()
            .expect("location")
            .to_string();
        let mut fragment = String::new();
        for _ in 0..100 {
            let (s, f) = app.page(&format!("{job}/progress"), &cookie).await;
            assert_eq!(s, StatusCode::OK, "{l}");
            fragment = f;
            if fragment.contains("import-result") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            fragment.contains("id=\"import-inserted\">2<"),
            "{l}: {fragment}"
        );
        assert!(
            fragment.contains("id=\"import-rejected\">1<"),
            "{l}: {fragment}"
        );
        assert!(fragment.contains("住院记录须有出院日期"), "{l}: {fragment}");
        assert!(
            !fragment.contains("hx-trigger"),
            "{l}: a finished import stops polling"
        );
        // Another user cannot watch it.
        let other = app.ui_cookie("admin").await;
        assert_eq!(app.page(&job, &other).await.0, StatusCode::NOT_FOUND, "{l}");

        let (s, dash) = app.page("/indicators?period=2026-05", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(dash.contains("data-code=\"primary_visit_share\""), "{l}");
        assert!(
            dash.contains("/indicators/primary_visit_share/cases?period=2026-05&part=numerator"),
            "{l}"
        );
        assert!(
            dash.contains("50.00"),
            "{l}: one of two visits at the township"
        );
        let (s, cases) = app
            .page(
                "/indicators/primary_visit_share/cases?period=2026-05&part=denominator",
                &cookie,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(cases.matches("class=\"case-row\"").count(), 2, "{l}");
        assert!(
            cases.contains(&masked_id(&id)) && !cases.contains(&id),
            "{l}"
        );

        let r = app
            .page_reply("/indicators/export.xlsx?period=2026-05", &cookie)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(r.body.clone())).expect("a workbook");
        let sheet = book
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("readable");
        let row = sheet
            .rows()
            .find(|r| r.first() == Some(&Data::String("primary_visit_share".into())))
            .expect("the primary share's row");
        assert_eq!(
            (&row[4], &row[5], &row[6]),
            (&Data::Float(1.0), &Data::Float(2.0), &Data::Float(50.0)),
            "{l}"
        );
        assert!(
            row.iter()
                .any(|c| matches!(c, Data::String(s) if s.contains("2024"))),
            "{l}: the source"
        );

        // The party committee reads figures without their cases.
        let party = app.ui_cookie("party").await;
        let (s, dash) = app.page("/indicators?period=2026-05", &party).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(!dash.contains("/cases?"), "{l}");
        assert!(!dash.contains("import-encounters"), "{l}");
        assert_eq!(
            app.page("/indicators/import", &party).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_office_enters_an_outside_slip_on_the_form_and_a_wrong_one_keeps_what_was_typed() {
    for app in apps(40).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let id = app.state.store.resident_keys(c).await.expect("residents")[0]
            .1
            .clone();
        let (cookie, csrf) = app.ui_session("manager").await;
        let (s, dash) = app.page("/indicators", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(dash.contains("/indicators/outside/new"), "{l}");
        let (s, form) = app.page("/indicators/outside/new", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(form.contains("outside-form"), "{l}");

        let slip = |total: &str, end: &str, hospital: &str| {
            format!(
                "_csrf={csrf}&id_number={id}&settlement_no=YB-2026-0001&kind=inpatient\
                 &started_on=2026-05-03&ended_on={end}&hospital={}&level=municipal\
                 &total={}&insurance=9800",
                yigong_testkit::app::encode(hospital),
                yigong_testkit::app::encode(total)
            )
        };
        // Three problems at once, each at its field, and what was typed still there.
        let (r, to) = app
            .submit(
                "/indicators/outside/new",
                &cookie,
                &slip("15,200.505", "2026-05-01", ""),
            )
            .await;
        assert_eq!(
            (r.status, to),
            (StatusCode::UNPROCESSABLE_ENTITY, None),
            "{l}"
        );
        let page = r.text();
        for field in ["total_fen", "ended_on", "hospital"] {
            assert!(
                page.contains(&format!("id=\"error-{field}\"")),
                "{l} {field}"
            );
        }
        assert!(page.contains("以元计"), "{l}");
        assert!(
            page.contains("value=\"15,200.505\"") && page.contains("value=\"YB-2026-0001\""),
            "{l}"
        );
        assert_eq!(stays_in_may(&app).await, (0, 0), "{l}: nothing stored");

        let good = slip("15,200.50", "2026-05-12", "遵义医科大学附属医院");
        let (r, to) = app.submit("/indicators/outside/new", &cookie, &good).await;
        assert_eq!(
            to.as_deref(),
            Some("/indicators/outside/new?done=outside_added"),
            "{l}: {}",
            r.text()
        );
        assert!(r.text().contains("已登记"), "{l}");
        // One stay, outside: none of the county's own.
        assert_eq!(stays_in_may(&app).await, (0, 1), "{l}");
        let (_, to) = app.submit("/indicators/outside/new", &cookie, &good).await;
        assert_eq!(
            to.as_deref(),
            Some("/indicators/outside/new?done=outside_known"),
            "{l}"
        );
        assert_eq!(stays_in_may(&app).await, (0, 1), "{l}: the same slip once");

        // A township doctor neither opens nor posts it, and the refusal is audited.
        let (township, township_csrf) = app.ui_session("township").await;
        let (s, _) = app.page("/indicators/outside/new", &township).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        let r = app
            .post_form(
                "/indicators/outside/new",
                &township,
                &good.replace(&csrf, &township_csrf),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        assert!(
            app.audit_by("township")
                .await
                .iter()
                .any(|a| a.0 == "outside.add" && a.1 == "denied"),
            "{l}"
        );
    }
}
