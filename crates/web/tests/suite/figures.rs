//! The figures pages on SQLite and PostgreSQL: a period and an area chosen once, numbers
//! that open the records behind them, low performers marked, and an export of the table.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::json;

/// The four counts and the drill-down links of an institution's row.
fn row_of(html: &str, name: &str) -> Vec<(i64, Option<String>)> {
    let table = &html[html.find("id=\"by-institution\"").expect("the table")..];
    let start = table.find(&format!(">{name}</td>")).expect("the row");
    let row = &table[start..table[start..].find("</tr>").expect("row end") + start];
    row.split("<td class=\"num\">")
        .skip(1)
        .take(4)
        .map(|cell| {
            let cell = &cell[..cell.find("</td>").expect("cell end")];
            match cell.find("href=\"") {
                Some(h) => {
                    let rest = &cell[h + 6..];
                    let href = rest[..rest.find('"').expect("href end")].replace("&#38;", "&");
                    let n = rest[rest.find('>').expect(">") + 1..rest.find("</a>").expect("</a>")]
                        .replace(',', "");
                    (n.parse().expect("a count"), Some(href))
                }
                None => (cell.replace(',', "").parse().expect("a count"), None),
            }
        })
        .collect()
}

async fn institution_name(app: &TestApp, id: uuid::Uuid) -> String {
    app.state
        .store
        .list_institutions(app.state.community.id)
        .await
        .expect("institutions")
        .into_iter()
        .find(|i| i.id == id)
        .expect("the institution")
        .name
}

