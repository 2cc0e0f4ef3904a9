//! Family-doctor teams on SQLite and PostgreSQL: formed by the office and checked for
//! "1+2+1" through the API and on the page, changed, disbanded, and seen by their villages.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;

#[tokio::test]
async fn the_office_creates_a_team_checked_for_one_two_one_and_its_villages_see_it() {
    for app in apps(800).await {
        let manager = app.login("manager").await;
        let lead = app.staff_at(app.places.lead, 1).await[0];
        let town = app.staff_at(app.places.township, 2).await;
        let village = app.staff_at(app.places.village, 1).await[0];
        let body = |members: serde_json::Value, villages: serde_json::Value| {
            serde_json::json!({
                "name": "茅台镇示范团队", "institution_id": app.places.township, "leader_staff_id": town[0],
                "members": members, "villages": villages,
            })
        };
        let full = serde_json::json!([
            {"staff_id": lead, "role": "specialist"},
            {"staff_id": town[0], "role": "township_clinician"},
            {"staff_id": town[1], "role": "public_health"},
            {"staff_id": village, "role": "village_doctor"},
        ]);
        // No village doctor: refused, saying what is missing.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(
                    serde_json::json!([
                        {"staff_id": lead, "role": "specialist"},
                        {"staff_id": town[0], "role": "township_clinician"},
                        {"staff_id": town[1], "role": "public_health"},
                    ]),
                    serde_json::json!([app.places.village]),
                ),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            r.text()
        );
        assert_eq!(r.json()["error"]["code"], "team_role_missing");
        // A township clinician who works at the lead hospital is at the wrong level.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(
                    serde_json::json!([
                        {"staff_id": lead, "role": "township_clinician"},
                        {"staff_id": town[0], "role": "specialist"},
                    ]),
                    serde_json::json!([app.places.village]),
                ),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "team_role_wrong_level");
        // Another township's village is not this team's to cover.
        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(full.clone(), serde_json::json!([app.places.other_township])),
            )
            .await;
        assert_eq!(r.json()["error"]["code"], "team_village_invalid");
        // A village doctor may not create teams.
        let village_doctor = app.login("village").await;
        let r = app
            .post(
                "/api/v1/teams",
                &village_doctor,
                body(full.clone(), serde_json::json!([app.places.village])),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::FORBIDDEN);

        let r = app
            .post(
                "/api/v1/teams",
                &manager,
                body(full, serde_json::json!([app.places.village])),
            )
            .await;
        assert_eq!(
            r.status,
            axum::http::StatusCode::CREATED,
            "{}: {}",
            app.label,
            r.text()
        );
        let id = r.json()["team"]["id"].as_str().expect("id").to_string();
        assert_eq!(r.json()["members"].as_array().map(Vec::len), Some(4));
        // The village doctor sees the team that covers their village; the bureau sees all.
        let seen = app
            .get(&format!("/api/v1/teams/{id}"), &village_doctor)
            .await;
        assert_eq!(seen.status, axum::http::StatusCode::OK);
        assert_eq!(
            seen.json()["villages"][0][0],
            app.places.village.to_string()
        );
        let listed = app.get("/api/v1/teams", &village_doctor).await.json();
        assert_eq!(listed["total"], 1);
        // The pages.
        let page = app.get("/teams", &manager).await;
        assert!(page.status.is_success() && page.text().contains("茅台镇示范团队"));
        let page = app.get(&format!("/teams/{id}"), &village_doctor).await;
        assert!(page.status.is_success() && page.text().contains("村医"));
    }
}

