//! The indicators' dashboard in headless Chromium (with `YIGONG_E2E=1`), on the demo's
//! year of encounters: the manager picks the month before the latest, opens the cases
//! behind a figure's numerator, and downloads the Excel export through the browser's own
//! session; calamine reads it back and it carries the month the page showed. Then the
//! bureau opens the members' appraisal from the dashboard: every member ranked, the
//! first one's total the sum of its points.

use calamine::{Data, Reader, Xlsx};
use serde_json::json;
use std::io::Cursor;
use yigong_testkit::server;
use yigong_testkit::webdriver::{self, Session, shot};

const ROW: &str = "tr[data-code='primary_visit_share']";

/// The digits of a text, as a number ("共 1,234 条" is 1234).
fn digits(text: &str) -> i64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number in {text:?}"))
}

/// The export the page links to, fetched by the browser with its session cookie.
fn export(b: &Session) -> Vec<u8> {
    let bytes = b.execute(
        "return fetch(document.getElementById('export').href)\
           .then(r => r.arrayBuffer())\
           .then(buf => Array.from(new Uint8Array(buf)));",
        json!([]),
    );
    bytes
        .as_array()
        .expect("the export's bytes")
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| u8::try_from(n).ok())
                .expect("a byte")
        })
        .collect()
}

#[test]
fn the_manager_changes_the_month_opens_a_figures_cases_and_downloads_the_export() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(300);
    let c = srv.state.community.id;
    let (visits, _) = srv
        .block(yigong_demo::seed::encounters::add_history(
            &srv.state.store,
            c,
            7,
            yigong_domain::clock::today(),
        ))
        .expect("a year of encounters");
    assert!(visits > 0);
    let driver = webdriver::Driver::start();
    let b = driver.session();
    b.login(&srv.base, "manager", "/indicators");
    b.find("#indicator-list", 10);
    let latest = b.text("#period-shown");

    // The month before the latest: the second choice of the period list.
    let month = b
        .execute(
            "return document.querySelector('#period').options[1].value;",
            json!([]),
        )
        .as_str()
        .expect("a second month")
        .to_string();
    assert_ne!(month, latest);
    b.execute(
        "document.getElementById('period').value = arguments[0];",
        json!([month]),
    );
    b.click("#show");
    b.wait_url(&format!("period={month}"), 10);
    assert_eq!(b.text("#period-shown"), month);
    let numerator = digits(&b.text(&format!("{ROW} a.numerator")));
    let denominator = digits(&b.text(&format!("{ROW} a.denominator")));
    // Visits at the grassroots over all visits: the demo's county has about 60 % there.
    assert!(
        numerator > 0 && numerator < denominator,
        "{numerator} of {denominator}"
    );
    let shown: f64 = b
        .text(&format!("{ROW} .indicator-value"))
        .parse()
        .expect("a value");
    let worked = numerator as f64 * 100.0 / denominator as f64;
    assert!((shown - worked).abs() < 0.01, "{shown} against {worked}");
    b.screenshot(&shot("70-indicators-dashboard.png"));
    let bytes = export(&b);

    // The cases behind the numerator: as many as the figure counts, ID numbers masked.
    b.click(&format!("{ROW} a.numerator"));
    b.find("#case-list", 10);
    assert_eq!(digits(&b.text("#case-total")), numerator);
    let ids = b.execute(
        "return [...document.querySelectorAll('#case-list .case-row td:nth-child(4) .muted')]\
           .map(c => c.textContent);",
        json!([]),
    );
    let ids = ids.as_array().expect("the listed ID numbers");
    assert!(!ids.is_empty());
    for id in ids {
        let id = id.as_str().unwrap_or_default();
        assert!(id.contains('*') && id.len() == 18, "{id:?} is not masked");
    }
    b.screenshot(&shot("71-indicators-cases.png"));

    // The export carries the month the page showed.
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let row = sheet
        .rows()
        .find(|r| r.first() == Some(&Data::String("primary_visit_share".into())))
        .expect("the primary share's row");
    assert_eq!(
        (&row[4], &row[5]),
        (
            &Data::Float(numerator as f64),
            &Data::Float(denominator as f64)
        )
    );

    // The bureau opens the appraisal of last quarter from the dashboard.
    let today = yigong_domain::clock::today();
    srv.block(yigong_demo::seed::appraisal::add_sheet(
        &srv.state.store,
        c,
        7,
        today,
    ))
    .expect("the demo's sheet");
    let members = srv
        .block(srv.state.store.list_institutions(c))
        .expect("places")
        .iter()
        .filter(|i| i.kind == "member" || i.kind == "township")
        .count();
    let bureau = driver.session();
    bureau.login(&srv.base, "bureau", "/indicators");
    bureau.click("#open-appraisal");
    bureau.find("#appraisal-table", 10);
    let quarter = yigong_domain::indicators::appraisal::last_quarter(today);
    assert!(bureau.text("h1").contains(&quarter));
    let rows = bureau.execute(
        "return [...document.querySelectorAll('#appraisal-table .appraisal-row')].map(r => [           r.querySelector('.rank').textContent,           [...r.querySelectorAll('.score')].map(c => parseFloat(c.dataset.points)),           parseFloat(r.querySelector('.total').textContent)]);",
        json!([]),
    );
    let rows = rows.as_array().expect("the members' lines");
    assert_eq!(rows.len(), members);
    assert_eq!(rows[0][0], "1");
    let points: f64 = rows[0][1]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| p.as_f64().expect("a number"))
        .sum();
    let total = rows[0][2].as_f64().expect("a total");
    assert!((points - total).abs() < 0.011, "{points} against {total}");
    let totals: Vec<f64> = rows.iter().map(|r| r[2].as_f64().expect("total")).collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "best first: {totals:?}"
    );
    assert!(
        bureau.execute(
            "return document.getElementById('score-form') === null;",
            json!([])
        ) == json!(true)
    );
    bureau.screenshot(&shot("72-appraisal-bureau.png"));
}
