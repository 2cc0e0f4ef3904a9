//! Browser tests in headless Chromium through the real UI (with `YIGONG_E2E=1`).
//! Screenshots land in `target/e2e/`.

use yigong_testkit::server;
use yigong_testkit::webdriver;

/// The id at the end of a page's address (before any `?done=`).
fn path_id(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/').next().unwrap_or("").to_string()
}

#[test]
fn village_doctor_logs_in_searches_a_resident_and_sees_the_masked_id() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(3000);
    let resident = srv.first_resident_at(srv.places.village);
    let driver = webdriver::Driver::start();
    let b = driver.session();

    b.goto(&format!("{}/residents", srv.base));
    b.wait_url("/login", 10);
    b.find("#username", 10);
    b.screenshot(&webdriver::shot("01-login.png"));
    b.type_into("#username", "village");
    b.type_into("#password", "demo1234");
    b.click("#login");
    b.wait_url("/residents", 10);

    b.type_into("#q", &resident.name);
    b.click("#search");
    b.wait_url("q=", 10);
    let link = format!("a.resident-link[href='/residents/{}']", resident.id);
    b.find(&link, 10);
    b.screenshot(&webdriver::shot("02-search.png"));

    b.click(&link);
    b.wait_url(&format!("/residents/{}", resident.id), 10);
    let shown = b.text("#id-number");
    // The region code only: birth date, sequence and check character stay hidden.
    let masked = format!("{}************", &resident.id_number[..6]);
    assert_eq!(shown, masked);
    assert_eq!(
        b.text("#resident-name").split_whitespace().next(),
        Some(resident.name.as_str())
    );
    assert!(
        !b.source().contains(&resident.id_number),
        "the full ID number never reaches the page"
    );
    b.screenshot(&webdriver::shot("03-record.png"));
}

#[test]
fn an_emergency_referral_reaches_the_cardiology_worklist_live_and_its_acceptance_flows_back() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(2000);
    let resident = srv.first_resident_at(srv.places.township);
    let driver = webdriver::Driver::start();
    let cardiology = driver.session();
    let township = driver.session();

    // The lead hospital's cardiology worklist is open, waiting.
    cardiology.login(&srv.base, "specialist", "/referrals");
    cardiology.find("#results", 10);

    // The township doctor sends an emergency chest-pain referral from the resident's record.
    township.login(
        &srv.base,
        "township",
        &format!("/residents/{}", resident.id),
    );
    township.click("#refer");
    township.wait_url("/referrals/new", 10);
    let set = "document.querySelector(arguments[0]).value = arguments[1];";
    township.execute(set, serde_json::json!(["#urgency", "emergency"]));
    township.execute(set, serde_json::json!(["#pathway", "chest_pain"]));
    township.execute(
        set,
        serde_json::json!([
            "#to",
            format!("{}/{}", srv.places.lead, srv.places.cardiology)
        ]),
    );
    township.type_into("#icd10_code", "I21.9");
    township.type_into("#reason", "胸痛 1 小时，心电图 ST 段抬高");
    township.screenshot(&webdriver::shot("10-referral-form.png"));
    township.click("#send-referral");
    let sent = std::time::Instant::now();
    township.wait_url("/referrals/0", 10);
    let id = path_id(&township.current_url());
    township.wait_text("#referral-status", "待接收", 5);
    township.wait_text("#notice", "转诊已发出", 5);

    // Without any reload, the worklist shows it within 2 seconds.
    let row = format!("tr.referral-row[data-id='{id}']");
    cardiology.find(&row, 2);
    let live = sent.elapsed();
    assert!(
        live < std::time::Duration::from_secs(2),
        "shown after {live:?}"
    );
    cardiology.screenshot(&webdriver::shot("11-worklist-live.png"));

    // Cardiology accepts it; the township's open page shows the new status by itself.
    cardiology.click(&format!("{row} a"));
    cardiology.wait_url(&id, 10);
    cardiology.click("#action-accept");
    cardiology.wait_text("#referral-status", "已接收", 5);
    township.wait_text("#referral-status", "已接收", 5);
    township.screenshot(&webdriver::shot("12-accepted-live.png"));
    eprintln!("worklist showed the referral {live:?} after it was sent");
}

