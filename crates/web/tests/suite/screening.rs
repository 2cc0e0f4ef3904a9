//! Screening before enrolment on both engines, through the API: a raised value opens a
//! suspicion at the resident's clinic; confirmation needs the criteria (or another
//! basis) and enrols in the same step; COPD-SQ scores and opens its own suspicion; who
//! may record and who may decide. Also contract coverage by key group.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;
use time::Duration;

fn today() -> time::Date {
    yigong_web::chronic::api::today()
}

/// A "1+2+1" team of the demo township covering the demo village, formed through the
/// API by the office; its id.
async fn demo_village_team(app: &common::TestApp, manager: &str, name: &str) -> String {
    let c = app.state.community.id;
    let staff = |inst| {
        let q = yigong_store::staff::StaffQuery {
            institution: Some(inst),
            ..Default::default()
        };
        let store = app.state.store.clone();
        async move {
            store
                .search_staff(c, &q, yigong_store::PageRequest::new(None, Some(5)))
                .await
                .expect("staff")
                .items
        }
    };
    let (lead, town, vil) = (
        staff(app.places.lead).await,
        staff(app.places.township).await,
        staff(app.places.village).await,
    );
    let team = app
        .post(
            "/api/v1/teams",
            manager,
            json!({"name": name, "institution_id": app.places.township,
                "leader_staff_id": town[0].id,
                "members": [
                    {"staff_id": lead[0].id, "role": "specialist"},
                    {"staff_id": town[0].id, "role": "township_clinician"},
                    {"staff_id": town[1].id, "role": "public_health"},
                    {"staff_id": vil[0].id, "role": "village_doctor"}],
                "villages": [app.places.village]}),
        )
        .await;
    assert_eq!(
        team.status,
        StatusCode::CREATED,
        "{}: {}",
        app.label,
        team.text()
    );
    team.json()["team"]["id"]
        .as_str()
        .expect("team")
        .to_string()
}

fn day(offset: i64) -> String {
    (today() - Duration::days(offset)).to_string()
}

