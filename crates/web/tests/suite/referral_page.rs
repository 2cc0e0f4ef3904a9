//! The referral page around the referral, on SQLite and PostgreSQL: the appointment given
//! at acceptance, the summary's ECG reference as a link, the printable form with both
//! parties, and "discharged, refer down" opening the down-referral filled in.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::apps;
use serde_json::json;

#[tokio::test]
async fn a_discharge_opens_the_down_referral_filled_in_and_the_page_reads_well() {
    for app in apps(800).await {
        let l = &app.label;
        let resident = app.resident_at(app.places.village).await;
        let study = "01a2270b-146c-71eb-97c2-72715bd5a495";
        let body = json!({
            "resident_id": resident.id, "direction": "up", "urgency": "urgent",
            "to_institution_id": app.places.lead, "to_department_id": app.places.cardiology,
            "reason": "心悸", "icd10_code": "I47.2",
            "summary": format!("心电图报告：室性心动过速。（/ecg/{study}）"),
        });
        let up = app
            .post("/api/v1/referrals", &app.login("township").await, body)
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{l}: {}", up.text());
        let id = up.json()["id"].as_str().expect("id").to_string();
        let (cookie, csrf) = app.ui_session("specialist").await;
        let (app, cookie, csrf) = (&app, &cookie, &csrf);
        let act = |action: &'static str, extra: &'static str| {
            let path = format!("/referrals/{id}/{action}");
            async move {
                app.submit(&path, cookie, &format!("_csrf={csrf}{extra}"))
                    .await
            }
        };
        let (page, to) = act("accept", "&appointment_at=2026-12-01T09%3A30").await;
        assert_eq!(
            to.as_deref(),
            Some(format!("/referrals/{id}?done=referral_accept").as_str()),
            "{l}"
        );
        assert!(
            page.text().contains("id=\"notice\">已接收转诊"),
            "{l}: the page says what was done"
        );
        act("arrive", "").await;
        // Discharged to be referred down: the down-referral form opens, filled in.
        let (reply, to) = act("complete", "&outcome=referred_down").await;
        let to = to.unwrap_or_else(|| panic!("{l}: {}", reply.status));
        assert_eq!(to, format!("/referrals/new?parent={id}"), "{l}");
        let (status, form) = app.page(&to, cookie).await;
        assert_eq!(status, StatusCode::OK, "{l}");
        assert!(
            form.contains(&format!("name=\"parent_id\" value=\"{id}\"")),
            "{l}"
        );
        assert!(
            form.contains(&format!(
                "value=\"{}\" data-specialty=\"\" selected",
                up.json()["from_institution_id"].as_str().expect("from")
            )),
            "{l}: back to the sender"
        );
        assert!(form.contains(&resident.name), "{l}");
        assert!(
            !form.contains("id=\"urgency\""),
            "{l}: a down-referral has no urgency to choose"
        );
        assert!(!form.contains("id=\"pathway\""), "{l}: nor a pathway");
        // The page: the appointment, the ECG as a link, both parties for printing.
        let (_, page) = app.page(&format!("/referrals/{id}"), cookie).await;
        assert!(
            page.contains("<dd id=\"appointment\">2026-12-01 09:30</dd>"),
            "{l}"
        );
        assert!(
            page.contains(&format!("<a href=\"/ecg/{study}\">查看心电图</a>")),
            "{l}"
        );
        assert!(
            !page.contains(&format!("（/ecg/{study}）")),
            "{l}: no raw path"
        );
        assert!(
            page.contains("id=\"print-form\"") && page.contains("转出方"),
            "{l}"
        );
    }
}
