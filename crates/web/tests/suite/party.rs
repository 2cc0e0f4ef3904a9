//! Party building on SQLite and PostgreSQL: the structure seed 000 counts, within each
//! caller's reach, and the first-secretary sites whose funds are never overspent.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;
use yigong_domain::party::fund::yuan_text;

#[tokio::test]
async fn the_structure_is_counted_within_each_callers_reach() {
    for app in apps(300).await {
        let l = &app.label;
        // The committee and the bureau see seed 000's organisation whole.
        for user in ["party", "bureau"] {
            let r = app
                .get("/api/v1/party/structure", &app.login(user).await)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {user}");
            let s = r.json();
            assert_eq!(s["committees"], 2, "{l}: two hospital committees");
            assert_eq!(
                s["branches"],
                31 + 21,
                "{l}: 31 hospital and 21 township branches"
            );
            assert_eq!(s["members"], 411 + 184, "{l}: members");
            assert_eq!(
                s["organizations"].as_array().map(Vec::len),
                Some(2 + 52),
                "{l}"
            );
        }
        // A branch secretary sees their branch only.
        let r = app
            .get("/api/v1/party/structure", &app.login("branch").await)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let s = r.json();
        let orgs = s["organizations"].as_array().expect("orgs");
        assert_eq!((orgs.len(), s["branches"].as_i64()), (1, Some(1)), "{l}");
        assert_eq!(
            orgs[0]["institution_id"],
            app.places.township.to_string(),
            "{l}"
        );
        assert_eq!(s["members"], orgs[0]["members"], "{l}");
        // A village doctor holds no post: nothing there, and the refusal is audited.
        let r = app
            .get("/api/v1/party/structure", &app.login("village").await)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let audit = app.audit_by("village").await;
        assert!(
            audit
                .iter()
                .any(|(a, o, ..)| a == "party.structure" && o == "denied"),
            "{l}: the refusal is in the audit"
        );
    }
}

