//! Family-doctor contracts on SQLite and PostgreSQL: the contract lifecycle in the store
//! and through the API, and the renewal list.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use yigong_domain::clock::today;
use yigong_domain::family::Term;
use yigong_store::StoreError;
use yigong_store::family::NewContract;

#[tokio::test]
async fn a_contract_is_signed_renewed_transferred_and_ended() {
    for app in apps(800).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        let first = app.team("茅台镇第一团队", &[app.places.village]).await;
        let second = app
            .team("茅台镇第二团队", &[app.places.other_village])
            .await;
        let t = store.get_team(c, first).await.expect("team");
        assert_eq!(
            (t.members, t.villages, t.contracts),
            (4, 1, 0),
            "{}",
            app.label
        );
        let resident = app.resident_ids_at(app.places.village, 1).await[0];
        let term = Term::year_from(today());
        let new = NewContract {
            resident_id: resident,
            team_id: first,
            package: "basic".into(),
            key_groups: "elderly,hypertension".into(),
            start_date: term.start,
            end_date: term.end,
            created_by: None,
        };
        let id = store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
            .expect("signed");
        // One active contract per resident.
        match store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
        {
            Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, "active_contract"),
            other => panic!("{}: {other:?}", app.label),
        }
        assert_eq!(store.get_team(c, first).await.expect("team").contracts, 1);
        // Renewed: the old year is marked renewed, the next one follows it.
        let old = store.get_contract(c, id).await.expect("contract");
        let next = term.renewed();
        let renewed = store
            .renew_contract(
                c,
                &old,
                next,
                None,
                &common::setup_entry("family.contract.renew"),
            )
            .await
            .expect("renewed");
        assert_eq!(
            store.get_contract(c, id).await.expect("old").status,
            "renewed"
        );
        let r = store.get_contract(c, renewed).await.expect("new");
        assert_eq!(
            (r.status.as_str(), r.previous_id, r.start_date),
            ("active", Some(id), next.start)
        );
        // Renewing a contract that is no longer active is refused.
        assert!(
            store
                .renew_contract(c, &old, next, None, &common::setup_entry("x"))
                .await
                .is_err()
        );
        // Transferred to the second team.
        let moved = store
            .transfer_contract(
                c,
                &r,
                second,
                Term {
                    start: today(),
                    end: term.end,
                },
                None,
                &common::setup_entry("family.contract.transfer"),
            )
            .await
            .expect("transferred");
        let was = store.get_contract(c, renewed).await.expect("was");
        assert_eq!(
            (was.status.as_str(), was.end_reason.as_deref()),
            ("ended", Some("transferred"))
        );
        assert_eq!(
            store.get_contract(c, moved).await.expect("now").team_id,
            second
        );
        // Ended with a reason; then the resident may sign again.
        assert!(
            store
                .end_contract(
                    c,
                    moved,
                    "declined",
                    today(),
                    &common::setup_entry("family.contract.end")
                )
                .await
                .expect("end")
        );
        assert!(
            !store
                .end_contract(
                    c,
                    moved,
                    "declined",
                    today(),
                    &common::setup_entry("family.contract.end")
                )
                .await
                .expect("again")
        );
        assert_eq!(
            store
                .contracts_of(c, resident)
                .await
                .expect("history")
                .len(),
            3
        );
        store
            .sign_contract(c, &new, &common::setup_entry("family.contract.sign"))
            .await
            .expect("signs again");
        // Due for renewal: contracts ending within the window.
        let due = store
            .contracts_due(
                c,
                &[first],
                &yigong_domain::access::ResidentScope::All,
                term.end,
                yigong_store::PageRequest::new(None, None),
            )
            .await
            .expect("due");
        assert_eq!((due.items.len(), due.total), (1, 1), "{}", app.label);
        assert!(
            store
                .contracts_due(
                    c,
                    &[first],
                    &yigong_domain::access::ResidentScope::All,
                    term.start,
                    yigong_store::PageRequest::new(None, None),
                )
                .await
                .expect("due")
                .items
                .is_empty()
        );
    }
}

