//! Bad input gets a 4xx naming the problem, and nothing is written.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{apps, id_number};
use serde_json::{Value, json};

fn good(institution: uuid::Uuid) -> Value {
    json!({
        "name": "测试居民",
        "id_number": id_number("1980-05-06", 11),
        "sex": "male",
        "birth_date": "1980-05-06",
        "phone": "13812345678",
        "address": "茅台镇",
        "institution_id": institution,
    })
}

#[tokio::test]
async fn resident_creation_rejects_each_kind_of_bad_input_without_writing() {
    for app in apps(100).await {
        let t = app.login("village").await;
        let before = app.resident_count().await;
        let v = app.places.village;

        // Malformed JSON.
        let r = app
            .raw(
                Method::POST,
                "/api/v1/residents",
                &t,
                "application/json",
                b"{\"name\": ".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["code"], "bad_json");

        // Not JSON at all.
        let r = app
            .raw(
                Method::POST,
                "/api/v1/residents",
                &t,
                "text/plain",
                b"hello".to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // Wrong types: the message names the field.
        let mut body = good(v);
        body["name"] = json!(42);
        let r = app.post("/api/v1/residents", &t, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let msg = r.json()["error"]["message"]
            .as_str()
            .expect("message")
            .to_string();
        assert!(msg.contains("name"), "{msg}");
        let mut body = good(v);
        body["institution_id"] = json!("not-a-uuid");
        assert_eq!(
            app.post("/api/v1/residents", &t, body).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );

        let cases: Vec<(&str, Value, &str, &str)> = vec![
            ("name", json!("张".repeat(31)), "name", "too_long"),
            ("name", json!("   "), "name", "required"),
            ("address", json!("村".repeat(201)), "address", "too_long"),
            (
                "id_number",
                json!("520382198005060110"),
                "id_number",
                "id_number_check_digit",
            ),
            (
                "id_number",
                json!("5".repeat(5000)),
                "id_number",
                "id_number_length",
            ),
            (
                "birth_date",
                json!("1981-05-06"),
                "birth_date",
                "birth_date_disagrees_with_id_number",
            ),
            (
                "sex",
                json!("female"),
                "sex",
                "sex_disagrees_with_id_number",
            ),
            ("phone", json!("1381234567"), "phone", "phone_invalid"),
        ];
        for (key, value, field, code) in cases {
            let mut body = good(v);
            body[key] = value;
            let r = app.post("/api/v1/residents", &t, body).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{key}: {}",
                r.text()
            );
            let e = &r.json()["error"];
            assert_eq!(
                (e["field"].as_str(), e["code"].as_str()),
                (Some(field), Some(code)),
                "{key}"
            );
            assert!(!e["message"].as_str().expect("message").is_empty());
        }

        // A clinic outside the village doctor's scope, and one that cannot hold residents.
        let mut body = good(app.places.other_village);
        body["id_number"] = json!(id_number("1980-05-06", 13));
        let r = app.post("/api/v1/residents", &t, body).await;
        assert_eq!(
            (r.status, r.json()["error"]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("institution"))
        );
        let manager = app.login("manager").await;
        let r = app
            .post("/api/v1/residents", &manager, good(app.places.lead))
            .await;
        assert_eq!(r.json()["error"]["code"], "institution_invalid");

        assert_eq!(
            app.resident_count().await,
            before,
            "{}: nothing written",
            app.label
        );

        // The good one goes in once; the same ID number again is a conflict.
        assert_eq!(
            app.post("/api/v1/residents", &t, good(v)).await.status,
            StatusCode::CREATED
        );
        let r = app.post("/api/v1/residents", &t, good(v)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["error"]["field"], "id_number");
        assert_eq!(app.resident_count().await, before + 1);
    }
}

#[tokio::test]
async fn messages_follow_the_requested_language() {
    for app in apps(10).await {
        let t = app.login("village").await;
        let mut body = good(app.places.village);
        body["phone"] = json!("123");
        let zh = app.post("/api/v1/residents", &t, body.clone()).await.json();
        assert_eq!(zh["error"]["message"], "手机号：应为以 1 开头的 11 位数字");
        let en = app.post("/api/v1/residents?lang=en", &t, body).await.json();
        assert_eq!(
            en["error"]["message"],
            "Phone: must be 11 digits starting with 1"
        );
        let fhir = app
            .get(
                "/fhir/r4/Patient/00000000-0000-0000-0000-000000000000?lang=en",
                &t,
            )
            .await
            .json();
        assert_eq!(
            fhir["issue"][0]["diagnostics"],
            "Not found, or not yours to see"
        );
    }
}

#[tokio::test]
async fn registry_rules_on_institutions_staff_and_accounts() {
    for app in apps(10).await {
        let m = app.login("manager").await;
        // A village clinic must sit under a township.
        let r = app
            .post("/api/v1/institutions", &m, json!({"kind": "village", "code": "X-1", "name": "新村卫生室", "parent_id": app.places.lead}))
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("parent"))
        );
        let r = app
            .post("/api/v1/institutions", &m, json!({"kind": "village", "code": "bad code", "name": "新村卫生室", "parent_id": app.places.township}))
            .await;
        assert_eq!(r.json()["error"]["field"], "code");
        let ok = app
            .post("/api/v1/institutions", &m, json!({"kind": "village", "code": "T01-V99", "name": "新村卫生室", "parent_id": app.places.township}))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
        let id = ok.json()["id"].as_str().expect("id").to_string();
        let dup = app
            .post("/api/v1/institutions", &m, json!({"kind": "village", "code": "T01-V99", "name": "重复", "parent_id": app.places.township}))
            .await;
        assert_eq!(dup.status, StatusCode::CONFLICT);
        assert_eq!(
            app.post(
                &format!("/api/v1/institutions/{id}/deactivate"),
                &m,
                json!({})
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let got = app
            .get(&format!("/api/v1/institutions/{id}"), &m)
            .await
            .json();
        assert_eq!(got["active"], false);
        // Village doctors do not edit the registry.
        let v = app.login("village").await;
        let r = app
            .post(
                &format!("/api/v1/institutions/{id}/reactivate"),
                &v,
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Staff: title validated; create, edit, deactivate.
        let staff = json!({"name": "周医生", "id_number": id_number("1975-03-04", 21), "title": "wizard", "institution_id": app.places.township});
        let r = app.post("/api/v1/staff", &m, staff.clone()).await;
        assert_eq!(r.json()["error"]["field"], "title");
        let mut staff = staff;
        staff["title"] = json!("attending_physician");
        let r = app.post("/api/v1/staff", &m, staff.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let sid = r.json()["id"].as_str().expect("id").to_string();
        staff["specialty"] = json!("全科医学");
        let r = app
            .call(
                Method::PUT,
                &format!("/api/v1/staff/{sid}"),
                Some(&m),
                Some(staff),
            )
            .await;
        assert_eq!(r.json()["specialty"], "全科医学");
        assert_eq!(
            app.post(&format!("/api/v1/staff/{sid}/deactivate"), &m, json!({}))
                .await
                .status,
            StatusCode::NO_CONTENT
        );

        // Accounts: only the administrator; role must fit the institution.
        let body = json!({"username": "newdoc", "display_name": "新医生", "password": "demo1234", "role": "village_doctor", "institution_id": app.places.lead});
        assert_eq!(
            app.post("/api/v1/accounts", &m, body.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        let admin = app.login("admin").await;
        assert_eq!(
            app.post("/api/v1/accounts", &admin, body.clone())
                .await
                .json()["error"]["field"],
            "role"
        );
        let mut body = body;
        body["institution_id"] = json!(app.places.village);
        assert_eq!(
            app.post("/api/v1/accounts", &admin, body).await.status,
            StatusCode::CREATED
        );
        assert!(!app.login("newdoc").await.is_empty());
    }
}

#[tokio::test]
async fn openapi_document_lists_the_api() {
    for app in apps(1).await {
        let r = app
            .call(Method::GET, "/api/v1/openapi.json", None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let doc = r.json();
        assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
        for p in [
            "/api/v1/residents",
            "/api/v1/residents/{id}",
            "/api/v1/auth/login",
            "/api/v1/imports/{kind}",
            "/api/v1/ecg/studies",
            "/api/v1/ecg/studies/{id}/{action}",
            "/api/v1/ecg/studies/{id}/trace.svg",
            "/api/v1/follow-ups",
            "/api/v1/registers/{id}/follow-ups",
            "/api/v1/teams",
            "/api/v1/contracts/{id}/{action}",
            "/api/v1/contracts/groups",
            "/api/v1/screenings",
            "/api/v1/suspicions/{id}/{decision}",
        ] {
            assert!(doc["paths"].get(p).is_some(), "{p}");
        }
    }
}

/// A resident with three wrong fields: the API names all three, and the form comes back
/// with what was typed and a message at each.
#[tokio::test]
async fn every_wrong_field_of_a_resident_is_named_at_once() {
    for app in apps(20).await {
        let l = &app.label;
        let token = app.login("village").await;
        let body = json!({
            "name": "张3", "id_number": "11010519491231002X", "sex": "male",
            "phone": "123", "institution_id": app.places.village,
        });
        let r = app.post("/api/v1/residents", &token, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let named: Vec<String> = r.json()["error"]["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| p["field"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(named, ["name", "sex", "phone"], "{l}");
        let (cookie, csrf) = app.ui_session("village").await;
        let form = format!(
            "_csrf={csrf}&name=%E5%BC%A03&id_number=11010519491231002X&sex=male&phone=123&address=&institution_id={}",
            app.places.village
        );
        let r = app.post_form("/residents/new", &cookie, &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        for field in ["name", "sex", "phone"] {
            assert!(
                html.contains(&format!("id=\"error-{field}\"")),
                "{l}: {field}"
            );
        }
        assert!(
            html.contains("value=\"张3\"") && html.contains("value=\"123\""),
            "{l}: kept"
        );
    }
}