#[tokio::test]
async fn screenings_open_suspicions_that_the_clinic_confirms_into_a_register_or_excludes() {
    for app in apps(1500).await {
        let l = &app.label;
        let village = app.login("village").await;
        let resident = app.resident_at(app.places.village).await;
        let rid = resident.id.to_string();
        let screen = |body: serde_json::Value| {
            let mut b = body;
            b["resident_id"] = json!(rid);
            b
        };

        // A raised blood pressure opens a suspicion of hypertension.
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                screen(json!({"screened_on": day(20), "systolic": 152, "diastolic": 95})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let o = r.json();
        assert_eq!(o["findings"], json!(["suspected_hypertension"]), "{l}");
        assert_eq!(o["opened"], json!(["hypertension"]), "{l}");
        // A second raised reading (another day) adds support, not a second suspicion.
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                screen(json!({"screened_on": day(13), "systolic": 146, "diastolic": 88})),
            )
            .await;
        assert_eq!(r.json()["opened"], json!([]), "{l}");

        let pending = app.get("/api/v1/screenings/pending", &village).await;
        assert_eq!(pending.status, StatusCode::OK, "{l}");
        let items = pending.json()["items"].as_array().expect("items").clone();
        assert_eq!(items.len(), 1, "{l}");
        assert_eq!(items[0]["condition"], "hypertension");
        let sid = items[0]["id"].as_str().expect("id").to_string();

        let of = app
            .get(&format!("/api/v1/screenings?resident_id={rid}"), &village)
            .await
            .json();
        assert_eq!(of["screenings"].as_array().map(Vec::len), Some(2), "{l}");
        assert_eq!(of["suspicions"][0]["raised_days"], 2, "{l}");
        assert_eq!(of["suspicions"][0]["days_needed"], 3, "{l}");

        // Two raised days of three: the screenings alone do not confirm.
        let confirm = format!("/api/v1/suspicions/{sid}/confirm");
        let r = app
            .post(&confirm, &village, json!({"basis": "screening"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(r.json()["error"]["code"], "criteria_not_met", "{l}");
        let r = app.post(&confirm, &village, json!({})).await;
        assert_eq!(r.json()["error"]["field"], "basis", "{l}");

        // Another clinic's doctor cannot decide; a specialist may screen but not decide.
        let other = app.login("township").await;
        let specialist = app.login("specialist").await;
        let r = app
            .post(&confirm, &specialist, json!({"basis": "clinical"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = app
            .post(
                "/api/v1/screenings",
                &specialist,
                screen(json!({"screened_on": day(6), "systolic": 149, "diastolic": 96})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{l}: a county screening counts"
        );
        let pending_other = app.get("/api/v1/screenings/pending", &other).await;
        let township_sees = pending_other.json()["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["id"] == json!(sid)));
        // The township sees its villages' suspicions (the demo village is under it).
        assert!(township_sees, "{l}");

        // Three separate days now: confirmed on the screenings, enrolled at once.
        let r = app
            .post(
                &confirm,
                &village,
                json!({"basis": "screening", "diagnosed_on": day(0), "note": "三次非同日血压升高"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let d = r.json();
        assert_eq!(d["suspicion"]["status"], "confirmed", "{l}");
        let register = d["register_id"].as_str().expect("register").to_string();
        let g = app
            .get(&format!("/api/v1/registers/{register}"), &village)
            .await
            .json();
        assert_eq!(g["register"]["disease"], "hypertension", "{l}");
        assert_eq!(
            g["register"]["next_due"],
            json!((today() + Duration::days(14)).to_string()),
            "{l}: first follow-up in two weeks"
        );
        // Decided once only; and on the register, a raised value opens nothing new.
        let r = app
            .post(&confirm, &village, json!({"basis": "clinical"}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                screen(json!({"systolic": 160, "diastolic": 100})),
            )
            .await;
        assert_eq!(r.json()["opened"], json!([]), "{l}");

        // COPD-SQ: BMI is one of its items, so weight and height are needed.
        let copd = json!({"pack_years": 25, "cough": true, "breathlessness": "on_exertion",
            "biomass_fuel": true, "family_history": true});
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                screen(json!({"copd": copd})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(r.json()["error"]["field"], "weight_kg", "{l}");
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                screen(json!({"weight_kg": 52, "height_cm": 165, "copd": copd})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let o = r.json();
        let age = yigong_domain::family::age_on(resident.birth_date, today());
        let expected = yigong_domain::screening::COPD_SQ.score(
            age,
            19.1,
            &yigong_domain::screening::CopdAnswers {
                pack_years: 25.0,
                cough: true,
                breathlessness: yigong_domain::screening::Breathlessness::OnExertion,
                biomass_fuel: true,
                family_history: true,
            },
        );
        assert_eq!(o["copd_score"], json!(expected), "{l}");
        assert_eq!(o["bmi"], json!(19.1), "{l}");
        assert!(
            expected >= 16,
            "{l}: 1 + 4 + 5 + 2 + 1 + 3 is high risk at any age"
        );
        assert_eq!(o["opened"], json!(["copd"]), "{l}");
        let of = app
            .get(&format!("/api/v1/screenings?resident_id={rid}"), &village)
            .await
            .json();
        let copd_id = of["suspicions"][0]["id"]
            .as_str()
            .expect("open first")
            .to_string();
        assert_eq!(of["suspicions"][0]["raised_days"], json!(null), "{l}");
        let r = app
            .post(
                &format!("/api/v1/suspicions/{copd_id}/exclude"),
                &village,
                json!({"note": "肺功能正常"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        assert_eq!(r.json()["suspicion"]["status"], "excluded");
        assert_eq!(r.json()["register_id"], json!(null));
        let pending = app.get("/api/v1/screenings/pending", &village).await.json();
        assert_eq!(pending["total"], 0, "{l}");

        // Every screening and decision is in the audit log.
        let actions: Vec<String> = app
            .audit_of(resident.id)
            .await
            .into_iter()
            .map(|a| a.0)
            .collect();
        assert!(
            actions.iter().filter(|a| *a == "chronic.screen").count() >= 5,
            "{l}: {actions:?}"
        );
    }
}

#[tokio::test]
async fn bad_screenings_are_refused_with_the_field_and_write_nothing() {
    for app in apps(1500).await {
        let l = &app.label;
        let village = app.login("village").await;
        let resident = app.resident_at(app.places.village).await;
        let rid = resident.id.to_string();
        let far = app.resident_at(app.places.other_village).await;
        for (body, field, code) in [
            (
                json!({"resident_id": rid, "systolic": 150}),
                "diastolic",
                "required",
            ),
            (json!({"resident_id": rid}), "systolic", "nothing_measured"),
            (
                json!({"resident_id": rid, "systolic": 150, "diastolic": 95, "screened_on": (today() + Duration::days(1)).to_string()}),
                "screened_on",
                "in_future",
            ),
            (
                json!({"resident_id": rid, "systolic": 400, "diastolic": 95}),
                "systolic",
                "out_of_range",
            ),
            (
                json!({"resident_id": rid, "weight_kg": 60, "height_cm": 160, "copd": {"breathlessness": "sometimes"}}),
                "breathlessness",
                "invalid_field",
            ),
            (
                json!({"resident_id": far.id, "systolic": 150, "diastolic": 95}),
                "resident",
                "not_found",
            ),
        ] {
            let r = app.post("/api/v1/screenings", &village, body.clone()).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {body}");
            let e = r.json()["error"].clone();
            assert_eq!(
                (e["field"].as_str(), e["code"].as_str()),
                (Some(field), Some(code)),
                "{l}: {body}"
            );
        }
        let of = app
            .get(&format!("/api/v1/screenings?resident_id={rid}"), &village)
            .await
            .json();
        assert_eq!(of["screenings"], json!([]), "{l}: nothing written");
        let party = app.login("party").await;
        let r = app
            .post(
                "/api/v1/screenings",
                &party,
                json!({"resident_id": rid, "systolic": 150, "diastolic": 95}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn coverage_by_key_group_counts_the_registry_and_the_tags() {
    for app in apps(1500).await {
        let l = &app.label;
        let manager = app.login("manager").await;
        let before = app.get("/api/v1/contracts/groups", &manager).await;
        assert_eq!(before.status, StatusCode::OK, "{l}");
        let groups = before.json();
        let get = |v: &serde_json::Value, g: &str| {
            v.as_array()
                .and_then(|a| a.iter().find(|x| x["group"] == g).cloned())
                .expect("group")
        };
        let elderly = get(&groups, "elderly");
        assert!(
            elderly["population"].as_i64().unwrap_or(0) > 0,
            "{l}: {groups}"
        );
        assert_eq!(get(&groups, "pregnant")["population"], json!(null), "{l}");
        assert_eq!(groups.as_array().map(Vec::len), Some(9), "{l}");

        // A team for the demo village, a contract tagged pregnant.
        let team_id = demo_village_team(&app, &manager, "测试团队").await;
        let village = app.login("village").await;
        let resident = app.resident_at(app.places.village).await;
        let r = app
            .post(
                "/api/v1/contracts",
                &village,
                json!({"resident_id": resident.id, "team_id": team_id, "key_groups": ["pregnant"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let after = app.get("/api/v1/contracts/groups", &manager).await.json();
        assert_eq!(get(&after, "pregnant")["contracted"], 1, "{l}");
        // The village doctor's own figures cover their village only.
        let mine = app.get("/api/v1/contracts/groups", &village).await.json();
        assert!(
            get(&mine, "elderly")["population"].as_i64()
                <= get(&after, "elderly")["population"].as_i64(),
            "{l}"
        );
        assert_eq!(get(&mine, "pregnant")["contracted"], 1, "{l}");
    }
}

/// Posts a form with the session cookie: (status, html).
/// Submits a form as a browser does (following a redirect); the page it ends on.
async fn form(app: &common::TestApp, path: &str, cookie: &str, body: &str) -> (StatusCode, String) {
    let (r, _) = app.submit(path, cookie, body).await;
    (r.status, r.text())
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf field")
        .to_string()
}

#[tokio::test]
async fn a_village_doctor_signs_screens_and_enrols_from_the_resident_page() {
    for app in apps(1500).await {
        let l = &app.label;
        let manager = app.login("manager").await;
        let c = app.state.community.id;
        let team_id = demo_village_team(&app, &manager, "茅台镇一队").await;
        let cookie = app.ui_cookie("village").await;
        let resident = app.resident_at(app.places.village).await;
        let path = format!("/residents/{}", resident.id);
        let (status, html) = app.page(&path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"sign-form\"") && html.contains("id=\"screening-form\""),
            "{l}"
        );
        assert!(
            html.contains("茅台镇一队"),
            "{l}: the team serving the village is offered"
        );
        let csrf = csrf_of(&html);

        // Sign, with a key group the registry cannot know.
        let (status, html) = form(
            &app,
            &format!("{path}/contract"),
            &cookie,
            &format!("_csrf={csrf}&team={team_id}&package=&group_low_income=on&start_date="),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{l}: {html}");
        assert!(
            html.contains("签约成功") && html.contains("id=\"contract-team\">茅台镇一队"),
            "{l}"
        );
        assert!(html.contains("低收入人群"), "{l}");
        // The package chosen by key group shows by its label, not its code.
        assert!(
            html.contains("重点人群包") && !html.contains("key_population"),
            "{l}"
        );
        // A second signature is refused in Chinese, the page kept.
        let (status, html) = form(
            &app,
            &format!("{path}/contract"),
            &cookie,
            &format!("_csrf={csrf}&team={team_id}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("id=\"care-error\""), "{l}");

        // A screening with a raised pressure opens a suspicion shown on the page. The
        // form redirects to the resident's page, so a reload there writes nothing.
        let (reply, to) = app
            .submit(
                &format!("{path}/screenings"),
                &cookie,
                &format!(
                    "_csrf={csrf}&screened_on=&systolic=150&diastolic=96&glucose=&weight_kg=&height_cm="
                ),
            )
            .await;
        let (status, html) = (reply.status, reply.text());
        assert_eq!(status, StatusCode::OK, "{l}: {html}");
        let to = to.expect("the screening form redirects");
        assert!(to.starts_with(&format!("{path}?screened=")), "{l}: {to}");
        let screened = |app: &common::TestApp| {
            let (store, id) = (app.state.store.clone(), resident.id);
            async move { store.screenings_of(c, id).await.expect("screenings").len() }
        };
        let before = screened(&app).await;
        let (again, reloaded) = app.page(&to, &cookie).await;
        assert_eq!(again, StatusCode::OK, "{l}");
        assert!(
            reloaded.contains("筛查已记录"),
            "{l}: the reload says it again"
        );
        assert_eq!(screened(&app).await, before, "{l}: a reload writes nothing");
        assert!(
            html.contains("筛查已记录") && html.contains("血压升高"),
            "{l}"
        );
        assert!(html.contains("class=\"suspicion-row\""), "{l}");
        let (_, pending) = app.page("/screenings", &cookie).await;
        assert!(
            pending.contains(&resident.name),
            "{l}: on the clinic's list to confirm"
        );
        let sid = html
            .split("/suspicions/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .expect("suspicion id")
            .to_string();
        // One raised day is not the criteria; the doctor's own assessment is a basis.
        let (status, html) = form(
            &app,
            &format!("{path}/suspicions/{sid}/confirm"),
            &cookie,
            &format!("_csrf={csrf}&basis=screening&diagnosed_on="),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(html.contains("尚未达到诊断标准"), "{l}");
        let (status, html) = form(
            &app,
            &format!("{path}/suspicions/{sid}/confirm"),
            &cookie,
            &format!("_csrf={csrf}&basis=clinical&diagnosed_on="),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{l}: {html}");
        assert!(html.contains("已确诊并纳入管理"), "{l}");
        assert!(html.contains("class=\"register-row\""), "{l}");
        let (_, pending) = app.page("/screenings", &cookie).await;
        assert!(
            !pending.contains(&resident.name),
            "{l}: decided, off the list"
        );

        // The first visit: lifestyle advice and height recorded, BMI shown.
        let register = app
            .state
            .store
            .registers_of(c, resident.id)
            .await
            .expect("registers")[0]
            .id;
        let (status, html) = form(
            &app,
            &format!("/follow-ups/{register}"),
            &cookie,
            &format!(
                "_csrf={csrf}&visit_on=&systolic=136&diastolic=84&glucose=&weight_kg=70&height_cm=175\
                 &symptoms=&medications=%E6%B0%A8%E6%B0%AF%E5%9C%B0%E5%B9%B3&adherence=regular&ls_salt=on&ls_exercise=on&advice="
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{l}: {html}");
        assert!(html.contains("id=\"visit-bmi\">22.9"), "{l}");
        let visits = app
            .state
            .store
            .follow_ups(c, register)
            .await
            .expect("visits");
        assert_eq!(visits[0].lifestyle, "salt,exercise", "{l}");
        // The next form carries the height and the medicines over.
        let (_, html) = app.page(&format!("/follow-ups/{register}"), &cookie).await;
        assert!(
            html.contains("value=\"175\"") && html.contains("value=\"氨氯地平\""),
            "{l}"
        );
        assert!(html.contains("id=\"visit-history\""), "{l}");

        // Coverage by key group on the contracts page.
        let (status, html) = app.page("/contracts", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"group-rates\"") && html.contains("65 岁及以上老年人"),
            "{l}"
        );
        // Roles without a part in care see no care section and no list to confirm.
        let party = app.ui_cookie("party").await;
        assert_eq!(
            app.page("/screenings", &party).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
