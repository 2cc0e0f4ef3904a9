//! The indicators' pages on SQLite and PostgreSQL: the office uploads a hospital's file
//! and watches it import (the progress fragment, then the summary with the refused row),
//! the dashboard shows the month's figures with links to their cases, the cases page
//! lists them masked, the Excel export carries every definition (read back by calamine),
//! and the party committee reads the figures without opening cases.

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
