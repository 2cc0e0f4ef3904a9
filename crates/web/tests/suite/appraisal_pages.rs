//! The appraisal's pages on SQLite and PostgreSQL with the demo's sheet and last
//! quarter's inspection points: the office sees every member ranked, a wrong score and a
//! wrong item come back with what was typed, the sheet shows when its weights miss 100,
//! the quarter is published from its page and then offers no more forms, its workbook
//! carries the ranking (read back by calamine), the bureau reads it and a township
//! doctor may not.

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use yigong_domain::indicators::appraisal::last_quarter;
use yigong_testkit::app::{apps, encode};

#[tokio::test]
async fn the_office_ranks_scores_and_publishes_a_quarter_on_its_pages() {
    for app in apps(40).await {
        let (l, c) = (app.label.clone(), app.state.community.id);
        let today = yigong_domain::clock::today();
        yigong_demo::seed::appraisal::add_sheet(&app.state.store, c, 7, today)
            .await
            .expect("the demo's sheet");
        let quarter = last_quarter(today);
        let members = app
            .state
            .store
            .list_institutions(c)
            .await
            .expect("places")
            .into_iter()
            .filter(|i| i.kind == "member" || i.kind == "township")
            .count();
        let (cookie, csrf) = app.ui_session("manager").await;
        let (s, page) = app.page("/indicators", &cookie).await;
        assert!(
            s == StatusCode::OK && page.contains("/indicators/appraisal"),
            "{l}"
        );
        let (s, page) = app.page("/indicators/appraisal", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            page.contains(&format!("· {quarter}")),
            "{l}: the last finished quarter"
        );
        assert_eq!(
            page.matches("class=\"appraisal-row\"").count(),
            members,
            "{l}"
        );
        assert!(page.contains("<td class=\"num rank\">1</td>"), "{l}");
        assert!(
            page.contains("id=\"score-form\"") && page.contains("id=\"publish\""),
            "{l}"
        );

        // A wrong score: both problems named, what was typed kept.
        let api = app.login("manager").await;
        let sheet = app
            .get(
                &format!("/api/v1/indicators/appraisal?quarter={quarter}"),
                &api,
            )
            .await
            .json();
        let item = sheet["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["kind"] == "manual")
            .expect("a manual item")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let score = |points: &str, evidence: &str| {
            format!(
                "_csrf={csrf}&quarter={quarter}&institution_id={}&item_id={item}&points={}&evidence={}",
                app.places.township,
                encode(points),
                encode(evidence)
            )
        };
        let (r, to) = app
            .submit("/indicators/appraisal/score", &cookie, &score("99.5", ""))
            .await;
        assert_eq!(
            (r.status, to),
            (StatusCode::UNPROCESSABLE_ENTITY, None),
            "{l}"
        );
        let text = r.text();
        assert!(
            text.contains("id=\"error-points\"") && text.contains("id=\"error-evidence\""),
            "{l}"
        );
        assert!(text.contains("value=\"99.5\""), "{l}: what was typed");
        let (r, to) = app
            .submit(
                "/indicators/appraisal/score",
                &cookie,
                &score("18", "复查记录 2026-10-20"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(
            to.is_some_and(|t| t.contains("done=appraisal_scored")),
            "{l}"
        );

        // The sheet: a wrong item sent back, a good one taking the weights past 100.
        let (s, page) = app.page("/indicators/appraisal/sheet", &cookie).await;
        assert!(
            s == StatusCode::OK && page.contains("<strong>100</strong>"),
            "{l}"
        );
        let item_form = |weight: &str| {
            format!(
                "_csrf={csrf}&kind=manual&code=&name={}&weight={weight}&target=",
                encode("公共卫生考核")
            )
        };
        let (r, _) = app
            .submit("/indicators/appraisal/items", &cookie, &item_form("abc"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            r.text().contains("id=\"error-weight\"") && r.text().contains("公共卫生考核"),
            "{l}"
        );
        let (r, _) = app
            .submit("/indicators/appraisal/items", &cookie, &item_form("5"))
            .await;
        assert!(r.text().contains("<strong>105</strong>"), "{l}");
        let (_, page) = app.page("/indicators/appraisal", &cookie).await;
        assert!(page.contains("id=\"publish\" disabled"), "{l}");
        let added = app.get("/api/v1/indicators/appraisal", &api).await.json()["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["name"] == "公共卫生考核")
            .expect("the new item")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (r, _) = app
            .submit(
                &format!("/indicators/appraisal/items/{added}/remove"),
                &cookie,
                &format!("_csrf={csrf}"),
            )
            .await;
        assert!(r.text().contains("<strong>100</strong>"), "{l}");

        // Published from its page: frozen, no more forms.
        let (r, to) = app
            .submit(
                "/indicators/appraisal/publish",
                &cookie,
                &format!("_csrf={csrf}&quarter={quarter}"),
            )
            .await;
        assert!(
            to.is_some_and(|t| t.contains("done=appraisal_published")),
            "{l}"
        );
        let page = r.text();
        assert!(
            page.contains("已发布") && !page.contains("id=\"score-form\""),
            "{l}"
        );

        // The workbook: a line per member, ranked, with the totals the API gives.
        let r = app
            .page_reply(
                &format!("/indicators/appraisal/export?quarter={quarter}"),
                &cookie,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(r.body.clone())).expect("a workbook");
        let sheet = book
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("readable");
        let published = app
            .get(
                &format!("/api/v1/indicators/appraisal?quarter={quarter}"),
                &api,
            )
            .await
            .json();
        let first = &published["rows"][0];
        let line = sheet
            .rows()
            .find(|r| r.get(1) == Some(&Data::String(first["name"].as_str().expect("name").into())))
            .expect("the first member's line");
        assert_eq!(line[0], Data::Float(1.0), "{l}");
        assert_eq!(
            line.last(),
            Some(&Data::Float(first["total"].as_f64().expect("total"))),
            "{l}"
        );
        let lines = sheet
            .rows()
            .filter(|r| matches!(r.first(), Some(Data::Float(_))))
            .count();
        assert_eq!(lines, members, "{l}");

        // The bureau reads it without forms; a township doctor may not open it.
        let bureau = app.ui_cookie("bureau").await;
        let (s, page) = app.page("/indicators/appraisal", &bureau).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            page.contains("appraisal-table") && !page.contains("appraisal-sheet"),
            "{l}"
        );
        assert_eq!(
            app.page("/indicators/appraisal/sheet", &bureau).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let township = app.ui_cookie("township").await;
        assert_eq!(
            app.page("/indicators/appraisal", &township).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
