//! This month's figures and the case behind one of them, for the tests of the indicators
//! kept as referrals, ECG reports and outreach sessions happen.

use axum::http::StatusCode;
use serde_json::Value;
use yigong_domain::clock::today;
use yigong_domain::indicators::month::Month;
use yigong_testkit::app::TestApp;

/// This month (China time) as a period.
pub fn month() -> String {
    Month::of(today()).key()
}

/// (numerator, denominator) of each of `codes` this month, for the scope `filter`
/// (`&institution=…`, or empty for the community).
pub async fn this_month(
    app: &TestApp,
    token: &str,
    filter: &str,
    codes: &[&str],
) -> Vec<(i64, i64)> {
    let r = app
        .get(
            &format!("/api/v1/indicators?period={}{filter}", month()),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let all = r.json();
    codes
        .iter()
        .map(|code| {
            let f = all
                .as_array()
                .expect("figures")
                .iter()
                .find(|f| f["code"] == *code)
                .unwrap_or_else(|| panic!("{code}"));
            (
                f["numerator"].as_i64().expect("n"),
                f["denominator"].as_i64().expect("d"),
            )
        })
        .collect()
}

/// The case `id` behind a part of a figure this month, and how many cases the part has.
pub async fn case_behind(
    app: &TestApp,
    token: &str,
    (code, part): (&str, &str),
    id: &str,
) -> (Value, i64) {
    let path = format!(
        "/api/v1/indicators/{code}/cases?period={}&part={part}&per_page=100",
        month()
    );
    let cases = app.get(&path, token).await.json();
    let case = cases["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{}: {id} not behind {code}: {cases}", app.label))
        .clone();
    (case, cases["total"].as_i64().expect("total"))
}
