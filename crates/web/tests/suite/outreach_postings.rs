//! Postings, exchanges, mentoring and training on SQLite and PostgreSQL: the official
//! indicator counts only intermediate-or-senior physicians posted at least six months of
//! the year (a posting's days inside the year only, each person once) per 10,000
//! residents; an exchange is two postings sharing its id; the apprentice's clinic notes
//! progress and techniques; training attendance and scores.

use crate::roster;

use axum::http::StatusCode;
use roster::experts;
use serde_json::{Value, json};
use yigong_domain::access::Role;
use yigong_domain::clock::today;
use yigong_testkit::app::{apps, problem_fields};

fn rows(v: &Value, key: &str) -> Vec<Value> {
    v[key].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn the_indicator_counts_six_months_inside_the_year_and_exchanges_go_both_ways() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let c = app.state.community.id;
        let lead = app
            .state
            .store
            .staff_of(c, app.places.lead)
            .await
            .expect("staff");
        let title = |t: &str| {
            lead.iter()
                .find(|s| s.title == t)
                .map(|s| s.id)
                .unwrap_or_else(|| panic!("a {t}"))
        };
        let [(senior, _), (other, _)] = <[_; 2]>::try_from(experts(&app, 2).await).expect("two");
        let (junior, nurse) = (
            title("resident_physician"),
            lead.iter()
                .find(|s| s.title.contains("nurse"))
                .expect("a nurse")
                .id,
        );
        let year = today().year() - 1;
        let site = app.places.township;
        let post = |staff: uuid::Uuid, start: String, end: String| json!({"staff_id": staff, "institution_id": site, "kind": "long_term", "start_on": start, "end_on": end});
        let first_half = (format!("{year}-01-01"), format!("{year}-07-15"));
        for staff in [senior, junior, nurse] {
            let r = app
                .post(
                    "/api/v1/outreach/postings",
                    &manager,
                    post(staff, first_half.0.clone(), first_half.1.clone()),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        }
        // 1 September to 31 March: 90 days of the year, not six months.
        let across = post(
            other,
            format!("{}-09-01", year - 1),
            format!("{year}-03-31"),
        );
        assert_eq!(
            app.post("/api/v1/outreach/postings", &manager, across)
                .await
                .status,
            StatusCode::CREATED,
            "{l}"
        );
        // Refusals: the township does not record; an end before the start; a township's
        // staff member is not posted down.
        assert_eq!(
            app.post(
                "/api/v1/outreach/postings",
                &township,
                post(senior, first_half.0.clone(), String::new())
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let r = app
            .post(
                "/api/v1/outreach/postings",
                &manager,
                post(senior, format!("{year}-05-01"), format!("{year}-04-01")),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["end_on"], "{l}");
        let grassroots = app.staff_at(site, 1).await[0];
        let r = app
            .post(
                "/api/v1/outreach/postings",
                &manager,
                post(grassroots, first_half.0.clone(), String::new()),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "not_an_expert", "{l}");
        let v = app
            .get(&format!("/api/v1/outreach/postings?year={year}"), &manager)
            .await
            .json();
        let residents = app.resident_count().await;
        // One physician of 300 residents: 10,000 / 300 = 33.33 per 10,000.
        assert_eq!(v["indicator"]["counted"], 1, "{l}: {v}");
        assert_eq!(v["indicator"]["residents"], residents, "{l}");
        let expected = (10_000.0 / residents as f64 * 100.0).round() / 100.0;
        assert_eq!(v["indicator"]["per_10000"].as_f64(), Some(expected), "{l}");
        assert_eq!(rows(&v, "postings").len(), 4, "{l}");
        // An exchange: the hospital's physician goes to the township's clinic, the
        // township's doctor comes up, over the same days.
        let r = app
            .post(
                "/api/v1/outreach/exchanges",
                &manager,
                json!({"down_staff_id": other, "up_staff_id": grassroots, "start_on": format!("{year}-09-01")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let exchange = r.json()["exchange_id"].clone();
        let v = app
            .get(&format!("/api/v1/outreach/postings?year={year}"), &manager)
            .await
            .json();
        let halves: Vec<(String, String)> = rows(&v, "postings")
            .iter()
            .filter(|p| p["exchange_id"] == exchange)
            .map(|p| {
                (
                    p["direction"].as_str().unwrap_or("").into(),
                    p["institution_id"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        assert_eq!(halves.len(), 2, "{l}");
        assert!(
            halves.contains(&("down".into(), site.to_string()))
                && halves.contains(&("up".into(), app.places.lead.to_string())),
            "{l}: {halves:?}"
        );
        assert_eq!(v["exchanges"], 1, "{l}");
        // Ending one half ends the exchange; once ended, not again.
        let id = rows(&v, "postings")
            .iter()
            .find(|p| p["exchange_id"] == exchange)
            .expect("half")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let end = json!({"end_on": format!("{year}-12-01")});
        assert_eq!(
            app.post(
                &format!("/api/v1/outreach/postings/{id}/end"),
                &manager,
                end.clone()
            )
            .await
            .status,
            StatusCode::NO_CONTENT,
            "{l}"
        );
        let r = app
            .post(
                &format!("/api/v1/outreach/postings/{id}/end"),
                &manager,
                end,
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "posting_not_running", "{l}");
        let v = app
            .get(&format!("/api/v1/outreach/postings?year={year}"), &manager)
            .await
            .json();
        assert!(
            rows(&v, "postings")
                .iter()
                .filter(|p| p["exchange_id"] == exchange)
                .all(|p| p["end_on"] == format!("{year}-12-01")),
            "{l}"
        );
        // The township reads the postings at its place only; the page shows the figure.
        let mine = app
            .get(&format!("/api/v1/outreach/postings?year={year}"), &township)
            .await
            .json();
        assert!(
            rows(&mine, "postings")
                .iter()
                .all(|p| p["institution_id"] == json!(site)),
            "{l}"
        );
        let office = app.ui_cookie("manager").await;
        let (status, html) = app
            .page(&format!("/outreach/postings?year={year}"), &office)
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains(&format!("id=\"per-10000\">{expected:.2}<")),
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_apprentices_clinic_notes_progress_and_techniques_and_records_training() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let (master, _) = experts(&app, 1).await[0].clone();
        let staff = app.staff_at(app.places.township, 3).await;
        let apprentice = staff[0];
        let r = app
            .post(
                "/api/v1/outreach/mentorships",
                &manager,
                json!({"master_id": master, "apprentice_id": master, "goals": "x"}),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["apprentice_id"], "{l}");
        assert_eq!(
            app.post(
                "/api/v1/outreach/mentorships",
                &township,
                json!({"master_id": master, "apprentice_id": apprentice, "goals": "x"})
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let r = app
            .post("/api/v1/outreach/mentorships", &manager, json!({"master_id": master, "apprentice_id": apprentice, "goals": "独立开展清创缝合"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let pair = r.json()["id"].as_str().expect("id").to_string();
        let note = |technique: &str| json!({"note": "现场带教", "technique": technique});
        for t in ["清创缝合术", "清创缝合术", "关节腔注射", ""] {
            let r = app
                .post(
                    &format!("/api/v1/outreach/mentorships/{pair}/notes"),
                    &township,
                    note(t),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        }
        let r = app
            .post(
                &format!("/api/v1/outreach/mentorships/{pair}/notes"),
                &township,
                json!({"note": " "}),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["note"], "{l}");
        let v = app
            .get(&format!("/api/v1/outreach/mentorships/{pair}"), &township)
            .await
            .json();
        assert_eq!(
            (v["notes"].as_array().map(Vec::len), v["techniques"].clone()),
            (Some(4), json!(2)),
            "{l}: {v}"
        );
        // Another township's doctor neither reads nor notes the pair.
        app.add_account(
            "far_doc",
            Role::TownshipDoctor,
            (app.places.other_township, None),
        )
        .await;
        let far = app.login("far_doc").await;
        assert_eq!(
            app.get(&format!("/api/v1/outreach/mentorships/{pair}"), &far)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.post(
                &format!("/api/v1/outreach/mentorships/{pair}/notes"),
                &far,
                note("x")
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        // A training at the township: three attend, two assessed, one passes.
        let attendees = json!([{"staff_id": staff[0], "score": 80}, {"staff_id": staff[1], "score": 50}, {"staff_id": staff[2]}]);
        let body = json!({"institution_id": app.places.township, "title": "急诊心肺复苏实操", "held_on": today().to_string(), "attendees": attendees});
        let r = app
            .post("/api/v1/outreach/trainings", &township, body.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(
            app.post("/api/v1/outreach/trainings", &far, body)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let t = app.get("/api/v1/outreach/trainings", &manager).await.json();
        let got = &t["trainings"][0];
        assert_eq!(
            (
                got["attendees"].clone(),
                got["assessed"].clone(),
                got["passed"].clone()
            ),
            (json!(3), json!(2), json!(1)),
            "{l}: {t}"
        );
        assert_eq!(t["techniques"], 2, "{l}");
        assert_eq!(
            app.get("/api/v1/outreach/trainings", &far).await.json()["trainings"],
            json!([]),
            "{l}"
        );
        // The pages.
        let (cookie, csrf) = app.ui_session("township").await;
        let (status, html) = app.page("/outreach/mentoring", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"techniques\">2<") && html.contains("急诊心肺复苏实操"),
            "{l}"
        );
        let form = yigong_testkit::app::form(&[
            ("_csrf", &csrf),
            ("note", "跟师门诊"),
            ("technique", "胃镜检查"),
        ]);
        let (r, to) = app
            .submit(&format!("/outreach/mentoring/{pair}/note"), &cookie, &form)
            .await;
        assert_eq!(
            to,
            Some(format!(
                "/outreach/mentoring/{pair}?done=outreach_note_added"
            )),
            "{l}: {}",
            r.text()
        );
        assert!(r.text().contains("id=\"pair-techniques\">3<"), "{l}");
    }
}