#[test]
fn a_township_ecg_reaches_the_reader_live_and_its_critical_report_comes_back_for_acknowledgement() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(2000);
    let resident = srv.first_resident_at(srv.places.township);
    let dir = yigong_demo::seed::ecg::samples_dir()
        .expect("sample recordings")
        .canonicalize()
        .expect("the sample folder");
    let sample = dir.join("formats/dicom/pydicom_waveform_ecg.dcm");
    // Two months of history, so the worklist and the turnaround page look lived in.
    srv.block(yigong_web::demo::add_ecg_history(
        &srv.state.store,
        srv.state.community.id,
        &dir,
        7,
    ))
    .expect("history");
    let driver = webdriver::Driver::start();
    let reader = driver.session();
    let township = driver.session();

    // The ECG centre's worklist is open, waiting.
    reader.login(&srv.base, "ecg", "/ecg");
    reader.find("#results", 10);

    // The township uploads a chest-pain ECG from the resident's record.
    township.login(
        &srv.base,
        "township",
        &format!("/residents/{}", resident.id),
    );
    township.click("#upload-ecg-for");
    township.wait_url("/ecg/new", 10);
    township.attach("#ecg-file", &sample);
    township.click("#chest_pain");
    township.type_into("#symptoms", "胸痛 40 分钟，大汗");
    township.screenshot(&webdriver::shot("20-ecg-upload.png"));
    township.click("#upload-ecg");
    let sent = std::time::Instant::now();
    township.wait_url("/ecg/0", 15);
    let id = path_id(&township.current_url());
    township.wait_text("#study-status", "待阅", 5);

    // Without any reload, the worklist shows it.
    let row = format!("tr.ecg-row[data-id='{id}']");
    reader.find(&row, 3);
    let live = sent.elapsed();
    reader.screenshot(&webdriver::shot("21-ecg-worklist-live.png"));

    // The reader opens it: the trace is drawn on ECG paper.
    reader.click(&format!("{row} a"));
    reader.wait_url(&id, 10);
    let drawn = reader.execute(
        "var i = document.getElementById('trace'); return new Promise(function (ok) { if (i.complete) ok(i.naturalWidth); else i.onload = function () { ok(i.naturalWidth); }; });",
        serde_json::json!([]),
    );
    assert!(
        drawn.as_f64().unwrap_or(0.0) > 100.0,
        "trace drawn: {drawn}"
    );
    reader.click("#action-claim");
    reader.wait_text("#study-status", "阅图中", 5);
    reader.click("#finding-sinus_rhythm");
    reader.click("#finding-stemi_inferior");
    reader.type_into("#conclusion", "急性下壁心肌梗死，请立即启动胸痛绿色通道");
    reader.screenshot(&webdriver::shot("22-ecg-reading.png"));
    reader.click("#action-report");
    reader.wait_text("#study-status", "已报告", 5);

    // The township's open page shows the report and asks for acknowledgement.
    township.wait_text("#ack-state", "危急值待确认", 5);
    let findings = township.text("#report-findings");
    assert!(findings.contains("下壁 ST 段抬高"), "{findings}");
    township.screenshot(&webdriver::shot("23-ecg-report-back.png"));
    township.click("#action-acknowledge");
    township.wait_text("#ack-state", "危急值已确认", 5);

    // One click from the critical report opens the green-channel referral, filled in.
    township.click("#green-channel");
    township.wait_url("/referrals/new", 10);
    township.screenshot(&webdriver::shot("24-ecg-green-channel-form.png"));
    township.click("#send-referral");
    township.wait_url("/referrals/0", 10);
    township.wait_text("#referral-status", "待接收", 5);
    assert!(
        township.source().contains("/ecg/"),
        "the referral carries the study"
    );

    // The office sees turnaround, and the critical report that waited for acknowledgement
    // in the history is on its escalation list.
    let office = driver.session();
    office.login(&srv.base, "manager", "/ecg/stats");
    office.find("#escalations tr.escalation", 5);
    office.find("#urgent-within-10", 5);
    office.screenshot(&webdriver::shot("25-ecg-turnaround.png"));
    eprintln!("worklist showed the ECG {live:?} after upload");
}

