//! Expert outreach and the residents' window in headless Chromium (with `YIGONG_E2E=1`):
//! the office plans an expert at the township from a weekly template; the township's
//! public board shows the expert without a login; a resident signs in on a phone-sized
//! window (390 × 844) with the code the demo shows and books a place; the township
//! records the session with that patient and the counts rise; when the ECG centre signs
//! the resident's report, it appears in the resident's open window without a reload.
//! Screenshots land in `target/e2e/`.

use serde_json::{Value, json};
use yigong_domain::clock::today;
use yigong_testkit::server;
use yigong_testkit::webdriver::{self, shot};

fn token(base: &str, user: &str) -> String {
    let reply: Value = ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(json!({"username": user, "password": "demo1234"}))
        .expect("login")
        .into_json()
        .expect("json");
    reply["token"].as_str().expect("token").to_string()
}

fn post(base: &str, token: &str, path: &str, body: Value) -> Value {
    ureq::post(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into_json()
        .unwrap_or(Value::Null)
}

/// The township sends an ECG of `resident` and the ECG centre signs its report.
fn ecg_signed(base: &str, resident: uuid::Uuid) {
    let dir = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
    let dcm = std::fs::read(dir.join("formats/dicom/pydicom_waveform_ecg.dcm")).expect("sample");
    let resident = resident.to_string();
    let (ct, body) =
        yigong_testkit::app::multipart(&[("resident_id", &resident)], &[("a.dcm", &dcm)]);
    let township = token(base, "township");
    let sent: Value = ureq::post(&format!("{base}/api/v1/ecg/studies"))
        .set("Authorization", &format!("Bearer {township}"))
        .set("Content-Type", &ct)
        .send_bytes(&body)
        .expect("upload")
        .into_json()
        .expect("json");
    let study = sent["study"]["id"].as_str().expect("study").to_string();
    let reader = token(base, "ecg");
    post(
        base,
        &reader,
        &format!("/api/v1/ecg/studies/{study}/claim"),
        json!({}),
    );
    post(
        base,
        &reader,
        &format!("/api/v1/ecg/studies/{study}/report"),
        json!({"findings": ["sinus_rhythm"], "conclusion": "窦性心律，正常心电图"}),
    );
}

#[test]
fn an_expert_planned_is_booked_by_a_resident_on_a_phone_and_the_report_reaches_them_live() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(600);
    let (store, c) = (&srv.state.store, srv.state.community.id);
    let township = srv
        .block(store.get_institution(c, srv.places.township))
        .expect("township");
    let expert = srv
        .staff_at(srv.places.lead)
        .into_iter()
        .find(|s| yigong_domain::outreach::posting::title_level(&s.title).1)
        .expect("an expert");
    let resident = srv.first_resident_at(srv.places.village);
    let driver = webdriver::Driver::start();

    // The office: a template on today's weekday at the township, planned for the week.
    let office = driver.session();
    office.login(&srv.base, "manager", "/outreach/templates");
    office.find("#template-form", 10);
    let weekday = today().weekday().number_from_monday();
    office.execute(
        "document.querySelector('#template-form input[name=expert_id]').value = arguments[0];
         document.getElementById('expert_id').value = arguments[3];
         document.getElementById('institution_id').value = arguments[1];
         document.getElementById('weekday').value = arguments[2];
         document.getElementById('start').value = '00:00';
         document.getElementById('end').value = '23:59';
         document.getElementById('capacity').value = '20';",
        json!([expert.id, township.id, weekday.to_string(), expert.name]),
    );
    office.click("#template-submit");
    office.wait_url("done=outreach_template_added", 10);
    let from = today().to_string();
    let to = (today() + time::Duration::days(6)).to_string();
    office.execute(
        "document.getElementById('plan-from').value = arguments[0]; document.getElementById('plan-to').value = arguments[1];",
        json!([from, to]),
    );
    office.click("#plan-submit");
    office.wait_text("#planned-count", "1", 10);
    office.screenshot(&shot("70-outreach-planned.png"));

    // The public board, no login.
    let public = driver.session();
    public.goto(&format!(
        "{}/outreach/this-week?township={}",
        srv.base, township.code
    ));
    public.find("#board", 10);
    assert!(public.text("#board").contains(&expert.name));
    public.screenshot(&shot("71-outreach-board.png"));

    // A resident on a phone signs in with the code on screen and books.
    let phone = driver.session();
    phone.resize(390, 844);
    phone.goto(&format!("{}/m", srv.base));
    phone.find("#id-form", 10);
    let width = phone.execute("return window.innerWidth;", json!([]));
    assert!(
        width.as_i64().is_some_and(|w| w <= 400),
        "a phone-sized window: {width}"
    );
    phone.type_into("#id_number", &resident.id_number);
    phone.type_into("#phone", &resident.phone);
    phone.click("#send-code");
    phone.find("#demo-code", 10);
    let code = phone.text("#demo-code strong");
    phone.type_into("#code", &code);
    phone.click("#sign-in");
    phone.find("#experts", 10);
    phone.screenshot(&shot("72-portal-home.png"));
    phone.click("#experts button.book");
    phone.wait_url("done=portal_booked", 10);
    assert!(phone.text("#experts").contains("已预约"));
    phone.screenshot(&shot("73-portal-booked.png"));

    // The township records the session with that patient; the counts rise.
    let clinic = driver.session();
    clinic.login(&srv.base, "township", "/outreach");
    clinic.find("#session-list", 10);
    assert_eq!(clinic.text("#people-served"), "0");
    clinic.click("tr.session-row a");
    clinic.find("#record-form", 10);
    clinic.execute(
        "document.querySelector('#record-form input[name=seen]').checked = true;
         document.getElementById('people_served').value = '6';",
        json!([]),
    );
    clinic.click("#record-submit");
    clinic.wait_url("done=outreach_recorded", 10);
    assert!(clinic.text("#visits").contains(&resident.name));
    clinic.goto(&format!("{}/outreach", srv.base));
    clinic.wait_text("#people-served", "6", 10);
    clinic.screenshot(&shot("74-outreach-recorded.png"));

    // The ECG centre signs the resident's report; the open window shows it.
    assert!(phone.text("#reports").contains("暂无已出具的报告"));
    ecg_signed(&srv.base, resident.id);
    phone.wait_text("#reports li.portal-report a", "心电图报告", 10);
    phone.screenshot(&shot("75-portal-report-live.png"));
}
