//! Member development on SQLite and PostgreSQL: applicants added to a branch, each stage
//! taken in turn with its time guard (an activist a year, a probationary member a year),
//! every step logged with who decided, and only the branch and the committee deciding.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, problem_fields};
use serde_json::{Value, json};
use time::{Date, Duration};

/// The branch's id and its members as the branch secretary sees them.
async fn branch_members(app: &TestApp, token: &str) -> (String, Vec<Value>) {
    let s = app.get("/api/v1/party/structure", token).await.json();
    let org = s["organizations"][0]["id"]
        .as_str()
        .expect("branch")
        .to_string();
    let members = app
        .get(&format!("/api/v1/party/orgs/{org}/members"), token)
        .await
        .json();
    (org, members.as_array().cloned().unwrap_or_default())
}

/// A year after `d`, worked out by hand (28 February for a 29 February).
fn year_after(d: Date) -> Date {
    d.replace_year(d.year() + 1)
        .unwrap_or_else(|_| Date::from_calendar_date(d.year() + 1, d.month(), 28).expect("day"))
}

#[tokio::test]
async fn a_member_moves_stage_by_stage_with_its_time_guards_and_who_decided() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let today = yigong_domain::clock::today();
        let (org, members) = branch_members(&app, &branch).await;
        // An applicant added today becomes an activist at once, then waits a year.
        let add = json!({"name": "李华", "status": "applicant", "since": (today - Duration::days(10)).to_string()});
        let r = app
            .post(&format!("/api/v1/party/orgs/{org}/members"), &branch, add)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/party/members/{id}");
        let v = app.get(&path, &branch).await.json();
        assert_eq!(
            (v["member"]["status"].as_str(), v["next"].as_str()),
            (Some("applicant"), Some("activist")),
            "{l}"
        );
        let on = |d: Date| json!({"on": d.to_string(), "note": "支委会研究"});
        let r = app
            .post(&format!("{path}/advance"), &branch, on(today))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(r.json()["status"], "activist", "{l}");
        let early = app
            .post(&format!("{path}/advance"), &branch, on(today))
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let e = early.json();
        assert_eq!(e["error"]["code"], "stage_too_early", "{l}");
        let first_day = year_after(today).to_string();
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains(&first_day),
            "{l}: {e}"
        );
        let future = app
            .post(
                &format!("{path}/advance"),
                &branch,
                on(today + Duration::days(1)),
            )
            .await;
        assert_eq!(
            future.json()["error"]["field"],
            "on",
            "{l}: not a day to come"
        );
        // The demo's activist of fourteen months becomes a candidate, then probationary
        // (no wait), and joins that day; probation then lasts a year.
        let activist = members
            .iter()
            .find(|m| m["status"] == "activist")
            .expect("an activist");
        let path = format!(
            "/api/v1/party/members/{}",
            activist["id"].as_str().expect("id")
        );
        for want in ["candidate", "probationary"] {
            let r = app
                .post(&format!("{path}/advance"), &branch, on(today))
                .await;
            assert_eq!(r.json()["status"], want, "{l}: {}", r.text());
        }
        let v = app.get(&path, &branch).await.json();
        assert_eq!(v["member"]["joined_on"], today.to_string(), "{l}");
        assert_eq!(v["earliest"], first_day, "{l}");
        let steps = v["steps"].as_array().expect("steps");
        assert_eq!(steps.len(), 2, "{l}");
        assert_eq!(
            (
                steps[1]["from_status"].as_str(),
                steps[1]["to_status"].as_str()
            ),
            (Some("candidate"), Some("probationary")),
            "{l}"
        );
        assert_eq!(steps[1]["note"], "支委会研究", "{l}");
        assert!(
            steps.iter().all(|s| !s["decided_by"].is_null()),
            "{l}: who decided"
        );
        // A full member has no next stage.
        let full = members
            .iter()
            .find(|m| m["status"] == "full")
            .expect("a full member");
        let r = app
            .post(
                &format!(
                    "/api/v1/party/members/{}/advance",
                    full["id"].as_str().expect("id")
                ),
                &branch,
                on(today),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(r.json()["error"]["code"], "stage_final", "{l}");
        // Every wrong field of a new member named.
        let bad = app
            .post(
                &format!("/api/v1/party/orgs/{org}/members"),
                &branch,
                json!({"name": " ", "status": "full", "since": "x"}),
            )
            .await;
        let bad = bad.json();
        let named = common::problem_fields(&bad);
        assert_eq!(named, vec!["name", "status", "since"], "{l}");
        // The bureau reads but does not decide; a village doctor sees nothing; the branch
        // secretary does not reach another branch's member.
        let bureau = app.login("bureau").await;
        assert_eq!(app.get(&path, &bureau).await.status, StatusCode::OK, "{l}");
        assert_eq!(
            app.post(&format!("{path}/advance"), &bureau, on(today))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let village = app.login("village").await;
        assert_eq!(
            app.get(&path, &village).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let party = app.login("party").await;
        let s = app.get("/api/v1/party/structure", &party).await.json();
        let other = s["organizations"]
            .as_array()
            .and_then(|o| {
                o.iter()
                    .find(|x| x["kind"] == "branch" && x["id"] != org.as_str())
            })
            .and_then(|x| x["id"].as_str())
            .expect("another branch")
            .to_string();
        let theirs = app
            .get(&format!("/api/v1/party/orgs/{other}/members"), &party)
            .await
            .json();
        let stranger = theirs[0]["id"].as_str().expect("member").to_string();
        assert_eq!(
            app.get(&format!("/api/v1/party/members/{stranger}"), &branch)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.get(&format!("/api/v1/party/members/{stranger}"), &party)
                .await
                .status,
            StatusCode::OK,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_member_pages_add_an_applicant_and_refuse_an_early_step_in_chinese() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("branch").await;
        let branch = app.login("branch").await;
        let (org, _) = branch_members(&app, &branch).await;
        let new = format!("/party/orgs/{org}/members/new");
        let form = |name: &str, since: &str| {
            common::form(&[
                ("_csrf", &csrf),
                ("name", name),
                ("status", "activist"),
                ("since", since),
            ])
        };
        let (refused, _) = app.submit(&new, &cookie, &form("王芳", "明天")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("id=\"error-since\"")
                && refused.text().contains("value=\"王芳\""),
            "{l}: kept"
        );
        let today = yigong_domain::clock::today().to_string();
        let (page, to) = app.submit(&new, &cookie, &form("王芳", &today)).await;
        let to = to.expect("to the member's page");
        assert!(to.contains("done=member_added"), "{l}");
        let html = page.text();
        assert!(
            html.contains("入党积极分子") && html.contains("advance-form"),
            "{l}"
        );
        let member = to.split('?').next().expect("path").to_string();
        let step = common::form(&[("_csrf", &csrf), ("on", &today), ("note", "")]);
        let (early, _) = app.submit(&member, &cookie, &step).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(early.text().contains("本阶段时间未满"), "{l}: in Chinese");
        // The branch page links to the member.
        let (_, branch_page) = app.page(&format!("/party/orgs/{org}"), &cookie).await;
        assert!(branch_page.contains(&format!("href=\"{member}\"")), "{l}");
    }
}

#[tokio::test]
async fn a_member_leaves_returns_and_is_transferred_within_and_out_of_the_community() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        let (org, members) = branch_members(&app, &branch).await;
        // The demo: two members away; the one transferred out is no longer listed.
        let mobile = members.iter().filter(|m| m["mobility"] == "mobile").count();
        assert_eq!(mobile, 2, "{l}");
        assert!(
            members.iter().all(|m| m["mobility"] != "transferred"),
            "{l}"
        );
        let id = members
            .iter()
            .find(|m| m["status"] == "full" && m["mobility"] == "settled")
            .expect("a settled member")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let path = format!("/api/v1/party/members/{id}/moves");
        let today = yigong_domain::clock::today().to_string();
        let mv = |kind: &str, extra: Value| {
            let mut b = json!({"move": kind, "moved_on": today});
            for (k, v) in extra.as_object().expect("object") {
                b[k] = v.clone();
            }
            b
        };
        let r = app.post(&path, &branch, mv("leave", json!({}))).await;
        assert_eq!(problem_fields(&r.json()), ["destination"], "{l}: where to");
        let r = app
            .post(&path, &branch, json!({"move": "fly", "moved_on": "昨天"}))
            .await;
        let mut fields = problem_fields(&r.json());
        fields.sort();
        assert_eq!(fields, ["move", "moved_on"], "{l}");
        let r = app
            .post(
                &path,
                &branch,
                mv("leave", json!({"destination": "外出务工：江苏苏州"})),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["mobility"].clone()),
            (StatusCode::OK, json!("mobile")),
            "{l}"
        );
        let again = app
            .post(&path, &branch, mv("leave", json!({"destination": "苏州"})))
            .await;
        assert_eq!(
            (again.status, again.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("move_not_from_here")),
            "{l}"
        );
        let r = app.post(&path, &branch, mv("return", json!({}))).await;
        assert_eq!(r.json()["mobility"], "settled", "{l}");
        // To another branch: not its own; then out of this secretary's reach.
        let r = app
            .post(&path, &branch, mv("transfer", json!({"org_id": org})))
            .await;
        assert_eq!(problem_fields(&r.json()), ["org_id"], "{l}");
        let structure = app.get("/api/v1/party/structure", &party).await.json();
        let other = structure["organizations"]
            .as_array()
            .expect("orgs")
            .iter()
            .find(|o| o["kind"] == "branch" && o["id"] != org.as_str())
            .expect("another branch")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let r = app
            .post(&path, &branch, mv("transfer", json!({"org_id": other})))
            .await;
        assert_eq!(
            (r.status, r.json()["org_id"].clone()),
            (StatusCode::OK, json!(other)),
            "{l}"
        );
        let member = format!("/api/v1/party/members/{id}");
        assert_eq!(
            app.get(&member, &branch).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let v = app.get(&member, &party).await.json();
        let moves: Vec<&str> = v["moves"]
            .as_array()
            .expect("moves")
            .iter()
            .filter_map(|m| m["move"].as_str())
            .collect();
        assert_eq!(moves, ["leave", "return", "transfer"], "{l}");
        assert!(v["moves"][2]["to_org"].is_string(), "{l}");
        // Out of the community: no longer listed or counted, and nothing more recorded.
        let counted = |s: &Value| s["members"].as_i64().expect("members");
        let before = counted(&structure);
        let r = app
            .post(
                &path,
                &party,
                mv("transfer_out", json!({"destination": "转至外县"})),
            )
            .await;
        assert_eq!(r.json()["mobility"], "transferred", "{l}: {}", r.text());
        let after = app.get("/api/v1/party/structure", &party).await.json();
        assert_eq!(counted(&after), before - 1, "{l}");
        let listed = app
            .get(&format!("/api/v1/party/orgs/{other}/members"), &party)
            .await
            .json();
        assert!(
            listed
                .as_array()
                .expect("members")
                .iter()
                .all(|m| m["id"] != id.as_str()),
            "{l}"
        );
        let r = app.post(&path, &party, mv("return", json!({}))).await;
        assert_eq!(r.json()["error"]["code"], "member_transferred", "{l}");
        let r = app
            .post(&format!("{member}/advance"), &party, json!({"on": today}))
            .await;
        assert_eq!(r.json()["error"]["code"], "member_transferred", "{l}");
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.post(&path, &bureau, mv("return", json!({})))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_member_page_records_a_member_leaving_and_keeps_what_was_typed() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let (_, members) = branch_members(&app, &branch).await;
        let id = members
            .iter()
            .find(|m| m["mobility"] == "settled")
            .expect("settled")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (cookie, csrf) = app.ui_session("branch").await;
        let today = yigong_domain::clock::today().to_string();
        let form = |destination: &str| {
            common::form(&[
                ("_csrf", &csrf),
                ("move", "leave"),
                ("org_id", ""),
                ("moved_on", &today),
                ("destination", destination),
            ])
        };
        let post = format!("/party/members/{id}/moves");
        let (refused, _) = app.submit(&post, &cookie, &form("")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(refused.text().contains("id=\"error-destination\""), "{l}");
        let (page, to) = app.submit(&post, &cookie, &form("外出务工：贵阳")).await;
        assert!(to.expect("redirected").contains("done=member_moved"), "{l}");
        let html = page.text();
        assert!(
            html.contains("id=\"member-mobility\"") && html.contains("外出务工：贵阳"),
            "{l}"
        );
    }
}
