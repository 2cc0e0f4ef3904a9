//! Party dues on SQLite and PostgreSQL: each member's monthly dues from the published
//! brackets, the twelve months with arrears and the six-month flag, and payments that
//! cover the oldest months owed, never a month twice.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;
use yigong_store::party::{NewMember, NewOrg};

/// The brackets worked out by hand: per mille of the monthly pay in fen, or 20 fen.
fn expected_fen(basis: &str, pay: i64) -> i64 {
    let per_mille = match basis {
        "working" if pay <= 300_000 => 5,
        "working" if pay <= 500_000 => 10,
        "working" if pay <= 1_000_000 => 15,
        "working" => 20,
        "retired" if pay <= 500_000 => 5,
        "retired" => 10,
        _ => return 20,
    };
    (pay * per_mille + 500) / 1000
}

/// A new branch of the demo township led by `branch`, with three members whose pay is
/// known: a worker in arrears for a year, a retiree who joined this month, a student.
async fn branch_with_members(app: &TestApp) -> Uuid {
    let c = app.state.community.id;
    let store = &app.state.store;
    let secretary = store
        .find_account(c, "branch")
        .await
        .expect("a")
        .map(|a| a.id);
    let today = yigong_domain::clock::today();
    let member = |name: &str, basis: &'static str, pay_fen: i64, joined| NewMember {
        staff_id: None,
        name: name.into(),
        status: "full",
        status_since: joined,
        joined_on: Some(joined),
        full_time: false,
        dues_basis: basis,
        pay_fen,
    };
    let org = NewOrg {
        parent_id: None,
        kind: "branch",
        name: "测试第二党支部".into(),
        institution_id: app.places.township,
        double_leader: true,
        secretary_is_director: false,
        secretary_account_id: secretary,
    };
    let members = [
        member("甲", "working", 432_137, today - Duration::days(800)),
        member("乙", "retired", 600_000, today.replace_day(1).expect("day")),
        member("丙", "fixed", 0, today - Duration::days(800)),
    ];
    store.insert_org(c, &org, &members).await.expect("org")
}

fn line<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["members"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["name"] == name))
        .expect("member")
}

