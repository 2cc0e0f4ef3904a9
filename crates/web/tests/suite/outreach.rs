//! Expert outreach's roster through the API on SQLite and PostgreSQL: the office's weekly
//! templates planned over weeks with holidays skipped and conflicts refused with their
//! reason (elsewhere, on leave, on duty, over the weekly cap), re-planning leaving what is
//! planned, who may plan, and whose roster each user reads.

use crate::roster;

use axum::http::StatusCode;
use roster::{column, experts, monday, place, session};
use serde_json::json;
use time::Duration;
use yigong_testkit::app::{apps, problem_fields};

#[tokio::test]
async fn templates_plan_around_holidays_and_conflicts_and_replanning_keeps_what_is_planned() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let [(e1, _), (e2, _)] = <[_; 2]>::try_from(experts(&app, 2).await).expect("two");
        let (here, there) = (app.places.township, app.places.other_township);
        let (here_name, _) = place(&app, here).await;
        let template = |expert, place, start: &str, end: &str| json!({"expert_id": expert, "institution_id": place, "weekday": 2, "start": start, "end": end, "capacity": 2});
        // A township does not plan; the refusal is audited.
        let r = app
            .post(
                "/api/v1/outreach/templates",
                &township,
                template(e1, here, "08:30", "11:30"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        assert!(
            app.audit_by("township")
                .await
                .iter()
                .any(|a| a.0 == "outreach.template" && a.1 == "denied"),
            "{l}"
        );
        // Every wrong field is named at once.
        let r = app
            .post(
                "/api/v1/outreach/templates",
                &manager,
                json!({"expert_id": here, "institution_id": app.places.lead, "weekday": 8, "start": "25:00", "end": "11:00", "capacity": 0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let mut fields = problem_fields(&r.json());
        fields.sort();
        assert_eq!(
            fields,
            [
                "capacity",
                "expert_id",
                "institution_id",
                "start",
                "weekday"
            ],
            "{l}"
        );
        for body in [
            template(e1, here, "08:30", "11:30"),
            template(e1, there, "09:00", "12:00"),
        ] {
            let r = app.post("/api/v1/outreach/templates", &manager, body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        }
        // Four weeks from next Monday: the second Tuesday is a holiday, the third the
        // expert's leave.
        let (from, to) = (monday(1), monday(5) - Duration::days(1));
        let tuesday = |k: i64| monday(k) + Duration::days(1);
        let r = app
            .put(
                &format!("/api/v1/outreach/holidays/{}", tuesday(2)),
                &manager,
                json!({"name": "端午节"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let r = app
            .post(
                "/api/v1/outreach/absences",
                &manager,
                json!({"expert_id": e1, "day": tuesday(3).to_string(), "kind": "leave"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let plan =
            |dry: bool| json!({"from": from.to_string(), "to": to.to_string(), "dry_run": dry});
        let dry = app
            .post("/api/v1/outreach/plan", &manager, plan(true))
            .await
            .json();
        assert_eq!(dry["planned"], 2, "{l}: {dry}");
        let listed =
            |who: &str| format!("/api/v1/outreach/sessions?from={from}&to={to}&per_page=50{who}");
        assert_eq!(
            app.get(&listed(""), &manager).await.json()["total"],
            0,
            "{l}: a dry run writes nothing"
        );
        let done = app
            .post("/api/v1/outreach/plan", &manager, plan(false))
            .await
            .json();
        // Tuesday 1 and 4 at this township; the other template clashes with them, and the
        // third Tuesday is leave for both.
        assert_eq!(done["planned"], 2, "{l}: {done}");
        assert_eq!(
            done["holidays"],
            json!([format!("{} 端午节", tuesday(2))]),
            "{l}"
        );
        let refused: Vec<(String, String, String)> = done["conflicts"]
            .as_array()
            .expect("conflicts")
            .iter()
            .map(|c| {
                (
                    c["day"].as_str().unwrap_or("").to_string(),
                    c["conflicts"][0]["code"].as_str().unwrap_or("").to_string(),
                    c["conflicts"][0]["detail"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect();
        let elsewhere = |k| {
            (
                tuesday(k).to_string(),
                "expert_elsewhere".to_string(),
                here_name.clone(),
            )
        };
        let leave = (
            tuesday(3).to_string(),
            "expert_on_leave".to_string(),
            String::new(),
        );
        assert_eq!(
            refused,
            [elsewhere(1), leave.clone(), leave, elsewhere(4)],
            "{l}"
        );
        let again = app
            .post("/api/v1/outreach/plan", &manager, plan(false))
            .await
            .json();
        assert_eq!(
            (again["planned"].clone(), again["already"].clone()),
            (json!(0), json!(2)),
            "{l}: {again}"
        );
        let days = column(&app.get(&listed(""), &manager).await.json(), "day");
        assert_eq!(
            days,
            [tuesday(1).to_string(), tuesday(4).to_string()],
            "{l}"
        );
        // A weekly cap of one, and a duty shift, refuse a one-off session with the reason.
        let r = app
            .put(
                &format!("/api/v1/outreach/caps/{e2}"),
                &manager,
                json!({"weekly_cap": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        session(
            &app,
            &manager,
            (e2, there, monday(1) + Duration::days(2)),
            ("08:30", "11:30", 10),
        )
        .await;
        let one_off = |day: time::Date| json!({"expert_id": e2, "institution_id": there, "day": day.to_string(), "start": "08:30", "end": "11:30", "capacity": 10});
        let r = app
            .post(
                "/api/v1/outreach/sessions",
                &manager,
                one_off(monday(1) + Duration::days(3)),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("expert_weekly_cap")),
            "{l}"
        );
        let r = app
            .post(
                "/api/v1/outreach/absences",
                &manager,
                json!({"expert_id": e2, "day": (monday(2) + Duration::days(4)).to_string(), "kind": "duty", "start": "09:00", "end": "10:00"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let r = app
            .post(
                "/api/v1/outreach/sessions",
                &manager,
                one_off(monday(2) + Duration::days(4)),
            )
            .await;
        assert_eq!(
            r.json()["error"]["code"],
            "expert_on_duty",
            "{l}: {}",
            r.text()
        );
        // The township reads its own place's roster; the village clinic has none; the
        // office reads every place.
        let mine = app.get(&listed(""), &township).await.json();
        assert_eq!(
            column(&mine, "institution_id"),
            [here.to_string(), here.to_string()],
            "{l}"
        );
        let elsewhere_only = app
            .get(&listed(&format!("&institution_id={there}")), &township)
            .await
            .json();
        assert_eq!(elsewhere_only["total"], 0, "{l}");
        let village = app.login("village").await;
        assert_eq!(
            app.get(&listed(""), &village).await.json()["total"],
            0,
            "{l}"
        );
        assert_eq!(
            app.get(&listed(""), &manager).await.json()["total"],
            3,
            "{l}"
        );
        // Templates: the township sees the one at its place.
        let t = app
            .get("/api/v1/outreach/templates", &township)
            .await
            .json();
        assert_eq!(t.as_array().map(Vec::len), Some(1), "{l}: {t}");
        // A template ended plans no more.
        let id = t[0]["id"].as_str().expect("id");
        let r = app
            .call(
                axum::http::Method::DELETE,
                &format!("/api/v1/outreach/templates/{id}"),
                Some(&manager),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        let later = json!({"from": monday(5).to_string(), "to": (monday(6) - Duration::days(1)).to_string()});
        let r = app
            .post("/api/v1/outreach/plan", &manager, later)
            .await
            .json();
        assert_eq!(
            r["planned"], 1,
            "{l}: only the other township's template remains: {r}"
        );
    }
}
