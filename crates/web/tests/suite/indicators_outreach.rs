//! The outreach indicators on SQLite and PostgreSQL, kept as the township records its
//! sessions: a held session counts once with the people it served, a corrected record
//! moves the count by the correction only, the cases behind the figure are the sessions,
//! and a rebuild gives the same numbers.

use crate::figure_probe::{case_behind, month, this_month};
use crate::roster::{experts, session};
use serde_json::json;
use yigong_domain::clock::today;
use yigong_testkit::app::{TestApp, apps};

/// (sessions held, people served) this month.
async fn outreach_figures(app: &TestApp, token: &str) -> (i64, i64) {
    let codes = ["outreach_sessions", "outreach_people_served"];
    let f = this_month(app, token, "", &codes).await;
    (f[0].0, f[1].0)
}

#[tokio::test]
async fn a_recorded_session_counts_once_and_a_correction_moves_only_its_difference() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let before = outreach_figures(&app, &manager).await;
        let [(expert, _)] = <[_; 1]>::try_from(experts(&app, 1).await).expect("an expert");
        let here = app.places.township;
        let id = session(
            &app,
            &manager,
            (expert, here, today()),
            ("08:30", "11:30", 20),
        )
        .await;
        // Planned: nothing counts yet.
        assert_eq!(outreach_figures(&app, &manager).await, before, "{l}");
        let path = format!("/api/v1/outreach/sessions/{id}/record");
        let record = |served: i64| {
            json!({"people_served": served, "procedures": 0, "teaching_rounds": 1, "lectures": 0,
                   "summary": "带教血压测量", "visits": []})
        };
        let r = app.put(&path, &township, record(5)).await;
        assert_eq!(r.status.as_u16(), 204, "{l}: {}", r.text());
        assert_eq!(
            outreach_figures(&app, &manager).await,
            (before.0 + 1, before.1 + 5),
            "{l}"
        );
        let r = app.put(&path, &township, record(12)).await;
        assert_eq!(r.status.as_u16(), 204, "{l}: {}", r.text());
        let want = (before.0 + 1, before.1 + 12);
        assert_eq!(
            outreach_figures(&app, &manager).await,
            want,
            "{l}: corrected, not added"
        );

        let part = ("outreach_people_served", "numerator");
        let (ours, _) = case_behind(&app, &manager, part, &id).await;
        assert_eq!(
            (
                &ours["source"],
                &ours["kind"],
                &ours["served"],
                &ours["diagnoses"]
            ),
            (
                &json!("session"),
                &json!("held"),
                &json!(12),
                &json!("带教血压测量")
            ),
            "{l}"
        );
        let month = month();
        let cookie = app.ui_cookie("manager").await;
        let (s, page) = app
            .page(
                &format!("/indicators/outreach_people_served/cases?period={month}&part=numerator"),
                &cookie,
            )
            .await;
        assert_eq!(s.as_u16(), 200, "{l}");
        assert!(page.contains("服务人次 12"), "{l}");

        app.state
            .store
            .rebuild_tallies(app.state.community.id)
            .await
            .expect("rebuild");
        assert_eq!(outreach_figures(&app, &manager).await, want, "{l} rebuilt");
    }
}
