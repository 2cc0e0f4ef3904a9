//! The shared diagnostic centres through the API on SQLite and PostgreSQL: an order is
//! received, claimed, reported and its critical value acknowledged; two staff cannot
//! claim the same order; the lists keep to their reach; the office's turnaround figures.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;
use time::Duration;
use yigong_domain::access::Role;
use yigong_domain::diagnostics::catalogue::Centre;
use yigong_store::diagnostics::PastOrder;

use crate::ordering;
use ordering::{ids, past, patients};

#[tokio::test]
async fn a_lab_order_is_received_claimed_reported_and_its_critical_potassium_acknowledged() {
    for app in apps(600).await {
        let township = app.login("township").await;
        let lab = app.login("lab").await;
        let resident = app.resident_at(app.places.township).await;
        let body = json!({"resident_id": resident.id, "item_code": "electrolytes", "urgency": "urgent", "question": "乏力两天，服用螺内酯"});
        let r = app.post("/api/v1/orders", &township, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
        let id = r.json()["id"].as_str().expect("id").to_string();
        let at = |action: &str| format!("/api/v1/orders/{id}/{action}");

        // The laboratory has it on its worklist; imaging and another clinic do not see it.
        let work = app.get("/api/v1/orders?view=worklist", &lab).await.json();
        assert!(ids(&work).contains(&id), "{}", app.label);
        let imaging = app.login("imaging").await;
        let other = app.get(&format!("/api/v1/orders/{id}"), &imaging).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", app.label);
        let village = app.login("village").await;
        assert_eq!(
            app.get(&format!("/api/v1/orders/{id}"), &village)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/api/v1/orders?view=worklist", &township)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // Claiming before the specimen arrives is refused; the clinic cannot claim.
        let early = app.post(&at("claim"), &lab, json!({})).await;
        assert_eq!(early.json()["error"]["code"], "order_wrong_status");
        let r = app.post(&at("receive"), &township, json!({})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", app.label);
        assert_eq!(r.json()["error"]["code"], "order_not_centre");
        assert_eq!(
            app.post(&at("receive"), &lab, json!({})).await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.post(&at("claim"), &lab, json!({})).await.status,
            StatusCode::OK
        );

        // A missing value is named; then potassium 6.8 is a critical value.
        let r = app
            .post(
                &at("report"),
                &lab,
                json!({"values": [{"analyte": "k", "value": 6.8}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert_eq!(r.json()["error"]["code"], "value_missing");
        let values = json!({"values": [
            {"analyte": "k", "value": 6.8}, {"analyte": "na", "value": 139}, {"analyte": "cl", "value": 97}
        ]});
        let r = app.post(&at("report"), &lab, values).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", app.label, r.text());
        let d = r.json();
        assert_eq!(d["status"], "reported");
        assert_eq!(d["critical"], true);
        let flags: Vec<(String, String)> = d["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| {
                (
                    v["analyte"].as_str().unwrap_or("").into(),
                    v["flag"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        let expected = [("k", "HH"), ("na", "N"), ("cl", "L")];
        assert_eq!(flags, expected.map(|(a, f)| (a.to_string(), f.to_string())));
        assert_eq!(d["values"][0]["unit"], "mmol/L");

        // Until the clinic acknowledges it, the office's page lists it as escalated.
        let office = app.ui_cookie("manager").await;
        let (_, page) = app.page("/diagnostics/figures", &office).await;
        let escalated = page.split("id=\"escalations\"").nth(1).unwrap_or("");
        assert!(escalated.contains(&resident.name), "{}", app.label);

        // The clinic sees it among its unacknowledged critical results, and acknowledges once.
        let open = app
            .get("/api/v1/orders?unacknowledged=1", &township)
            .await
            .json();
        assert_eq!(ids(&open), vec![id.clone()], "{}", app.label);
        assert_eq!(
            app.post(&at("acknowledge"), &lab, json!({})).await.json()["error"]["code"],
            "order_not_orderer"
        );
        assert_eq!(
            app.post(&at("acknowledge"), &township, json!({}))
                .await
                .status,
            StatusCode::OK
        );
        let again = app.post(&at("acknowledge"), &township, json!({})).await;
        assert_eq!(again.json()["error"]["code"], "order_already_acknowledged");
        let open = app
            .get("/api/v1/orders?unacknowledged=1", &township)
            .await
            .json();
        assert_eq!(open["total"], 0);
        let (_, page) = app.page("/diagnostics/figures", &office).await;
        let escalated = page.split("id=\"escalations\"").nth(1).unwrap_or("");
        assert!(!escalated.contains(&resident.name), "{}", app.label);

        let trail: Vec<String> = app
            .audit_of(id.parse().expect("uuid"))
            .await
            .into_iter()
            .map(|(action, _, _)| action)
            .collect();
        for action in [
            "diagnostics.order",
            "diagnostics.receive",
            "diagnostics.claim",
            "diagnostics.report",
            "diagnostics.acknowledge",
        ] {
            assert!(
                trail.iter().any(|a| a == action),
                "{}: {action} in {trail:?}",
                app.label
            );
        }
    }
}

#[tokio::test]
async fn two_staff_cannot_claim_the_same_order() {
    for app in apps(600).await {
        app.add_account(
            "lab2",
            Role::Specialist,
            (app.places.lead, Some(app.places.laboratory)),
        )
        .await;
        let township = app.login("township").await;
        let (first, second) = (app.login("lab").await, app.login("lab2").await);
        let resident = app.resident_at(app.places.township).await;
        let r = app
            .post(
                "/api/v1/orders",
                &township,
                json!({"resident_id": resident.id, "item_code": "electrolytes"}),
            )
            .await;
        let id = r.json()["id"].as_str().expect("id").to_string();
        let at = |action: &str| format!("/api/v1/orders/{id}/{action}");
        assert_eq!(
            app.post(&at("receive"), &first, json!({})).await.status,
            StatusCode::OK
        );
        let claim = at("claim");
        let (a, b) = tokio::join!(
            app.post(&claim, &first, json!({})),
            app.post(&claim, &second, json!({}))
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{}",
            app.label
        );
        let (loser, winner_token, loser_token) = if a.status == StatusCode::CONFLICT {
            (&a, &second, &first)
        } else {
            (&b, &first, &second)
        };
        assert_eq!(loser.json()["error"]["code"], "order_claimed_by_other");
        let values = json!({"values": [{"analyte": "k", "value": 4.1}, {"analyte": "na", "value": 140}, {"analyte": "cl", "value": 103}]});
        let r = app.post(&at("report"), loser_token, values.clone()).await;
        assert_eq!(r.json()["error"]["code"], "order_claimed_by_other");
        let r = app.post(&at("report"), winner_token, values).await;
        assert_eq!(r.json()["critical"], false, "{}", app.label);
    }
}

#[tokio::test]
async fn lists_keep_to_their_reach_and_the_figures_measure_turnaround() {
    for app in apps(600).await {
        let (c, store) = (app.state.community.id, &app.state.store);
        let people = patients(&app, 3).await;
        let minutes = Duration::minutes;
        let mut rows: Vec<PastOrder> = [30, 50, 90]
            .iter()
            .zip(&people)
            .map(|(m, p)| {
                past(
                    (p.id, "ct_head", Centre::Imaging),
                    (app.places.township, app.places.lead),
                    (Duration::hours(20), minutes(*m)),
                )
            })
            .collect();
        let account = store
            .find_account(c, "township")
            .await
            .expect("account")
            .expect("township")
            .id;
        for r in &mut rows {
            r.ordered_by = Some(account);
        }
        // An order of another township's clinic.
        let elsewhere = &people[0];
        let mut theirs = past(
            (elsewhere.id, "ct_head", Centre::Imaging),
            (app.places.other_township, app.places.lead),
            (Duration::hours(20), minutes(20)),
        );
        theirs.ordered_by = Some(account);
        rows.push(theirs);
        let loaded = store.bulk_load_orders(c, &rows).await.expect("load");

        let township = app.login("township").await;
        let mine = app
            .get("/api/v1/orders?status=reported&per_page=2", &township)
            .await
            .json();
        assert_eq!(mine["total"], 3, "{}", app.label);
        assert_eq!(mine["items"].as_array().map(Vec::len), Some(2));
        assert!(
            mine["items"][0]["reported_at"].is_string()
                && mine["items"][0]["item_code"] == "ct_head"
        );
        assert!(!ids(&mine).contains(&loaded[3].to_string()));
        let manager = app.login("manager").await;
        let all = app
            .get("/api/v1/orders?status=reported", &manager)
            .await
            .json();
        assert_eq!(all["total"], 4);
        let imaging = app.login("imaging").await;
        assert_eq!(
            app.get("/api/v1/orders?status=reported", &imaging)
                .await
                .json()["total"],
            4
        );
        assert_eq!(
            app.get("/api/v1/orders?status=reported", &app.login("lab").await)
                .await
                .json()["total"],
            0
        );
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.get("/api/v1/orders", &bureau).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/orders?status=lost", &manager).await.status,
            StatusCode::BAD_REQUEST
        );

        // Urgent head CTs in 20, 30, 50 and 90 minutes: the lower middle is 30; 90 missed the hour.
        let f = app
            .get("/api/v1/diagnostics/figures", &manager)
            .await
            .json();
        let ct = f["by_item"]
            .as_array()
            .expect("items")
            .iter()
            .find(|m| m["key"] == "ct_head")
            .cloned()
            .expect("ct");
        assert_eq!(
            (
                ct["reports"].clone(),
                ct["median_minutes"].clone(),
                ct["breached"].clone()
            ),
            (json!(4), json!(30), json!(1)),
            "{}",
            app.label
        );
        // The bureau sees the figures, not the patients behind the late reports.
        let b = app.get("/api/v1/diagnostics/figures", &bureau).await.json();
        assert_eq!(b["by_item"], f["by_item"], "{}", app.label);
        assert_eq!(b["breaches"], json!([]));
        let breaches = f["breaches"].as_array().expect("breaches");
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0]["id"], loaded[2].to_string());
        assert_eq!(breaches[0]["minutes"], 90);
    }
}

#[tokio::test]
async fn the_reader_attaches_the_key_images_and_the_clinic_downloads_them() {
    for app in apps(600).await {
        let l = app.label.clone();
        let (township, imaging) = (app.login("township").await, app.login("imaging").await);
        let resident = app.resident_at(app.places.township).await;
        let r = app
            .post(
                "/api/v1/orders",
                &township,
                json!({"resident_id": resident.id, "item_code": "ultrasound_abdomen"}),
            )
            .await;
        let id = r.json()["id"].as_str().expect("id").to_string();
        let at = |a: &str| format!("/api/v1/orders/{id}/{a}");
        let png = [
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
            &[0u8; 64][..],
        ]
        .concat();
        let files = at("attachments");
        // Not before the study is received and claimed; not by the clinic.
        assert_eq!(
            send(&app, &files, &imaging, "us.png", &png).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        for step in ["receive", "claim"] {
            assert_eq!(
                app.post(&at(step), &imaging, json!({})).await.status,
                StatusCode::OK
            );
        }
        assert_eq!(
            send(&app, &files, &township, "us.png", &png).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let r = send(&app, &files, &imaging, "a.exe", b"MZ not an image").await;
        assert_eq!(r.json()["error"]["code"], "file_kind", "{l}");
        let r = send(&app, &files, &imaging, "肝脏切面.png", &png).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let file = r.json()["id"].as_str().expect("file").to_string();
        let report = json!({"findings": "肝脏实质回声稍增强。", "impression": "轻度脂肪肝。"});
        assert_eq!(
            app.post(&at("report"), &imaging, report).await.status,
            StatusCode::OK
        );

        let o = app
            .get(&format!("/api/v1/orders/{id}"), &township)
            .await
            .json();
        assert_eq!(o["files"][0]["name"], "肝脏切面.png", "{l}");
        let got = app
            .get(
                &format!("/api/v1/orders/{id}/attachments/{file}"),
                &township,
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{l}");
        assert_eq!(got.headers["content-type"], "image/png");
        assert_eq!(got.headers["x-content-type-options"], "nosniff");
        assert_eq!(got.body, png);
        let village = app.login("village").await;
        let far = app
            .get(&format!("/api/v1/orders/{id}/attachments/{file}"), &village)
            .await;
        assert_eq!(far.status, StatusCode::NOT_FOUND, "{l}");
    }
}

/// Uploads one file to an order's attachments.
async fn send(
    app: &common::TestApp,
    path: &str,
    token: &str,
    name: &str,
    bytes: &[u8],
) -> common::Reply {
    let (ct, body) = common::multipart(&[], &[(name, bytes)]);
    app.raw(axum::http::Method::POST, path, token, &ct, body)
        .await
}