#[tokio::test]
async fn the_office_forms_a_team_on_the_page_and_a_missing_role_is_named() {
    for app in apps(300).await {
        let l = &app.label;
        let cookie = app.ui_cookie("manager").await;
        let (status, html) = app.page("/teams/new", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            html.contains("id=\"pick-township\"") && !html.contains("id=\"team-form\""),
            "{l}"
        );
        let (status, html) = app
            .page(
                &format!("/teams/new?township={}", app.places.township),
                &cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("id=\"team-form\""), "{l}");
        let csrf = html
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("csrf")
            .to_string();
        let lead = app.staff_at(app.places.lead, 1).await;
        let town = app.staff_at(app.places.township, 2).await;
        let village = app.staff_at(app.places.village, 1).await;
        let post = |body: String| {
            let req = axum::http::Request::post("/teams/new")
                .header("cookie", cookie.clone())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .expect("request");
            app.request(req)
        };
        let base = format!(
            "_csrf={csrf}&township={}&name=%E8%8C%85%E5%8F%B0%E9%95%87%E7%AC%AC%E4%B9%9D%E5%9B%A2%E9%98%9F\
             &member_specialist={}&member_township_clinician={}&member_public_health={}&leader=township_clinician\
             &village_{}=on",
            app.places.township, lead[0], town[0], town[1], app.places.village
        );
        // Without a village doctor: refused, the role named in Chinese, the form kept.
        let r = post(base.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(
            html.contains("id=\"team-error\"") && html.contains("村医"),
            "{l}: {html}"
        );
        assert!(
            html.contains(&format!("name=\"member_specialist\" value=\"{}\"", lead[0])),
            "{l}: the specialist chosen is kept"
        );
        // The township clinician proposed again as the nurse: refused by name, kept.
        let r = post(format!(
            "{base}&member_village_doctor={}&member_nurse={}",
            village[0], town[0]
        ))
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        assert!(
            html.contains("同一人只能担任团队中的一个角色（护士）"),
            "{l}: {html}"
        );
        assert!(
            html.contains(&format!("name=\"member_nurse\" value=\"{}\"", town[0])),
            "{l}"
        );
        let r = post(format!("{base}&member_village_doctor={}", village[0])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
        let to = r.headers["location"]
            .to_str()
            .expect("location")
            .to_string();
        let (status, html) = app.page(&to, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(html.contains("茅台镇第九团队"), "{l}");
        assert!(html.contains("id=\"notice\">已创建"), "{l}: said");
        let team = to
            .trim_start_matches("/teams/")
            .trim_end_matches("?done=created")
            .to_string();
        // Changed through the same form, filled in from the team; renamed and saved.
        let (_, edit) = app.page(&format!("/teams/{team}/edit"), &cookie).await;
        assert!(
            edit.contains(&format!(
                "name=\"member_village_doctor\" value=\"{}\"",
                village[0]
            )) && edit.contains(&format!(
                "name=\"village_{}\" value=\"on\" checked",
                app.places.village
            )),
            "{l}: the form holds the team"
        );
        let renamed = format!("{base}&member_village_doctor={}", village[0]).replace(
            "name=%E8%8C%85%E5%8F%B0%E9%95%87%E7%AC%AC%E4%B9%9D%E5%9B%A2%E9%98%9F",
            "name=%E6%94%B9%E5%90%8D%E5%9B%A2%E9%98%9F",
        );
        let (page, _) = app
            .submit(&format!("/teams/{team}/edit"), &cookie, &renamed)
            .await;
        assert!(
            page.text().contains("改名团队") && page.text().contains("已保存"),
            "{l}"
        );
        // No village ticked: refused, nothing changed.
        let no_village = renamed.replace(&format!("&village_{}=on", app.places.village), "");
        let r = app
            .post_form(&format!("/teams/{team}/edit"), &cookie, &no_village)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        // Disbanded (it holds no contract), then no longer changed or offered.
        let (page, _) = app
            .submit(
                &format!("/teams/{team}/disband"),
                &cookie,
                &format!("_csrf={csrf}"),
            )
            .await;
        assert!(
            page.text().contains("团队已解散") && page.text().contains("id=\"team-disbanded\""),
            "{l}"
        );
        let r = app
            .post_form(&format!("/teams/{team}/edit"), &cookie, &renamed)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let covering = app
            .state
            .store
            .teams_covering(app.state.community.id, &[app.places.village])
            .await
            .expect("teams");
        assert!(
            covering.iter().all(|t| t.0.to_string() != team),
            "{l}: not offered"
        );
        // A village doctor may not form teams.
        let village_cookie = app.ui_cookie("village").await;
        assert_eq!(
            app.page("/teams/new", &village_cookie).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
