//! The members' appraisal on SQLite and PostgreSQL, on a sheet and a quarter worked out
//! by hand: the office draws up the sheet (a wrong item refused field by field), gives
//! manual points with evidence, cannot publish while the weights miss 100, publishes,
//! and the published quarter no longer moves; the bureau reads it, a township doctor
//! may not, and the refusal is audited.

use super::indicators::import;
use axum::http::StatusCode;
use serde_json::{Value, json};
use yigong_testkit::app::{apps, problem_fields};

const HEAD: &str =
    "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)";

#[tokio::test]
async fn the_office_scores_and_publishes_a_quarter_that_then_stays_as_published() {
    for app in apps(800).await {
        let manager = app.login("manager").await;
        let bureau = app.login("bureau").await;
        let (c, label) = (app.state.community.id, app.label.clone());
        // The township T01: 3 visits in 2026-Q3 against 2 in 2025-Q3, +50 %.
        let id = app.resident_at(app.places.township).await.id_number;
        let file = format!(
            "{HEAD}\nT01,全科,A1,{id},门诊,2026-07-03,,I10,6000,3000\nT01,全科,A2,{id},门诊,2026-08-03,,I10,6000,3000\n\
             T01,全科,A3,{id},急诊,2026-09-03,,I10,6000,3000\nT01,全科,B1,{id},门诊,2025-07-03,,I10,6000,3000\n\
             T01,全科,B2,{id},门诊,2025-09-30,,I10,6000,3000\n"
        );
        assert_eq!(import(&app, &file).await.rejected, 0, "{label}");

        // A wrong item: every problem named at its field.
        let r = app
            .post(
                "/api/v1/indicators/appraisal/items",
                &manager,
                json!({"kind": "indicator", "code": "nope", "weight": "0"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(problem_fields(&r.json()), ["weight", "code"], "{label}");
        let add = |body: Value| {
            let (app, manager) = (&app, &manager);
            async move {
                let r = app
                    .post("/api/v1/indicators/appraisal/items", manager, body)
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
                r.json()["id"].as_str().expect("id").to_string()
            }
        };
        let growth = add(
            json!({"kind": "indicator", "code": "visits_yoy", "weight": "40", "target": "100"}),
        )
        .await;
        let inspection =
            add(json!({"kind": "manual", "name": "医疗质量检查", "weight": "60"})).await;

        // Manual points: within the weight and with evidence, for a member only.
        let places = app.state.store.list_institutions(c).await.expect("places");
        let hospital = places
            .iter()
            .find(|i| i.kind == "member")
            .expect("a member hospital")
            .id;
        let score = |institution: uuid::Uuid, points: &str, evidence: &str| {
            json!({"quarter": "2026-Q3", "institution_id": institution, "item_id": inspection,
                   "points": points, "evidence": evidence})
        };
        let r = app
            .put(
                "/api/v1/indicators/appraisal/scores",
                &manager,
                score(app.places.township, "61", ""),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["points", "evidence"], "{label}");
        let r = app
            .put(
                "/api/v1/indicators/appraisal/scores",
                &manager,
                score(app.places.village, "50", "x"),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), ["institution_id"], "{label}");
        let village = app.login("village").await;
        let r = app
            .put(
                "/api/v1/indicators/appraisal/scores",
                &village,
                score(app.places.township, "60", "x"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        for (at, points) in [(app.places.township, "45.5"), (hospital, "60")] {
            let r = app
                .put(
                    "/api/v1/indicators/appraisal/scores",
                    &manager,
                    score(at, points, "2026-10-12 质控检查记录第3号"),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}: {}", r.text());
        }

        // Worked by hand: T01 earns 50/100 of 40 = 20 for growth, plus 45.5; the hospital
        // has no visits (growth without data earns nothing) and 60; every other member 0,
        // its inspection still to score.
        let s = app
            .get("/api/v1/indicators/appraisal?quarter=2026-Q3", &bureau)
            .await
            .json();
        let rows = s["rows"].as_array().expect("rows");
        let line = |r: &Value| {
            let pts: Vec<f64> = r["scores"]
                .as_array()
                .expect("scores")
                .iter()
                .map(|c| c["points"].as_f64().expect("pts"))
                .collect();
            (
                r["institution_id"].as_str().expect("id").to_string(),
                r["rank"].as_u64().expect("rank"),
                pts,
                r["total"].as_f64().expect("total"),
            )
        };
        assert_eq!(
            line(&rows[0]),
            (app.places.township.to_string(), 1, vec![20.0, 45.5], 65.5),
            "{label}"
        );
        assert_eq!(rows[0]["scores"][0]["value"], json!(50.0));
        assert_eq!(
            line(&rows[1]),
            (hospital.to_string(), 2, vec![0.0, 60.0], 60.0),
            "{label}"
        );
        let members = places
            .iter()
            .filter(|i| i.kind == "member" || i.kind == "township")
            .count();
        assert_eq!(rows.len(), members, "{label}");
        for r in &rows[2..] {
            assert_eq!(
                (r["rank"].as_u64(), r["total"].as_f64()),
                (Some(3), Some(0.0)),
                "{label}"
            );
            assert_eq!(r["scores"][1]["pending"], true);
        }
        assert_eq!(s["complete"], true);

        // Not while the weights miss 100.
        let extra = add(json!({"kind": "manual", "name": "医保检查", "weight": "10"})).await;
        let r = app
            .post(
                "/api/v1/indicators/appraisal/publish",
                &manager,
                json!({"quarter": "2026-Q3"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("appraisal_incomplete")),
            "{label}"
        );
        let r = app
            .delete(
                &format!("/api/v1/indicators/appraisal/items/{extra}"),
                &manager,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}");
        let r = app
            .post(
                "/api/v1/indicators/appraisal/publish",
                &manager,
                json!({"quarter": "2026-Q3"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.text());
        assert!(r.json()["published_at"].is_string());

        // Published: no more points, the sheet's later changes do not reach it, once only.
        let r = app
            .put(
                "/api/v1/indicators/appraisal/scores",
                &manager,
                score(hospital, "10", "复查"),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("appraisal_published")),
            "{label}"
        );
        let r = app
            .put(
                &format!("/api/v1/indicators/appraisal/items/{growth}"),
                &manager,
                json!({"weight": "10", "target": "5"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}: {}", r.text());
        let again = app
            .get("/api/v1/indicators/appraisal?quarter=2026-Q3", &bureau)
            .await
            .json();
        assert_eq!(line(&again["rows"][0]), line(&rows[0]), "{label}");
        assert_eq!(again["items"][0]["weight"], 40);
        let r = app
            .post(
                "/api/v1/indicators/appraisal/publish",
                &manager,
                json!({"quarter": "2026-Q3"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");
        // The next quarter is live and follows the changed sheet.
        let live = app
            .get("/api/v1/indicators/appraisal?quarter=2026-Q4", &bureau)
            .await
            .json();
        assert_eq!(
            (
                live["items"][0]["weight"].clone(),
                live["published_at"].clone()
            ),
            (json!(10), Value::Null)
        );

        // A township doctor may not read it; the refusal is audited.
        let township = app.login("township").await;
        let r = app
            .get("/api/v1/indicators/appraisal?quarter=2026-Q3", &township)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let audit = app.audit_by("township").await;
        assert!(
            audit
                .iter()
                .any(|a| a.0 == "appraisal.read" && a.1 == "denied"),
            "{audit:?}"
        );
        let r = app
            .get("/api/v1/indicators/appraisal?quarter=2026-13", &bureau)
            .await;
        assert_eq!(problem_fields(&r.json()), ["quarter"], "{label}");
    }
}
