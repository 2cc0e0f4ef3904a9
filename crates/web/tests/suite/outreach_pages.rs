//! Outreach's pages on SQLite and PostgreSQL: the public notice board of this week's
//! experts without a login and without patient data, the office's planning page, the
//! township's record of a session through its form (a typed value given back when
//! refused), the counts page; and the demo's year in the shape of seed 000.

use crate::roster;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use roster::{experts, monday, place, resident_under, session};
use time::Duration;
use yigong_domain::clock::today;
use yigong_testkit::app::{apps, form};

#[tokio::test]
async fn the_public_board_shows_this_weeks_experts_without_a_login_or_a_patient() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let (expert, name) = experts(&app, 1).await[0].clone();
        let here = app.places.township;
        let (place_name, code) = place(&app, here).await;
        let day = monday(0) + Duration::days(6);
        let id = session(
            &app,
            &manager,
            (expert, here, day.max(today())),
            ("08:30", "11:30", 20),
        )
        .await;
        let township = app.login("township").await;
        let patient = resident_under(&app, here).await;
        if day == today() {
            let body =
                serde_json::json!({"people_served": 3, "visits": [{"resident_id": patient.id}]});
            let r = app
                .put(
                    &format!("/api/v1/outreach/sessions/{id}/record"),
                    &township,
                    body,
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        }
        let public = |path: String| {
            let app = &app;
            async move {
                let r = app
                    .request(Request::get(path).body(Body::empty()).expect("request"))
                    .await;
                (r.status, r.text())
            }
        };
        let (status, html) = public(format!("/outreach/this-week?township={code}")).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains(&name) && html.contains(&place_name) && html.contains("08:30–11:30"),
            "{l}"
        );
        assert!(
            !html.contains(&patient.name) && !html.contains(&patient.id_number),
            "{l}: no patient on the board"
        );
        assert!(!html.contains("/logout"), "{l}: nobody is signed in");
        // Next week's board is empty; an unknown township gets the list to choose from.
        let next = monday(1);
        let (_, html) = public(format!("/outreach/this-week?township={code}&week={next}")).await;
        assert!(
            html.contains("id=\"no-experts\"") && !html.contains(&name),
            "{l}"
        );
        let (status, html) = public("/outreach/this-week?township=NOPE".into()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{l}");
        assert!(html.contains(&format!("township={code}")), "{l}");
    }
}

#[tokio::test]
async fn the_township_records_a_session_through_its_form_and_the_office_plans_on_its_page() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let (expert, name) = experts(&app, 1).await[0].clone();
        let here = app.places.township;
        let id = session(
            &app,
            &manager,
            (expert, here, today()),
            ("14:30", "17:00", 20),
        )
        .await;
        let patient = resident_under(&app, here).await;
        let (cookie, csrf) = app.ui_session("township").await;
        let (status, html) = app.page(&format!("/outreach/sessions/{id}"), &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"record-form\"") && !html.contains("id=\"cancel-form\""),
            "{l}"
        );
        // Fewer people than patients: refused with the typed summary given back.
        let path = format!("/outreach/sessions/{id}/record");
        let pid = patient.id.to_string();
        let typed = |served: &str| {
            form(&[
                ("_csrf", &csrf),
                ("version", "0"),
                ("people_served", served),
                ("summary", "带教查体"),
                ("resident_id", &pid),
            ])
        };
        let (r, _) = app.submit(&path, &cookie, &typed("0")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(
            html.contains("服务人次不能少于登记的接诊患者数") && html.contains("带教查体"),
            "{l}"
        );
        let (r, to) = app.submit(&path, &cookie, &typed("9")).await;
        assert_eq!(
            to.as_deref(),
            Some(format!("/outreach/sessions/{id}?done=outreach_recorded").as_str()),
            "{l}"
        );
        let html = r.text();
        assert!(
            html.contains(&patient.name) && html.contains("id=\"session-served\">9<"),
            "{l}"
        );
        // The roster shows the count; the office's figures draw it.
        let (_, roster) = app.page("/outreach", &cookie).await;
        assert!(
            roster.contains("id=\"people-served\">9<") && roster.contains(&name),
            "{l}"
        );
        let (office, office_csrf) = app.ui_session("manager").await;
        let (status, figures) = app.page("/outreach/figures?by=expert", &office).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            figures.contains("id=\"outreach-bars\"") && figures.contains(&name),
            "{l}"
        );
        // The office plans from its page: a template, then a dry run of two weeks.
        let (status, _) = app.page("/outreach/templates", &cookie).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{l}: the township does not plan"
        );
        let fields = [
            ("_csrf", office_csrf.as_str()),
            ("expert_id", &expert.to_string()),
            ("institution_id", &here.to_string()),
            ("weekday", "3"),
            ("start", "08:30"),
            ("end", "11:30"),
            ("capacity", "20"),
        ];
        let (r, to) = app
            .submit("/outreach/templates", &office, &form(&fields))
            .await;
        assert_eq!(
            to.as_deref(),
            Some("/outreach/templates?done=outreach_template_added"),
            "{l}: {}",
            r.text()
        );
        assert!(r.text().contains("class=\"template-row\""), "{l}");
        let (from, until) = (
            monday(1).to_string(),
            (monday(3) - Duration::days(1)).to_string(),
        );
        let plan = [
            ("_csrf", office_csrf.as_str()),
            ("from", &from),
            ("to", &until),
            ("dry_run", "1"),
        ];
        let r = app.post_form("/outreach/plan", &office, &form(&plan)).await;
        assert!(
            r.text().contains("id=\"planned-count\">2<"),
            "{l}: {}",
            r.text()
        );
    }
}

