//! The working lists on SQLite and PostgreSQL: filters, a search box, sortable columns and
//! an Excel export of exactly the rows shown, for referrals and ECG studies.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::json;
use std::collections::BTreeSet;

/// The ids of the rows a list page shows, in order (`data-id="…"`).
fn row_ids(html: &str) -> Vec<String> {
    html.split("data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Three residents in the township doctor's reach with three different family names.
async fn three_people(app: &TestApp) -> Vec<yigong_store::residents::Resident> {
    let mut seen = BTreeSet::new();
    let mut people = app.residents_at(app.places.village, 200).await;
    people.extend(app.residents_at(app.places.township, 200).await);
    people
        .into_iter()
        .filter(|r| seen.insert(r.name.chars().next()))
        .take(3)
        .collect()
}

async fn refer(
    app: &TestApp,
    token: &str,
    resident: uuid::Uuid,
    urgency: &str,
    code: &str,
) -> String {
    let mut body = json!({
        "resident_id": resident, "direction": "up", "urgency": urgency,
        "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
        "reason": "胸痛", "icd10_code": code,
    });
    if urgency == "emergency" {
        body["pathway"] = json!("chest_pain");
    }
    let r = app.post("/api/v1/referrals", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn the_referral_list_filters_searches_sorts_and_exports_what_it_shows() {
    for app in apps(600).await {
        let l = &app.label;
        let township = app.login("township").await;
        let people = three_people(&app).await;
        assert_eq!(people.len(), 3, "{l}");
        let a = refer(&app, &township, people[0].id, "urgent", "I20.0").await;
        let b = refer(&app, &township, people[1].id, "emergency", "I21.0").await;
        let c = refer(&app, &township, people[2].id, "routine", "I10").await;
        let cancel = app
            .post(
                &format!("/api/v1/referrals/{c}/cancel"),
                &township,
                json!({"reason": "患者拒绝"}),
            )
            .await;
        assert_eq!(cancel.status, StatusCode::OK, "{l}: {}", cancel.text());
        let mine = [a.clone(), b.clone(), c.clone()];
        let mine = &mine;
        let cookie = app.ui_cookie("township").await;
        let shown = |path: String| {
            let cookie = cookie.clone();
            let app = &app;
            async move {
                let (status, html) = app.page(&path, &cookie).await;
                assert_eq!(status, StatusCode::OK, "{}: {path}", app.label);
                row_ids(&html)
                    .into_iter()
                    .filter(|id| mine.contains(id))
                    .collect::<Vec<_>>()
            }
        };
        // The search box: a resident's name, pinyin initials, or an ICD-10 code.
        let name = &people[1].name;
        let by_name = shown(format!("/referrals?view=all&q={}", common::encode(name))).await;
        assert_eq!(by_name, vec![b.clone()], "{l}: by name");
        let initials = yigong_domain::text::pinyin_initials(name);
        let by_initials = shown(format!("/referrals?view=all&q={}", initials.to_uppercase())).await;
        assert_eq!(by_initials, vec![b.clone()], "{l}: by initials");
        assert_eq!(
            shown("/referrals?view=all&q=i21".into()).await,
            vec![b.clone()],
            "{l}"
        );
        // Each filter keeps what it names.
        let status = shown("/referrals?view=all&status=cancelled".into()).await;
        assert_eq!(status, vec![c.clone()], "{l}: status");
        let urgency = shown("/referrals?view=all&urgency=emergency".into()).await;
        assert_eq!(urgency, vec![b.clone()], "{l}: urgency");
        let today = yigong_domain::clock::today();
        let yesterday = today.previous_day().expect("a day");
        let this_day = shown(format!("/referrals?view=all&from={today}&to={today}")).await;
        assert_eq!(this_day.len(), 3, "{l}: sent today");
        let before = shown(format!("/referrals?view=all&to={yesterday}")).await;
        assert!(before.is_empty(), "{l}: nothing of ours before today");
        // Sortable columns: newest first by default, oldest first reversed, emergencies first.
        assert_eq!(
            shown("/referrals?view=all".into()).await,
            [c.clone(), b.clone(), a.clone()],
            "{l}"
        );
        let oldest = shown("/referrals?view=all&sort=waiting&dir=desc".into()).await;
        assert_eq!(
            oldest,
            [a.clone(), b.clone(), c.clone()],
            "{l}: longest waiting first"
        );
        let urgent_first = shown("/referrals?view=all&sort=urgency".into()).await;
        assert_eq!(
            urgent_first,
            [b.clone(), a.clone(), c.clone()],
            "{l}: emergency, urgent, routine"
        );
        let (_, html) = app
            .page("/referrals?view=all&status=requested&sort=urgency", &cookie)
            .await;
        assert!(
            html.contains("aria-sort=\"ascending\"><a class=\"sort\" href=\"/referrals?view=all&#38;status=requested&#38;sort=urgency&#38;dir=desc\">"),
            "{l}: the sorted column offers the reverse and keeps the filters"
        );
        // A malformed day is refused by field, through the API.
        let bad = app
            .get("/api/v1/referrals?from=31.12.2026", &township)
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{l}");
        assert_eq!(bad.json()["error"]["field"], "from", "{l}");
        // The export: exactly the rows the filters select, the filters in its name.
        let reply = app
            .page_reply(
                "/referrals/export?view=all&urgency=emergency&sort=urgency",
                &cookie,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let disposition = reply.headers["content-disposition"]
            .to_str()
            .expect("ascii");
        assert!(
            disposition.contains(&common::encode("双向转诊_急诊")),
            "{l}: {disposition}"
        );
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(table.headers[..3], ["紧急程度", "居民", "诊断"], "{l}");
        let (_, page) = app
            .page(
                "/referrals?view=all&urgency=emergency&per_page=200",
                &cookie,
            )
            .await;
        assert_eq!(
            table.rows.len(),
            row_ids(&page).len(),
            "{l}: as many rows as the list"
        );
        assert!(
            table
                .rows
                .iter()
                .any(|(_, r)| r[1] == *name && r[2].starts_with("I21.0")),
            "{l}: our emergency is in it"
        );
        assert!(
            table.rows.iter().all(|(_, r)| r[0].starts_with("急诊")),
            "{l}"
        );
        let audit = app.audit_by("township").await;
        assert!(
            audit
                .iter()
                .any(|(action, outcome, ..)| action == "referral.export" && outcome == "allowed"),
            "{l}: the export is audited"
        );
    }
}

#[tokio::test]
async fn an_export_is_not_cut_at_one_page() {
    for app in apps(600).await {
        let l = &app.label;
        let township = app.login("township").await;
        let people = app.residents_at(app.places.village, 20).await;
        assert!(!people.is_empty(), "{l}");
        for p in people.iter().cycle().take(205) {
            refer(&app, &township, p.id, "routine", "K35.8").await;
        }
        let cookie = app.ui_cookie("township").await;
        let reply = app
            .page_reply("/referrals/export?view=all&q=K35", &cookie)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(
            table.rows.len(),
            205,
            "{l}: every row, past the 200 of a page"
        );
        let (_, html) = app.page("/referrals?view=all&q=K35", &cookie).await;
        assert!(html.contains("共 205 条"), "{l}: the count");
    }
}

#[tokio::test]
async fn the_ecg_list_filters_searches_sorts_and_exports_what_it_shows() {
    for app in apps(600).await {
        let l = &app.label;
        let township = app.login("township").await;
        let people = three_people(&app).await;
        let mut ids = Vec::new();
        for p in &people {
            ids.push(app.upload_dicom(&township, p.id).await.to_string());
        }
        let cookie = app.ui_cookie("ecg").await;
        let name = &people[0].name;
        let (status, html) = app
            .page(
                &format!("/ecg?view=all&q={}", common::encode(name)),
                &cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let found: Vec<String> = row_ids(&html)
            .into_iter()
            .filter(|i| ids.contains(i))
            .collect();
        assert_eq!(found, vec![ids[0].clone()], "{l}: by name");
        let (_, html) = app.page("/ecg?view=all&status=reported", &cookie).await;
        assert!(
            row_ids(&html).iter().all(|i| !ids.contains(i)),
            "{l}: ours are not reported"
        );
        let (_, html) = app
            .page(
                "/ecg?view=all&status=awaiting&sort=waiting&dir=desc",
                &cookie,
            )
            .await;
        let order: Vec<String> = row_ids(&html)
            .into_iter()
            .filter(|i| ids.contains(i))
            .collect();
        assert!(
            order.is_empty() || order == ids[..order.len()],
            "{l}: oldest first: {order:?}"
        );
        let (_, html) = app
            .page("/ecg?view=all&status=awaiting&sort=waiting", &cookie)
            .await;
        let newest: Vec<String> = row_ids(&html)
            .into_iter()
            .filter(|i| ids.contains(i))
            .collect();
        assert_eq!(newest.first(), Some(&ids[2]), "{l}: newest first");
        let today = yigong_domain::clock::today();
        let (_, html) = app
            .page(
                &format!("/ecg?view=all&from={today}&q={}", common::encode(name)),
                &cookie,
            )
            .await;
        assert_eq!(row_ids(&html), vec![ids[0].clone()], "{l}: uploaded today");
        let bad = app
            .get(
                "/api/v1/ecg/studies?view=all&status=lost",
                &app.login("ecg").await,
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{l}");
        let reply = app
            .page_reply(
                &format!("/ecg/export?view=all&q={}", common::encode(name)),
                &cookie,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let disposition = reply.headers["content-disposition"]
            .to_str()
            .expect("ascii");
        assert!(
            disposition.contains(&common::encode("全部检查")),
            "{l}: {disposition}"
        );
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(table.rows.len(), 1, "{l}");
        assert_eq!(table.rows[0].1[1], *name, "{l}");
        // The village doctor may not export another clinic's studies: its list is its own.
        let village = app.ui_cookie("village").await;
        let reply = app.page_reply("/ecg/export?view=all", &village).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn resident_and_staff_lists_export_what_they_show_masked_as_shown() {
    for app in apps(600).await {
        let l = &app.label;
        let village = app.ui_cookie("village").await;
        let people = app.residents_at(app.places.village, 200).await;
        let family = people[0].name.chars().next().expect("a name").to_string();
        let path = format!("residents?q={}", common::encode(&family));
        let (status, html) = app.page(&format!("/{path}"), &village).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains(&format!(
                "href=\"/residents/export?q={}\"",
                common::encode(&family)
            )),
            "{l}"
        );
        let reply = app
            .page_reply(
                &format!("/residents/export?q={}", common::encode(&family)),
                &village,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        let expected: Vec<&yigong_store::residents::Resident> = people
            .iter()
            .filter(|p| p.name.starts_with(&family))
            .collect();
        assert_eq!(
            table.rows.len(),
            expected.len(),
            "{l}: the village's residents of that name"
        );
        for (_, row) in &table.rows {
            assert!(row[0].starts_with(&family), "{l}: {row:?}");
            let person = expected
                .iter()
                .find(|p| p.name == row[0])
                .expect("one of ours");
            assert_eq!(
                row[3],
                common::masked_id(&person.id_number),
                "{l}: masked as on the page"
            );
            assert!(
                !row.iter().any(|c| c == &person.id_number),
                "{l}: never the full number"
            );
        }
        // Staff: the institution filter and the export agree.
        let office = app.ui_cookie("manager").await;
        let inst = app.places.township;
        let (_, html) = app
            .page(
                &format!("/staff?institution_id={inst}&per_page=200"),
                &office,
            )
            .await;
        let shown = html.matches("<tr><td>").count();
        assert!(shown > 0, "{l}");
        let reply = app
            .page_reply(&format!("/staff/export?institution_id={inst}"), &office)
            .await;
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(table.rows.len(), shown, "{l}");
        let name = &table.rows[0].1[3];
        assert!(
            table.rows.iter().all(|(_, r)| &r[3] == name),
            "{l}: one institution"
        );
        let disposition = reply.headers["content-disposition"]
            .to_str()
            .expect("ascii");
        assert!(
            disposition.contains(&common::encode(name)),
            "{l}: {disposition}"
        );
    }
}

#[tokio::test]
async fn the_team_list_searches_by_name_and_township_and_exports_what_it_shows() {
    for app in apps(300).await {
        let l = &app.label;
        let ours = app.team("鹭西第一团队", &[app.places.village]).await;
        let other = app.team("鹭东%团队", &[app.places.village]).await;
        let office = app.ui_cookie("manager").await;
        let (status, html) = app.page("/teams?q=%E9%B9%AD%E8%A5%BF", &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains(&format!("href=\"/teams/{ours}\"")), "{l}");
        assert!(
            !html.contains(&format!("href=\"/teams/{other}\"")),
            "{l}: by name"
        );
        // A wildcard typed is a character, not a pattern.
        let (_, html) = app.page("/teams?q=%25", &office).await;
        assert!(html.contains(&format!("href=\"/teams/{other}\"")), "{l}");
        assert!(
            !html.contains(&format!("href=\"/teams/{ours}\"")),
            "{l}: % taken literally"
        );
        let elsewhere = format!("/teams?q=%E9%B9%AD&township={}", app.places.other_township);
        let (_, html) = app.page(&elsewhere, &office).await;
        assert!(
            !html.contains(&format!("href=\"/teams/{ours}\"")),
            "{l}: by township"
        );
        let reply = app
            .page_reply(
                &format!("/teams/export?q=%E9%B9%AD&township={}", app.places.township),
                &office,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        let names: BTreeSet<&str> = table.rows.iter().map(|(_, r)| r[0].as_str()).collect();
        assert_eq!(names, BTreeSet::from(["鹭西第一团队", "鹭东%团队"]), "{l}");
    }
}

#[tokio::test]
async fn views_are_tabs_and_actions_are_buttons() {
    for app in apps(300).await {
        let l = &app.label;
        for (user, page, active) in [
            ("specialist", "/referrals", "/referrals?view=incoming"),
            ("specialist", "/referrals?view=all", "/referrals?view=all"),
            ("ecg", "/ecg", "/ecg?view=worklist"),
            ("township", "/ecg?view=sent", "/ecg?view=sent"),
        ] {
            let cookie = app.ui_cookie(user).await;
            let (status, html) = app.page(page, &cookie).await;
            assert_eq!(status, StatusCode::OK, "{l}: {page}");
            let tabs = &html[html.find("<nav class=\"tabs\"").expect("tabs")..];
            let tabs = &tabs[..tabs.find("</nav>").expect("end")];
            assert!(
                !tabs.contains("button"),
                "{l}: {page}: a tab is not a button"
            );
            assert!(
                tabs.contains(&format!(
                    "class=\"tab active\" href=\"{active}\" aria-current=\"page\""
                )),
                "{l}: {page}: {tabs}"
            );
            assert_eq!(tabs.matches("aria-current").count(), 1, "{l}: {page}");
        }
    }
}
