//! Organisational life on schedule, on SQLite and PostgreSQL: a branch that has held
//! nothing is behind on every kind, and holding one takes that kind off the list.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::{Value, json};
use yigong_store::party::{NewMember, NewOrg};

#[tokio::test]
async fn a_branch_is_behind_until_it_holds_each_kind_of_activity() {
    for app in apps(300).await {
        let l = &app.label;
        let c = app.state.community.id;
        let store = &app.state.store;
        let secretary = store
            .find_account(c, "branch")
            .await
            .expect("a")
            .map(|a| a.id);
        let today = yigong_domain::clock::today();
        let org = NewOrg {
            parent_id: None,
            kind: "branch",
            name: "新建党支部".into(),
            institution_id: app.places.township,
            double_leader: false,
            secretary_is_director: false,
            secretary_account_id: secretary,
        };
        let member = NewMember {
            staff_id: None,
            name: "赵敏".into(),
            status: "full",
            status_since: today,
            joined_on: Some(today),
            full_time: false,
            dues_basis: "working",
            pay_fen: 400_000,
        };
        let org = store
            .insert_org(c, &org, &[member])
            .await
            .expect("org")
            .to_string();
        let branch = app.login("branch").await;
        let ours = |list: &Value| -> Vec<String> {
            list.as_array()
                .expect("list")
                .iter()
                .filter(|b| b["org_id"] == org.as_str())
                .map(|b| b["subject"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let list = app.get("/api/v1/party/behind", &branch).await.json();
        let mut kinds = ours(&list);
        kinds.sort();
        assert_eq!(
            kinds,
            [
                "appraisal",
                "committee_meeting",
                "group_meeting",
                "life_meeting",
                "members_meeting",
                "party_lecture",
                "theme_day"
            ],
            "{l}: nothing held, behind on all seven"
        );
        assert!(
            list.as_array()
                .expect("l")
                .iter()
                .filter(|b| b["org_id"] == org.as_str())
                .all(|b| b["last_held"].is_null()),
            "{l}"
        );
        // The members' meeting held today: off the list.
        let plan = json!({"subject": "members_meeting", "topic": "支部党员大会"});
        let id = app
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
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let held = json!({"held_on": today.to_string(), "minutes": "选举支部委员。", "attendance": [{"member_id": members[0]["id"], "presence": "present"}]});
        assert_eq!(
            app.post(
                &format!("/api/v1/party/activities/{id}/record"),
                &branch,
                held
            )
            .await
            .status,
            StatusCode::OK,
            "{l}"
        );
        let list = app.get("/api/v1/party/behind", &branch).await.json();
        let kinds = ours(&list);
        assert_eq!(kinds.len(), 6, "{l}: {kinds:?}");
        assert!(!kinds.contains(&"members_meeting".to_string()), "{l}");
        // The committee and the bureau see it among every branch; a village doctor nothing.
        for user in ["party", "bureau"] {
            let all = app
                .get("/api/v1/party/behind", &app.login(user).await)
                .await
                .json();
            assert_eq!(ours(&all).len(), 6, "{l}: {user}");
        }
        assert_eq!(
            app.get("/api/v1/party/behind", &app.login("village").await)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        // The page lists the branch's six in Chinese.
        let cookie = app.ui_cookie("branch").await;
        let (status, html) = app.page("/party/behind", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("新建党支部") && html.contains("主题党日") && html.contains("每月"),
            "{l}"
        );
    }
}

/// The first day of the month `n` months after today's.
fn months_ahead(n: u8) -> time::Date {
    let mut d = yigong_domain::clock::today().replace_day(1).expect("day");
    for _ in 0..n {
        d = (d + time::Duration::days(31)).replace_day(1).expect("day");
    }
    d
}

#[tokio::test]
async fn the_calendar_shows_each_activity_on_its_day() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("org")
            .to_string();
        // Two months ahead nothing is planned yet; plan a theme day on the 15th.
        let month = months_ahead(2);
        let due = month.replace_day(15).expect("15th");
        let plan = json!({"subject": "theme_day", "topic": "学党章", "due_on": due.to_string()});
        let r = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                plan,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let (cookie, _) = app.ui_session("branch").await;
        let ym = format!("{}-{:02}", month.year(), month.month() as u8);
        let (status, html) = app
            .page(&format!("/party/orgs/{org}/calendar?month={ym}"), &cookie)
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(html.matches("class=\"cal-entry").count(), 1, "{l}");
        // The entry sits in the cell of the 15th, and links to recording it.
        let cell = html
            .split("<div class=\"day\">15</div>")
            .nth(1)
            .and_then(|rest| rest.split("</td>").next())
            .expect("the 15th");
        assert!(
            cell.contains(&format!("href=\"/party/activities/{id}\"")),
            "{l}: {cell}"
        );
        let after = months_ahead(3);
        let ym = format!("{}-{:02}", after.year(), after.month() as u8);
        let (_, html) = app
            .page(&format!("/party/orgs/{org}/calendar?month={ym}"), &cookie)
            .await;
        assert_eq!(html.matches("class=\"cal-entry").count(), 0, "{l}");
        // A month that cannot be read shows this one; another's branch is not shown.
        let (status, html) = app
            .page(
                &format!("/party/orgs/{org}/calendar?month=2026-13"),
                &cookie,
            )
            .await;
        let this = months_ahead(0);
        let ym = format!("{}-{:02}", this.year(), this.month() as u8);
        assert!(
            status == StatusCode::OK
                && html.contains(&format!("<strong id=\"month\">{ym}</strong>")),
            "{l}"
        );
        let (vcookie, _) = app.ui_session("village").await;
        let (status, _) = app
            .page(&format!("/party/orgs/{org}/calendar"), &vcookie)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");
    }
}