#[tokio::test]
async fn contracts_through_the_api_sign_renew_transfer_and_end() {
    for app in apps(800).await {
        let first = app.team("一队", &[app.places.village]).await;
        let second = app.team("二队", &[app.places.village]).await;
        let township = app.login("township").await;
        let resident = app.resident_ids_at(app.places.village, 1).await[0];
        let sign = |groups: serde_json::Value| serde_json::json!({"resident_id": resident, "team_id": first, "key_groups": groups});
        let r = app
            .post(
                "/api/v1/contracts",
                &township,
                sign(serde_json::json!(["elderly"])),
            )
            .await;
        assert_eq!(
            r.json()["error"]["code"],
            "key_group_derived",
            "{}",
            app.label
        );
        // A package is named by its code; its Chinese name is a label, not a value.
        let mut by_name = sign(serde_json::json!([]));
        by_name["package"] = serde_json::json!("基础包");
        let r = app.post("/api/v1/contracts", &township, by_name).await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["error"]["field"], "package", "{}", app.label);
        let r = app
            .post(
                "/api/v1/contracts",
                &township,
                sign(serde_json::json!(["low_income"])),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::CREATED,
            "{}: {}",
            app.label,
            r.text()
        );
        let k = r.json();
        assert!(
            k["key_groups"]
                .as_str()
                .is_some_and(|g| g.contains("low_income"))
        );
        assert_eq!(k["start_date"], today().to_string());
        // In a key group and no package chosen: the key-population package.
        assert_eq!(k["package"], "key_population", "{}", app.label);
        let id = k["id"].as_str().expect("id").to_string();
        // A team holding a contract is not disbanded: its contracts move first.
        let manager = app.login("manager").await;
        let r = app
            .post(
                &format!("/api/v1/teams/{first}/disband"),
                &manager,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CONFLICT, "{}", app.label);
        assert_eq!(r.json()["error"]["code"], "team_has_contracts");
        let again = app
            .post("/api/v1/contracts", &township, sign(serde_json::json!([])))
            .await;
        assert_eq!(again.status, axum::http::StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "contract_active");
        // Due for renewal within a year and a month.
        let due = app
            .get("/api/v1/contracts/due?within=400", &township)
            .await
            .json();
        assert!(
            due.as_array()
                .is_some_and(|d| d.iter().any(|c| c["id"] == id.as_str())),
            "{}",
            app.label
        );
        // Renew: the next year follows.
        let renewed = app
            .post(
                &format!("/api/v1/contracts/{id}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(
            renewed.status,
            axum::http::StatusCode::OK,
            "{}",
            renewed.text()
        );
        let renewed = renewed.json();
        assert_eq!(renewed["previous_id"], id.as_str());
        let next = renewed["id"].as_str().expect("id").to_string();
        // The old one can no longer be acted on.
        let r = app
            .post(
                &format!("/api/v1/contracts/{id}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CONFLICT);
        // Transfer to the second team, then end with a reason.
        let moved = app
            .post(
                &format!("/api/v1/contracts/{next}/transfer"),
                &township,
                serde_json::json!({"team_id": second}),
            )
            .await;
        assert_eq!(moved.status, axum::http::StatusCode::OK, "{}", moved.text());
        let moved = moved.json();
        assert_eq!(moved["team_id"], second.to_string());
        let last = moved["id"].as_str().expect("id").to_string();
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/end"),
                &township,
                serde_json::json!({"reason": "nonsense"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let ended = app
            .post(
                &format!("/api/v1/contracts/{last}/end"),
                &township,
                serde_json::json!({"reason": "moved"}),
            )
            .await;
        assert_eq!(ended.json()["status"], "ended");
        assert_eq!(ended.json()["end_reason"], "moved");
        // An ended contract is not acted on again; who keeps no clinic may not act at all.
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/renew"),
                &township,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "contract_not_active");
        let bureau = app.login("bureau").await;
        let r = app
            .post(
                &format!("/api/v1/contracts/{last}/renew"),
                &bureau,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::FORBIDDEN);
    }
}

/// The renewal list is paged by 50 and holds only the residents the user reaches.
#[tokio::test]
async fn the_renewal_list_is_paged_and_scoped_to_the_users_residents() {
    for app in apps(4000).await {
        let l = &app.label;
        let (store, c) = (&app.state.store, app.state.community.id);
        yigong_demo::seed::family::add_history(store, c, 7, today())
            .await
            .expect("history");
        let manager = app.ui_cookie("manager").await;
        let (status, html) = app.page("/contracts", &manager).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("<title>"), "{l}");
        let first = html.matches("class=\"renewal-row\"").count();
        let api = app
            .get(
                "/api/v1/contracts/due?per_page=200",
                &app.login("manager").await,
            )
            .await
            .json();
        let all = api.as_array().expect("due").len();
        assert!(all > 50, "{l}: {all} due, enough for two pages");
        assert_eq!(first, 50, "{l}");
        let (_, second) = app.page("/contracts?page=2", &manager).await;
        let rows = second.matches("class=\"renewal-row\"").count();
        assert_eq!(rows, (all - 50).min(50), "{l}");
        // The village doctor's list: only residents of the own village.
        let village = app.ui_cookie("village").await;
        let (_, html) = app.page("/contracts", &village).await;
        for id in html
            .split("href=\"/residents/")
            .skip(1)
            .filter_map(|s| s.split('#').next())
        {
            let id: uuid::Uuid = id.parse().expect("id");
            let r = store.get_resident(c, id).await.expect("resident");
            assert_eq!(r.institution_id, app.places.village, "{l}");
        }
    }
}
