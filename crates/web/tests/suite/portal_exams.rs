//! Examination time slots on SQLite and PostgreSQL: the imaging centre opens slots for an
//! item; a resident books one from their window for the CT their township ordered (the
//! capacity holds, one time per order, only their own orders, only the item's slots);
//! the order shows the time to the clinic; giving it back frees the place.

use crate::roster;

use axum::http::StatusCode;
use roster::residents_under;
use serde_json::{Value, json};
use time::Duration;
use yigong_domain::clock::today;
use yigong_testkit::app::{TestApp, apps, problem_fields};

async fn sign_in(app: &TestApp, r: &yigong_store::residents::Resident) -> String {
    let ask = json!({"id_number": r.id_number, "phone": r.phone});
    let code = app
        .post("/api/v1/portal/code", "", ask.clone())
        .await
        .json()["demo_code"]
        .clone();
    let mut sign = ask;
    sign["code"] = code;
    let r = app.post("/api/v1/portal/sign-in", "", sign).await;
    r.json()["token"].as_str().expect("token").to_string()
}

async fn ct_order(app: &TestApp, township: &str, resident: uuid::Uuid) -> String {
    let r = app
        .post(
            "/api/v1/orders",
            township,
            json!({"resident_id": resident, "item_code": "ct_chest", "question": "咳嗽两周"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().expect("order").to_string()
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn a_resident_books_a_ct_time_the_centre_opened_and_the_clinic_sees_it() {
    for app in apps(300).await {
        let l = app.label.clone();
        let (township, imaging, lab) = (
            app.login("township").await,
            app.login("imaging").await,
            app.login("lab").await,
        );
        let day = (today() + Duration::days(1)).to_string();
        let open = json!({"item_code": "ct_chest", "day": day, "start": "08:00", "end": "09:00", "capacity": 1, "every_minutes": 30});
        assert_eq!(
            app.post("/api/v1/diagnostics/slots", &lab, open.clone())
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            app.post("/api/v1/diagnostics/slots", &township, open.clone())
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let mut bad = open.clone();
        bad["every_minutes"] = json!(5);
        assert_eq!(
            problem_fields(
                &app.post("/api/v1/diagnostics/slots", &imaging, bad)
                    .await
                    .json()
            ),
            ["every_minutes"],
            "{l}"
        );
        let r = app.post("/api/v1/diagnostics/slots", &imaging, open).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let slots: Vec<String> = r.json()["ids"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(slots.len(), 2, "{l}: 08:00–08:30 and 08:30–09:00");
        let other = app
            .post("/api/v1/diagnostics/slots", &imaging, json!({"item_code": "mr_head", "day": day, "start": "10:00", "end": "11:00", "capacity": 5}))
            .await;
        let other_slot = other.json()["ids"][0].as_str().map(str::to_string);
        let people = residents_under(&app, app.places.township, 2).await;
        let (a, b) = (&people[0], &people[1]);
        let (order_a, order_b) = (
            ct_order(&app, &township, a.id).await,
            ct_order(&app, &township, b.id).await,
        );
        let (ta, tb) = (sign_in(&app, a).await, sign_in(&app, b).await);
        let exams = app.get("/api/v1/portal/exams", &ta).await.json();
        assert_eq!(exams.as_array().map(Vec::len), Some(1), "{l}: {exams}");
        assert_eq!(
            (exams[0]["order_id"].clone(), ids(&exams[0]["open"])),
            (json!(order_a), slots.clone()),
            "{l}"
        );
        let book = |order: &str| format!("/api/v1/portal/exams/{order}/slot");
        let r = app
            .post(&book(&order_a), &ta, json!({"slot_id": slots[0]}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let r = app
            .post(&book(&order_b), &tb, json!({"slot_id": slots[0]}))
            .await;
        assert_eq!(r.json()["error"]["code"], "slot_full", "{l}");
        let r = app
            .post(&book(&order_a), &ta, json!({"slot_id": slots[1]}))
            .await;
        assert_eq!(r.json()["error"]["code"], "exam_already_booked", "{l}");
        // Another's order answers 404, audited; another item's slot is not this order's.
        let r = app
            .post(&book(&order_a), &tb, json!({"slot_id": slots[1]}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let trail = app.audit_of(order_a.parse().expect("id")).await;
        assert!(
            trail.contains(&(
                "portal.exam_book".into(),
                "denied".into(),
                format!("resident:{}", b.id)
            )),
            "{l}: {trail:?}"
        );
        if let Some(s) = other_slot {
            let r = app.post(&book(&order_b), &tb, json!({"slot_id": s})).await;
            assert_eq!(problem_fields(&r.json()), ["slot_id"], "{l}");
        }
        assert_eq!(
            app.post(&book(&order_b), &tb, json!({"slot_id": slots[1]}))
                .await
                .status,
            StatusCode::CREATED,
            "{l}"
        );
        // The clinic sees the time on the order.
        let o = app
            .get(&format!("/api/v1/orders/{order_a}"), &township)
            .await
            .json();
        assert_eq!(o["appointment"], json!(format!("{day} 08:00–08:30")), "{l}");
        // Given back, the place is free again.
        let r = app
            .call(axum::http::Method::DELETE, &book(&order_a), Some(&ta), None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
        let list = app
            .get("/api/v1/diagnostics/slots?item_code=ct_chest", &imaging)
            .await
            .json();
        let booked: Vec<i64> = list
            .as_array()
            .expect("slots")
            .iter()
            .map(|s| s["booked"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(booked, [0, 1], "{l}");
        // The centre's page and the resident's window.
        let cookie = app.ui_cookie("imaging").await;
        let (status, html) = app.page("/diagnostics/slots", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert_eq!(
            html.matches("class=\"slot-row\"").count(),
            3,
            "{l}: two CT slots and one MR"
        );
    }
}
