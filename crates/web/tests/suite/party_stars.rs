//! Star-rated branches on SQLite and PostgreSQL: a branch files evidence for each
//! criterion of its year, the committee rates it once every criterion is submitted, the
//! stars are counted on the scale in force (three or five levels), and the rating joins
//! the branch's history. The committee rates, a branch files for itself, the bureau reads,
//! and anyone else sees nothing.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, problem_fields};
use serde_json::{Value, json};

async fn own_branch(app: &TestApp, token: &str) -> String {
    let s = app.get("/api/v1/party/structure", token).await.json();
    s["organizations"][0]["id"]
        .as_str()
        .expect("branch")
        .to_string()
}

fn statuses(sheet: &Value) -> Vec<String> {
    sheet["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| c["status"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The scores 18 + 17 + 13 + 16 + 12 + 9 = 85.
fn scores() -> Value {
    json!({"leadership": 18, "org_life": 17, "member_management": 13, "integration": 16, "service": 12, "rules": 9})
}

#[tokio::test]
async fn a_branch_is_rated_once_every_criterion_is_submitted_on_the_scale_in_force() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        let org = own_branch(&app, &branch).await;
        let year = yigong_domain::clock::today().year();
        let path = format!("/api/v1/party/orgs/{org}/stars/{year}");
        // The demo: three criteria submitted, the fourth under way, last year rated.
        let v = app.get(&path, &branch).await.json();
        assert_eq!(
            statuses(&v),
            [
                "submitted",
                "submitted",
                "submitted",
                "working",
                "open",
                "open"
            ],
            "{l}"
        );
        assert!(v["rating"].is_null(), "{l}");
        let years: Vec<i64> = v["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter_map(|h| h["year"].as_i64())
            .collect();
        assert_eq!(years, [i64::from(year) - 1], "{l}");
        let (rating_path, evidence_path) = (format!("{path}/rating"), format!("{path}/evidence"));
        let rate = |body: Value| app.post(&rating_path, &party, body);
        let r = rate(json!({"scores": scores()})).await;
        assert_eq!(
            (r.status, problem_fields(&r.json())),
            (StatusCode::CONFLICT, vec!["score_integration".to_string()]),
            "{l}: not before the evidence"
        );
        // The branch files the rest.
        let file = |criterion: &str, text: &str| {
            app.post(
                &evidence_path,
                &branch,
                json!({"criterion": criterion, "text": text, "done": true}),
            )
        };
        for c in ["integration", "service"] {
            let r = file(c, "党员先锋岗材料").await;
            assert_eq!(
                (r.status, r.json()["status"].clone()),
                (StatusCode::CREATED, json!("submitted")),
                "{l}: {c}"
            );
        }
        let r = file("rules", " ").await;
        assert_eq!(problem_fields(&r.json()), ["text"], "{l}");
        let r = file("luck", "x").await;
        assert_eq!(problem_fields(&r.json()), ["criterion"], "{l}");
        assert_eq!(
            file("rules", "制度汇编").await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let r = file("rules", "再交一次").await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("work_wrong_status")),
            "{l}"
        );
        // Scores within their maxima, every criterion scored.
        let mut over = scores();
        over["leadership"] = json!(21);
        assert_eq!(
            problem_fields(&rate(json!({"scores": over})).await.json()),
            ["score_leadership"],
            "{l}"
        );
        let mut missing = scores();
        missing.as_object_mut().expect("map").remove("rules");
        assert_eq!(
            problem_fields(&rate(json!({"scores": missing})).await.json()),
            ["score_rules"],
            "{l}"
        );
        // The committee moves to five levels; 85 reaches 60, 70 and 80: three stars.
        let r = app
            .put(
                "/api/v1/party/star-scale",
                &party,
                json!({"thresholds": "70,80"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("star_levels")),
            "{l}"
        );
        let r = app
            .put(
                "/api/v1/party/star-scale",
                &party,
                json!({"thresholds": "60,70,80,90,95"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(
            app.post(
                &format!("{path}/rating"),
                &branch,
                json!({"scores": scores()})
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{l}: a branch does not rate itself"
        );
        let r = rate(json!({"scores": scores(), "comment": "组织生活规范"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(
            (r.json()["total"].as_i64(), r.json()["stars"].as_i64()),
            (Some(85), Some(3)),
            "{l}"
        );
        let again = rate(json!({"scores": scores()})).await;
        assert_eq!(
            (again.status, again.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("already_rated")),
            "{l}"
        );
        assert_eq!(
            file("service", "补充").await.status,
            StatusCode::CONFLICT,
            "{l}: rated criteria take no more"
        );
        let v = app.get(&path, &branch).await.json();
        assert_eq!(v["rating"]["thresholds"], "60,70,80,90,95", "{l}");
        let given: Vec<i64> = v["criteria"]
            .as_array()
            .expect("criteria")
            .iter()
            .filter_map(|c| c["score"].as_i64())
            .collect();
        assert_eq!(given, [18, 17, 13, 16, 12, 9], "{l}");
        assert_eq!(v["history"].as_array().map(Vec::len), Some(2), "{l}");
        // The year's overview: every branch, ours with its stars.
        let all = app
            .get(&format!("/api/v1/party/stars?year={year}"), &party)
            .await
            .json();
        assert_eq!(all["branches"], 52, "{l}");
        let ours = all["ratings"]
            .as_array()
            .expect("ratings")
            .iter()
            .find(|r| r["org_id"] == org.as_str())
            .expect("rated");
        assert_eq!(ours["stars"], 3, "{l}");
        assert_eq!(
            app.get("/api/v1/party/stars?year=2999", &party)
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}"
        );
        // The bureau reads, does not rate; a branch does not see another; others see none.
        let bureau = app.login("bureau").await;
        assert_eq!(app.get(&path, &bureau).await.status, StatusCode::OK, "{l}");
        let last_year = app
            .get(&format!("/api/v1/party/stars?year={}", year - 1), &bureau)
            .await
            .json();
        assert_eq!(
            last_year["ratings"].as_array().map(Vec::len),
            Some(52),
            "{l}"
        );
        let other = last_year["ratings"]
            .as_array()
            .expect("ratings")
            .iter()
            .find(|r| r["org_id"] != org.as_str())
            .expect("another")["org_id"]
            .as_str()
            .expect("id")
            .to_string();
        let other_path = format!("/api/v1/party/orgs/{other}/stars/{}", year - 1);
        assert_eq!(
            app.post(
                &format!("/api/v1/party/orgs/{other}/stars/{year}/rating"),
                &bureau,
                json!({"scores": scores()})
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            app.get(&other_path, &branch).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        for who in ["village", "firstsec"] {
            let t = app.login(who).await;
            assert_eq!(
                app.get(&path, &t).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {who}"
            );
            assert_eq!(
                app.get("/api/v1/party/stars", &t).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {who}"
            );
        }
    }
}

#[tokio::test]
async fn the_rating_pages_count_the_stars_and_keep_what_was_typed() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("party").await;
        let year = yigong_domain::clock::today().year();
        // Last year: every branch rated on three levels, spread over 3, 2, 1 and 0 stars.
        let (status, html) = app
            .page(&format!("/party/stars?year={}", year - 1), &cookie)
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(html.matches("class=\"spread-row\"").count(), 4, "{l}");
        assert!(html.contains("id=\"unrated\">0<"), "{l}");
        assert_eq!(html.matches("class=\"star-row\"").count(), 52, "{l}");
        // A scale refused at its field, as typed.
        let form = common::form(&[("_csrf", &csrf), ("thresholds", "90,80,70")]);
        let (refused, _) = app.submit("/party/star-scale", &cookie, &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("value=\"90,80,70\"") && refused.text().contains("逐级升高"),
            "{l}"
        );
        // A branch ready to be rated: the form, a score refused, what was typed kept.
        let all = app
            .get(
                &format!("/api/v1/party/stars?year={year}"),
                &app.login("party").await,
            )
            .await
            .json();
        assert_eq!(
            all["ratings"].as_array().map(Vec::len),
            Some(0),
            "{l}: none yet this year"
        );
        let sheet_of = |org: &str| format!("/party/orgs/{org}/stars/{year}");
        let structure = app
            .get("/api/v1/party/structure", &app.login("party").await)
            .await
            .json();
        let mut ready = None;
        for o in structure["organizations"]
            .as_array()
            .expect("orgs")
            .iter()
            .filter(|o| o["kind"] == "branch")
        {
            let id = o["id"].as_str().expect("id");
            let (_, html) = app.page(&sheet_of(id), &cookie).await;
            if html.contains("id=\"rating-form\"") {
                ready = Some(id.to_string());
                break;
            }
        }
        let ready = ready.expect("a branch ready to be rated");
        let rating = |leadership: &str| {
            common::form(&[
                ("_csrf", &csrf),
                ("score_leadership", leadership),
                ("score_org_life", "17"),
                ("score_member_management", "13"),
                ("score_integration", "16"),
                ("score_service", "12"),
                ("score_rules", "9"),
                ("comment", "规范"),
            ])
        };
        let (refused, _) = app
            .submit(
                &format!("{}/rating", sheet_of(&ready)),
                &cookie,
                &rating("二十"),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let text = refused.text();
        assert!(
            text.contains("id=\"error-score_leadership\"")
                && text.contains("value=\"二十\"")
                && text.contains("value=\"17\""),
            "{l}"
        );
        let (page, to) = app
            .submit(
                &format!("{}/rating", sheet_of(&ready)),
                &cookie,
                &rating("18"),
            )
            .await;
        assert!(to.expect("redirected").contains("done=star_rated"), "{l}");
        assert!(
            page.text().contains("★★☆"),
            "{l}: 85 on 70, 80, 90 is two of three stars"
        );
    }
}
