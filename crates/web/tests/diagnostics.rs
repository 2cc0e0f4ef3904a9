//! The shared diagnostic centres through the API on SQLite and PostgreSQL: an order is
//! received, claimed, reported and its critical value acknowledged; two staff cannot
//! claim the same order; recognition offers an earlier result and counts the repeat
//! avoided; the lists keep to their reach; the office's turnaround figures.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::diagnostics::catalogue::{Centre, Urgency};
use yigong_domain::diagnostics::recognition::RepeatReason;
use yigong_store::diagnostics::{NewOrder, NewResult, PastOrder};

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// A past order of `item` for `resident` from `from`, performed by `performer`, placed
/// `ago` before now and reported `took` later.
fn past(
    (resident, item, centre): (Uuid, &str, Centre),
    (from, performer): (Uuid, Uuid),
    (ago, took): (Duration, Duration),
) -> PastOrder {
    let created_at = OffsetDateTime::now_utc() - ago;
    PastOrder {
        order: NewOrder {
            resident_id: resident,
            item_code: item.into(),
            centre,
            from_institution_id: from,
            performer_id: performer,
            urgency: Urgency::Urgent,
            question: String::new(),
            repeat: None::<(RepeatReason, Uuid)>,
            price_fen: 20000,
        },
        ordered_by: None,
        created_at,
        received_at: None,
        reported: Some((
            created_at + took,
            None,
            NewResult {
                findings: "脑实质未见明显异常密度影。".into(),
                impression: "头颅CT平扫未见异常。".into(),
                ..NewResult::default()
            },
        )),
        acknowledged: None,
    }
}

/// `n` residents in the demo township doctor's reach (the township and its villages).
async fn patients(app: &TestApp, n: usize) -> Vec<yigong_store::residents::Resident> {
    let mut people = Vec::new();
    for place in [
        app.places.township,
        app.places.village,
        app.places.other_village,
    ] {
        people.extend(app.residents_at(place, n as i64).await);
    }
    assert!(
        people.len() >= n,
        "{}: {} residents",
        app.label,
        people.len()
    );
    people.truncate(n);
    people
}

async fn member(app: &TestApp) -> Uuid {
    app.state
        .store
        .list_institutions(app.state.community.id)
        .await
        .expect("institutions")
        .into_iter()
        .find(|i| i.kind == "member" && i.name.ends_with("医院"))
        .expect("a member hospital")
        .id
}

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
        let ten_days_ago: time::Date = yigong_domain::clock::today() - day * 10;
        assert_eq!(e["earlier"]["reported_on"], ten_days_ago.to_string());
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
