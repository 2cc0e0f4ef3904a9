//! Result recognition (结果互认) through the API on SQLite and PostgreSQL: an earlier
//! result within its window is offered at ordering and reused or repeated with a reason;
//! a laboratory that failed its assessment is not recognised; the office sets an item's
//! recognition and ordering follows it.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::Centre;

use crate::ordering;
use ordering::{member, past, patients};

#[tokio::test]
async fn an_earlier_ct_is_offered_reused_or_repeated_with_a_reason() {
    for app in apps(600).await {
        let (c, store) = (app.state.community.id, &app.state.store);
        let township = app.login("township").await;
        let people = patients(&app, 3).await;
        let (a, b, d) = (people[0].id, people[1].id, people[2].id);
        let member = member(&app).await;
        let day = Duration::days(1);
        let loaded = store
            .bulk_load_orders(
                c,
                &[
                    // A member's CT 10 days ago: offered.
                    past(
                        (a, "ct_head", Centre::Imaging),
                        (member, member),
                        (day * 10, Duration::minutes(40)),
                    ),
                    // A township's own CT 5 days ago: below the level a CT is recognised from.
                    past(
                        (b, "ct_head", Centre::Imaging),
                        (app.places.township, app.places.township),
                        (day * 5, Duration::minutes(40)),
                    ),
                    // The lead hospital's CT 31 days and an hour ago: outside its 30-day window.
                    past(
                        (d, "ct_head", Centre::Imaging),
                        (app.places.lead, app.places.lead),
                        (day * 31 + Duration::hours(1), Duration::minutes(10)),
                    ),
                ],
            )
            .await
            .expect("load");
        let order = |resident: Uuid, reason: Option<&str>| {
            let mut body = json!({"resident_id": resident, "item_code": "ct_head", "urgency": "routine", "question": "头痛一周"});
            if let Some(r) = reason {
                body["repeat_reason"] = json!(r);
            }
            app.post("/api/v1/orders", &township, body)
        };
        let r = order(a, None).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "{}: {}",
            app.label,
            r.text()
        );
        let e = r.json()["error"].clone();
        assert_eq!(e["code"], "result_recognisable");
        assert_eq!(e["earlier"]["id"], loaded[0].to_string());
        // The day it was reported on in China: ten days ago, or the day after when the
        // forty minutes it took crossed midnight there.
        let reported = time::OffsetDateTime::now_utc() - day * 10 + Duration::minutes(40);
        let reported_on = yigong_domain::clock::local_date(reported);
        assert_eq!(e["earlier"]["reported_on"], reported_on.to_string());
        // The township doctor may read the member's report of their patient.
        let report = app
            .get(&format!("/api/v1/orders/{}", loaded[0]), &township)
            .await;
        assert_eq!(
            report.json()["impression"],
            "头颅CT平扫未见异常。",
            "{}",
            app.label
        );
        for other in [b, d] {
            assert_eq!(
                order(other, None).await.status,
                StatusCode::CREATED,
                "{}",
                app.label
            );
        }

        // Reuse: no order, a repeat avoided with the CT's price saved.
        let reuse = json!({"resident_id": a, "item_code": "ct_head", "result_id": loaded[0]});
        let r = app.post("/api/v1/recognition", &township, reuse).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
        let wrong = json!({"resident_id": a, "item_code": "ct_head", "result_id": loaded[1]});
        let r = app.post("/api/v1/recognition", &township, wrong).await;
        assert_eq!(r.json()["error"]["code"], "result_not_recognisable");
        // Ordered again with a reason: placed, naming the result it did not reuse.
        assert_eq!(
            order(a, Some("boredom")).await.json()["error"]["field"],
            "repeat_reason"
        );
        let r = order(a, Some("condition_changed")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", app.label);
        let id = r.json()["id"].as_str().expect("id").to_string();
        let o = app
            .get(&format!("/api/v1/orders/{id}"), &township)
            .await
            .json();
        assert_eq!(o["repeat_reason"], "condition_changed");
        assert_eq!(o["repeat_of"], loaded[0].to_string());

        let manager = app.login("manager").await;
        let f = app
            .get("/api/v1/diagnostics/figures", &manager)
            .await
            .json();
        assert_eq!(f["recognition"]["reused"], 1, "{}", app.label);
        assert_eq!(f["recognition"]["saved_fen"], 20000);
        assert_eq!(f["recognition"]["repeated"], 1);
        assert_eq!(f["recognition_rate"], 50.0);
        assert_eq!(
            app.get("/api/v1/diagnostics/figures", &township)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_laboratory_that_failed_its_assessment_is_not_recognised() {
    for app in apps(600).await {
        let (c, store) = (app.state.community.id, &app.state.store);
        let township = app.login("township").await;
        let people = patients(&app, 2).await;
        let member = member(&app).await;
        let audit = yigong_store::audit::AuditEntry {
            account_id: None,
            username: "test",
            action: "diagnostics.quality",
            entity: "institution",
            entity_id: None,
            allowed: true,
            detail: "",
            ip: "",
            method: "",
            path: "",
        };
        let day = Duration::days(1);
        let today = yigong_domain::clock::today();
        store
            .record_quality(
                c,
                (app.places.lead, Centre::Laboratory, today - day * 100, true),
                &audit,
            )
            .await
            .expect("eqa");
        store
            .record_quality(
                c,
                (member, Centre::Laboratory, today - day * 100, false),
                &audit,
            )
            .await
            .expect("eqa");
        let hba1c = |resident, performer| {
            let mut p = past(
                (resident, "hba1c", Centre::Laboratory),
                (performer, performer),
                (day * 60, Duration::hours(3)),
            );
            p.order.price_fen = 6000;
            p
        };
        store
            .bulk_load_orders(
                c,
                &[
                    hba1c(people[0].id, app.places.lead),
                    hba1c(people[1].id, member),
                ],
            )
            .await
            .expect("load");
        let offer =
            |resident: Uuid| format!("/api/v1/recognition?resident_id={resident}&item_code=hba1c");
        let lead = app.get(&offer(people[0].id), &township).await.json();
        assert_eq!(
            lead["earlier"]["performer"].as_str().map(|s| !s.is_empty()),
            Some(true),
            "{}: {lead}",
            app.label
        );
        assert_eq!(
            app.get(&offer(people[1].id), &township).await.json()["earlier"],
            Value::Null,
            "{}",
            app.label
        );
    }
}

#[tokio::test]
async fn the_office_sets_an_items_recognition_and_ordering_follows_it() {
    for app in apps(600).await {
        let (c, store) = (app.state.community.id, &app.state.store);
        let (manager, township) = (app.login("manager").await, app.login("township").await);
        let people = patients(&app, 2).await;
        let member = member(&app).await;
        let day = Duration::days(1);
        let minutes = Duration::minutes(30);
        let loaded = store
            .bulk_load_orders(
                c,
                &[
                    past(
                        (people[0].id, "ct_head", Centre::Imaging),
                        (member, member),
                        (day * 10, minutes),
                    ),
                    past(
                        (people[1].id, "ct_head", Centre::Imaging),
                        (app.places.township, app.places.township),
                        (day * 3, minutes),
                    ),
                ],
            )
            .await
            .expect("load");
        let set = json!({"price_fen": 18000, "routine_minutes": 180, "routine_working_hours": true,
            "urgent_minutes": 45, "recognised_days": 5, "lowest_level": "township", "needs_eqa": false});
        let path = "/api/v1/diagnostics/catalogue/ct_head";
        let r = app.put(path, &township, set.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", app.label);
        let mut wrong = set.clone();
        wrong["recognised_days"] = json!(0);
        assert_eq!(
            app.put(path, &manager, wrong).await.json()["error"]["field"],
            "recognised_days"
        );
        wrong = set.clone();
        wrong["lowest_level"] = json!("bureau");
        assert_eq!(
            app.put(path, &manager, wrong).await.json()["error"]["field"],
            "lowest_level"
        );
        let r = app.put(path, &manager, set).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.label, r.text());
        assert_eq!(r.json()["recognised_days"], 5);
        assert_eq!(r.json()["urgent_minutes"], 45);

        // Ten days is now outside the window; the township's own CT three days ago stands.
        let order = |resident: Uuid| json!({"resident_id": resident, "item_code": "ct_head"});
        let r = app
            .post("/api/v1/orders", &township, order(people[0].id))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let o = app
            .get(&format!("/api/v1/orders/{id}"), &township)
            .await
            .json();
        assert_eq!(o["price_fen"], 18000);
        assert_eq!(o["target_minutes"], 180);
        let r = app
            .post("/api/v1/orders", &township, order(people[1].id))
            .await;
        assert_eq!(
            r.json()["error"]["earlier"]["id"],
            loaded[1].to_string(),
            "{}",
            app.label
        );

        // The page sends a wrong value back with what was typed.
        let (cookie, csrf) = app.ui_session("manager").await;
        let form = format!(
            "_csrf={csrf}&price=180.00&routine_minutes=%E4%BA%94&urgent_minutes=45&recognised_days=5&lowest_level=township"
        );
        let r = app
            .post_form("/diagnostics/catalogue/ct_head", &cookie, &form)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let html = r.text();
        assert!(html.contains("value=\"五\""), "{}", app.label);
        assert!(html.contains("常规报告时限"), "{}", app.label);
    }
}
