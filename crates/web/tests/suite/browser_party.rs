//! Party building in headless Chromium (with `YIGONG_E2E=1`): a branch secretary records
//! a meeting and the members present gain their points; a first secretary records a
//! spending and a progress report, and an overspending entry is refused in Chinese; the
//! committee's quarterly evaluation page shows both. Screenshots land in `target/e2e/`.

use serde_json::json;
use yigong_domain::party::site::Quarter;
use yigong_testkit::server;
use yigong_testkit::webdriver::{self, Session, shot};

fn number(b: &Session, script: &str) -> i64 {
    b.execute(script, json!([])).as_i64().unwrap_or(-1)
}

/// The points of the branch's members as the page shows them, summed.
fn points(b: &Session) -> i64 {
    number(
        b,
        "return [...document.querySelectorAll('#members .points')]\
           .reduce((sum, c) => sum + Number(c.textContent), 0);",
    )
}

#[test]
fn a_meeting_raises_points_and_the_quarter_shows_a_first_secretarys_spending_and_report() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(300);
    let driver = webdriver::Driver::start();

    // The branch secretary plans a members' meeting and records it with attendance.
    let b = driver.session();
    b.login(&srv.base, "branch", "/party");
    let branch = b
        .execute(
            "return document.querySelector(\"a[href^='/party/orgs/']\").getAttribute('href');",
            json!([]),
        )
        .as_str()
        .expect("the branch link")
        .to_string();
    b.goto(&format!("{}{branch}", srv.base));
    b.find("#members", 10);
    let (before, members) = (
        points(&b),
        number(
            &b,
            "return document.querySelectorAll('#members .member-row').length;",
        ),
    );
    assert!(members >= 3, "{members} members");
    b.execute(
        "document.getElementById('subject').value = 'members_meeting';",
        json!([]),
    );
    b.type_into("#topic", "学习党的二十届三中全会精神");
    b.click("#plan-activity");
    b.wait_url("done=activity_planned", 10);
    b.execute(
        "[...document.querySelectorAll(\"a[href^='/party/activities/']\")]\
           .find(a => a.textContent.includes('三中全会')).click();",
        json!([]),
    );
    b.find("#meeting-form", 10);
    b.type_into("#minutes", "传达学习全会精神，结合医共体建设讨论落实举措。");
    // The first member is on leave with a reason; everyone else is present.
    b.execute(
        "const s = document.querySelector('#attendance select'); s.value = 'leave';\
         document.querySelector('#attendance input').value = '外出进修';",
        json!([]),
    );
    b.screenshot(&shot("70-party-attendance.png"));
    b.click("#record-meeting");
    b.wait_url("done=meeting_recorded", 10);
    b.find("#members", 10);
    b.screenshot(&shot("71-party-points.png"));
    assert_eq!(
        points(&b),
        before + 2 * (members - 1),
        "two points for each member present, none for the one on leave"
    );

    // The first secretary records a spending and a progress report; an overspend is
    // refused in Chinese with the form kept.
    let f = driver.session();
    f.login(&srv.base, "firstsec", "/first-secretary");
    f.click("#sites a");
    f.find("#spending-form", 10);
    let site = f.current_url();
    let site = site
        .split(['?', '#'])
        .next()
        .and_then(|p| p.rsplit('/').next())
        .expect("site id")
        .to_string();
    f.type_into("#amount", "2,500.00");
    f.type_into("#category", "设备购置");
    f.type_into("#note", "除颤仪采购");
    f.click("#record-spending");
    f.wait_url("done=spending_recorded", 10);
    f.find("#report-form", 10);
    f.execute(
        "const s = document.getElementById('task_id');\
         s.value = [...s.options].find(o => o.text === '建设创伤救治单元').value;",
        json!([]),
    );
    f.type_into("#text", "创伤救治单元完成人员培训和设备调试");
    f.click("#file-report");
    f.wait_url("done=report_filed", 10);
    f.type_into("#amount", "2,000,000");
    f.type_into("#category", "基础设施改造");
    f.click("#record-spending");
    f.find("#error-amount_fen", 10);
    f.screenshot(&shot("72-site-overspend.png"));
    assert!(
        f.text("#error-amount_fen")
            .contains("支出超过该站点剩余经费"),
        "{}",
        f.text("#error-amount_fen")
    );
    assert_eq!(f.value("#amount"), json!("2,000,000"), "the amount is kept");
    assert_eq!(f.value("#category"), json!("基础设施改造"));

    // The committee's page for this quarter shows both.
    let p = driver.session();
    let quarter = Quarter::of(yigong_domain::clock::today());
    let page = format!("/first-secretary/sites/{site}/quarters/{quarter}");
    p.login(&srv.base, "party", &page);
    p.find("#evaluation-form", 10);
    p.screenshot(&shot("73-site-quarter.png"));
    assert!(
        p.text("#quarter-reports")
            .contains("创伤救治单元完成人员培训和设备调试"),
        "the report"
    );
    let spending = p.text("#quarter-spending");
    assert!(
        spending.contains("除颤仪采购") && spending.contains("2,500.00"),
        "{spending}"
    );
    assert_eq!(
        number(
            &p,
            "return [...document.querySelectorAll('#quarter-spending .spending-row')]\
               .filter(r => r.textContent.includes('2,000,000.00')).length;"
        ),
        0,
        "the refused entry is not in the ledger"
    );
}
