//! A first secretary's site at work, on SQLite and PostgreSQL: the task list from the
//! template, progress reports that move a task on, and the committee's quarterly
//! evaluation with its score sheet and the area's outcomes from platform data.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::{Value, json};
use yigong_domain::party::site::Quarter;

/// The first secretary's token and their site's id.
async fn own_site(app: &TestApp) -> (String, String) {
    let firstsec = app.login("firstsec").await;
    let sites = app
        .get("/api/v1/first-secretary/sites", &firstsec)
        .await
        .json();
    let id = sites[0]["id"].as_str().expect("site").to_string();
    (firstsec, id)
}

fn task<'a>(tasks: &'a Value, subject: &str) -> &'a Value {
    tasks
        .as_array()
        .and_then(|t| t.iter().find(|x| x["subject"] == subject))
        .expect("task")
}

#[tokio::test]
async fn progress_reports_move_a_site_task_and_only_its_secretary_files_them() {
    for app in apps(300).await {
        let l = &app.label;
        let (firstsec, site) = own_site(&app).await;
        let tasks_path = format!("/api/v1/first-secretary/sites/{site}/tasks");
        let tasks = app.get(&tasks_path, &firstsec).await.json();
        let list = tasks.as_array().expect("tasks");
        assert_eq!(list.len(), 13, "{l}: seed 001's thirteen tasks");
        let centre = task(&tasks, "new_techniques");
        // Due at the end of the term: not started in the demo.
        assert_eq!(centre["status"], "open", "{l}");
        let before = centre["reports"].as_i64();
        let centre_id = centre["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/first-secretary/sites/{site}/reports");
        let first = json!({"task_id": centre_id, "text": "完成选址和设备招标"});
        let r = app.post(&path, &firstsec, first).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let now = app.get(&tasks_path, &firstsec).await.json();
        let centre = task(&now, "new_techniques");
        assert_eq!(centre["status"], "working", "{l}: under way");
        assert_eq!(centre["reports"].as_i64(), before.map(|n| n + 1), "{l}");
        // Reported done: it waits for the committee, and takes no second "done".
        let done = json!({"task_id": centre_id, "text": "中心已挂牌运行", "done": true});
        assert_eq!(
            app.post(&path, &firstsec, done.clone()).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let now = app.get(&tasks_path, &firstsec).await.json();
        assert_eq!(task(&now, "new_techniques")["status"], "submitted", "{l}");
        let again = app.post(&path, &firstsec, done).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(again.json()["error"]["code"], "work_wrong_status", "{l}");
        // No task and no text: both named.
        let bad = app.post(&path, &firstsec, json!({"text": "  "})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let named = common::problem_fields(&bad.json());
        assert!(
            named.contains(&"task_id".into()) && named.contains(&"text".into()),
            "{l}: {named:?}"
        );
        // A task of the other site is not one of this site's.
        let party = app.login("party").await;
        let sites = app
            .get("/api/v1/first-secretary/sites", &party)
            .await
            .json();
        let other = sites
            .as_array()
            .and_then(|s| s.iter().find(|x| x["id"] != site.as_str()))
            .and_then(|x| x["id"].as_str())
            .expect("other site")
            .to_string();
        let theirs = app
            .get(
                &format!("/api/v1/first-secretary/sites/{other}/tasks"),
                &party,
            )
            .await
            .json();
        let foreign = json!({"task_id": task(&theirs, "trauma_unit")["id"], "text": "越权报送"});
        let r = app.post(&path, &firstsec, foreign).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(
            common::problem_fields(&r.json()),
            vec!["task_id".to_string()],
            "{l}"
        );
        // The committee and the bureau read the tasks; neither reports; a village doctor
        // and the other site's secretary see nothing.
        let report = json!({"task_id": centre_id, "text": "代报"});
        for user in ["party", "bureau"] {
            let t = app.login(user).await;
            assert_eq!(
                app.get(&tasks_path, &t).await.status,
                StatusCode::OK,
                "{l}: {user}"
            );
            assert_eq!(
                app.post(&path, &t, report.clone()).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
        let village = app.login("village").await;
        assert_eq!(
            app.get(&tasks_path, &village).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/first-secretary/sites/{other}/tasks"),
                &firstsec
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{l}: not their site"
        );
        let audit = app.audit_by("village").await;
        assert!(
            audit
                .iter()
                .any(|(a, o, ..)| a == "party.site_tasks" && o == "denied"),
            "{l}: the refusal is audited"
        );
    }
}

#[tokio::test]
async fn the_committee_evaluates_a_quarter_once_with_its_reports_spending_and_outcomes() {
    for app in apps(300).await {
        let l = &app.label;
        let (firstsec, site) = own_site(&app).await;
        let today = yigong_domain::clock::today();
        let quarter = Quarter::of(today).to_string();
        let q_path = format!("/api/v1/first-secretary/sites/{site}/quarters/{quarter}");
        let party = app.login("party").await;
        let before = app.get(&q_path, &party).await;
        assert_eq!(before.status, StatusCode::OK, "{l}: {}", before.text());
        let before = before.json();
        // This quarter: a spending, a report and a referral sent up from the township.
        let spend = json!({"amount_fen": 500_000, "category": "设备购置", "spent_on": today.to_string(), "note": "除颤仪"});
        let r = app
            .post(
                &format!("/api/v1/first-secretary/sites/{site}/spending"),
                &firstsec,
                spend,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let tasks = app
            .get(
                &format!("/api/v1/first-secretary/sites/{site}/tasks"),
                &firstsec,
            )
            .await
            .json();
        let report =
            json!({"task_id": task(&tasks, "chest_pain_unit")["id"], "text": "胸痛单元通过验收"});
        let r = app
            .post(
                &format!("/api/v1/first-secretary/sites/{site}/reports"),
                &firstsec,
                report,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}");
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let up = json!({
            "resident_id": resident.id, "direction": "up", "urgency": "routine",
            "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
            "reason": "血压控制不佳", "icd10_code": "I10", "summary": "血压 170/100",
        });
        assert_eq!(
            app.post("/api/v1/referrals", &township, up).await.status,
            StatusCode::CREATED,
            "{l}"
        );
        let after = app.get(&q_path, &party).await.json();
        assert_eq!(
            after["spent_fen"].as_i64(),
            before["spent_fen"].as_i64().map(|n| n + 500_000),
            "{l}: 5,000.00 yuan more this quarter"
        );
        let reports = after["reports"].as_array().expect("reports");
        assert_eq!(
            reports.len(),
            before["reports"].as_array().map_or(0, Vec::len) + 1,
            "{l}"
        );
        assert_eq!(reports[0]["text"], "胸痛单元通过验收", "{l}: newest first");
        assert_eq!(
            after["outcomes"]["referrals"].as_i64(),
            before["outcomes"]["referrals"].as_i64().map(|n| n + 1),
            "{l}: the referral counted for the site's area"
        );
        // A quarter long before the platform: nothing, and no change to show.
        let empty = app
            .get(
                &format!("/api/v1/first-secretary/sites/{site}/quarters/2001Q1"),
                &party,
            )
            .await
            .json();
        assert_eq!(empty["outcomes"]["referrals"], 0, "{l}");
        assert_eq!(
            (empty["first_day"].as_str(), empty["last_day"].as_str()),
            (Some("2001-01-01"), Some("2001-03-31")),
            "{l}"
        );
        assert_eq!(empty["growth_permille"]["referrals"], Value::Null, "{l}");
        assert_eq!(
            app.get(
                &format!("/api/v1/first-secretary/sites/{site}/quarters/2026Q5"),
                &party
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}"
        );
        // The score sheet: the secretary and the bureau cannot; every criterion within
        // its maximum; a future quarter refused; once only.
        let e_path = format!("{q_path}/evaluation");
        let sheet = |tasks: u32, reports: Option<u32>| {
            let mut s = json!({"tasks": tasks, "funds": 18, "outcomes": 25});
            if let Some(r) = reports {
                s["reports"] = json!(r);
            }
            json!({"scores": s, "comment": "进展顺利"})
        };
        for user in ["firstsec", "bureau"] {
            let t = app.login(user).await;
            assert_eq!(
                app.post(&e_path, &t, sheet(36, Some(8))).await.status,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
        let missing = app.post(&e_path, &party, sheet(36, None)).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(missing.json()["error"]["code"], "score_missing", "{l}");
        assert_eq!(missing.json()["error"]["field"], "score_reports", "{l}");
        let above = app.post(&e_path, &party, sheet(41, Some(8))).await;
        assert_eq!(above.json()["error"]["code"], "score_above_max", "{l}");
        let future = Quarter::of(today).next().next().to_string();
        let r = app
            .post(
                &format!("/api/v1/first-secretary/sites/{site}/quarters/{future}/evaluation"),
                &party,
                sheet(36, Some(8)),
            )
            .await;
        assert_eq!(
            common::problem_fields(&r.json()),
            vec!["quarter".to_string()],
            "{l}"
        );
        let ok = app.post(&e_path, &party, sheet(36, Some(8))).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{l}: {}", ok.text());
        let seen = app.get(&q_path, &app.login("bureau").await).await.json();
        // 36 + 18 + 25 + 8 = 87 of 100: good (80–89).
        assert_eq!(seen["evaluation"]["total"], 87, "{l}");
        assert_eq!(seen["evaluation"]["grade"], "good", "{l}");
        assert_eq!(
            seen["evaluation"]["scores"], "tasks=36;funds=18;outcomes=25;reports=8",
            "{l}"
        );
        let twice = app.post(&e_path, &party, sheet(40, Some(10))).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(twice.json()["error"]["code"], "already_evaluated", "{l}");
        let village = app.login("village").await;
        assert_eq!(
            app.get(&q_path, &village).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_quarter_page_shows_reports_and_spending_and_refuses_a_bad_sheet_in_chinese() {
    for app in apps(300).await {
        let l = &app.label;
        let (firstsec, site) = own_site(&app).await;
        let quarter = Quarter::of(yigong_domain::clock::today()).to_string();
        let (cookie, csrf) = app.ui_session("firstsec").await;
        // The site page lists the tasks and files a report through its form.
        let (_, page) = app
            .page(&format!("/first-secretary/sites/{site}"), &cookie)
            .await;
        assert!(
            page.contains("建设健康管理中心") && page.contains("report-form"),
            "{l}"
        );
        assert!(
            page.contains(&format!("/quarters/{quarter}")),
            "{l}: the quarter is linked"
        );
        let tasks = app
            .get(
                &format!("/api/v1/first-secretary/sites/{site}/tasks"),
                &firstsec,
            )
            .await
            .json();
        let trauma = task(&tasks, "trauma_unit")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let reports = format!("/first-secretary/sites/{site}/reports");
        let report =
            |text: &str| common::form(&[("_csrf", &csrf), ("task_id", &trauma), ("text", text)]);
        let (refused, to) = app.submit(&reports, &cookie, &report(" ")).await;
        assert_eq!(
            (refused.status, to),
            (StatusCode::UNPROCESSABLE_ENTITY, None),
            "{l}"
        );
        assert!(
            refused.text().contains("error-text"),
            "{l}: named at its field"
        );
        let (_, to) = app
            .submit(&reports, &cookie, &report("创伤单元人员培训完成"))
            .await;
        assert!(to.is_some_and(|t| t.contains("done=report_filed")), "{l}");
        // The committee's quarter page shows the report, the outcomes and the sheet.
        let (party, party_csrf) = app.ui_session("party").await;
        let q_page = format!("/first-secretary/sites/{site}/quarters/{quarter}");
        let (status, page) = app.page(&q_page, &party).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(page.contains("创伤单元人员培训完成"), "{l}: the report");
        assert!(
            page.contains("evaluation-form") && page.contains("上转患者"),
            "{l}"
        );
        let sheet = |scores: [&str; 4], comment: &str| {
            common::form(&[
                ("_csrf", &party_csrf),
                ("score_tasks", scores[0]),
                ("score_funds", scores[1]),
                ("score_outcomes", scores[2]),
                ("score_reports", scores[3]),
                ("comment", comment),
            ])
        };
        let (bad, _) = app
            .submit(&q_page, &party, &sheet(["45", "20", "30", "10"], ""))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = bad.text();
        assert!(
            html.contains("得分超过该项满分"),
            "{l}: in Chinese: {}",
            html.split("evaluation\"").nth(1).unwrap_or("")
        );
        assert!(
            html.contains("value=\"45\""),
            "{l}: the typed score is kept"
        );
        let (_, to) = app
            .submit(&q_page, &party, &sheet(["38", "19", "27", "9"], "优秀驻点"))
            .await;
        assert!(to.is_some_and(|t| t.contains("done=evaluated")), "{l}");
        let (_, page) = app.page(&q_page, &cookie).await;
        assert!(
            page.contains("93 / 100") && page.contains("优秀"),
            "{l}: 38+19+27+9 = 93, excellent"
        );
        assert!(!page.contains("evaluation-form"), "{l}: evaluated once");
    }
}
