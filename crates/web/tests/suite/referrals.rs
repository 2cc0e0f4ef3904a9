//! Referrals through the API on SQLite and PostgreSQL: the closed loop, illegal actions,
//! the accept race, role scoping, the green channel clock and the counts.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{TestApp, apps};
use serde_json::{Value, json};

async fn cardiology(app: &TestApp) -> uuid::Uuid {
    app.places.cardiology
}

async fn send_up(app: &TestApp, token: &str, resident: uuid::Uuid, urgency: &str) -> Value {
    let mut body = json!({
        "resident_id": resident, "direction": "up", "urgency": urgency,
        "to_institution_id": app.places.lead, "to_department_id": cardiology(app).await,
        "reason": "胸痛 2 小时，心电图示 ST 段抬高", "icd10_code": "I21.9", "summary": "血压 150/90",
    });
    if urgency == "emergency" {
        body["pathway"] = json!("chest_pain");
    }
    let r = app.post("/api/v1/referrals", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
    r.json()
}

#[tokio::test]
async fn an_upward_referral_closes_the_loop_with_a_downward_one() {
    for app in apps(800).await {
        let township = app.login("township").await;
        let specialist = app.login("specialist").await;
        let resident = app.resident_at(app.places.village).await;
        let up = send_up(&app, &township, resident.id, "routine").await;
        assert_eq!(up["status"], "requested");
        assert_eq!(up["icd10_text"], "急性心肌梗死");
        let id = up["id"].as_str().expect("id").to_string();

        // The cardiology worklist shows it.
        let w = app
            .get("/api/v1/referrals?view=incoming", &specialist)
            .await
            .json();
        assert!(
            w["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == id.as_str())
        );

        let step = |action: &str| format!("/api/v1/referrals/{id}/{action}");
        let r = app
            .post(
                &step("accept"),
                &specialist,
                json!({"appointment_at": "2026-12-01T09:00:00+08:00"}),
            )
            .await;
        assert_eq!(r.json()["status"], "accepted");
        assert_eq!(
            app.post(&step("arrive"), &specialist, json!({}))
                .await
                .json()["status"],
            "arrived"
        );
        let r = app
            .post(
                &step("complete"),
                &specialist,
                json!({"outcome": "referred_down"}),
            )
            .await;
        assert_eq!(r.json()["status"], "completed", "{}", r.text());

        // Down to the village clinic with care instructions; the clinic acknowledges it.
        let down = app
            .post("/api/v1/referrals", &specialist, json!({
                "resident_id": resident.id, "direction": "down", "urgency": "routine", "parent_id": id,
                "to_institution_id": app.places.village, "reason": "PCI 术后康复",
                "icd10_code": "Z48.8", "instructions": "阿司匹林 100mg qd；两周后复查心电图",
            }))
            .await;
        assert_eq!(down.status, StatusCode::CREATED, "{}", down.text());
        let down_id = down.json()["id"].as_str().expect("id").to_string();
        let village = app.login("village").await;
        let r = app
            .post(
                &format!("/api/v1/referrals/{down_id}/accept"),
                &village,
                json!({}),
            )
            .await;
        assert_eq!(r.json()["status"], "accepted", "{}", r.text());

        // The timeline holds every step as an event.
        let d = app
            .get(&format!("/api/v1/referrals/{id}"), &township)
            .await
            .json();
        let statuses: Vec<&str> = d["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["status_to"].as_str())
            .collect();
        assert_eq!(statuses, ["requested", "accepted", "arrived", "completed"]);
        // The patient's history lists both.
        let h = app
            .get(
                &format!("/api/v1/referrals?resident_id={}", resident.id),
                &township,
            )
            .await
            .json();
        assert_eq!(h["total"], 2);
    }
}

#[tokio::test]
async fn illegal_actions_get_409_with_a_reason() {
    for app in apps(300).await {
        let township = app.login("township").await;
        let specialist = app.login("specialist").await;
        let resident = app.resident_at(app.places.township).await;
        let id = send_up(&app, &township, resident.id, "routine").await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let r = app
            .post(
                &format!("/api/v1/referrals/{id}/arrive"),
                &specialist,
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["error"]["code"], "referral_wrong_status");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .expect("message")
                .contains("当前状态")
        );
        let r = app
            .post(
                &format!("/api/v1/referrals/{id}/reject"),
                &specialist,
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("reason_required"))
        );
        let r = app
            .post(
                &format!("/api/v1/referrals/{id}/reject"),
                &specialist,
                json!({"reason": "床位已满，建议转中医院"}),
            )
            .await;
        assert_eq!(r.json()["status"], "rejected");
        let r = app
            .post(
                &format!("/api/v1/referrals/{id}/accept"),
                &specialist,
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("referral_ended"))
        );
        // Only the receiving side accepts; a bad action name is 404; bad JSON 400.
        let id2 = send_up(&app, &township, resident.id, "routine").await["id"]
            .as_str()
            .expect("id")
            .to_string();
        assert_eq!(
            app.post(
                &format!("/api/v1/referrals/{id2}/accept"),
                &township,
                json!({})
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post(
                &format!("/api/v1/referrals/{id2}/teleport"),
                &specialist,
                json!({})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .raw(
                Method::POST,
                &format!("/api/v1/referrals/{id2}/reject"),
                &specialist,
                "application/json",
                b"{oops".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // Validation on creation names the field.
        for (patch, field) in [
            (json!({"urgency": "emergency"}), "pathway"),
            (json!({"icd10_code": "XYZ"}), "icd10"),
            (json!({"reason": ""}), "reason"),
            (
                json!({"to_institution_id": app.places.village}),
                "to_institution",
            ),
        ] {
            let mut body = json!({"resident_id": resident.id, "direction": "up", "urgency": "routine",
                "to_institution_id": app.places.lead, "reason": "x", "icd10_code": "I10"});
            for (k, v) in patch.as_object().expect("object") {
                body[k] = v.clone();
            }
            let r = app.post("/api/v1/referrals", &township, body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert_eq!(r.json()["error"]["field"], field);
        }
    }
}

#[tokio::test]
async fn two_people_accepting_at_once_exactly_one_wins() {
    for app in apps(300).await {
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let a = app.login("specialist").await;
        let b = app.login("manager").await;
        for _ in 0..5 {
            let id = send_up(&app, &township, resident.id, "urgent").await["id"]
                .as_str()
                .expect("id")
                .to_string();
            let path = format!("/api/v1/referrals/{id}/accept");
            let (ra, rb) = tokio::join!(
                app.post(&path, &a, json!({})),
                app.post(&path, &b, json!({}))
            );
            let mut codes = [ra.status.as_u16(), rb.status.as_u16()];
            codes.sort();
            assert_eq!(
                codes,
                [200, 409],
                "{}: {} / {}",
                app.label,
                ra.text(),
                rb.text()
            );
            let d = app.get(&format!("/api/v1/referrals/{id}"), &b).await.json();
            let accepted = d["events"]
                .as_array()
                .expect("events")
                .iter()
                .filter(|e| e["status_to"] == "accepted")
                .count();
            assert_eq!(accepted, 1);
        }
    }
}

#[tokio::test]
async fn a_township_never_sees_another_townships_referrals() {
    for app in apps(2000).await {
        let manager = app.login("manager").await;
        let township = app.login("township").await;
        // The manager sends one down to the other township.
        let other_resident = app.resident_at(app.places.other_township).await;
        let down = app
            .post("/api/v1/referrals", &manager, json!({
                "resident_id": other_resident.id, "direction": "down", "urgency": "routine",
                "to_institution_id": app.places.other_township, "reason": "康复", "icd10_code": "I63.9"}))
            .await
            .json();
        let id = down["id"].as_str().expect("id").to_string();
        assert_eq!(
            app.get(&format!("/api/v1/referrals/{id}"), &township)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let list = app
            .get("/api/v1/referrals?per_page=200", &township)
            .await
            .json();
        assert!(
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|i| i["id"] != id.as_str())
        );
        assert_eq!(
            app.post(
                &format!("/api/v1/referrals/{id}/cancel"),
                &township,
                json!({"reason": "x"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            app.audit_of(uuid::Uuid::parse_str(&id).expect("uuid"))
                .await
                .iter()
                .any(|(a, o, _)| a == "referral.read" && o == "denied")
        );
        // Nor through the UI: the record is 404 and the list does not show it.
        let cookie = app.ui_cookie("township").await;
        assert_eq!(
            app.page(&format!("/referrals/{id}"), &cookie).await.0,
            StatusCode::NOT_FOUND
        );
        let (status, html) = app.page("/referrals?per_page=200", &cookie).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains(&id));
        // The manager's UI shows it.
        let (status, html) = app
            .page(&format!("/referrals/{id}"), &app.ui_cookie("manager").await)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&other_resident.name));
        // Party and bureau see no referrals.
        let party = app.login("party").await;
        assert_eq!(
            app.get("/api/v1/referrals", &party).await.json()["total"],
            0
        );
    }
}

#[tokio::test]
async fn green_channel_clock_and_counts_come_from_events() {
    for app in apps(300).await {
        let township = app.login("township").await;
        let specialist = app.login("specialist").await;
        let manager = app.login("manager").await;
        let resident = app.resident_at(app.places.township).await;
        let mut body = json!({"resident_id": resident.id, "direction": "up", "urgency": "emergency", "pathway": "chest_pain",
            "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology, "reason": "胸痛",
            "icd10_code": "R07.4"});
        let contact = time::OffsetDateTime::now_utc() - time::Duration::minutes(50);
        body["first_contact_at"] = json!(
            contact
                .format(&time::format_description::well_known::Rfc3339)
                .expect("fmt")
        );
        let id = app.post("/api/v1/referrals", &township, body).await.json()["id"]
            .as_str()
            .expect("id")
            .to_string();
        app.post(
            &format!("/api/v1/referrals/{id}/accept"),
            &specialist,
            json!({}),
        )
        .await;
        let r = app
            .post(
                &format!("/api/v1/referrals/{id}/milestones"),
                &township,
                json!({"milestone": "ambulance_departed"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        app.post(
            &format!("/api/v1/referrals/{id}/arrive"),
            &specialist,
            json!({}),
        )
        .await;
        app.post(
            &format!("/api/v1/referrals/{id}/milestones"),
            &specialist,
            json!({"milestone": "admitted"}),
        )
        .await;
        let d = app
            .get(&format!("/api/v1/referrals/{id}"), &township)
            .await
            .json();
        let g = &d["green_channel"];
        assert_eq!(g["target_minutes"], 60);
        let elapsed = g["elapsed_minutes"].as_f64().expect("minutes");
        assert!((49.0..52.0).contains(&elapsed), "{elapsed}");
        assert_eq!(g["breached"], false);
        let milestones: Vec<&str> = d["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["milestone"].as_str())
            .collect();
        for m in [
            "first_contact",
            "referral_sent",
            "accepted",
            "ambulance_departed",
            "arrived",
            "admitted",
        ] {
            assert!(milestones.contains(&m), "{m} in {milestones:?}");
        }
        let s = app.get("/api/v1/referral-stats", &manager).await.json();
        assert_eq!(s["total"]["up"], 1);
        assert_eq!(s["green_channel"]["admitted"], 1);
        assert_eq!(s["green_channel"]["share_within_target"], 1.0);
        assert!(s["median_minutes_to_acceptance"].as_f64().is_some());
        assert_eq!(
            app.get("/api/v1/referral-stats", &township).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/icd10?q=%E8%83%B8%E7%97%9B", &township)
                .await
                .json()[0]["code"],
            "R07.4"
        );
    }
}

#[tokio::test]
async fn the_demo_holds_a_year_of_referrals_shaped_like_the_seed() {
    for app in apps(3000).await {
        let n =
            yigong_web::demo::add_referral_history(&app.state.store, app.state.community.id, 11)
                .await
                .expect("history");
        assert_eq!(n, 1290);
        let manager = app.login("manager").await;
        let s = app.get("/api/v1/referral-stats", &manager).await.json();
        let (up, down) = (
            s["total"]["up"].as_u64().expect("up"),
            s["total"]["down"].as_u64().expect("down"),
        );
        assert_eq!(up + down, 1290, "{}", app.label);
        assert!(up > down && down > 300, "{up} up, {down} down");
        assert!(s["by_month"].as_object().expect("months").len() >= 12);
        let g = &s["green_channel"];
        assert!(g["cases"].as_u64().expect("cases") >= 40, "{g}");
        let share = g["share_within_target"].as_f64().expect("share");
        assert!((0.6..0.95).contains(&share), "{share}");
        let median = g["median_contact_to_admission_minutes"]
            .as_f64()
            .expect("median");
        assert!((30.0..70.0).contains(&median), "{median}");
        // The cardiology worklist has open referrals, emergency first.
        let specialist = app.login("specialist").await;
        let w = app
            .get("/api/v1/referrals?view=incoming&per_page=50", &specialist)
            .await
            .json();
        assert!(w["total"].as_i64().expect("total") > 0);
        let ranks: Vec<u8> = w["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| match i["urgency"].as_str() {
                Some("emergency") => 0,
                Some("urgent") => 1,
                _ => 2,
            })
            .collect();
        assert!(ranks.windows(2).all(|p| p[0] <= p[1]), "{ranks:?}");
    }
}

#[tokio::test]
async fn referral_pages_render_for_each_side() {
    for app in apps(500).await {
        yigong_web::demo::add_referral_history(&app.state.store, app.state.community.id, 5)
            .await
            .expect("history");
        let manager = app.ui_cookie("manager").await;
        let (status, html) = app.page("/referrals/stats", &manager).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("<svg") && html.contains("转诊统计"),
            "stats page with its chart"
        );
        let (status, html) = app.page("/referrals", &manager).await;
        assert_eq!(status, StatusCode::OK);
        let first = html
            .split("href=\"/referrals/0")
            .nth(1)
            .expect("a referral link")
            .split('"')
            .next()
            .expect("id");
        let (status, html) = app.page(&format!("/referrals/0{first}"), &manager).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("时间线"));
        let township = app.ui_cookie("township").await;
        let (status, html) = app.page("/referrals/new", &township).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("上转") && html.contains("心血管内科") && html.contains("I21.9"));
        let specialist = app.ui_cookie("specialist").await;
        let (status, html) = app.page("/referrals/new", &specialist).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("下转") && html.contains("村卫生室"));
        let (status, _) = app.page("/referrals/stats", &township).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The bureau reads the same figures, without the office's list of stalled
        // referrals (which names patients); the office's list is there for the office.
        let (status, bureau_html) = app
            .page("/referrals/stats", &app.ui_cookie("bureau").await)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(bureau_html.contains("<svg") && bureau_html.contains("转诊统计"));
        let (_, office_html) = app.page("/referrals/stats", &manager).await;
        let stalled_list = "<h2>需关注</h2>";
        assert!(
            office_html.contains(stalled_list),
            "the office's stalled list"
        );
        assert!(
            !bureau_html.contains(stalled_list),
            "no stalled list for the bureau"
        );
        let (status, html) = app
            .page("/referrals", &app.ui_cookie("specialist").await)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("接诊工作台"));
    }
}