#[tokio::test]
async fn a_first_secretary_spends_from_the_fund_and_never_beyond_it() {
    for app in apps(300).await {
        let l = &app.label;
        let firstsec = app.login("firstsec").await;
        let sites = app.get("/api/v1/first-secretary/sites", &firstsec).await;
        assert_eq!(sites.status, StatusCode::OK, "{l}");
        let sites = sites.json();
        let mine = sites.as_array().expect("sites");
        assert_eq!(mine.len(), 1, "{l}: their own site");
        let site = &mine[0];
        assert_eq!(site["budget_fen"], 100_000_000, "{l}: 1,000,000 yuan");
        // Days as the calendar writes them; the term is two years.
        let starts = site["starts_on"].as_str().expect("a day");
        assert_eq!(starts.len(), 10, "{l}: {starts}");
        // The demo's months of spending so far.
        let spent = site["spent_fen"].as_i64().expect("spent");
        assert!(spent > 0 && spent < 100_000_000, "{l}: {spent}");
        assert_eq!(site["remaining_fen"].as_i64(), Some(100_000_000 - spent));
        let id = site["id"].as_str().expect("id").to_string();
        let spend = |amount: i64| json!({"amount_fen": amount, "category": "设备购置", "spent_on": "2026-11-20", "note": "心电图机"});
        let path = format!("/api/v1/first-secretary/sites/{id}/spending");
        // 1,234.56 yuan, then exactly what remains but one fen too much: refused whole.
        let r = app.post(&path, &firstsec, spend(123_456)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(r.json()["amount_fen"], 123_456, "{l}");
        let left = 100_000_000 - spent - 123_456;
        let over = app.post(&path, &firstsec, spend(left + 1)).await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(over.json()["error"]["code"], "fund_overspent", "{l}");
        let now = app
            .get("/api/v1/first-secretary/sites", &firstsec)
            .await
            .json();
        assert_eq!(now[0]["spent_fen"], spent + 123_456, "{l}: nothing written");
        assert_eq!(now[0]["remaining_fen"], left, "{l}");
        let rest = app.post(&path, &firstsec, spend(left)).await;
        assert_eq!(rest.status, StatusCode::CREATED, "{l}: to the fen");
        let now = app
            .get("/api/v1/first-secretary/sites", &firstsec)
            .await
            .json();
        assert_eq!(now[0]["remaining_fen"], 0, "{l}");
        // Every wrong field at once.
        let bad = app
            .post(
                &path,
                &firstsec,
                json!({"amount_fen": 0, "category": " ", "spent_on": "20.11.2026"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let fields: Vec<String> = bad.json()["error"]["problems"]
            .as_array()
            .map(|p| {
                p.iter()
                    .filter_map(|x| x["field"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for f in ["category", "spent_on", "amount_fen"] {
            assert!(
                fields.contains(&f.to_string()) || bad.json()["error"]["field"] == f,
                "{l}: {f} in {}",
                bad.text()
            );
        }
        // The committee sees every site but spends from none; others see nothing.
        let party = app.login("party").await;
        let all = app
            .get("/api/v1/first-secretary/sites", &party)
            .await
            .json();
        assert_eq!(all.as_array().map(Vec::len), Some(2), "{l}");
        assert_eq!(
            app.post(&path, &party, spend(100)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let village = app.login("village").await;
        assert_eq!(
            app.get("/api/v1/first-secretary/sites", &village)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.post(&path, &village, spend(100)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_pages_show_the_structure_and_a_first_secretary_keeps_the_ledger() {
    for app in apps(300).await {
        let l = &app.label;
        let party = app.ui_cookie("party").await;
        let (status, html) = app.page("/party", &party).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        for (id, n) in [
            ("count-committees", "2"),
            ("count-branches", "52"),
            ("count-members", "595"),
        ] {
            assert!(
                html.contains(&format!("id=\"{id}\">{n}</div>")),
                "{l}: {id} {n}"
            );
        }
        assert_eq!(html.matches("class=\"branch-row\"").count(), 52, "{l}");
        assert!(
            html.contains("id=\"nav-party\""),
            "{l}: in the committee's navigation"
        );
        let branch = app.ui_cookie("branch").await;
        let (status, html) = app.page("/party", &branch).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(
            html.matches("class=\"branch-row\"").count(),
            1,
            "{l}: their branch"
        );
        let (_, home) = app.page("/", &branch).await;
        assert!(home.contains("href=\"/party\""), "{l}: the branch card");
        let village = app.ui_cookie("village").await;
        assert_eq!(
            app.page("/party", &village).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.page("/first-secretary", &village).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        let (cookie, csrf) = app.ui_session("firstsec").await;
        let sites = app
            .get(
                "/api/v1/first-secretary/sites",
                &app.login("firstsec").await,
            )
            .await
            .json();
        // What the demo's months of spending left, and after 1,234.56 yuan more.
        let left = sites[0]["remaining_fen"].as_i64().expect("remaining");
        let after = yuan_text(left - 123_456);
        let (_, home) = app.page("/", &cookie).await;
        assert!(
            home.contains(&yuan_text(left)),
            "{l}: the fund on the home page"
        );
        let (status, list) = app.page("/first-secretary", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let href = list
            .split("href=\"/first-secretary/sites/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/first-secretary/sites/{id}"))
            .expect("the site");
        let form = |amount: &str| {
            common::form(&[
                ("_csrf", &csrf),
                ("amount", amount),
                ("category", "人员培训"),
                ("spent_on", "2026-11-20"),
                ("note", "胸痛中心培训"),
            ])
        };
        let (page, to) = app.submit(&href, &cookie, &form("1,234.56")).await;
        assert!(
            to.is_some_and(|t| t.ends_with("?done=spending_recorded")),
            "{l}"
        );
        let page = page.text();
        assert!(page.contains("id=\"notice\">支出已记入台账"), "{l}");
        assert!(
            page.contains(">1,234.56</td>") && page.contains(&format!("id=\"remaining\">{after}")),
            "{l}"
        );
        // More than remains: refused in Chinese, what was typed kept, nothing written.
        let one_fen_more = yuan_text(left - 123_456 + 1);
        let r = app.post_form(&href, &cookie, &form(&one_fen_more)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(html.contains("支出超过该站点剩余经费"), "{l}");
        assert!(
            html.contains(&format!("value=\"{one_fen_more}\""))
                && html.contains("value=\"胸痛中心培训\""),
            "{l}"
        );
        assert!(
            html.contains(&format!("id=\"remaining\">{after}")),
            "{l}: nothing spent"
        );
        // The committee reads the ledger but has no form.
        let (status, html) = app.page(&href, &party).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            !html.contains("id=\"spending-form\"") && html.contains(">1,234.56</td>"),
            "{l}"
        );
    }
}

#[tokio::test]
async fn a_meeting_with_attendance_gives_points_once_and_only_the_branch_records_it() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("their branch")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let members = members.as_array().expect("members").clone();
        assert!(members.len() >= 3, "{l}");
        let before = |id: &str, list: &[serde_json::Value]| {
            list.iter()
                .find(|m| m["id"] == id)
                .and_then(|m| m["points"].as_i64())
                .expect("member")
        };
        let (a, b, c) = (
            members[0]["id"].as_str().expect("id").to_string(),
            members[1]["id"].as_str().expect("id").to_string(),
            members[2]["id"].as_str().expect("id").to_string(),
        );
        let planned = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                json!({"subject": "members_meeting", "topic": "学习分级诊疗政策", "due_on": "2026-11-25"}),
            )
            .await;
        assert_eq!(
            planned.status,
            StatusCode::CREATED,
            "{l}: {}",
            planned.text()
        );
        let id = planned.json()["id"].as_str().expect("id").to_string();
        let record = json!({
            "held_on": "2026-11-25", "minutes": "传达医共体党委会议精神，讨论下转病人随访。",
            "attendance": [
                {"member_id": a, "presence": "present"},
                {"member_id": b, "presence": "present"},
                {"member_id": c, "presence": "leave", "reason": "下乡巡诊"}
            ]
        });
        let path = format!("/api/v1/party/activities/{id}/record");
        let r = app.post(&path, &branch, record.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(
            (
                r.json()["status"].as_str(),
                r.json()["points_awarded"].as_u64()
            ),
            (Some("submitted"), Some(2))
        );
        let after = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let after = after.as_array().expect("members").clone();
        assert_eq!(
            before(&a, &after),
            before(&a, &members) + 2,
            "{l}: present, +2"
        );
        assert_eq!(before(&b, &after), before(&b, &members) + 2, "{l}");
        assert_eq!(
            before(&c, &after),
            before(&c, &members),
            "{l}: on leave, nothing"
        );
        // The same meeting again: refused, and nobody's points move.
        let again = app.post(&path, &branch, record).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        let twice = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        assert_eq!(
            before(&a, twice.as_array().expect("m")),
            before(&a, &after),
            "{l}: never twice"
        );
        // An absence needs its reason; a stranger is no member of the branch.
        let planned = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                json!({"subject": "theme_day", "topic": "义诊"}),
            )
            .await;
        let other = planned.json()["id"].as_str().expect("id").to_string();
        let no_reason = json!({"held_on": "2026-11-26", "minutes": "义诊", "attendance": [{"member_id": a, "presence": "absent"}]});
        let r = app
            .post(
                &format!("/api/v1/party/activities/{other}/record"),
                &branch,
                no_reason,
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
        );
        let stranger = json!({"held_on": "2026-11-26", "minutes": "义诊", "attendance": [{"member_id": org, "presence": "present"}]});
        let r = app
            .post(
                &format!("/api/v1/party/activities/{other}/record"),
                &branch,
                stranger,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        // Bad fields at once when planning.
        let bad = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                json!({"subject": "party", "topic": " ", "due_on": "soon"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(
            bad.json()["error"]["problems"].as_array().map(Vec::len),
            Some(3),
            "{l}: {}",
            bad.text()
        );
        // The bureau reads the members but may not plan; a village doctor sees nothing.
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get(&format!("/api/v1/party/orgs/{org}/members"), &bureau)
                .await
                .status,
            StatusCode::OK,
            "{l}"
        );
        let r = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &bureau,
                json!({"subject": "theme_day", "topic": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let village = app.login("village").await;
        assert_eq!(
            app.get(&format!("/api/v1/party/orgs/{org}/members"), &village)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.post(
                &path,
                &village,
                json!({"held_on": "2026-11-25", "minutes": "x", "attendance": []})
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn a_branch_secretary_plans_and_records_a_meeting_on_the_pages() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("branch").await;
        let api = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &api).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("branch")
            .to_string();
        let page = format!("/party/orgs/{org}");
        let plan = common::form(&[
            ("_csrf", &csrf),
            ("subject", "party_lecture"),
            ("topic", "医德医风专题党课"),
            ("due_on", "2026-12-01"),
        ]);
        let (reply, to) = app
            .submit(&format!("{page}/activities"), &cookie, &plan)
            .await;
        assert!(
            to.is_some_and(|t| t.ends_with("?done=activity_planned")),
            "{l}"
        );
        let html = reply.text();
        assert!(
            html.contains("医德医风专题党课") && html.contains("党课"),
            "{l}"
        );
        let activity = html
            .split("href=\"/party/activities/")
            .nth(1)
            .and_then(|x| x.split('"').next())
            .expect("the planned activity")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &api)
            .await
            .json();
        let ids: Vec<String> = members
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_string())
            .collect();
        let before: i64 = members
            .as_array()
            .expect("m")
            .iter()
            .map(|m| m["points"].as_i64().unwrap_or(0))
            .sum();
        let mut fields: Vec<(String, String)> = vec![
            ("_csrf".into(), csrf.clone()),
            ("held_on".into(), "2026-12-01".into()),
            (
                "minutes".into(),
                "学习《医疗机构工作人员廉洁从业九项准则》。".into(),
            ),
        ];
        for (n, id) in ids.iter().enumerate() {
            let presence = if n == 0 { "leave" } else { "present" };
            fields.push((format!("presence_{id}"), presence.into()));
            fields.push((format!("reason_{id}"), String::new()));
        }
        let body = |f: &[(String, String)]| {
            let pairs: Vec<(&str, &str)> =
                f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            common::form(&pairs)
        };
        let path = format!("/party/activities/{activity}");
        // A leave without its reason: refused at the attendance, the minutes kept.
        let r = app.post_form(&path, &cookie, &body(&fields)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(
            html.contains("id=\"error-attendance\"") && html.contains("廉洁从业九项准则"),
            "{l}"
        );
        fields.retain(|(k, _)| *k != format!("reason_{}", ids[0]));
        fields.push((format!("reason_{}", ids[0]), "外出进修".into()));
        let (reply, to) = app.submit(&path, &cookie, &body(&fields)).await;
        assert!(
            to.is_some_and(|t| t.ends_with("?done=meeting_recorded")),
            "{l}"
        );
        assert!(
            reply.text().contains("id=\"notice\">会议与出勤已记录"),
            "{l}"
        );
        let after = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &api)
            .await
            .json();
        let after: i64 = after
            .as_array()
            .expect("m")
            .iter()
            .map(|m| m["points"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(
            after,
            before + 2 * (ids.len() as i64 - 1),
            "{l}: 2 points for each present"
        );
        // A village doctor reaches neither page.
        let village = app.ui_cookie("village").await;
        assert_eq!(
            app.page(&page, &village).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.page(&path, &village).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}
