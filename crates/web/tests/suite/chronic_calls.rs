//! Calling overdue patients and how a visit was made, on SQLite and PostgreSQL: each call
//! outcome changes the register as its rule says (a week's grace, a home visit, the
//! register ended), through the API and from the overdue list; a visit records its
//! type, and a next date the doctor chose within the rules' bounds.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::json;
use time::Duration;
use uuid::Uuid;
use yigong_domain::clock::today;

/// The registers on the overdue-and-due list of the village's clinic on `day`.
async fn listed(app: &TestApp, day: time::Date) -> Vec<Uuid> {
    app.state
        .store
        .follow_up_worklist(
            app.state.community.id,
            &[app.places.village],
            day,
            day + Duration::days(7),
            yigong_store::PageRequest::new(None, Some(200)),
        )
        .await
        .expect("worklist")
        .items
        .into_iter()
        .map(|r| r.register_id)
        .collect()
}

#[tokio::test]
async fn each_call_outcome_changes_the_register_as_its_rule_says() {
    for app in apps(2000).await {
        let l = &app.label;
        let people = app.resident_ids_at(app.places.village, 4).await;
        assert_eq!(people.len(), 4, "{l}");
        let mut registers = vec![];
        for p in &people {
            registers.push(
                app.enrol_due(*p, app.places.village, "hypertension", 200, -5)
                    .await,
            );
        }
        let village = app.login("village").await;
        let app = &app;
        let village = &village;
        let call = |register: Uuid, outcome: &'static str| async move {
            let path = format!("/api/v1/registers/{register}/calls");
            app.post(&path, village, json!({ "outcome": outcome }))
                .await
        };
        let today = today();
        // Reached, will come: off the list for a week, back on it the day the week ends.
        let r = call(registers[0], "will_come").await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let in_a_week = today + Duration::days(7);
        assert_eq!(r.json()["quiet_until"], json!(in_a_week.to_string()), "{l}");
        assert_eq!(r.json()["status"], "managed", "{l}");
        assert!(!listed(app, today).await.contains(&registers[0]), "{l}");
        assert!(
            !listed(app, in_a_week - Duration::days(1))
                .await
                .contains(&registers[0]),
            "{l}"
        );
        assert!(listed(app, in_a_week).await.contains(&registers[0]), "{l}");
        // A wrong number: stays on the list, marked for a home visit.
        let r = call(registers[1], "wrong_number").await;
        assert_eq!(r.json()["visit_at_home"], json!(true), "{l}");
        let worklist = app.get("/api/v1/follow-ups", village).await.json();
        let row = worklist["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|x| x["register_id"] == json!(registers[1]))
            .cloned()
            .expect("still listed");
        assert_eq!(row["visit_at_home"], json!(true), "{l}");
        // Moved away and died: the register ends and leaves the list for good.
        for (register, outcome) in [(registers[2], "moved"), (registers[3], "died")] {
            let r = call(register, outcome).await;
            assert_eq!(r.json()["status"], "ended", "{l}: {outcome}");
            let stored = app
                .state
                .store
                .get_register(app.state.community.id, register)
                .await
                .expect("register");
            assert_eq!(stored.status, "ended", "{l}");
            assert!(
                !listed(app, today + Duration::days(400))
                    .await
                    .contains(&register),
                "{l}"
            );
        }
        // An ended register takes no more calls; an unknown outcome is named.
        assert_eq!(
            call(registers[3], "will_come").await.status,
            StatusCode::CONFLICT,
            "{l}"
        );
        let r = call(registers[1], "busy").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(r.json()["error"]["field"], "outcome", "{l}");
        // Every call is kept, and audited.
        let calls = app
            .state
            .store
            .calls_of(app.state.community.id, registers[1])
            .await
            .expect("calls");
        assert_eq!(calls.len(), 1, "{l}");
        assert_eq!(calls[0].outcome, "wrong_number", "{l}");
        let audited = app
            .audit_by("village")
            .await
            .into_iter()
            .filter(|e| e.0 == "chronic.call" && e.1 == "allowed")
            .count();
        assert!(audited >= 4, "{l}: {audited}");
        // Another village's doctor cannot call this village's patients.
        let stranger = app.resident_ids_at(app.places.other_village, 1).await[0];
        let theirs = app
            .enrol_due(stranger, app.places.other_village, "diabetes", 200, -5)
            .await;
        assert_eq!(
            call(theirs, "will_come").await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn a_call_from_the_overdue_list_comes_back_with_a_notice() {
    for app in apps(2000).await {
        let l = &app.label;
        let person = app.resident_ids_at(app.places.village, 1).await[0];
        let register = app
            .enrol_due(person, app.places.village, "diabetes", 200, -9)
            .await;
        let (cookie, csrf) = app.ui_session("village").await;
        let (_, html) = app.page("/follow-ups", &cookie).await;
        let row = html
            .split(&format!("data-register=\"{register}\""))
            .nth(1)
            .and_then(|s| s.split("</tr>").next())
            .expect("the overdue row");
        assert!(
            row.contains(&format!("href=\"/residents/{person}\"")),
            "{l}: the name links the record"
        );
        assert!(row.contains("href=\"tel:"), "{l}: a tap to call");
        let (reply, to) = app
            .submit(
                &format!("/follow-ups/{register}/call"),
                &cookie,
                &format!("_csrf={csrf}&outcome=wrong_number"),
            )
            .await;
        let to = to.unwrap_or_else(|| panic!("{l}: {}", reply.status));
        assert_eq!(to, format!("/follow-ups?called={register}"), "{l}");
        let (_, html) = app.page(&to, &cookie).await;
        assert!(html.contains("已记录通话："), "{l}");
        assert!(html.contains("号码错误/停机"), "{l}");
        assert!(html.contains("需上门"), "{l}: marked for a home visit");
    }
}

#[tokio::test]
async fn a_visit_records_how_it_was_made_and_a_next_date_within_the_rules() {
    for app in apps(2000).await {
        let l = &app.label;
        let person = app.resident_ids_at(app.places.village, 1).await[0];
        let register = app
            .enrol_due(person, app.places.village, "hypertension", 200, -2)
            .await;
        let village = app.login("village").await;
        let path = format!("/api/v1/registers/{register}/follow-ups");
        let today = today();
        // Controlled at 128/78: the rules' next visit is three months on; a later one is
        // refused with the dates allowed, an unknown visit type is named.
        let visit = |extra: serde_json::Value| {
            let mut body = json!({ "systolic": 128, "diastolic": 78 });
            for (k, v) in extra.as_object().expect("object") {
                body[k] = v.clone();
            }
            body
        };
        let too_late = (today + Duration::days(200)).to_string();
        let r = app
            .post(&path, &village, visit(json!({ "next_due": too_late })))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(r.json()["error"]["code"], "next_due_out_of_bounds", "{l}");
        let r = app
            .post(&path, &village, visit(json!({ "visit_type": "video" })))
            .await;
        assert_eq!(r.json()["error"]["field"], "visit_type", "{l}");
        // At home, seen again in a month: both kept.
        let in_a_month = today + Duration::days(30);
        let r = app
            .post(
                &path,
                &village,
                visit(json!({ "visit_type": "home", "next_due": in_a_month.to_string() })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        assert_eq!(r.json()["next_due"], json!(in_a_month.to_string()), "{l}");
        let visits = app
            .state
            .store
            .follow_ups(app.state.community.id, register)
            .await
            .expect("visits");
        assert_eq!(visits.len(), 1, "{l}");
        assert_eq!(visits[0].visit_type, "home", "{l}");
        // The form warns about a second visit the same day.
        let cookie = app.ui_cookie("village").await;
        let (_, html) = app.page(&format!("/follow-ups/{register}"), &cookie).await;
        assert!(html.contains("id=\"visited-today\""), "{l}");
        // The record: a banner with age and condition, and the reading on the chart.
        let resident = app
            .state
            .store
            .get_resident(app.state.community.id, person)
            .await
            .expect("resident");
        let b = resident.birth_date;
        let birthday_to_come = (today.month() as u8, today.day()) < (b.month() as u8, b.day());
        let age = today.year() - b.year() - i32::from(birthday_to_come);
        let (_, html) = app.page(&format!("/residents/{person}"), &cookie).await;
        let banner = html
            .split("id=\"patient-banner\"")
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .expect("banner");
        assert!(banner.contains(&format!("{age} 岁")), "{l}: {banner}");
        assert!(banner.contains("高血压"), "{l}: {banner}");
        assert!(
            html.contains(&format!("<title>收缩压 {today} 128</title>")),
            "{l}: the reading on the chart"
        );
        assert!(
            html.contains(&format!("<td>{today}</td><td>128/78</td>")),
            "{l}: and in the table"
        );
    }
}
