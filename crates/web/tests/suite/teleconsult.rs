//! Teleconsultation through the API on SQLite and PostgreSQL: a township requests one with
//! a result and an ECG, the office schedules an expert clear of the expert's other
//! commitments, the expert answers, the township rates once and links the referral that
//! followed; who sees what; the list by period and the counts.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;

#[tokio::test]
async fn a_consultation_is_scheduled_clear_of_the_expert_answered_rated_and_counted() {
    for app in apps(600).await {
        let l = app.label.clone();
        let (township, manager) = (app.login("township").await, app.login("manager").await);
        let specialist = app.login("specialist").await;
        let resident = app.resident_at(app.places.township).await;
        let order = app
            .post(
                "/api/v1/orders",
                &township,
                json!({"resident_id": resident.id, "item_code": "electrolytes"}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("order")
            .to_string();
        let study = app.upload_dicom(&township, resident.id).await;
        let ask = |question: &str, kind: &str| json!({"resident_id": resident.id, "kind": kind, "question": question, "orders": [order], "studies": [study]});
        let r = app
            .post(
                "/api/v1/teleconsultations",
                &township,
                ask("胸闷两周，心电图ST段改变，请会诊", "general"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let first = r.json()["id"].as_str().expect("id").to_string();
        let second = app
            .post(
                "/api/v1/teleconsultations",
                &township,
                ask("拟行腹股沟疝修补术，请术前会诊", "surgical"),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("id")
            .to_string();
        // The bureau asks nothing; an unknown kind and an empty question are named.
        let bureau = app.login("bureau").await;
        assert_eq!(
            app.post("/api/v1/teleconsultations", &bureau, ask("问", "general"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.post("/api/v1/teleconsultations", &township, ask("问", "dental"))
                .await
                .json()["error"]["field"],
            "kind"
        );
        assert_eq!(
            app.post("/api/v1/teleconsultations", &township, ask(" ", "general"))
                .await
                .json()["error"]["field"],
            "question"
        );
        let v = app
            .get(&format!("/api/v1/teleconsultations/{first}"), &township)
            .await
            .json();
        assert_eq!(v["links"].as_array().map(Vec::len), Some(2), "{l}");
        assert_eq!(v["status"], "requested");

        // The office books the cardiologist at 09:00 for 30 minutes.
        let expert = app
            .state
            .store
            .find_account(app.state.community.id, "specialist")
            .await
            .expect("account")
            .expect("specialist")
            .id;
        let step = |id: &str, action: &str| format!("/api/v1/teleconsultations/{id}/{action}");
        let book = |at: &str| json!({"expert_id": expert, "at": at, "duration_minutes": 30});
        assert_eq!(
            app.post(
                &step(&first, "schedule"),
                &township,
                book("2030-03-04T09:00")
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post(
                &step(&first, "schedule"),
                &manager,
                book("2030-03-04T09:00"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(r.json()["scheduled_at"], "2030-03-04T01:00:00Z");
        // The second cannot overlap it; right after it, it can.
        let r = app
            .post(
                &step(&second, "schedule"),
                &manager,
                book("2030-03-04T09:20"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(r.json()["error"]["code"], "expert_busy");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("09:00"),
            "{l}: {}",
            r.text()
        );
        let r = app
            .post(
                &step(&second, "schedule"),
                &manager,
                book("2030-03-04T09:30"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());

        // The expert sees both and answers; only the expert answers.
        let mine = app
            .get("/api/v1/teleconsultations", &specialist)
            .await
            .json();
        assert_eq!(mine["total"], 2, "{l}");
        let opinion = json!({"opinion": "考虑冠心病，建议冠脉CTA，必要时转上级医院。"});
        assert_eq!(
            app.post(&step(&first, "answer"), &township, opinion.clone())
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post(&step(&first, "answer"), &specialist, opinion)
            .await;
        assert_eq!(r.json()["status"], "answered", "{l}: {}", r.text());
        assert_eq!(
            app.post(&step(&first, "rate"), &township, json!({"rating": 6}))
                .await
                .json()["error"]["field"],
            "rating"
        );
        let r = app
            .post(
                &step(&first, "rate"),
                &township,
                json!({"rating": 5, "comment": "意见明确"}),
            )
            .await;
        assert_eq!(r.json()["rating"], 5, "{l}");
        assert_eq!(
            app.post(&step(&first, "rate"), &township, json!({"rating": 4}))
                .await
                .json()["error"]["code"],
            "consult_already_rated"
        );

        // The referral that followed is linked.
        let referral = app
            .post(
                "/api/v1/referrals",
                &township,
                json!({"resident_id": resident.id, "direction": "up", "urgency": "routine", "to_institution_id": app.places.lead,
                    "to_department_id": app.places.cardiology, "reason": "冠心病待查", "icd10_code": "I25.1"}),
            )
            .await
            .json()["id"]
            .as_str()
            .expect("referral")
            .to_string();
        let r = app
            .post(
                &format!("/api/v1/teleconsultations/{first}/referral"),
                &township,
                json!({"referral_id": referral}),
            )
            .await;
        assert_eq!(
            r.json()["referral_id"],
            referral.as_str(),
            "{l}: {}",
            r.text()
        );

        // Another township sees neither; the office lists them by period and counts them.
        let far = app.login("village").await;
        assert_eq!(
            app.get(&format!("/api/v1/teleconsultations/{first}"), &far)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let today = yigong_domain::clock::today();
        let list = app
            .get(
                &format!("/api/v1/teleconsultations?from={today}&to={today}&per_page=1"),
                &manager,
            )
            .await
            .json();
        assert_eq!(
            (
                list["total"].clone(),
                list["items"].as_array().map(Vec::len)
            ),
            (json!(2), Some(1)),
            "{l}"
        );
        let earlier = today - time::Duration::days(3);
        let none = app
            .get(&format!("/api/v1/teleconsultations?to={earlier}"), &manager)
            .await
            .json();
        assert_eq!(none["total"], 0);
        let counts = app
            .get("/api/v1/teleconsultations/counts", &manager)
            .await
            .json();
        assert_eq!(
            (counts["total"].clone(), counts["surgical"].clone()),
            (json!(2), json!(1)),
            "{l}"
        );
        assert_eq!(
            counts["by_expert"][0],
            json!({"key": "李医生（心内科）", "count": 2})
        );
        assert_eq!(
            app.get("/api/v1/teleconsultations/counts", &township)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn the_booking_form_names_the_clash_and_keeps_what_was_typed() {
    for app in apps(600).await {
        let l = app.label.clone();
        let township = app.login("township").await;
        let resident = app.resident_at(app.places.township).await;
        let ask = json!({"resident_id": resident.id, "question": "请会诊"});
        let mut ids = Vec::new();
        for _ in 0..2 {
            let r = app
                .post("/api/v1/teleconsultations", &township, ask.clone())
                .await;
            ids.push(r.json()["id"].as_str().expect("id").to_string());
        }
        let expert = app
            .state
            .store
            .find_account(app.state.community.id, "specialist")
            .await
            .expect("account")
            .expect("specialist")
            .id;
        let (cookie, csrf) = app.ui_session("manager").await;
        let form =
            |at: &str| format!("_csrf={csrf}&expert_id={expert}&at={at}&duration_minutes=45");
        let (r, to) = app
            .submit(
                &format!("/teleconsult/{}/schedule", ids[0]),
                &cookie,
                &form("2031-05-06T14%3A00"),
            )
            .await;
        assert!(to.is_some(), "{l}: {}", r.status);
        assert!(r.text().contains("已安排专家"), "{l}");
        let r = app
            .post_form(
                &format!("/teleconsult/{}/schedule", ids[1]),
                &cookie,
                &form("2031-05-06T14%3A30"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let html = r.text();
        assert!(
            html.contains("该专家此时段已有其他安排") && html.contains("2031-05-06 14:00"),
            "{l}"
        );
        assert!(
            html.contains("value=\"2031-05-06T14:30\"") && html.contains("value=\"45\""),
            "{l}"
        );
        // The page lists both for the office, with the counts.
        let (_, list) = app.page("/teleconsult", &cookie).await;
        assert!(
            list.contains(&ids[0])
                && list.contains(&ids[1])
                && list.contains("id=\"consult-counts\""),
            "{l}"
        );
    }
}
