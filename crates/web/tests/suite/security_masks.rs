//! Patient data that stays protected, part 1: masks. Each test here replays a way the
//! demo gave up an ID number or a phone (a form, a list, a look-up) and checks it is
//! closed. Runs on SQLite, and on PostgreSQL with `YIGONG_TEST_PG`.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{apps, form, masked_id, masked_phone, strings};
use serde_json::json;

#[tokio::test]
async fn the_resident_edit_form_never_gives_back_a_masked_value() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let path = format!("/residents/{}/edit", r.id);
        // What a masked role's form holds: the masks, and an empty clinic (a form error).
        let attempt = |csrf: &str| {
            form(&[
                ("_csrf", csrf),
                ("name", &r.name),
                ("id_number", &masked_id(&r.id_number)),
                ("phone", &masked_phone(&r.phone)),
                ("institution_id", ""),
            ])
        };
        // Roles that may not edit this resident: refused before anything is loaded.
        for who in ["specialist", "party", "bureau"] {
            let (cookie, csrf) = app.ui_session(who).await;
            let reply = app.post_form(&path, &cookie, &attempt(&csrf)).await;
            assert!(
                matches!(reply.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{l} {who}: {}",
                reply.status
            );
            let page = reply.text();
            assert!(
                !page.contains(&r.id_number) && !page.contains(&r.phone),
                "{l} {who}"
            );
            assert!(
                app.audit_by(who)
                    .await
                    .iter()
                    .any(|(a, o, m, p, _)| a == "resident.update"
                        && o == "denied"
                        && m == "POST"
                        && *p == path),
                "{l} {who}: the refusal is audited with the request"
            );
        }
        // The village doctor may edit, sees the masks, and gets the form back with them.
        let (cookie, csrf) = app.ui_session("village").await;
        let reply = app.post_form(&path, &cookie, &attempt(&csrf)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let page = reply.text();
        assert!(
            !page.contains(&r.id_number),
            "{l}: the full ID number came back"
        );
        assert!(!page.contains(&r.phone), "{l}: the full phone came back");
        assert!(page.contains(&masked_id(&r.id_number)), "{l}");
        // Submitted with its clinic, the masks mean "unchanged": the stored values stay.
        let ok = form(&[
            ("_csrf", &csrf),
            ("name", "改过的名字"),
            ("id_number", &masked_id(&r.id_number)),
            ("phone", &masked_phone(&r.phone)),
            ("institution_id", &r.institution_id.to_string()),
        ]);
        let reply = app.post_form(&path, &cookie, &ok).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{l}: {}", reply.text());
        let after = app
            .state
            .store
            .get_resident(app.state.community.id, r.id)
            .await
            .expect("resident");
        assert_eq!(
            (
                after.name.as_str(),
                after.id_number.as_str(),
                after.phone.as_str()
            ),
            ("改过的名字", r.id_number.as_str(), r.phone.as_str()),
            "{l}"
        );
    }
}

