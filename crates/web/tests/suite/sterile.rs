//! Sterile supply through the API on SQLite and PostgreSQL: the central unit records a
//! batch, dispatches packs to two townships, one is used on a patient; the indicator
//! fails and the batch is recalled with every pack's whereabouts and the patient; who may
//! do and see what.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::{Value, json};

fn ids_of(packs: &Value, kind: &str, state: &str) -> Vec<String> {
    packs
        .as_array()
        .expect("packs")
        .iter()
        .filter(|p| p["kind"] == kind && p["state"] == state)
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn a_failed_batch_is_recalled_with_every_pack_and_the_patient_it_was_used_on() {
    for app in apps(600).await {
        let l = app.label.clone();
        let cssd = app.login("cssd").await;
        let township = app.login("township").await;
        let body = json!({"method": "steam", "cycle_no": 3, "packs": [{"kind": "suture", "count": 3}, {"kind": "dressing", "count": 2}]});
        // Only the unit records batches; the same cycle twice in a day is refused.
        assert_eq!(
            app.post("/api/v1/sterile/batches", &township, body.clone())
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post("/api/v1/sterile/batches", &cssd, body.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let batch = r.json()["id"].as_str().expect("id").to_string();
        assert_eq!(
            app.post("/api/v1/sterile/batches", &cssd, body)
                .await
                .json()["error"]["code"],
            "batch_exists"
        );
        let wrong =
            json!({"method": "boiling", "cycle_no": 0, "packs": [{"kind": "suture", "count": 1}]});
        let r = app.post("/api/v1/sterile/batches", &cssd, wrong).await;
        let fields: Vec<Value> = r.json()["error"]["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| p["field"].clone())
            .collect();
        assert_eq!(fields, [json!("method"), json!("cycle_no")], "{l}");

        let view = app
            .get(&format!("/api/v1/sterile/batches/{batch}"), &cssd)
            .await
            .json();
        let sutures = ids_of(&view["packs"], "suture", "in_stock");
        assert_eq!(sutures.len(), 3, "{l}");
        let step = |pack: &str, action: &str| format!("/api/v1/sterile/packs/{pack}/{action}");
        let to = |place: uuid::Uuid| json!({"institution_id": place});
        for (pack, place) in [
            (&sutures[0], app.places.township),
            (&sutures[1], app.places.other_township),
        ] {
            let r = app.post(&step(pack, "dispatch"), &cssd, to(place)).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        }
        // The township sees its pack only, and cannot dispatch.
        let mine = app.get("/api/v1/sterile/packs", &township).await.json();
        assert_eq!(mine["total"], 1, "{l}");
        assert_eq!(mine["items"][0]["id"], sutures[0].as_str());
        assert_eq!(
            app.post(
                &step(&sutures[2], "dispatch"),
                &township,
                to(app.places.township)
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post(
                &step(&sutures[1], "use"),
                &township,
                json!({"procedure": "清创缝合"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/api/v1/sterile/batches/{batch}"), &township)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let lab = app.login("lab").await;
        assert_eq!(
            app.get("/api/v1/sterile/packs", &lab).await.status,
            StatusCode::FORBIDDEN
        );

        // Used on a patient, for a procedure.
        let patient = app.resident_at(app.places.township).await;
        assert_eq!(
            app.post(
                &step(&sutures[0], "use"),
                &township,
                json!({"procedure": ""})
            )
            .await
            .json()["error"]["field"],
            "procedure"
        );
        let used = json!({"procedure": "左手掌清创缝合", "resident_id": patient.id});
        let r = app.post(&step(&sutures[0], "use"), &township, used).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(r.json()["state"], "used");

        // The indicator fails: the batch is recalled.
        assert_eq!(
            app.post(
                &format!("/api/v1/sterile/batches/{batch}/indicator"),
                &township,
                json!({"result": "failed"})
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post(
                &format!("/api/v1/sterile/batches/{batch}/indicator"),
                &cssd,
                json!({"result": "failed", "note": "生物监测阳性"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let v = r.json();
        let recall = &v["recall"];
        // Back: the two dressings and one suture in stock, the suture at the other township.
        let places: Vec<(String, String)> = recall["retrieve"]
            .as_array()
            .expect("retrieve")
            .iter()
            .map(|p| {
                (
                    p["kind"].as_str().unwrap_or("").into(),
                    p["institution_name"].as_str().unwrap_or("").into(),
                )
            })
            .collect();
        assert_eq!(places.len(), 4, "{l}: {places:?}");
        assert_eq!(
            places
                .iter()
                .filter(|(k, p)| k == "suture" && p.is_empty())
                .count(),
            1
        );
        assert_eq!(places.iter().filter(|(k, _)| k == "dressing").count(), 2);
        assert_eq!(recall["used"].as_array().map(Vec::len), Some(1));
        assert_eq!(recall["used"][0]["resident_name"], patient.name.as_str());
        assert_eq!(recall["used"][0]["procedure_text"], "左手掌清创缝合");
        let again = app
            .post(
                &format!("/api/v1/sterile/batches/{batch}/indicator"),
                &cssd,
                json!({"result": "passed"}),
            )
            .await;
        assert_eq!(again.json()["error"]["code"], "indicator_recorded");

        // A recalled pack is neither dispatched nor used; it comes back.
        let r = app
            .post(
                &step(&sutures[2], "dispatch"),
                &cssd,
                to(app.places.township),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "pack_recalled", "{l}");
        let r = app
            .post(&step(&sutures[1], "return"), &cssd, json!({}))
            .await;
        assert_eq!(r.json()["state"], "returned", "{l}");
        let manager = app.login("manager").await;
        let office = app
            .get(&format!("/api/v1/sterile/batches/{batch}"), &manager)
            .await
            .json();
        assert_eq!(office["batch"]["indicator"], "failed");
        assert_eq!(
            office["recall"]["retrieve"].as_array().map(Vec::len),
            Some(3)
        );

        // The clinic's page warns of the recall; the unit's page lists where the packs are.
        let cookie = app.ui_cookie("township").await;
        let (status, page) = app
            .page(&format!("/sterile/packs/{}", sutures[0]), &cookie)
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(page.contains("id=\"recalled\""), "{l}");
        let unit = app.ui_cookie("cssd").await;
        let (_, page) = app.page(&format!("/sterile/batches/{batch}"), &unit).await;
        let used_part = page.split("id=\"recall-used\"").nth(1).unwrap_or("");
        assert!(used_part.contains(&patient.name), "{l}");
    }
}

#[tokio::test]
async fn the_batch_form_keeps_what_was_typed() {
    for app in apps(300).await {
        let (cookie, csrf) = app.ui_session("cssd").await;
        let form = format!("_csrf={csrf}&method=steam&cycle_no=%E4%B8%89&count_suture=12");
        let r = app.post_form("/sterile", &cookie, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let html = r.text();
        assert!(
            html.contains("value=\"三\"") && html.contains("value=\"12\""),
            "{}",
            app.label
        );
        assert!(html.contains("锅次"), "{}", app.label);
        let form = format!("_csrf={csrf}&method=steam&cycle_no=7&count_suture=2&count_delivery=1");
        let (r, to) = app.submit("/sterile", &cookie, &form).await;
        assert!(
            to.is_some_and(|t| t.starts_with("/sterile/batches/")),
            "{}",
            app.label
        );
        let html = r.text();
        assert!(
            html.contains("灭菌批次已登记") && html.contains("产包"),
            "{}",
            app.label
        );
    }
}
