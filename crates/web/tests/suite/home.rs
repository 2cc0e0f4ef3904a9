//! The home page as each role's to-do list, on both engines: every card counts exactly
//! the work set up here, links to the list behind it, and a village doctor sees no
//! county-wide counts.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps};
use serde_json::json;
use time::Duration;
use yigong_domain::clock::today;

/// The value shown on the home card with this id, and where it leads.
fn card(html: &str, id: &str) -> Option<(String, String)> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..];
    // A headline the role does not open is a card without a link.
    let open_tag = &tag[..tag.find('>')?];
    let href = open_tag
        .split("href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap_or("")
        .to_string();
    let value = tag
        .split("<div class=\"stat\">")
        .nth(1)?
        .split("</div>")
        .next()?
        .to_string();
    Some((value, href.replace("&#38;", "&").replace("&amp;", "&")))
}

fn value(html: &str, id: &str) -> String {
    card(html, id)
        .unwrap_or_else(|| panic!("no card {id} on the page"))
        .0
}

async fn home(app: &TestApp, user: &str) -> String {
    let cookie = app.ui_cookie(user).await;
    let (status, html) = app.page("/", &cookie).await;
    assert_eq!(status, StatusCode::OK, "{}: {user}", app.label);
    html
}

/// Registers at the village: two overdue (10 days and 1 day), one due in 3 days, one
/// due in a month.
async fn follow_ups(app: &TestApp) {
    let people = app.residents_at(app.places.village, 4).await;
    let today = today();
    for (resident, due) in people.iter().zip([-10, -1, 3, 30]) {
        app.state
            .store
            .enrol(
                app.state.community.id,
                &yigong_store::chronic::NewRegister {
                    resident_id: resident.id,
                    disease: "hypertension",
                    institution_id: resident.institution_id,
                    responsible_staff_id: None,
                    diagnosed_on: today - Duration::days(200),
                    enrolled_on: today - Duration::days(190),
                    next_due: today + Duration::days(due),
                },
                &common::setup_entry("chronic.enrol"),
            )
            .await
            .expect("enrolled");
    }
}

/// Every refusal in the audit log, whenever written.
async fn denied(app: &TestApp) -> i64 {
    let q = yigong_store::audit::AuditQuery {
        outcome: Some("denied".into()),
        ..Default::default()
    };
    let one = yigong_store::PageRequest::new(Some(1), Some(1));
    let page = app
        .state
        .store
        .list_audit(app.state.community.id, &q, one)
        .await;
    page.expect("audit").total
}