#[tokio::test]
async fn the_demo_year_holds_about_2200_sessions_serving_about_37000_people() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (store, c, t) = (&app.state.store, app.state.community.id, today());
        let added = yigong_demo::seed::outreach::add_history(store, c, 7, t)
            .await
            .expect("demo");
        assert!(
            (2_000..=2_400).contains(&added.held),
            "{l}: {} held",
            added.held
        );
        assert!(
            (33_000..=41_000).contains(&added.people),
            "{l}: {} people",
            added.people
        );
        assert!(added.planned >= 150, "{l}: {} planned", added.planned);
        let manager = app.login("manager").await;
        let period = format!("from={}&to={}", t - Duration::days(366), t);
        let stats = app
            .get(&format!("/api/v1/outreach/stats?{period}"), &manager)
            .await
            .json();
        assert_eq!(
            stats,
            serde_json::json!({"sessions": added.held, "people_served": added.people}),
            "{l}"
        );
        // The township reads only its own place's share.
        let township = app.login("township").await;
        let mine = app
            .get(&format!("/api/v1/outreach/stats?{period}"), &township)
            .await
            .json();
        let n = mine["sessions"].as_i64().expect("sessions");
        assert!(n > 0 && n < added.held as i64, "{l}: {mine}");
        // Residents booked places; the first of them signs in to the window as printed.
        assert!(added.bookings > 50, "{l}: {} bookings", added.bookings);
        let (_, id_number, phone) = store.first_booker(c).await.expect("booker").expect("one");
        let ask = serde_json::json!({"id_number": id_number, "phone": phone});
        let code = app
            .post("/api/v1/portal/code", "", ask.clone())
            .await
            .json()["demo_code"]
            .clone();
        let mut sign = ask;
        sign["code"] = code;
        let token = app.post("/api/v1/portal/sign-in", "", sign).await.json()["token"]
            .as_str()
            .expect("token")
            .to_string();
        let sessions = app.get("/api/v1/portal/sessions", &token).await.json();
        let held: Vec<&serde_json::Value> = sessions
            .as_array()
            .expect("list")
            .iter()
            .filter(|s| s["mine"] == true)
            .collect();
        assert!(!held.is_empty(), "{l}: the demo resident holds a place");
        // Postings, exchanges, mentoring pairs and training of the year.
        let m = yigong_demo::seed::mentoring::add_history(store, c, 7, t)
            .await
            .expect("mentoring");
        assert_eq!(
            (m.postings, m.exchanges, m.pairs, m.trainings),
            (24, 3, 8, 12),
            "{l}"
        );
        let pairs = app
            .get("/api/v1/outreach/mentorships", &manager)
            .await
            .json();
        assert_eq!(pairs.as_array().map(Vec::len), Some(8), "{l}");
        let noted: i64 = pairs
            .as_array()
            .expect("pairs")
            .iter()
            .map(|p| p["notes"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(noted as usize, m.notes, "{l}");
    }
}
