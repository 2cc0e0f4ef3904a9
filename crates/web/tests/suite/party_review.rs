//! The committee's review on SQLite and PostgreSQL: a meeting a branch records waits in
//! the committee's queue until reviewed with a comment, once; what was not held, and the
//! committee's own joint meetings, are not reviewed; the bureau reads the queue, and a
//! branch or anyone else neither reads nor reviews it.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, problem_fields};
use serde_json::{Value, json};

/// Plans a members' meeting of the `branch` account's branch and, if `held`, records it
/// with one member present; its id.
async fn meeting(app: &TestApp, branch: &str, held: bool) -> String {
    let s = app.get("/api/v1/party/structure", branch).await.json();
    let org = s["organizations"][0]["id"]
        .as_str()
        .expect("org")
        .to_string();
    let members = app
        .get(&format!("/api/v1/party/orgs/{org}/members"), branch)
        .await
        .json();
    let today = yigong_domain::clock::today().to_string();
    let plan = json!({"subject": "members_meeting", "topic": "学习基层首诊", "due_on": today});
    let r = app
        .post(
            &format!("/api/v1/party/orgs/{org}/activities"),
            branch,
            plan,
        )
        .await;
    let id = r.json()["id"].as_str().expect("id").to_string();
    if held {
        let record = json!({"held_on": today, "minutes": "传达会议精神",
            "attendance": [{"member_id": members[0]["id"], "presence": "present"}]});
        let r = app
            .post(
                &format!("/api/v1/party/activities/{id}/record"),
                branch,
                record,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    id
}

fn ids(queue: &Value) -> Vec<String> {
    queue["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_held_meeting_waits_for_the_committee_and_is_reviewed_once() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        let before = app.get("/api/v1/party/review", &party).await.json();
        let total = before["total"].as_i64().expect("total");
        // The demo: the last month's activities wait, older ones were reviewed.
        let month_ago = (yigong_domain::clock::today() - time::Duration::days(30)).to_string();
        let items = before["items"].as_array().expect("items");
        assert!(!items.is_empty(), "{l}");
        assert!(
            items
                .iter()
                .filter_map(|i| i["held_on"].as_str())
                .all(|d| d >= month_ago.as_str()),
            "{l}: nothing older than a month waits"
        );
        let id = meeting(&app, &branch, true).await;
        let queue = app.get("/api/v1/party/review", &party).await.json();
        assert_eq!(queue["total"].as_i64(), Some(total + 1), "{l}");
        assert_eq!(ids(&queue).first(), Some(&id), "{l}: the newest first");
        let path = format!("/api/v1/party/review/{id}");
        let r = app.post(&path, &party, json!({"comment": " "})).await;
        assert_eq!(problem_fields(&r.json()), ["comment"], "{l}");
        // Neither the branch nor the bureau reviews; the bureau reads the queue.
        assert_eq!(
            app.post(&path, &branch, json!({"comment": "好"}))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.post(&path, &bureau, json!({"comment": "好"}))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            app.get("/api/v1/party/review", &bureau).await.status,
            StatusCode::OK,
            "{l}"
        );
        for who in ["branch", "village"] {
            let t = app.login(who).await;
            assert_eq!(
                app.get("/api/v1/party/review", &t).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {who}"
            );
        }
        let r = app
            .post(&path, &party, json!({"comment": "记录规范"}))
            .await;
        assert_eq!(
            (r.status, r.json()["status"].clone()),
            (StatusCode::OK, json!("evaluated")),
            "{l}"
        );
        let again = app
            .post(&path, &party, json!({"comment": "记录规范"}))
            .await;
        assert_eq!(
            (again.status, again.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("work_wrong_status")),
            "{l}"
        );
        let queue = app.get("/api/v1/party/review", &party).await.json();
        assert_eq!(queue["total"].as_i64(), Some(total), "{l}");
        assert!(!ids(&queue).contains(&id), "{l}");
        let audit = app.audit_of(id.parse().expect("uuid")).await;
        assert!(
            audit
                .iter()
                .any(|(a, o, u)| a == "party.review" && o == "allowed" && u == "party"),
            "{l}: {audit:?}"
        );
        // What was not held is not reviewed.
        let planned = meeting(&app, &branch, false).await;
        let r = app
            .post(
                &format!("/api/v1/party/review/{planned}"),
                &party,
                json!({"comment": "好"}),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "work_wrong_status", "{l}");
        // Nor the committee's own joint meeting.
        let joint = app.get("/api/v1/party/joint-meetings", &party).await.json();
        let joint = joint[0]["id"].as_str().expect("a joint meeting");
        let r = app
            .post(
                &format!("/api/v1/party/review/{joint}"),
                &party,
                json!({"comment": "好"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn the_review_page_keeps_a_refused_comment_at_its_line() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let id = meeting(&app, &branch, true).await;
        let (cookie, csrf) = app.ui_session("party").await;
        let (status, html) = app.page("/party/review", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains(&format!("action=\"/party/review/{id}\"")),
            "{l}"
        );
        let post = format!("/party/review/{id}");
        let (refused, _) = app
            .submit(
                &post,
                &cookie,
                &common::form(&[("_csrf", &csrf), ("comment", "")]),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("id=\"error-comment\"") && refused.text().contains("不能为空"),
            "{l}"
        );
        let (page, to) = app
            .submit(
                &post,
                &cookie,
                &common::form(&[("_csrf", &csrf), ("comment", "记录规范")]),
            )
            .await;
        assert!(to.expect("redirected").contains("done=reviewed"), "{l}");
        assert!(
            !page
                .text()
                .contains(&format!("action=\"/party/review/{id}\"")),
            "{l}: out of the queue"
        );
    }
}