#[tokio::test]
async fn referral_figures_cover_a_period_and_an_area_and_open_the_referrals_behind_them() {
    for app in apps(600).await {
        let l = &app.label;
        let office = app.ui_cookie("manager").await;
        let village_name = institution_name(&app, app.places.village).await;
        let today = yigong_domain::clock::today();
        let page = format!(
            "/referrals/stats?from={today}&to={today}&area={}",
            app.places.township
        );
        let (status, before) = app.page(&page, &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let before = row_of(&before, &village_name);
        // Three patients of the village go up today, and one comes back down to it.
        let village_doctor = app.login("village").await;
        let people = app.residents_at(app.places.village, 3).await;
        for p in &people {
            let r = app
                .post(
                    "/api/v1/referrals",
                    &village_doctor,
                    json!({"resident_id": p.id, "direction": "up", "urgency": "routine",
                        "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
                        "reason": "胸闷", "icd10_code": "I20.0"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        }
        let specialist = app.login("specialist").await;
        let down = app
            .post(
                "/api/v1/referrals",
                &specialist,
                json!({"resident_id": people[0].id, "direction": "down", "urgency": "routine",
                    "to_institution_id": app.places.village, "reason": "康复随访", "icd10_code": "I20.0"}),
            )
            .await;
        assert_eq!(down.status, StatusCode::CREATED, "{l}: {}", down.text());
        let (_, html) = app.page(&page, &office).await;
        let after = row_of(&html, &village_name);
        assert_eq!(after[0].0, before[0].0 + 3, "{l}: up, sent");
        assert_eq!(after[3].0, before[3].0 + 1, "{l}: down, received");
        // Each number opens the referrals behind it, as many as it says.
        for (n, href) in &after {
            let Some(href) = href else { continue };
            let (status, list) = app.page(&format!("{href}&per_page=200"), &office).await;
            assert_eq!(status, StatusCode::OK, "{l}: {href}");
            assert_eq!(
                list.matches("class=\"referral-row\"").count() as i64,
                *n,
                "{l}: {href}"
            );
        }
        // The area keeps only the township and its villages.
        assert!(
            !html.contains(&format!(
                ">{}</td>",
                institution_name(&app, app.places.other_township).await
            )),
            "{l}"
        );
        // The export holds the same table, named by period and area.
        let reply = app
            .page_reply(
                &format!(
                    "/referrals/stats/export?from={today}&to={today}&area={}",
                    app.places.township
                ),
                &office,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let disposition = reply.headers["content-disposition"]
            .to_str()
            .expect("ascii");
        let township_name = institution_name(&app, app.places.township).await;
        assert!(
            disposition.contains(&common::encode(&township_name)),
            "{l}: {disposition}"
        );
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        let line = table
            .rows
            .iter()
            .find(|(_, r)| r[0] == village_name)
            .expect("the village");
        assert_eq!(line.1[1], after[0].0.to_string(), "{l}");
        assert_eq!(line.1[4], after[3].0.to_string(), "{l}");
        // A span the wrong way round is refused with a reason; the bureau may look.
        let (status, html) = app
            .page(
                &format!("/referrals/stats?from={today}&to=2020-01-01"),
                &office,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{l}");
        assert!(html.contains("截止日期不能早于起始日期"), "{l}");
        let bureau = app.ui_cookie("bureau").await;
        assert_eq!(
            app.page("/referrals/stats?period=year", &bureau).await.0,
            StatusCode::OK,
            "{l}"
        );
        assert_eq!(
            app.page("/ecg/stats", &bureau).await.0,
            StatusCode::OK,
            "{l}"
        );
        let village = app.ui_cookie("village").await;
        assert_eq!(
            app.page("/referrals/stats", &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}

/// The studies count and its link on an institution's row of the ECG figures.
fn sender_of(html: &str, name: &str) -> (i64, Option<String>) {
    let table = &html[html.find("id=\"by-institution\"").expect("the table")..];
    let start = table.find(&format!(">{name}</td>")).expect("the row");
    let cell = &table[start..]
        .split("<td class=\"num\">")
        .nth(1)
        .expect("a cell");
    let cell = &cell[..cell.find("</td>").expect("cell end")];
    match cell.find("href=\"") {
        Some(h) => {
            let rest = &cell[h + 6..];
            let href = rest[..rest.find('"').expect("end")].replace("&#38;", "&");
            let n = &rest[rest.find('>').expect(">") + 1..rest.find("</a>").expect("</a>")];
            (n.replace(',', "").parse().expect("a count"), Some(href))
        }
        None => (cell.replace(',', "").parse().expect("a count"), None),
    }
}

#[tokio::test]
async fn ecg_figures_cover_a_period_and_an_area_and_open_the_studies_behind_them() {
    for app in apps(600).await {
        let l = &app.label;
        let office = app.ui_cookie("manager").await;
        let name = institution_name(&app, app.places.township).await;
        let today = yigong_domain::clock::today();
        let page = format!(
            "/ecg/stats?from={today}&to={today}&area={}",
            app.places.township
        );
        let (status, html) = app.page(&page, &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let (before, _) = sender_of(&html, &name);
        let township = app.login("township").await;
        for p in app.residents_at(app.places.township, 2).await {
            app.upload_dicom(&township, p.id).await;
        }
        let (_, html) = app.page(&page, &office).await;
        let (after, href) = sender_of(&html, &name);
        assert_eq!(after, before + 2, "{l}");
        let href = href.expect("a link");
        let (_, list) = app.page(&format!("{href}&per_page=200"), &office).await;
        assert_eq!(
            list.matches("class=\"ecg-row").count() as i64,
            after,
            "{l}: {href}"
        );
        assert!(
            !html.contains(&format!(
                ">{}</td>",
                institution_name(&app, app.places.other_township).await
            )),
            "{l}: only the township and its villages"
        );
        let reply = app
            .page_reply(
                &format!(
                    "/ecg/stats/export?from={today}&to={today}&area={}",
                    app.places.township
                ),
                &office,
            )
            .await;
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        let line = table
            .rows
            .iter()
            .find(|(_, r)| r[0] == name)
            .expect("the township");
        assert_eq!(line.1[1], after.to_string(), "{l}");
        let (status, _) = app.page("/ecg/stats?period=fortnight", &office).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{l}");
    }
}

/// Every `<a href="prefix…">text</a>` of a page, the href unescaped.
fn links(html: &str, prefix: &str) -> Vec<(String, String)> {
    html.split(&format!("<a href=\"{prefix}"))
        .skip(1)
        .map(|rest| {
            let href =
                format!("{prefix}{}", &rest[..rest.find('"').expect("end")]).replace("&#38;", "&");
            let text = &rest[rest.find('>').expect(">") + 1..rest.find("</a>").expect("</a>")];
            (href, text.to_string())
        })
        .collect()
}

#[tokio::test]
async fn quality_figures_open_the_patients_behind_them() {
    for app in apps(2000).await {
        let l = &app.label;
        // Five hypertensive patients of the village: three seen controlled, one not.
        let village = app.login("village").await;
        let people = app.residents_at(app.places.village, 5).await;
        assert_eq!(people.len(), 5, "{l}");
        for (n, p) in people.iter().enumerate() {
            let register = app
                .enrol_due(p.id, app.places.village, "hypertension", 60, 1)
                .await;
            let reading = match n {
                0..=2 => json!({"systolic": 124, "diastolic": 78}),
                3 => json!({"systolic": 156, "diastolic": 98}),
                _ => continue,
            };
            let r = app
                .post(
                    &format!("/api/v1/registers/{register}/follow-ups"),
                    &village,
                    reading,
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        }
        let township = app.ui_cookie("township").await;
        let (status, html) = app.page("/chronic/quality", &township).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let managed: Vec<(String, String)> = links(&html, "/chronic/patients?")
            .into_iter()
            .filter(|(h, _)| h.ends_with("counted=managed"))
            .collect();
        assert!(!managed.is_empty(), "{l}: clinic rows link their patients");
        let village_row = managed
            .iter()
            .find(|(h, _)| {
                h.contains(&app.places.village.to_string()) && h.contains("hypertension")
            })
            .expect("the village's hypertension row");
        assert_eq!(village_row.1, "5", "{l}");
        for (href, n) in &managed {
            let (status, list) = app.page(href, &township).await;
            assert_eq!(status, StatusCode::OK, "{l}: {href}");
            assert!(
                list.contains(&format!("共 {n} 条")),
                "{l}: {href} holds {n}"
            );
            // The controlled share of the same row is the share of these patients.
            let controlled_href = href.replace("counted=managed", "counted=controlled");
            let (_, controlled) = app.page(&controlled_href, &township).await;
            let total = |page: &str| -> f64 {
                let at = page.find("共 ").expect("a count") + "共 ".len();
                page[at..at + page[at..].find(' ').expect("space")]
                    .replace(',', "")
                    .parse()
                    .expect("n")
            };
            let share = format!("{:.0}%", total(&controlled) / total(&list) * 100.0);
            assert!(
                html.contains(&format!(
                    "href=\"{}\">{share}</a>",
                    controlled_href.replace('&', "&#38;")
                )),
                "{l}: {share}"
            );
        }
        // The bureau sees the figures, never the patients.
        let bureau = app.ui_cookie("bureau").await;
        assert_eq!(
            app.page(&managed[0].0, &bureau).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let reply = app.page_reply("/chronic/quality/export", &township).await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let table = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(
            table.rows.len(),
            managed.len(),
            "{l}: one line per clinic and disease"
        );
    }
}

#[tokio::test]
async fn contract_coverage_covers_an_area_and_exports_its_table() {
    for app in apps(600).await {
        let l = &app.label;
        let office = app.ui_cookie("manager").await;
        let area = app.places.township;
        let (status, html) = app.page(&format!("/contracts?area={area}"), &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        let table = &html[html.find("id=\"by-institution\"").expect("the table")..];
        let table = &table[..table.find("</table>").expect("end")];
        let other = institution_name(&app, app.places.other_township).await;
        assert!(
            !table.contains(&format!(">{other}</td>")),
            "{l}: not another township"
        );
        let village = institution_name(&app, app.places.village).await;
        assert!(
            table.contains(&format!(">{village}</td>")),
            "{l}: its village"
        );
        let shown =
            table.matches("<tr class=\"").count() - table.matches("<tr class=\"total\"").count();
        let reply = app
            .page_reply(&format!("/contracts/export?area={area}"), &office)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let xlsx = yigong_app::import::xlsx::read(&reply.body).expect("an xlsx");
        assert_eq!(xlsx.rows.len(), shown, "{l}: the clinics shown");
        assert!(xlsx.rows.iter().any(|(_, r)| r[0] == village), "{l}");
        let (status, _) = app.page("/contracts?area=somewhere", &office).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{l}");
        // The contracted count opens the residents behind it.
        let (href, text) = links(table, "/contracts/clinic/")
            .into_iter()
            .find(|(h, _)| h.ends_with(&app.places.village.to_string()))
            .expect("the village's count is a link");
        let n = text.split(' ').next().expect("count").replace(',', "");
        let (status, list) = app.page(&format!("{href}?page=1"), &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            list.contains(&format!("共 {n} 条")),
            "{l}: {n} behind the count"
        );
        let bureau = app.ui_cookie("bureau").await;
        let (_, figures) = app.page(&format!("/contracts?area={area}"), &bureau).await;
        assert!(
            !figures.contains("/contracts/clinic/"),
            "{l}: no link for the bureau"
        );
        assert_eq!(
            app.page(&href, &bureau).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
