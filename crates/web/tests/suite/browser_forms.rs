//! Browser tests of the UI kit's forms in headless Chromium (with `YIGONG_E2E=1`): a
//! refused form keeps what was typed and names every problem at its field; the
//! searchable pickers; the referral chosen by specialty with ICD-10 suggestions; the
//! green-channel clock that stops when the case ends.
//! Screenshots land in `target/e2e/`.

use serde_json::json;
use yigong_testkit::server;
use yigong_testkit::webdriver::{self, shot};

/// How many elements match a CSS selector.
fn count(b: &webdriver::Session, css: &str) -> i64 {
    b.execute(
        "return document.querySelectorAll(arguments[0]).length;",
        json!([css]),
    )
    .as_i64()
    .unwrap_or(-1)
}

#[test]
fn a_visit_with_three_wrong_fields_keeps_every_value_and_names_each_problem() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let resident = srv.first_resident_at(srv.places.village);
    let register = srv.enrol(resident.id, "hypertension", srv.places.village, -3);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "village", &format!("/follow-ups/{register}"));
    // A letter in the systolic value, a glucose no one lives with, a weight of 1 kg.
    b.type_into("#systolic", "15O");
    b.type_into("#diastolic", "96");
    b.type_into("#glucose", "99,5");
    b.type_into("#weight_kg", "1");
    b.type_into("#symptoms", "头晕两天");
    b.type_into("#medications", "氨氯地平 5mg qd");
    b.click("#danger_symptoms");
    b.click("#save-visit");
    b.find("#visit-error", 10);
    b.screenshot(&shot("50-visit-three-problems.png"));
    assert_eq!(count(&b, ".field-error"), 3, "three messages");
    for field in ["systolic", "glucose", "weight_kg"] {
        assert!(
            !b.text(&format!("#error-{field}")).is_empty(),
            "a message at {field}"
        );
        assert_eq!(
            b.execute(
                "return document.getElementById(arguments[0]).getAttribute('aria-invalid');",
                json!([field])
            ),
            json!("true")
        );
    }
    assert!(
        b.text("#visit-error").contains('3'),
        "{}",
        b.text("#visit-error")
    );
    for (css, typed) in [
        ("#systolic", "15O"),
        ("#diastolic", "96"),
        ("#glucose", "99,5"),
        ("#weight_kg", "1"),
        ("#symptoms", "头晕两天"),
        ("#medications", "氨氯地平 5mg qd"),
    ] {
        assert_eq!(b.value(css), json!(typed), "{css} kept");
    }
    assert_eq!(
        b.execute(
            "return document.getElementById('danger_symptoms').checked;",
            json!([])
        ),
        json!(true),
        "the ticked box stays ticked"
    );
    let visits = || {
        srv.block(srv.state.store.follow_ups(srv.state.community.id, register))
            .expect("visits")
            .len()
    };
    assert_eq!(visits(), 0, "nothing saved");
    // Corrected, it saves; the decimal comma is accepted.
    b.type_into("#systolic", "150");
    b.type_into("#glucose", "6,1");
    b.type_into("#weight_kg", "62,5");
    b.click("#save-visit");
    b.wait_url("?recorded=", 10);
    assert_eq!(visits(), 1);
    let saved = srv
        .block(srv.state.store.follow_ups(srv.state.community.id, register))
        .expect("visits");
    assert_eq!(
        (saved[0].glucose, saved[0].weight_kg),
        (Some(6.1), Some(62.5))
    );

    // Deactivating the record asks first: declined, nothing changes; confirmed, it does.
    let active = || {
        srv.block(
            srv.state
                .store
                .get_resident(srv.state.community.id, resident.id),
        )
        .expect("resident")
        .active
    };
    b.goto(&format!("{}/residents/{}", srv.base, resident.id));
    b.find("#bp-chart svg", 5);
    b.execute(
        "document.getElementById('trends').scrollIntoView();",
        json!([]),
    );
    b.screenshot(&shot("60-record-trends.png"));
    b.execute("window.confirm = function () { return false; };", json!([]));
    b.click("#resident-active");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(active(), "declined: still active");
    b.execute("window.confirm = function () { return true; };", json!([]));
    b.click("#resident-active");
    b.wait_text("#resident-active", "启用", 10);
    assert!(!active(), "confirmed: deactivated");
}

