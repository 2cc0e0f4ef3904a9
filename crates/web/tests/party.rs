//! Party building on SQLite and PostgreSQL: the structure seed 000 counts, within each
//! caller's reach, and the first-secretary sites whose funds are never overspent.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;

#[tokio::test]
async fn the_structure_is_counted_within_each_callers_reach() {
    for app in apps(300).await {
        let l = &app.label;
        // The committee and the bureau see seed 000's organisation whole.
        for user in ["party", "bureau"] {
            let r = app
                .get("/api/v1/party/structure", &app.login(user).await)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {user}");
            let s = r.json();
            assert_eq!(s["committees"], 2, "{l}: two hospital committees");
            assert_eq!(
                s["branches"],
                31 + 21,
                "{l}: 31 hospital and 21 township branches"
            );
            assert_eq!(s["members"], 411 + 184, "{l}: members");
            assert_eq!(
                s["organizations"].as_array().map(Vec::len),
                Some(2 + 52),
                "{l}"
            );
        }
        // A branch secretary sees their branch only.
        let r = app
            .get("/api/v1/party/structure", &app.login("branch").await)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let s = r.json();
        let orgs = s["organizations"].as_array().expect("orgs");
        assert_eq!((orgs.len(), s["branches"].as_i64()), (1, Some(1)), "{l}");
        assert_eq!(
            orgs[0]["institution_id"],
            app.places.township.to_string(),
            "{l}"
        );
        assert_eq!(s["members"], orgs[0]["members"], "{l}");
        // A village doctor holds no post: nothing there, and the refusal is audited.
        let r = app
            .get("/api/v1/party/structure", &app.login("village").await)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let audit = app.audit_by("village").await;
        assert!(
            audit
                .iter()
                .any(|(a, o, ..)| a == "party.structure" && o == "denied"),
            "{l}: the refusal is in the audit"
        );
    }
}

#[tokio::test]
async fn a_first_secretary_spends_from_the_fund_and_never_beyond_it() {
    for app in apps(300).await {
        let l = &app.label;
        let firstsec = app.login("firstsec").await;
        let sites = app.get("/api/v1/first-secretary/sites", &firstsec).await;
        assert_eq!(sites.status, StatusCode::OK, "{l}");
        let sites = sites.json();
        let mine = sites.as_array().expect("sites");
        assert_eq!(mine.len(), 1, "{l}: their own site");
        let site = &mine[0];
        assert_eq!(site["budget_fen"], 100_000_000, "{l}: 1,000,000 yuan");
        assert_eq!(
            (site["spent_fen"].as_i64(), site["remaining_fen"].as_i64()),
            (Some(0), Some(100_000_000))
        );
        let id = site["id"].as_str().expect("id").to_string();
        let spend = |amount: i64| json!({"amount_fen": amount, "category": "设备购置", "spent_on": "2026-11-20", "note": "心电图机"});
        let path = format!("/api/v1/first-secretary/sites/{id}/spending");
        // 1,234.56 yuan, then exactly what remains but one fen too much: refused whole.
        let r = app.post(&path, &firstsec, spend(123_456)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(r.json()["amount_fen"], 123_456, "{l}");
        let over = app
            .post(&path, &firstsec, spend(100_000_000 - 123_456 + 1))
            .await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(over.json()["error"]["code"], "fund_overspent", "{l}");
        let now = app
            .get("/api/v1/first-secretary/sites", &firstsec)
            .await
            .json();
        assert_eq!(now[0]["spent_fen"], 123_456, "{l}: nothing written");
        assert_eq!(now[0]["remaining_fen"], 100_000_000 - 123_456, "{l}");
        let rest = app
            .post(&path, &firstsec, spend(100_000_000 - 123_456))
            .await;
        assert_eq!(rest.status, StatusCode::CREATED, "{l}: to the fen");
        let now = app
            .get("/api/v1/first-secretary/sites", &firstsec)
            .await
            .json();
        assert_eq!(now[0]["remaining_fen"], 0, "{l}");
        // Every wrong field at once.
        let bad = app
            .post(
                &path,
                &firstsec,
                json!({"amount_fen": 0, "category": " ", "spent_on": "20.11.2026"}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let fields: Vec<String> = bad.json()["error"]["problems"]
            .as_array()
            .map(|p| {
                p.iter()
                    .filter_map(|x| x["field"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for f in ["category", "spent_on", "amount_fen"] {
            assert!(
                fields.contains(&f.to_string()) || bad.json()["error"]["field"] == f,
                "{l}: {f} in {}",
                bad.text()
            );
        }
        // The committee sees every site but spends from none; others see nothing.
        let party = app.login("party").await;
        let all = app
            .get("/api/v1/first-secretary/sites", &party)
            .await
            .json();
        assert_eq!(all.as_array().map(Vec::len), Some(2), "{l}");
        assert_eq!(
            app.post(&path, &party, spend(100)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let village = app.login("village").await;
        assert_eq!(
            app.get("/api/v1/first-secretary/sites", &village)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.post(&path, &village, spend(100)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}
