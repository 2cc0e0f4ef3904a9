//! The joint meeting system and pairing on SQLite and PostgreSQL: an issue raised at a
//! joint meeting is assigned to a unit, implemented by its branch, guided and evaluated by
//! the committee, and never closed before its feedback evaluation; a lead-hospital
//! department paired with a township branch records joint activities; the committee
//! writes, the bureau reads, a branch reaches its own, and anyone else sees nothing.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, problem_fields};
use serde_json::{Value, json};

/// The branch the demo `branch` account is secretary of.
async fn own_branch(app: &TestApp, token: &str) -> String {
    let s = app.get("/api/v1/party/structure", token).await.json();
    s["organizations"][0]["id"]
        .as_str()
        .expect("branch")
        .to_string()
}

async fn step(app: &TestApp, token: &str, issue: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .post(
            &format!("/api/v1/party/joint-issues/{issue}/steps"),
            token,
            body,
        )
        .await;
    (r.status, r.json())
}

#[tokio::test]
async fn an_issue_is_implemented_guided_and_evaluated_before_it_closes() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        let org = own_branch(&app, &branch).await;
        // The demo's year: four meetings, the two oldest with every issue closed.
        let list = app.get("/api/v1/party/joint-meetings", &party).await.json();
        let list = list.as_array().expect("meetings");
        assert_eq!(list.len(), 4, "{l}");
        let closed: Vec<(i64, i64)> = list
            .iter()
            .map(|m| {
                (
                    m["issues"].as_i64().unwrap_or(-1),
                    m["closed"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        assert_eq!(closed, vec![(3, 0), (2, 0), (3, 3), (2, 2)], "{l}");
        // Every field of a meeting checked at once.
        let bad = app
            .post("/api/v1/party/joint-meetings", &party, json!({}))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let mut fields = problem_fields(&bad.json());
        fields.sort();
        assert_eq!(fields, ["held_on", "minutes", "org_id", "topic"], "{l}");
        let committee = app.get("/api/v1/party/structure", &party).await.json()["organizations"]
            .as_array()
            .expect("orgs")
            .iter()
            .find(|o| o["kind"] == "committee")
            .expect("a committee")["id"]
            .clone();
        let today = yigong_domain::clock::today().to_string();
        let meeting = json!({"org_id": committee, "held_on": today, "topic": "联席会议", "minutes": "征集意见"});
        let r = app
            .post("/api/v1/party/joint-meetings", &party, meeting)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let m = r.json()["id"].as_str().expect("id").to_string();
        let r = app
            .post(
                &format!("/api/v1/party/joint-meetings/{m}/issues"),
                &party,
                json!({"topic": "村医随访不到位", "detail": "群众反映随访电话打不通"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let issue = r.json()["id"].as_str().expect("id").to_string();
        // Not started before it is assigned; out of the branch's reach until then.
        let (s, v) = step(&app, &party, &issue, json!({"step": "start"})).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("work_unassigned")),
            "{l}"
        );
        let path = format!("/api/v1/party/joint-issues/{issue}");
        assert_eq!(
            app.get(&path, &branch).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let (s, v) = step(
            &app,
            &party,
            &issue,
            json!({"step": "assign", "org_id": org}),
        )
        .await;
        assert_eq!(
            (s, v["status"].as_str()),
            (StatusCode::OK, Some("open")),
            "{l}"
        );
        let (s, v) = step(&app, &party, &issue, json!({"step": "close"})).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("work_not_evaluated")),
            "{l}"
        );
        // The branch implements; the committee's steps are not its own.
        let v = app.get(&path, &branch).await.json();
        assert_eq!(v["next"], json!(["start"]), "{l}");
        let (s, _) = step(
            &app,
            &branch,
            &issue,
            json!({"step": "evaluate", "score": 90, "text": "好"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        let (s, _) = step(&app, &branch, &issue, json!({"step": "start"})).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let (s, v) = step(&app, &branch, &issue, json!({"step": "submit"})).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("work_no_evidence")),
            "{l}"
        );
        let (s, v) = step(
            &app,
            &branch,
            &issue,
            json!({"step": "report", "text": "  "}),
        )
        .await;
        assert_eq!(
            (s, problem_fields(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["text".to_string()]),
            "{l}"
        );
        let (s, _) = step(
            &app,
            &branch,
            &issue,
            json!({"step": "report", "text": "已逐户回访"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let (_, v) = step(&app, &branch, &issue, json!({"step": "submit"})).await;
        assert_eq!(v["status"], "submitted", "{l}");
        // Guidance sends it back; a second submission rests on the report already made.
        let (_, v) = step(
            &app,
            &party,
            &issue,
            json!({"step": "guide", "text": "补充回访记录"}),
        )
        .await;
        assert_eq!(v["status"], "working", "{l}");
        let (s, v) = step(&app, &party, &issue, json!({"step": "close"})).await;
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("work_not_evaluated")),
            "{l}"
        );
        let (_, v) = step(&app, &branch, &issue, json!({"step": "submit"})).await;
        assert_eq!(v["status"], "submitted", "{l}");
        let (s, v) = step(
            &app,
            &party,
            &issue,
            json!({"step": "evaluate", "score": 101, "text": "好"}),
        )
        .await;
        assert_eq!(
            (s, problem_fields(&v)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["score".to_string()]),
            "{l}"
        );
        let (_, v) = step(
            &app,
            &party,
            &issue,
            json!({"step": "evaluate", "score": 88, "text": "整改到位"}),
        )
        .await;
        assert_eq!(v["status"], "evaluated", "{l}");
        let (_, v) = step(&app, &party, &issue, json!({"step": "close"})).await;
        assert_eq!(v["status"], "closed", "{l}");
        let v = app.get(&path, &party).await.json();
        let kinds: Vec<&str> = v["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .filter_map(|e| e["kind"].as_str())
            .collect();
        assert_eq!(
            kinds,
            ["opinion", "implementation", "guidance", "evaluation"],
            "{l}"
        );
        assert_eq!(
            (v["issue"]["score"].as_i64(), v["next"].clone()),
            (Some(88), json!([])),
            "{l}"
        );
        // The branch sees it among its assigned issues.
        let mine = app
            .get(&format!("/api/v1/party/orgs/{org}/joint-issues"), &branch)
            .await
            .json();
        let found = mine
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["id"] == issue.as_str())
            .expect("listed");
        assert_eq!(found["status"], "closed", "{l}");
        // The bureau reads and does not write; others see nothing, and the refusal is kept.
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get(&format!("/api/v1/party/joint-meetings/{m}"), &bureau)
                .await
                .json()["issues"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{l}"
        );
        let write = app
            .post("/api/v1/party/joint-meetings", &bureau, json!({}))
            .await;
        assert_eq!(write.status, StatusCode::FORBIDDEN, "{l}");
        for who in ["firstsec", "village"] {
            let t = app.login(who).await;
            assert_eq!(
                app.get("/api/v1/party/joint-meetings", &t).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {who}"
            );
            assert_eq!(
                app.get(&path, &t).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {who}"
            );
        }
        let refused = app.audit_of(issue.parse().expect("uuid")).await;
        assert!(
            refused
                .iter()
                .any(|(a, o, u)| a == "party.joint_issue_view" && o == "denied" && u == "village"),
            "{l}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn a_pairing_records_joint_activities_and_a_branch_reaches_only_its_own() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        let org = own_branch(&app, &branch).await;
        let all = app.get("/api/v1/party/pairings", &party).await.json();
        let all = all.as_array().expect("pairings").clone();
        assert_eq!(all.len(), 4, "{l}");
        let mine = app.get("/api/v1/party/pairings", &branch).await.json();
        let mine = mine.as_array().expect("pairings").clone();
        assert_eq!(mine.len(), 1, "{l}");
        assert_eq!(mine[0]["org_id"], org.as_str(), "{l}");
        let id = mine[0]["id"].as_str().expect("id");
        let before = mine[0]["activities"].as_i64().expect("count");
        let today = yigong_domain::clock::today().to_string();
        let activity =
            json!({"held_on": today, "topic": "联合义诊", "minutes": "心内科专家到镇卫生院义诊"});
        let r = app
            .post(
                &format!("/api/v1/party/pairings/{id}/activities"),
                &branch,
                activity.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let v = app
            .get(&format!("/api/v1/party/pairings/{id}"), &branch)
            .await
            .json();
        assert_eq!(v["pairing"]["activities"].as_i64(), Some(before + 1), "{l}");
        assert_eq!(
            v["activities"][0]["title"], "联合义诊",
            "{l}: the latest first"
        );
        assert_eq!(v["pairing"]["last_held"], today.as_str(), "{l}");
        // Another branch's pairing is out of reach.
        let other = all
            .iter()
            .find(|p| p["org_id"] != org.as_str())
            .expect("another")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let r = app
            .post(
                &format!("/api/v1/party/pairings/{other}/activities"),
                &branch,
                activity,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        // The committee pairs: fields checked, a pair made once.
        let bad = app
            .post("/api/v1/party/pairings", &party, json!({"since": "明天"}))
            .await;
        let mut fields = problem_fields(&bad.json());
        fields.sort();
        assert_eq!(fields, ["department_id", "org_id", "since"], "{l}");
        let again =
            json!({"department_id": mine[0]["department_id"], "org_id": org, "since": today});
        let r = app.post("/api/v1/party/pairings", &party, again).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("already_paired")),
            "{l}"
        );
        let other_dept = all
            .iter()
            .find(|p| p["department_id"] != mine[0]["department_id"])
            .expect("dept")["department_id"]
            .clone();
        let r = app
            .post(
                "/api/v1/party/pairings",
                &party,
                json!({"department_id": other_dept, "org_id": org, "since": today}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let mine = app.get("/api/v1/party/pairings", &branch).await.json();
        assert_eq!(mine.as_array().map(Vec::len), Some(2), "{l}");
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get("/api/v1/party/pairings", &bureau)
                .await
                .json()
                .as_array()
                .map(Vec::len),
            Some(5),
            "{l}"
        );
        let r = app.post("/api/v1/party/pairings", &bureau, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let village = app.login("village").await;
        assert_eq!(
            app.get("/api/v1/party/pairings", &village).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.get(&format!("/api/v1/party/pairings/{id}"), &village)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_issue_page_offers_the_next_steps_and_keeps_what_was_typed() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("branch").await;
        let branch = app.login("branch").await;
        let org = own_branch(&app, &branch).await;
        let issues = app
            .get(&format!("/api/v1/party/orgs/{org}/joint-issues"), &branch)
            .await
            .json();
        let working = issues
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["status"] == "working")
            .expect("one under way")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let page = format!("/party/joint-issues/{working}");
        let (status, html) = app.page(&page, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"step-report\"") && html.contains("id=\"step-submit\""),
            "{l}"
        );
        assert!(
            !html.contains("id=\"step-evaluate\""),
            "{l}: not the branch's step"
        );
        // The branch page lists it.
        let (_, branch_page) = app.page(&format!("/party/orgs/{org}"), &cookie).await;
        assert!(branch_page.contains(&format!("href=\"{page}\"")), "{l}");
        // A report without text is refused in Chinese at its field.
        let form =
            |text: &str| common::form(&[("_csrf", &csrf), ("step", "report"), ("text", text)]);
        let (refused, _) = app.submit(&page, &cookie, &form("")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("id=\"error-text\"") && refused.text().contains("不能为空"),
            "{l}"
        );
        let (done, to) = app
            .submit(&page, &cookie, &form("第二轮入户随访完成"))
            .await;
        assert!(to.expect("redirected").contains("done=issue_step"), "{l}");
        assert!(
            done.text().contains("第二轮入户随访完成"),
            "{l}: on the trail"
        );
        // The committee's pages: the meetings and a meeting's issues.
        let (pcookie, _) = app.ui_session("party").await;
        let (status, html) = app.page("/party/joint", &pcookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("joint-form") && html.contains("医共体党建联席会议"),
            "{l}"
        );
        let (status, html) = app.page("/party/pairings", &pcookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(html.matches("class=\"pairing-row\"").count(), 4, "{l}");
    }
}
