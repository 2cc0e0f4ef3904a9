//! Administering the registry in the UI on SQLite and PostgreSQL: institutions created,
//! renamed and deactivated, departments added and deactivated, staff created and edited,
//! every refusal at its field with the form kept, through the rules the API applies.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{apps, form};

#[tokio::test]
async fn the_office_creates_renames_and_deactivates_an_institution_and_its_departments() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("manager").await;
        let township = app.places.township.to_string();
        // Three things wrong: no name, a code with spaces, a village under the lead hospital.
        let lead = app.places.lead.to_string();
        let bad = form(&[
            ("_csrf", &csrf),
            ("kind", "village"),
            ("parent_id", &lead),
            ("code", "V 99"),
            ("name", ""),
            ("address", "东山路 3 号"),
        ]);
        let r = app.post_form("/institutions/new", &cookie, &bad).await;
        assert!(r.status.is_client_error(), "{l}: {}", r.status);
        let html = r.text();
        assert!(html.contains("id=\"form-error\""), "{l}");
        assert!(
            html.contains("value=\"V 99\"") && html.contains("东山路 3 号"),
            "{l}: kept"
        );
        // Right: a village under the township; the page says it was created.
        let good = form(&[
            ("_csrf", &csrf),
            ("kind", "village"),
            ("parent_id", &township),
            ("code", "V-NEW-01"),
            ("name", "新建村卫生室"),
            ("address", "东山路 3 号"),
        ]);
        let (page, to) = app.submit("/institutions/new", &cookie, &good).await;
        let to = to.expect("redirected to the new institution");
        assert!(to.ends_with("?done=created"), "{l}: {to}");
        let html = page.text();
        assert!(html.contains("id=\"notice\">已创建"), "{l}");
        assert!(html.contains("新建村卫生室"), "{l}");
        let id = to
            .trim_start_matches("/institutions/")
            .trim_end_matches("?done=created")
            .to_string();
        // Renamed; the code stays.
        let rename = form(&[("_csrf", &csrf), ("name", "新村卫生室"), ("address", "")]);
        let (page, _) = app
            .submit(&format!("/institutions/{id}/edit"), &cookie, &rename)
            .await;
        assert!(
            page.text().contains("新村卫生室") && page.text().contains("V-NEW-01"),
            "{l}"
        );
        // A department; the same code again is refused at its field, the name kept.
        let dept = form(&[("_csrf", &csrf), ("code", "GP"), ("name", "全科诊室")]);
        let (page, _) = app
            .submit(&format!("/institutions/{id}/departments"), &cookie, &dept)
            .await;
        assert!(page.text().contains("科室已添加"), "{l}");
        let again = form(&[("_csrf", &csrf), ("code", "GP"), ("name", "第二诊室")]);
        let r = app
            .post_form(&format!("/institutions/{id}/departments"), &cookie, &again)
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.text().contains("value=\"第二诊室\""), "{l}: kept");
        let depts = app
            .state
            .store
            .list_departments(app.state.community.id, id.parse().expect("uuid"))
            .await
            .expect("departments");
        assert_eq!(depts.len(), 1, "{l}");
        let (page, _) = app
            .submit(
                &format!("/departments/{}/deactivate", depts[0].id),
                &cookie,
                &form(&[("_csrf", &csrf)]),
            )
            .await;
        assert!(page.text().contains("科室已停用"), "{l}");
        let (page, _) = app
            .submit(
                &format!("/institutions/{id}/deactivate"),
                &cookie,
                &form(&[("_csrf", &csrf)]),
            )
            .await;
        assert!(page.text().contains("已停用"), "{l}");
        let stored = app
            .state
            .store
            .get_institution(app.state.community.id, id.parse().expect("uuid"))
            .await
            .expect("kept");
        assert!(!stored.active && stored.name == "新村卫生室", "{l}");
        // A village doctor may not.
        let (village, vcsrf) = app.ui_session("village").await;
        assert_eq!(
            app.page("/institutions/new", &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let r = app
            .post_form(
                &format!("/institutions/{id}/reactivate"),
                &village,
                &form(&[("_csrf", &vcsrf)]),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn the_office_adds_and_edits_staff_with_every_problem_shown() {
    for app in apps(300).await {
        let l = &app.label;
        let (cookie, csrf) = app.ui_session("manager").await;
        let township = app.places.township.to_string();
        let bad = form(&[
            ("_csrf", &csrf),
            ("name", "韩梅"),
            ("id_number", "52038219900101001"),
            ("sex", "female"),
            ("title", ""),
            ("specialty", "全科"),
            ("phone", "12345"),
            ("institution_id", &township),
            ("department_id", ""),
        ]);
        let r = app.post_form("/staff/new", &cookie, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let html = r.text();
        for field in ["id_number", "title", "phone"] {
            assert!(
                html.contains(&format!("id=\"error-{field}\"")),
                "{l}: {field}"
            );
        }
        assert!(html.contains("3 处"), "{l}: three problems counted");
        assert!(
            html.contains("value=\"韩梅\"") && html.contains("value=\"12345\""),
            "{l}: kept"
        );
        let id_number = common::id_number("1990-01-01", 8);
        let good = form(&[
            ("_csrf", &csrf),
            ("name", "韩梅"),
            ("id_number", &id_number),
            ("sex", "female"),
            ("title", "attending_physician"),
            ("specialty", "全科"),
            ("phone", "13800001234"),
            ("institution_id", &township),
            ("department_id", ""),
        ]);
        let (page, to) = app.submit("/staff/new", &cookie, &good).await;
        let to = to.expect("saved");
        assert!(page.text().contains("id=\"notice\">已创建"), "{l}");
        let edit = to.trim_end_matches("?done=created").to_string();
        // Edited as shown: the ID number comes back as the form showed it, and is kept.
        let (_, html) = app.page(&edit, &cookie).await;
        let shown_id = html
            .split("id=\"id_number\" name=\"id_number\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the ID field")
            .to_string();
        let changed = form(&[
            ("_csrf", &csrf),
            ("name", "韩梅"),
            ("id_number", &shown_id),
            ("sex", "female"),
            ("title", "associate_chief_physician"),
            ("specialty", "全科"),
            ("phone", "13800001234"),
            ("institution_id", &township),
            ("department_id", ""),
        ]);
        let (page, _) = app.submit(&edit, &cookie, &changed).await;
        assert!(page.text().contains("id=\"notice\">已保存"), "{l}");
        let staff_id: uuid::Uuid = edit
            .trim_start_matches("/staff/")
            .trim_end_matches("/edit")
            .parse()
            .expect("uuid");
        let stored = app
            .state
            .store
            .get_staff(app.state.community.id, staff_id)
            .await
            .expect("stored");
        assert_eq!(
            (stored.title.as_str(), stored.id_number.as_str()),
            ("associate_chief_physician", id_number.as_str()),
            "{l}"
        );
        // Listed, linked for editing; the village doctor may not add staff.
        let (_, list) = app.page("/staff?q=韩梅", &cookie).await;
        assert!(
            list.contains(&format!("href=\"/staff/{staff_id}/edit\">韩梅</a>")),
            "{l}"
        );
        let village = app.ui_cookie("village").await;
        assert_eq!(
            app.page("/staff/new", &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            app.page(&edit, &village).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
    }
}
