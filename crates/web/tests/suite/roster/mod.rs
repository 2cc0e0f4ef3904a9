//! What the outreach tests share: the lead hospital's experts, the demo townships' names
//! and codes, the Mondays ahead, a session planned through the API.

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::outreach::posting::title_level;
use yigong_domain::outreach::roster::week_of;
use yigong_testkit::app::TestApp;

/// `n` experts: attending physicians and above of the lead hospital, `(id, name)`.
pub async fn experts(app: &TestApp, n: usize) -> Vec<(Uuid, String)> {
    let staff = app
        .state
        .store
        .staff_of(app.state.community.id, app.places.lead)
        .await
        .expect("staff");
    let found: Vec<(Uuid, String)> = staff
        .into_iter()
        .filter(|s| title_level(&s.title).1)
        .map(|s| (s.id, s.name))
        .take(n)
        .collect();
    assert_eq!(found.len(), n, "experts at the lead hospital");
    found
}

/// An institution's `(name, code)`.
pub async fn place(app: &TestApp, id: Uuid) -> (String, String) {
    let i = app
        .state
        .store
        .get_institution(app.state.community.id, id)
        .await
        .expect("institution");
    (i.name, i.code)
}

/// The Monday `weeks` weeks after this week's.
pub fn monday(weeks: i64) -> Date {
    week_of(yigong_domain::clock::today()) + Duration::weeks(weeks)
}

/// Plans a one-off session through the API as the office; its id.
pub async fn session(
    app: &TestApp,
    office: &str,
    (expert, place, day): (Uuid, Uuid, Date),
    (start, end, capacity): (&str, &str, i64),
) -> String {
    let r = app
        .post(
            "/api/v1/outreach/sessions",
            office,
            json!({"expert_id": expert, "institution_id": place, "day": day.to_string(),
                "start": start, "end": end, "capacity": capacity}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}: {}", app.label, r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

/// The `field` of every item of a page.
pub fn column(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_string())
        .collect()
}

/// `n` residents registered at a township or its villages.
pub async fn residents_under(
    app: &TestApp,
    township: Uuid,
    n: usize,
) -> Vec<yigong_store::residents::Resident> {
    let c = app.state.community.id;
    let mut places = vec![township];
    places.extend(
        app.state
            .store
            .child_institutions(c, township)
            .await
            .expect("villages"),
    );
    let mut out = Vec::new();
    for p in places {
        out.extend(app.residents_at(p, n as i64).await);
    }
    assert!(out.len() >= n, "{} residents under {township}", out.len());
    out.truncate(n);
    out
}

/// A resident registered at a township or one of its villages.
pub async fn resident_under(app: &TestApp, township: Uuid) -> yigong_store::residents::Resident {
    residents_under(app, township, 1).await.remove(0)
}
