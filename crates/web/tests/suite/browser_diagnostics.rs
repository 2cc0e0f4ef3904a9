//! The shared diagnostic centres in headless Chromium (with `YIGONG_E2E=1`): a township
//! orders a head CT for a patient who had one at a member hospital ten days ago, is
//! offered that report and reuses it; then orders electrolytes, the laboratory reports a
//! critical potassium, the township's open page shows it at once and the township
//! acknowledges it; the office's figures show the repeat avoided and the turnaround.
//! Screenshots land in `target/e2e/`.

use serde_json::json;
use time::{Duration, OffsetDateTime};
use yigong_domain::diagnostics::catalogue::{Centre, Urgency};
use yigong_store::diagnostics::{NewOrder, NewResult, PastOrder};
use yigong_testkit::server;
use yigong_testkit::webdriver::{self, shot};

fn path_id(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/').next().unwrap_or("").to_string()
}

#[test]
fn a_ct_is_reused_and_a_critical_potassium_is_acknowledged_live() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(600);
    let (store, c) = (&srv.state.store, srv.state.community.id);
    let patient = srv.first_resident_at(srv.places.township);
    let member = srv
        .block(store.list_institutions(c))
        .expect("institutions")
        .into_iter()
        .find(|i| i.kind == "member" && i.name.ends_with("医院"))
        .expect("a member hospital");
    // The member hospital's head CT of ten days ago.
    let at = OffsetDateTime::now_utc() - Duration::days(10);
    let ct = PastOrder {
        order: NewOrder {
            resident_id: patient.id,
            item_code: "ct_head".into(),
            centre: Centre::Imaging,
            from_institution_id: member.id,
            performer_id: member.id,
            urgency: Urgency::Routine,
            question: "头晕".into(),
            repeat: None,
            price_fen: 20000,
        },
        ordered_by: None,
        created_at: at,
        received_at: None,
        reported: Some((
            at + Duration::minutes(50),
            None,
            NewResult {
                findings: "脑实质未见明显异常密度影。".into(),
                impression: "头颅CT平扫未见明显异常。".into(),
                ..NewResult::default()
            },
        )),
        acknowledged: None,
    };
    srv.block(store.bulk_load_orders(c, &[ct]))
        .expect("the earlier CT");

    let driver = webdriver::Driver::start();
    let township = driver.session();
    let new_order = format!("/diagnostics/new?resident_id={}", patient.id);
    township.login(&srv.base, "township", &new_order);
    township.find("#order-form", 10);
    township.execute(
        "document.getElementById('item_code').value = 'ct_head';",
        json!([]),
    );
    township.type_into("#question", "头痛一周，复查");
    township.click("#place-order");
    // The earlier report is offered instead of a new CT.
    township.find("#recognition-offer", 10);
    // The day it was reported on in China (late in the evening, that is the next day).
    let reported_on = yigong_domain::clock::local_date(at + Duration::minutes(50));
    assert_eq!(township.text("#offer-date"), reported_on.to_string());
    assert_eq!(township.text("#offer-performer"), member.name);
    assert_eq!(
        township.text("#offer-impression"),
        "头颅CT平扫未见明显异常。"
    );
    township.screenshot(&shot("60-diagnostics-offer.png"));
    township.click("#reuse-result");
    township.wait_url("done=result_reused", 10);
    assert_eq!(township.text("#impression"), "头颅CT平扫未见明显异常。");

    // A lab panel for the same patient, urgent.
    township.goto(&format!("{}{new_order}", srv.base));
    township.find("#order-form", 10);
    township.execute(
        "document.getElementById('item_code').value = 'electrolytes'; document.getElementById('urgency').value = 'urgent';",
        json!([]),
    );
    township.type_into("#question", "乏力，服用螺内酯");
    township.click("#place-order");
    township.wait_url("done=order_placed", 10);
    let id = path_id(&township.current_url());
    township.wait_text("#order-status", "已申请", 5);

    // The laboratory receives, claims and reports a potassium of 6.8 mmol/L.
    let lab = driver.session();
    lab.login(&srv.base, "lab", "/diagnostics");
    let row = format!("tr.order-row[data-id='{id}'] a");
    lab.find(&row, 10);
    lab.screenshot(&shot("61-diagnostics-worklist.png"));
    lab.click(&row);
    lab.wait_url(&id, 10);
    lab.click("#action-receive");
    lab.wait_text("#order-status", "已接收", 5);
    lab.click("#action-claim");
    lab.find("#result-form", 5);
    for (analyte, value) in [("k", "6.8"), ("na", "139"), ("cl", "101")] {
        lab.type_into(&format!("#value_{analyte}"), value);
    }
    lab.screenshot(&shot("62-diagnostics-result-entry.png"));
    lab.click("#action-report");
    lab.wait_url("done=order_report", 10);
    lab.wait_text("#order-status", "已出报告", 5);

    // Without a reload, the township's page shows the critical value; it acknowledges.
    township.wait_text("#ack-state", "危急值待确认", 5);
    let k = township.text("tr.value-row[data-analyte='k']");
    assert!(k.contains("6.8") && k.contains('↑'), "{k}");
    assert!(township.source().contains("id=\"emergency-referral\""));
    township.screenshot(&shot("63-diagnostics-critical.png"));
    township.click("#action-acknowledge");
    township.wait_text("#ack-state", "申请机构已确认危急值", 5);

    // The office: one repeat avoided with the CT's price saved, and the panel's turnaround.
    let office = driver.session();
    office.login(&srv.base, "manager", "/diagnostics/figures");
    office.find("#recognition", 10);
    assert_eq!(office.text("#reused"), "1");
    assert_eq!(office.text("#saved"), "¥200.00");
    let by_item = office.text("#by-item");
    assert!(by_item.contains("电解质"), "{by_item}");
    office.screenshot(&shot("64-diagnostics-figures.png"));
}