#[test]
fn the_office_forms_a_team_with_the_searchable_pickers() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let lead = srv.staff_at(srv.places.lead);
    let town = srv.staff_at(srv.places.township);
    let village = srv.staff_at(srv.places.village);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(
        &srv.base,
        "manager",
        &format!("/teams/new?township={}", srv.places.township),
    );
    b.type_into("#team-name", "茅台镇测试团队");
    // By full pinyin, by initials and by Chinese name, each chosen by a tap.
    let pick = |role: &str, query: &str, id: uuid::Uuid| {
        b.type_into(&format!("#member_{role}"), query);
        let option = format!("#member_{role}-options li[data-value='{id}']:not([hidden])");
        b.click(&option);
        assert_eq!(
            b.value(&format!("input[name=member_{role}]")),
            json!(id.to_string()),
            "{role} chosen"
        );
    };
    let specialist = &lead[0];
    pick(
        "specialist",
        &yigong_domain::text::pinyin_full(&specialist.name),
        specialist.id,
    );
    b.screenshot(&shot("51-team-picker.png"));
    // The box shows the name chosen, not an id.
    assert_eq!(b.value("#member_specialist"), json!(specialist.name));
    pick(
        "township_clinician",
        &yigong_domain::text::pinyin_initials(&town[0].name),
        town[0].id,
    );
    pick("public_health", &town[1].name, town[1].id);
    // By keyboard: the name typed, the first match taken with the arrow and Enter.
    b.type_into("#member_village_doctor", &village[0].name);
    b.find("#member_village_doctor-options li.active", 5);
    b.send_keys("#member_village_doctor", "\u{E007}");
    assert_eq!(b.value("#member_village_doctor"), json!(village[0].name));
    let chosen = b.value("input[name=member_village_doctor]");
    assert!(
        village
            .iter()
            .any(|s| json!(s.id.to_string()) == chosen && s.name == village[0].name),
        "a village doctor of that name: {chosen}"
    );
    b.click("#leader_township_clinician");
    // Villages are chosen one by one: none is ticked on a fresh form.
    let village_box = format!("input[name=village_{}]", srv.places.village);
    assert_eq!(
        b.execute(
            &format!("return document.querySelector('{village_box}').checked"),
            json!([])
        ),
        json!(false)
    );
    b.click(&village_box);
    b.screenshot(&shot("52-team-form-filled.png"));
    b.click("#create-team");
    // The form itself is at /teams/new: wait for the team's own page, not any /teams/.
    let start = std::time::Instant::now();
    while b.current_url().ends_with("/new") || !b.source().contains("茅台镇测试团队") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "still at {}",
            b.current_url()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    b.screenshot(&shot("53-team-created.png"));
}

#[test]
fn a_village_doctor_refers_by_typing_chest_pain_and_choosing_cardiology() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let resident = srv.first_resident_at(srv.places.village);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "village", "/referrals/new");
    // The resident found by name and chosen.
    b.type_into("#resident_id", &resident.name);
    b.click(&format!(
        "#resident_id-options li[data-value='{}']",
        resident.id
    ));
    assert_eq!(b.value("#resident_id"), json!(resident.name));
    // Specialty first: 心内科, then the hospitals that offer it.
    let label = b.execute(
        "return document.querySelector('#specialty option[value=cardiology]').textContent;",
        json!([]),
    );
    assert_eq!(label, json!("心内科"));
    assert_eq!(
        count(&b, "#specialty option[value=anesthesiology]")
            + count(&b, "#specialty option[value=sterile-supply]"),
        0,
        "no anaesthesia, no sterile supply"
    );
    b.execute(
        "var s = document.getElementById('specialty'); s.value = 'cardiology'; s.dispatchEvent(new Event('change'));",
        json!([]),
    );
    let cardiology = format!("{}/{}", srv.places.lead, srv.places.cardiology);
    assert_eq!(b.value("#to"), json!(cardiology));
    assert_eq!(
        count(
            &b,
            "#to option:not([hidden]):not([data-specialty=cardiology]):not([value=''])"
        ),
        0,
        "only hospitals offering cardiology"
    );
    // The diagnosis as written, with the ICD-10 code suggested.
    b.type_into("#icd10_code", "胸痛");
    b.click("#icd10_code-options li[data-value='R07.4']:not([hidden])");
    assert_eq!(b.value("input[name=icd10_code]"), json!("R07.4"));
    b.type_into("#reason", "活动后胸痛 2 天");
    b.screenshot(&shot("54-referral-by-specialty.png"));
    b.click("#send-referral");
    b.wait_url("/referrals/0", 10);
    let url = b.current_url();
    let id: uuid::Uuid = url
        .split('?')
        .next()
        .and_then(|path| path.rsplit('/').next())
        .and_then(|s| s.parse().ok())
        .expect("id");
    assert!(
        b.text("#notice").contains("转诊已发出"),
        "the page says it was sent"
    );
    let r = srv
        .block(
            srv.state
                .store
                .get_referral(srv.state.community.id, id.into()),
        )
        .expect("referral");
    assert_eq!(r.icd10_code, "R07.4");
    assert_eq!(r.icd10_text, "胸痛");
    assert_eq!(r.to_department_id, Some(srv.places.cardiology));
    assert_eq!(r.resident_id, resident.id);
    b.screenshot(&shot("55-referral-sent.png"));
}