#[tokio::test]
async fn dues_follow_the_brackets_and_a_payment_clears_the_oldest_months_once() {
    for app in apps(300).await {
        let l = &app.label;
        let org = branch_with_members(&app).await;
        let branch = app.login("branch").await;
        let path = format!("/api/v1/party/orgs/{org}/dues");
        let sheet = app.get(&path, &branch).await;
        assert_eq!(sheet.status, StatusCode::OK, "{l}: {}", sheet.text());
        let sheet = sheet.json();
        assert_eq!(sheet["months"].as_array().map(Vec::len), Some(12), "{l}");
        // 4,321.37 yuan at 1 % is 43.21; 6,000 retired at 1 % is 60; a student 0.20.
        let a = line(&sheet, "甲");
        assert_eq!(a["monthly_fen"], 4_321, "{l}");
        assert_eq!(a["monthly_fen"], expected_fen("working", 432_137), "{l}");
        assert_eq!(line(&sheet, "乙")["monthly_fen"], 6_000, "{l}");
        assert_eq!(line(&sheet, "丙")["monthly_fen"], 20, "{l}");
        // Nothing paid: the eleven months before this one in arrears, flagged.
        assert_eq!(a["arrears"].as_array().map(Vec::len), Some(11), "{l}");
        assert_eq!(a["arrears_fen"], 11 * 4_321, "{l}");
        assert_eq!(a["six_months_unpaid"], true, "{l}");
        let b = line(&sheet, "乙");
        assert_eq!(
            (b["arrears_fen"].as_i64(), b["six_months_unpaid"].as_bool()),
            (Some(0), Some(false)),
            "{l}: joined this month"
        );
        assert_eq!(sheet["flagged"], 2, "{l}: 甲 and 丙");
        assert_eq!(sheet["arrears_fen"], 11 * 4_321 + 11 * 20, "{l}");
        // The page flags them in Chinese.
        let (cookie, csrf) = app.ui_session("branch").await;
        let (status, html) = app.page(&format!("/party/orgs/{org}/dues"), &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(html.matches("dues-row flagged").count(), 2, "{l}");
        assert!(html.contains("连续6个月未交"), "{l}");
        let form = common::form(&[
            ("_csrf", &csrf),
            ("member_id", a["id"].as_str().expect("id")),
            ("months", "十二"),
            ("paid_on", "2026-11-01"),
        ]);
        let (refused, _) = app
            .submit(&format!("/party/orgs/{org}/dues"), &cookie, &form)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("id=\"error-months\"")
                && refused.text().contains("value=\"十二\""),
            "{l}"
        );
        // Twelve months paid at once: the eleven owed and this one, 43.21 yuan each.
        let today = yigong_domain::clock::today().to_string();
        let pay = |member: &Value, months: i32| json!({"member_id": member["id"], "months": months, "paid_on": today});
        let r = app.post(&path, &branch, pay(a, 12)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(r.json()["amount_fen"], 12 * 4_321, "{l}");
        assert_eq!(r.json()["months"].as_array().map(Vec::len), Some(12), "{l}");
        let now = app.get(&path, &branch).await.json();
        let a = line(&now, "甲");
        assert_eq!(
            (a["arrears_fen"].as_i64(), a["six_months_unpaid"].as_bool()),
            (Some(0), Some(false)),
            "{l}"
        );
        assert_eq!(a["paid"].as_array().map(Vec::len), Some(12), "{l}");
        let again = app.post(&path, &branch, pay(a, 1)).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(again.json()["error"]["code"], "nothing_due", "{l}");
        // Every wrong field named; a member of another branch is not this branch's.
        let bad = app
            .post(
                &path,
                &branch,
                json!({"months": 0, "paid_on": "2099-01-01"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let bad = bad.json();
        let named = common::problem_fields(&bad);
        assert_eq!(named, vec!["member_id", "months", "paid_on"], "{l}");
        // The committee records too; the bureau reads only; a village doctor sees nothing.
        let party = app.login("party").await;
        let r = app.post(&path, &party, pay(line(&now, "乙"), 3)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}");
        assert_eq!(
            r.json()["amount_fen"],
            6_000,
            "{l}: only this month was owed"
        );
        let bureau = app.login("bureau").await;
        assert_eq!(app.get(&path, &bureau).await.status, StatusCode::OK, "{l}");
        assert_eq!(
            app.post(&path, &bureau, pay(line(&now, "丙"), 1))
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
        // The demo's own branches follow the same brackets for every member.
        let s = app.get("/api/v1/party/structure", &party).await.json();
        let some_branch = s["organizations"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["kind"] == "branch"))
            .and_then(|x| x["id"].as_str())
            .expect("branch")
            .to_string();
        let demo = app
            .get(&format!("/api/v1/party/orgs/{some_branch}/dues"), &party)
            .await
            .json();
        for m in demo["members"].as_array().expect("members") {
            let (basis, pay) = (
                m["dues_basis"].as_str().unwrap_or(""),
                m["pay_fen"].as_i64().unwrap_or(-1),
            );
            assert_eq!(
                m["monthly_fen"].as_i64(),
                Some(expected_fen(basis, pay)),
                "{l}: {m}"
            );
        }
    }
}

#[tokio::test]
async fn the_branch_sets_a_members_pay_and_the_dues_follow_it() {
    for app in apps(300).await {
        let l = &app.label;
        let org = branch_with_members(&app).await;
        let branch = app.login("branch").await;
        let sheet = app
            .get(&format!("/api/v1/party/orgs/{org}/dues"), &branch)
            .await
            .json();
        let id = line(&sheet, "甲")["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/party/members/{id}/pay");
        // 8,000.00 yuan in work: 1.5 %, 120.00 a month.
        let r = app
            .put(
                &path,
                &branch,
                json!({"dues_basis": "working", "pay_fen": 800_000}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let sheet = app
            .get(&format!("/api/v1/party/orgs/{org}/dues"), &branch)
            .await
            .json();
        assert_eq!(line(&sheet, "甲")["monthly_fen"], 12_000, "{l}");
        let bad = app
            .put(
                &path,
                &branch,
                json!({"dues_basis": "student", "pay_fen": 0}),
            )
            .await;
        let bad = bad.json();
        let named = common::problem_fields(&bad);
        assert_eq!(named, vec!["dues_basis", "pay_fen"], "{l}");
        for user in ["bureau", "village"] {
            let t = app.login(user).await;
            assert_eq!(
                app.put(&path, &t, json!({"dues_basis": "fixed", "pay_fen": 0}))
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "{l}: {user}"
            );
        }
        // On the member's page: typed in yuan, a wrong amount refused with it kept.
        let (cookie, csrf) = app.ui_session("branch").await;
        let post = format!("/party/members/{id}/pay");
        let form =
            |pay: &str| common::form(&[("_csrf", &csrf), ("dues_basis", "retired"), ("pay", pay)]);
        let (refused, _) = app.submit(&post, &cookie, &form("六千")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            refused.text().contains("id=\"error-pay_fen\"")
                && refused.text().contains("value=\"六千\""),
            "{l}"
        );
        let (page, to) = app.submit(&post, &cookie, &form("6,000.00")).await;
        assert!(to.is_some_and(|t| t.contains("done=pay_saved")), "{l}");
        // Retired above 5,000 yuan: 1 %, 60.00 a month.
        assert!(page.text().contains("id=\"monthly-dues\">60.00"), "{l}");
    }
}