#[tokio::test]
async fn each_role_home_lists_its_own_work_with_exact_counts() {
    for app in apps(1500).await {
        let l = &app.label;
        follow_ups(&app).await;
        let village = app.login("village").await;
        let specialist = app.login("specialist").await;
        let reader = app.login("ecg").await;

        // One raised blood pressure at the village opens one suspicion to confirm.
        let screened = app.residents_at(app.places.village, 5).await[4].id;
        let r = app
            .post(
                "/api/v1/screenings",
                &village,
                json!({"resident_id": screened,
                "screened_on": today().to_string(), "systolic": 152, "diastolic": 95}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());

        // The village sends one emergency up to cardiology; the specialist sends one
        // patient down to the village.
        let patient = app.resident_at(app.places.village).await;
        let up = app
            .post(
                "/api/v1/referrals",
                &village,
                json!({
                "resident_id": patient.id, "direction": "up", "urgency": "emergency",
                "pathway": "chest_pain", "to_institution_id": app.places.lead,
                "to_department_id": app.places.cardiology, "reason": "胸痛 2 小时",
                "icd10_code": "I21.9"}),
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{l}: {}", up.text());
        let down = app
            .post(
                "/api/v1/referrals",
                &specialist,
                json!({
                "resident_id": patient.id, "direction": "down", "urgency": "routine",
                "to_institution_id": app.places.village, "reason": "PCI 术后康复",
                "icd10_code": "Z48.8"}),
            )
            .await;
        assert_eq!(down.status, StatusCode::CREATED, "{l}: {}", down.text());

        // Two ECGs from the village: one read as critical, one still waiting.
        let critical = app.upload_dicom(&village, patient.id).await;
        app.upload_dicom(&village, patient.id).await;
        let act = |a: &str| format!("/api/v1/ecg/studies/{critical}/{a}");
        assert_eq!(
            app.post(&act("claim"), &reader, json!({})).await.status,
            StatusCode::OK
        );
        let rep = app
            .post(
                &act("report"),
                &reader,
                json!({"findings": ["vt"], "conclusion": "室速"}),
            )
            .await;
        assert_eq!(rep.status, StatusCode::OK, "{l}: {}", rep.text());

        // Village: 2 overdue, 1 due this week, 1 suspicion, 1 down-referral, 1 critical
        // report unacknowledged, 1 report this week; no county-wide counts, no figures.
        let h = home(&app, "village").await;
        assert_eq!(value(&h, "home-todo-follow_ups_overdue"), "2", "{l}");
        assert_eq!(value(&h, "home-todo-follow_ups_due"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-suspicions"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-referrals_down"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-ecg_critical"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-ecg_reports"), "1", "{l}");
        let at_village = app.residents_at(app.places.village, 10_000).await.len();
        assert_eq!(
            value(&h, "home-todo-residents"),
            at_village.to_string(),
            "{l}"
        );
        for county_wide in [
            "home-todo-institutions",
            "home-todo-staff",
            "home-figure-referrals_month",
        ] {
            assert!(
                card(&h, county_wide).is_none(),
                "{l}: village sees {county_wide}"
            );
        }
        assert_eq!(
            card(&h, "home-todo-referrals_down").map(|c| c.1).as_deref(),
            Some("/referrals?view=incoming&direction=down"),
            "{l}"
        );
        assert!(
            h.contains("class=\"card todo alert\" id=\"home-todo-ecg_critical\""),
            "{l}"
        );

        // The township sees its village's critical report too; nothing came down to it.
        let h = home(&app, "township").await;
        assert_eq!(value(&h, "home-todo-ecg_critical"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-referrals_down"), "0", "{l}");

        // Specialist (cardiology): one incoming referral, and it is an emergency.
        let h = home(&app, "specialist").await;
        assert_eq!(value(&h, "home-todo-referrals_incoming"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-referrals_emergency"), "1", "{l}");

        // ECG reader: the one unread study, as the worklist holds it.
        let h = home(&app, "ecg").await;
        let worklist = app
            .get("/api/v1/ecg/studies?view=worklist", &reader)
            .await
            .json();
        assert_eq!(
            value(&h, "home-todo-ecg_waiting"),
            worklist["total"].to_string(),
            "{l}"
        );
        assert_eq!(worklist["total"], 1, "{l}");

        // Office: the unacknowledged critical report; this month's referrals, 1 up and 1 down.
        let h = home(&app, "manager").await;
        assert_eq!(value(&h, "home-todo-ecg_unacknowledged"), "1", "{l}");
        assert_eq!(value(&h, "home-todo-referrals_stalled"), "0", "{l}");
        assert_eq!(
            value(&h, "home-figure-referrals_month"),
            "上转 1 · 下转 1",
            "{l}"
        );
        assert_eq!(
            value(&h, "home-todo-institutions"),
            app.state
                .store
                .list_institutions(app.state.community.id)
                .await
                .expect("institutions")
                .len()
                .to_string(),
            "{l}"
        );

        // Party secretary and bureau: headline figures only, no to-do cards.
        for user in ["party", "bureau"] {
            let h = home(&app, user).await;
            assert_eq!(
                value(&h, "home-figure-referrals_month"),
                "上转 1 · 下转 1",
                "{l}: {user}"
            );
            for figure in [
                "home-figure-green_within_target",
                "home-figure-ecg_turnaround",
                "home-figure-contract_coverage",
                "home-figure-control_rate",
            ] {
                let (_, href) =
                    card(&h, figure).unwrap_or_else(|| panic!("{l}: {user} lacks {figure}"));
                // The bureau opens the pages behind the figures; the party secretary does not.
                assert_eq!(
                    href.is_empty(),
                    user == "party",
                    "{l}: {user} {figure} {href}"
                );
            }
            assert!(!h.contains("id=\"todo\""), "{l}: {user} has to-do cards");
        }

        // Admin: the refusals of the last week. The village doctor is refused the audit
        // log twice; the card counts every refusal written (all of them this week).
        let denied_before = denied(&app).await;
        for _ in 0..2 {
            let r = app.get("/api/v1/audit", &village).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        }
        let denied = denied(&app).await;
        assert_eq!(denied, denied_before + 2, "{l}");
        let h = home(&app, "admin").await;
        assert_eq!(
            value(&h, "home-todo-audit_refusals"),
            denied.to_string(),
            "{l}"
        );
        assert_eq!(
            card(&h, "home-todo-audit_refusals").map(|c| c.1).as_deref(),
            Some("/audit?outcome=denied&days=7"),
            "{l}"
        );
    }
}