#[tokio::test]
async fn masks_hide_the_sequence_and_masked_roles_look_up_whole_numbers_only_and_seldom() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let view = app
            .get(&format!("/api/v1/residents/{}", r.id), &village)
            .await
            .json();
        assert_eq!(view["id_number"], masked_id(&r.id_number), "{l}");
        // No field gives back the hidden part (birth date digits, sequence, check).
        let mut all = vec![];
        strings(&view, &mut all);
        assert!(
            all.iter().all(|s| !s.contains(&r.id_number[6..])),
            "{l}: {all:?}"
        );
        // Fragments of an ID number would reveal the hidden digits: refused.
        for q in [&r.id_number[14..], &r.id_number[..10], &r.id_number[..17]] {
            let reply = app.get(&format!("/api/v1/residents?q={q}"), &village).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{l} {q}");
            assert_eq!(
                reply.json()["error"]["code"],
                "id_search_needs_whole_number"
            );
        }
        // The whole number finds the resident (the card in front of the doctor), audited.
        let reply = app
            .get(&format!("/api/v1/residents?q={}", r.id_number), &village)
            .await
            .json();
        assert_eq!(reply["items"][0]["id"], r.id.to_string(), "{l}");
        assert_eq!(reply["total"], 1, "{l}");
        // FHIR: the same look-up counts too; a masked reader gets no identifier at all.
        let bundle = app
            .get(
                &format!(
                    "/fhir/r4/Patient?identifier={}|{}",
                    yigong_fhir::ID_CARD_SYSTEM,
                    r.id_number
                ),
                &village,
            )
            .await
            .json();
        assert_eq!(bundle["total"], 1, "{l}");
        assert!(
            bundle["entry"][0]["resource"].get("identifier").is_none(),
            "{l}"
        );
        let lookups = app
            .audit_by("village")
            .await
            .into_iter()
            .filter(|(a, o, ..)| a.starts_with("resident.id_lookup") && o == "allowed")
            .count();
        assert_eq!(lookups, 2, "{l}");
        // Twenty an hour: 18 more pass, the 21st is refused and the refusal audited.
        let whole = format!("/api/v1/residents?q={}", r.id_number);
        for _ in 0..18 {
            assert_eq!(
                app.get(&whole, &village).await.status,
                StatusCode::OK,
                "{l}"
            );
        }
        let reply = app.get(&whole, &village).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{l}");
        assert_eq!(reply.json()["error"]["code"], "too_many_identifier_lookups");
        assert!(
            reply.json()["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("一小时"))
        );
        assert!(
            app.audit_by("village")
                .await
                .iter()
                .any(|(a, o, _, _, d)| a == "resident.id_lookup"
                    && o == "denied"
                    && d == "throttled")
        );
        // Registrars see numbers whole and search by their end, unthrottled.
        let manager = app.login("manager").await;
        let reply = app
            .get(
                &format!("/api/v1/residents?q={}", &r.id_number[14..]),
                &manager,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let bundle = app
            .get(&format!("/fhir/r4/Patient/{}", r.id), &manager)
            .await
            .json();
        assert_eq!(bundle["identifier"][0]["value"], r.id_number, "{l}");
    }
}

#[tokio::test]
async fn a_duplicate_id_number_from_a_masked_role_counts_as_a_look_up() {
    for app in apps(1500).await {
        let l = &app.label;
        let existing = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let body = json!({
            "name": "重复", "id_number": existing.id_number, "phone": "13800138000",
            "institution_id": app.places.village,
        });
        let reply = app.post("/api/v1/residents", &village, body).await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{l}");
        let rows = app.audit_by("village").await;
        assert!(
            rows.iter()
                .any(|(a, o, ..)| a == "resident.duplicate_id" && o == "allowed")
        );
        assert!(
            rows.iter()
                .any(|(a, o, _, _, d)| a == "resident.create" && o == "denied" && d == "duplicate")
        );
    }
}

#[tokio::test]
async fn whole_phones_reach_only_the_lists_of_people_to_call() {
    for app in apps(1500).await {
        let l = &app.label;
        let r = app.resident_at(app.places.village).await;
        let village = app.login("village").await;
        let reply = app
            .post(
                "/api/v1/screenings",
                &village,
                json!({"resident_id": r.id, "systolic": 160, "diastolic": 100}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{l}: {}", reply.text());
        // The specialist reads the resident's screenings: the phone is masked.
        let specialist = app.login("specialist").await;
        let of = app
            .get(
                &format!("/api/v1/screenings?resident_id={}", r.id),
                &specialist,
            )
            .await
            .json();
        assert_eq!(of["suspicions"][0]["phone"], masked_phone(&r.phone), "{l}");
        // The village doctor's list of findings to confirm is a call list: whole.
        let pending = app
            .get("/api/v1/screenings/pending?per_page=200", &village)
            .await
            .json();
        let row = pending["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["resident_id"] == r.id.to_string())
            .cloned()
            .expect("the new finding is on the list");
        assert_eq!(row["phone"], r.phone, "{l}");
        // Their record view is not a call list: masked.
        let view = app
            .get(&format!("/api/v1/residents/{}", r.id), &village)
            .await
            .json();
        assert_eq!(view["phone"], masked_phone(&r.phone), "{l}");
    }
}