#[test]
fn a_village_doctor_records_an_uncontrolled_visit_and_the_patient_leaves_the_overdue_list() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(2000);
    let resident = srv.first_resident_at(srv.places.village);
    let today = yigong_web::chronic::api::today();
    let register = srv.enrol(resident.id, "hypertension", srv.places.village, -3);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "village", "/follow-ups");
    let row = format!("tr.due-row.overdue[data-register='{register}']");
    b.find(&row, 5);
    b.screenshot(&webdriver::shot("30-my-follow-ups.png"));
    b.click(&format!("{row} a.button"));
    b.wait_url(&format!("/follow-ups/{register}"), 10);
    b.type_into("#systolic", "152");
    b.type_into("#diastolic", "96");
    b.type_into("#medications", "氨氯地平 5mg qd");
    b.screenshot(&webdriver::shot("31-visit-form.png"));
    b.click("#save-visit");
    let two_weeks = (today + time::Duration::days(14)).to_string();
    b.wait_text("#next-due", &two_weeks, 5);
    b.wait_text("#visit-result", "控制不满意", 5);
    b.screenshot(&webdriver::shot("32-visit-recorded.png"));
    // The address bar rests on a page, not on the POST: a reload writes nothing.
    assert!(
        b.current_url().contains("?recorded="),
        "{}",
        b.current_url()
    );
    let visits = || {
        srv.block(srv.state.store.follow_ups(srv.state.community.id, register))
            .expect("visits")
            .len()
    };
    assert_eq!(visits(), 1, "one visit saved");
    b.reload();
    b.wait_text("#visit-result", "控制不满意", 5);
    assert_eq!(visits(), 1, "the reload saved nothing");
    b.click("#back-to-list");
    b.wait_url("/follow-ups", 10);
    b.find("#overdue", 5);
    let still = b.execute(
        "return document.querySelectorAll(arguments[0]).length;",
        serde_json::json!([row]),
    );
    assert_eq!(still.as_i64(), Some(0), "off the overdue list");
}

#[test]
fn the_township_home_shows_a_new_critical_ecg_as_a_card_and_a_badge_without_reload() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let resident = srv.first_resident_at(srv.places.village);
    let sample = yigong_demo::seed::ecg::samples_dir()
        .expect("sample recordings")
        .join("formats/dicom/pydicom_waveform_ecg.dcm");
    let driver = webdriver::Driver::start();
    let township = driver.session();
    let village = driver.session();
    let reader = driver.session();

    // The township doctor's home is open: nothing critical yet, the badge is hidden.
    township.login(&srv.base, "township", "/");
    township.wait_text("#home-todo-ecg_critical .stat", "0", 5);
    let hidden = township.execute(
        "return document.getElementById('ecg-badge').hidden;",
        serde_json::json!([]),
    );
    assert_eq!(hidden, serde_json::json!(true), "badge hidden at first");

    // A village clinic under the township sends an ECG; the centre reads VT.
    village.login(&srv.base, "village", &format!("/residents/{}", resident.id));
    village.click("#upload-ecg-for");
    village.wait_url("/ecg/new", 10);
    village.attach("#ecg-file", &sample);
    village.type_into("#symptoms", "心悸、黑矇");
    village.click("#upload-ecg");
    village.wait_url("/ecg/0", 15);
    let id = path_id(&village.current_url());
    reader.login(&srv.base, "ecg", &format!("/ecg/{id}"));
    reader.click("#action-claim");
    reader.wait_text("#study-status", "阅图中", 5);
    reader.click("#finding-vt");
    reader.type_into("#conclusion", "室性心动过速");
    reader.click("#action-report");
    reader.wait_text("#study-status", "已报告", 5);

    // Without a reload, the township's home counts it and the badge shows it.
    township.wait_text("#home-todo-ecg_critical .stat", "1", 5);
    township.wait_text("#ecg-badge", "1", 5);
    township.screenshot(&webdriver::shot("40-home-critical-ecg.png"));
    let source = township.source();
    assert!(
        source.contains("card todo alert\" id=\"home-todo-ecg_critical\""),
        "the card asks for attention"
    );

    // From the critical VT report, one click opens an emergency on the chest-pain
    // green channel with I47.2 filled in.
    township.goto(&format!("{}/ecg/{id}", srv.base));
    township.click("#green-channel");
    township.wait_url("/referrals/new", 10);
    let value = |css: &str| {
        township.execute(
            "return document.querySelector(arguments[0]).value;",
            serde_json::json!([css]),
        )
    };
    assert_eq!(value("#urgency"), serde_json::json!("emergency"));
    assert_eq!(value("#pathway"), serde_json::json!("chest_pain"));
    assert_eq!(value("input[name=icd10_code]"), serde_json::json!("I47.2"));
    township.screenshot(&webdriver::shot("41-vt-green-channel-form.png"));
}