#[test]
fn a_completed_emergency_referrals_clock_is_stopped() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let resident = srv.first_resident_at(srv.places.township);
    let driver = webdriver::Driver::start();
    let township = driver.session();
    let cardiology = driver.session();
    township.login(
        &srv.base,
        "township",
        &format!(
            "/referrals/new?resident_id={}&urgency=emergency",
            resident.id
        ),
    );
    township.execute(
        "document.getElementById('pathway').value = 'chest_pain';\
         var s = document.getElementById('specialty'); s.value = 'cardiology'; s.dispatchEvent(new Event('change'));",
        json!([]),
    );
    township.type_into("#icd10_code", "I21.9");
    township.type_into("#reason", "胸痛 1 小时");
    township.click("#send-referral");
    township.wait_url("/referrals/0", 10);
    let page = township.current_url();
    // The township records the first ECG at the time it was taken, ten minutes ago.
    let china = time::UtcOffset::from_hms(8, 0, 0).expect("offset");
    let taken = time::OffsetDateTime::now_utc().to_offset(china) - time::Duration::minutes(10);
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let taken_text = taken.format(&f).expect("format");
    township.execute(
        "document.getElementById('milestone').value = 'first_ecg';\
         document.getElementById('milestone-at').value = arguments[0];",
        json!([taken_text]),
    );
    township.click("#record-milestone");
    township.wait_text("#notice", "时间节点已记录", 10);
    assert_eq!(
        count(&township, "#milestone option[value=first_ecg]"),
        0,
        "a step is offered once"
    );
    assert_eq!(count(&township, "#timeline tr.milestone-first_ecg"), 1);
    let when = township.text("#timeline tr.milestone-first_ecg td:first-child");
    assert_eq!(when, taken_text.replace('T', " "), "the time it happened");
    let recorder = township.text("#timeline tr.milestone-first_ecg td.who");
    assert!(!recorder.is_empty(), "who recorded it");
    // Cardiology accepts, receives and completes the case.
    cardiology.login(&srv.base, "specialist", &page.replace(&srv.base, ""));
    for (action, status) in [
        ("accept", "已接收"),
        ("arrive", "已到院"),
        ("complete", "已完成"),
    ] {
        if action == "complete" {
            // Treated as an outpatient: the case ends here (a discharge to be referred
            // down would open the down-referral instead).
            cardiology.execute(
                "document.querySelector('form[action$=\"/complete\"] select[name=outcome]').value = 'outpatient_done';",
                json!([]),
            );
        }
        cardiology.click(&format!("#action-{action}"));
        cardiology.wait_text("#referral-status", status, 10);
    }
    let clock = cardiology.execute(
        "return document.getElementById('green-channel').dataset.done;",
        json!([]),
    );
    assert_eq!(clock, json!("true"), "the clock stopped");
    let before = cardiology.text("#elapsed");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(cardiology.text("#elapsed"), before, "and does not tick");
    assert_eq!(
        cardiology.text("#green-verdict"),
        "已结案，计时已停止（未记录入院）",
        "no breach on a closed case"
    );
    cardiology.screenshot(&shot("56-green-channel-stopped.png"));
}

