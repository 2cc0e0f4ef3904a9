//! The party committee's report on SQLite and PostgreSQL: the page and its Excel file
//! (read back with a spreadsheet reader) carry seed 000's organisation and the period's
//! figures, which move when a meeting is recorded; only the committee and the bureau
//! read it.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::json;

/// The report of `period` as its workbook's rows: item → figure.
async fn report(app: &TestApp, cookie: &str, period: &str) -> Vec<(String, String)> {
    let reply = app
        .page_reply(
            &format!("/party/report?period={period}&format=xlsx"),
            cookie,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}: {}",
        app.label,
        reply.text()
    );
    let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
    assert_eq!(table.headers, ["类别", "项目", "数值"], "{}", app.label);
    table
        .rows
        .into_iter()
        .map(|(_, r)| (r[1].clone(), r[2].clone()))
        .collect()
}

fn figure<'a>(rows: &'a [(String, String)], item: &str) -> &'a str {
    rows.iter()
        .find(|(i, _)| i == item)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {item} in {rows:?}"))
}

#[tokio::test]
async fn the_report_counts_the_organisation_and_the_months_meetings_in_excel() {
    for app in apps(300).await {
        let l = &app.label;
        let party = app.ui_cookie("party").await;
        let month = yigong_domain::clock::today().to_string()[..7].to_string();
        let before = report(&app, &party, &month).await;
        // Seed 000: two hospital committees, 411 members in them, 21 township branches
        // with 184 members.
        assert_eq!(figure(&before, "党委"), "2", "{l}");
        let hospital_members: Vec<i64> = before
            .iter()
            .filter(|(i, _)| i.ends_with("党委 · 党员"))
            .map(|(_, v)| v.parse().expect("a number"))
            .collect();
        assert_eq!(hospital_members.len(), 2, "{l}: {before:?}");
        assert_eq!(hospital_members.iter().sum::<i64>(), 411, "{l}");
        assert_eq!(figure(&before, "乡镇党支部"), "21", "{l}");
        assert_eq!(figure(&before, "乡镇党员"), "184", "{l}");
        // A meeting held today with every member of the branch present.
        let branch = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("branch")
            .to_string();
        let plan = json!({"subject": "theme_day", "topic": "主题党日：走进村卫生室"});
        let r = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                plan,
            )
            .await;
        let activity = r.json()["id"].as_str().expect("planned").to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let attendance: Vec<_> = members
            .as_array()
            .expect("members")
            .iter()
            .map(|m| json!({"member_id": m["id"], "presence": "present"}))
            .collect();
        let held = json!({"held_on": yigong_domain::clock::today().to_string(), "minutes": "为村民义诊。", "attendance": attendance});
        let r = app
            .post(
                &format!("/api/v1/party/activities/{activity}/record"),
                &branch,
                held,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let after = report(&app, &party, &month).await;
        let num = |rows: &[(String, String)], item: &str| -> i64 {
            figure(rows, item)
                .replace(',', "")
                .parse()
                .expect("a number")
        };
        assert_eq!(
            num(&after, "开展组织生活（次）"),
            num(&before, "开展组织生活（次）") + 1,
            "{l}"
        );
        assert_eq!(
            num(&after, "发放积分"),
            num(&before, "发放积分") + 2 * attendance.len() as i64,
            "{l}: two points for each member present"
        );
        // The page shows the same rows; a year is a period too; a wrong one is refused.
        let (status, html) = app.page("/party/report", &party).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("党建工作报表") && html.contains("乡镇党员"),
            "{l}"
        );
        assert_eq!(
            html.matches("class=\"report-row\"").count(),
            after.len(),
            "{l}"
        );
        let year = yigong_domain::clock::today().year().to_string();
        assert_eq!(
            app.page(&format!("/party/report?period={year}"), &party)
                .await
                .0,
            StatusCode::OK,
            "{l}"
        );
        let (status, html) = app.page("/party/report?period=2026-13", &party).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("报表期间"), "{l}: the field named in Chinese");
        // The bureau reads it; a branch secretary and a village doctor do not.
        let bureau = app.ui_cookie("bureau").await;
        assert_eq!(
            app.page("/party/report", &bureau).await.0,
            StatusCode::OK,
            "{l}"
        );
        for user in ["branch", "village"] {
            let c = app.ui_cookie(user).await;
            assert_eq!(
                app.page("/party/report", &c).await.0,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
    }
}

#[tokio::test]
async fn the_report_counts_joint_meeting_issues_and_the_years_stars() {
    for app in apps(300).await {
        let l = &app.label;
        let party = app.ui_cookie("party").await;
        let token = app.login("party").await;
        let today = yigong_domain::clock::today();
        let month = today.to_string()[..7].to_string();
        let before = report(&app, &party, &month).await;
        let count = |rows: &[(String, String)], item: &str| -> i64 {
            figure(rows, item).parse().expect("a number")
        };
        // An issue raised and taken to its close this month counts once in each line.
        let meetings = app.get("/api/v1/party/joint-meetings", &token).await.json();
        let m = meetings[0]["id"].as_str().expect("a meeting");
        let org = app.get("/api/v1/party/structure", &token).await.json()["organizations"]
            .as_array()
            .expect("orgs")
            .iter()
            .find(|o| o["kind"] == "branch")
            .expect("a branch")["id"]
            .clone();
        let r = app
            .post(
                &format!("/api/v1/party/joint-meetings/{m}/issues"),
                &token,
                json!({"topic": "报表议题", "detail": "意见", "org_id": org}),
            )
            .await;
        let issue = r.json()["id"].as_str().expect("id").to_string();
        let steps = [
            json!({"step": "start", "text": "落实"}),
            json!({"step": "submit"}),
            json!({"step": "evaluate", "score": 90, "text": "好"}),
            json!({"step": "close"}),
        ];
        for s in steps {
            let r = app
                .post(
                    &format!("/api/v1/party/joint-issues/{issue}/steps"),
                    &token,
                    s,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        }
        let after = report(&app, &party, &month).await;
        for item in ["联席会议新提议题", "联席会议议题销号"] {
            assert_eq!(count(&after, item), count(&before, item) + 1, "{l}: {item}");
        }
        // Last year every one of the 52 branches was rated on three levels.
        let last = (today.year() - 1).to_string();
        let rows = report(&app, &party, &last).await;
        let stars: Vec<i64> = ["★★★", "★★☆", "★☆☆", "☆☆☆"]
            .iter()
            .map(|s| count(&rows, &format!("{last} · {s}")))
            .collect();
        assert_eq!(stars.iter().sum::<i64>(), 52, "{l}: {stars:?}");
        assert_eq!(count(&rows, &format!("{last} · 未评定")), 0, "{l}");
    }
}
