//! Member points on SQLite and PostgreSQL: the rules tree with the committee's own
//! settings, points given by hand with evidence and cut to the yearly cap, deductions,
//! and a meeting's attendance paid at the rule's current value.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::{Value, json};

fn rule<'a>(rules: &'a Value, code: &str) -> &'a Value {
    rules
        .as_array()
        .and_then(|r| r.iter().find(|x| x["code"] == code))
        .expect("rule")
}

#[tokio::test]
async fn points_follow_the_rules_the_committee_sets_and_stop_at_the_cap() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let party = app.login("party").await;
        let rules = app.get("/api/v1/party/point-rules", &branch).await.json();
        assert_eq!(rules.as_array().map(Vec::len), Some(8), "{l}");
        let a = rule(&rules, "attendance");
        assert_eq!(
            (
                a["points"].as_i64(),
                a["yearly_cap"].as_i64(),
                a["group"].as_str()
            ),
            (Some(2), Some(60), Some("basic")),
            "{l}"
        );
        // The committee sets volunteer service to 4 points, at most 8 a year.
        let set = |points: i64, cap: Value| json!({"points": points, "yearly_cap": cap});
        let r = app
            .put(
                "/api/v1/party/point-rules/volunteer",
                &party,
                set(4, json!(8)),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        for (body, field) in [
            (set(-3, json!(8)), "points"),
            (set(4, json!(2)), "yearly_cap"),
        ] {
            let r = app
                .put("/api/v1/party/point-rules/volunteer", &party, body)
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
            assert_eq!(r.json()["error"]["field"], field, "{l}");
        }
        for user in ["branch", "bureau"] {
            let t = app.login(user).await;
            assert_eq!(
                app.put("/api/v1/party/point-rules/volunteer", &t, set(9, json!(90)))
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
        let rules = app.get("/api/v1/party/point-rules", &branch).await.json();
        assert_eq!(
            rule(&rules, "volunteer")["points"],
            4,
            "{l}: the setting holds"
        );
        // The branch gives a member volunteer points twice; the third is past the cap.
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("org")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let member = members
            .as_array()
            .and_then(|m| m.iter().find(|x| x["status"] == "full"))
            .expect("member");
        let id = member["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/party/members/{id}/points");
        let before = app
            .get(&format!("/api/v1/party/members/{id}"), &branch)
            .await
            .json()["year_points"]
            .as_i64()
            .expect("points");
        let give = |rule: &str, evidence: &str| json!({"rule": rule, "evidence": evidence});
        for _ in 0..2 {
            let r = app
                .post(&path, &branch, give("volunteer", "周末义诊"))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
            assert_eq!(r.json()["points"], 4, "{l}");
        }
        let capped = app
            .post(&path, &branch, give("volunteer", "又一次义诊"))
            .await;
        assert_eq!(capped.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(capped.json()["error"]["code"], "points_capped", "{l}");
        let r = app
            .post(&path, &branch, give("absence", "无故缺席主题党日"))
            .await;
        assert_eq!(r.json()["points"], -2, "{l}: a deduction");
        let v = app
            .get(&format!("/api/v1/party/members/{id}"), &branch)
            .await
            .json();
        assert_eq!(v["year_points"].as_i64(), Some(before + 4 + 4 - 2), "{l}");
        let ledger = v["points"].as_array().expect("ledger");
        assert_eq!(
            ledger[0]["evidence"], "无故缺席主题党日",
            "{l}: newest first, with its evidence"
        );
        // Wrong fields named; the bureau and a village doctor give nothing.
        let bad = app.post(&path, &branch, json!({"rule": "luck"})).await;
        let bad = bad.json();
        let named = common::problem_fields(&bad);
        assert_eq!(named, vec!["rule", "evidence"], "{l}");
        for user in ["bureau", "village"] {
            let t = app.login(user).await;
            assert_eq!(
                app.post(&path, &t, give("volunteer", "x")).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
        assert_eq!(
            app.get("/api/v1/party/point-rules", &app.login("village").await)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        // Attendance set to 3: a meeting pays each member present 3.
        app.put(
            "/api/v1/party/point-rules/attendance",
            &party,
            set(3, json!(60)),
        )
        .await;
        let plan = json!({"subject": "party_lecture", "topic": "党课：医德医风"});
        let activity = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                plan,
            )
            .await
            .json()["id"]
            .as_str()
            .expect("id")
            .to_string();
        let attendance = vec![json!({"member_id": id, "presence": "present"})];
        let held = json!({"held_on": yigong_domain::clock::today().to_string(), "minutes": "讲授党课。", "attendance": attendance});
        let r = app
            .post(
                &format!("/api/v1/party/activities/{activity}/record"),
                &branch,
                held,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let v = app
            .get(&format!("/api/v1/party/members/{id}"), &branch)
            .await
            .json();
        assert_eq!(
            v["year_points"].as_i64(),
            Some(before + 6 + 3),
            "{l}: three for attending"
        );
    }
}

#[tokio::test]
async fn the_rules_page_and_the_member_page_keep_what_was_typed_when_refused() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("party").await;
        let (status, html) = app.page("/party/point-rules", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("志愿服务") && html.contains("扣分项") && html.contains("rule-volunteer"),
            "{l}"
        );
        let form = |points: &str| {
            common::form(&[("_csrf", &csrf), ("points", points), ("yearly_cap", "30")])
        };
        let (bad, _) = app
            .submit("/party/point-rules/volunteer", &cookie, &form("三"))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = bad.text();
        assert!(
            html.contains("分值须为非零整数") && html.contains("value=\"三\""),
            "{l}"
        );
        let (_, to) = app
            .submit("/party/point-rules/volunteer", &cookie, &form("5"))
            .await;
        assert!(to.is_some_and(|t| t.contains("done=rule_saved")), "{l}");
        // The bureau reads the rules without forms.
        let bureau = app.ui_cookie("bureau").await;
        let (_, html) = app.page("/party/point-rules", &bureau).await;
        assert!(
            html.contains("志愿服务") && !html.contains("rule-volunteer\""),
            "{l}"
        );
        // On a member's page, a missing evidence is refused with the rule kept.
        let (bcookie, bcsrf) = app.ui_session("branch").await;
        let branch = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("org")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let id = members[0]["id"].as_str().expect("id").to_string();
        let post = format!("/party/members/{id}/points");
        let (bad, _) = app
            .submit(
                &post,
                &bcookie,
                &common::form(&[("_csrf", &bcsrf), ("rule", "outreach"), ("evidence", "")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            bad.text().contains("id=\"error-evidence\"")
                && bad.text().contains("value=\"outreach\" selected"),
            "{l}"
        );
        let (page, to) = app
            .submit(
                &post,
                &bcookie,
                &common::form(&[
                    ("_csrf", &bcsrf),
                    ("rule", "outreach"),
                    ("evidence", "到村卫生室坐诊"),
                ]),
            )
            .await;
        assert!(to.is_some_and(|t| t.contains("done=points_awarded")), "{l}");
        assert!(page.text().contains("到村卫生室坐诊"), "{l}: in the ledger");
    }
}

#[tokio::test]
async fn meeting_attendance_stops_at_the_yearly_cap() {
    for app in apps(300).await {
        let l = &app.label;
        let (party, branch) = (app.login("party").await, app.login("branch").await);
        // Attendance at 5 points, at most 8 a year: 5, then 3, then nothing.
        let r = app
            .put(
                "/api/v1/party/point-rules/attendance",
                &party,
                json!({"points": 5, "yearly_cap": 8}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("org")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let member = members[0]["id"].as_str().expect("member").to_string();
        let today = yigong_domain::clock::today().to_string();
        let mut awarded = Vec::new();
        for n in 0..3 {
            let plan =
                json!({"subject": "group_meeting", "topic": format!("第{n}次"), "due_on": today});
            let r = app
                .post(
                    &format!("/api/v1/party/orgs/{org}/activities"),
                    &branch,
                    plan,
                )
                .await;
            let id = r.json()["id"].as_str().expect("id").to_string();
            let record = json!({"held_on": today, "minutes": "学习",
                "attendance": [{"member_id": member, "presence": "present"}]});
            let r = app
                .post(
                    &format!("/api/v1/party/activities/{id}/record"),
                    &branch,
                    record,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
            awarded.push(r.json()["points_awarded"].as_u64().expect("count"));
        }
        assert_eq!(awarded, [1, 1, 0], "{l}: entries written");
        let v = app
            .get(&format!("/api/v1/party/members/{member}"), &branch)
            .await
            .json();
        let mut attendance: Vec<i64> = v["points"]
            .as_array()
            .expect("ledger")
            .iter()
            .filter(|p| p["rule"] == "attendance")
            .filter_map(|p| p["points"].as_i64())
            .collect();
        attendance.sort();
        assert_eq!(attendance, [3, 5], "{l}");
    }
}