#[test]
fn the_admin_creates_an_account_and_the_new_user_logs_in() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(300);
    let village = srv
        .block(
            srv.state
                .store
                .get_institution(srv.state.community.id, srv.places.village),
        )
        .expect("village");
    let driver = webdriver::Driver::start();
    let admin = driver.session();
    admin.login(&srv.base, "admin", "/accounts");
    let fill = |username: &str, password: &str| {
        admin.type_into("#new-username", username);
        admin.type_into("#new-display_name", "王芳");
        admin.type_into("#new-password", password);
        admin.execute(
            "document.getElementById('new-role').value = 'village_doctor';",
            json!([]),
        );
    };
    // A username with a space is refused at its field; what was typed stays.
    fill("wang fang", "cunyi-2026");
    admin.type_into("#institution_id", &village.name);
    admin.click(&format!(
        "#institution_id-options li[data-value='{}']",
        village.id
    ));
    admin.click("#create-account");
    admin.find("#error-username", 10);
    assert_eq!(admin.value("#new-display_name"), json!("王芳"));
    assert_eq!(admin.value("#new-role"), json!("village_doctor"));
    assert_eq!(admin.value("#institution_id"), json!(village.name));
    assert_eq!(
        admin.value("#new-password"),
        json!(""),
        "a password is never sent back"
    );
    admin.screenshot(&shot("57-account-refused.png"));
    // Corrected, it is created and listed.
    fill("wangfang", "cunyi-2026");
    admin.click("#create-account");
    admin.wait_url("done=created", 10);
    assert!(admin.text("#notice").contains("wangfang"));
    admin.find("tr.account-row[data-username='wangfang']", 5);
    admin.screenshot(&shot("58-account-created.png"));
    // The new village doctor signs in and sees their own home.
    let user = driver.session();
    user.goto(&format!("{}/login", srv.base));
    user.type_into("#username", "wangfang");
    user.type_into("#password", "cunyi-2026");
    user.click("#login");
    user.find("#todo", 10);
    assert!(
        user.source().contains("王芳"),
        "signed in as the new account"
    );
    user.screenshot(&shot("59-new-user-home.png"));
}

#[test]
fn a_reload_after_saving_a_screening_writes_nothing() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let resident = srv.first_resident_at(srv.places.village);
    let screenings = || {
        srv.block(
            srv.state
                .store
                .screenings_of(srv.state.community.id, resident.id),
        )
        .expect("screenings")
        .len()
    };
    let before = screenings();
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "village", &format!("/residents/{}", resident.id));
    b.type_into("#s-systolic", "128");
    b.type_into("#s-diastolic", "80");
    b.type_into("#s-glucose", "5,4");
    b.click("#save-screening");
    b.wait_url("?screened=", 10);
    assert_eq!(screenings(), before + 1, "one screening saved");
    b.screenshot(&shot("61-screening-saved.png"));
    // The address bar rests on the record, not on the POST: a reload writes nothing.
    b.reload();
    b.find("#notice", 5);
    assert_eq!(screenings(), before + 1, "the reload saved nothing");
}

#[test]
fn a_figures_table_sorts_by_a_column_in_the_browser() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(1500);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "manager", "/contracts");
    b.find("#by-institution", 10);
    let column = |n: usize| -> Vec<f64> {
        b.execute(
            "return Array.from(document.querySelectorAll('#by-institution tbody tr:not(.total)'))\
               .map(r => r.cells[arguments[0]].textContent.trim().replace(/,/g, ''));",
            json!([n]),
        )
        .as_array()
        .expect("cells")
        .iter()
        .map(|v| v.as_str().unwrap_or("").parse::<f64>().unwrap_or(f64::NAN))
        .collect()
    };
    let before = column(1);
    assert!(before.len() > 3, "{before:?}");
    // Residents, fewest first; again, most first; the total stays on top.
    b.click("#by-institution thead th:nth-child(2)");
    let up = column(1);
    assert!(up.windows(2).all(|w| w[0] <= w[1]), "ascending: {up:?}");
    b.click("#by-institution thead th:nth-child(2)");
    let down = column(1);
    assert!(
        down.windows(2).all(|w| w[0] >= w[1]),
        "descending: {down:?}"
    );
    let mut sorted = before.clone();
    sorted.sort_by(|x, y| y.total_cmp(x));
    assert_eq!(down, sorted, "the same rows, reordered");
    assert_eq!(
        b.execute(
            "return document.querySelector('#by-institution tbody tr').classList.contains('total');",
            json!([])
        ),
        json!(true)
    );
    b.screenshot(&shot("56-figures-sorted.png"));
}
