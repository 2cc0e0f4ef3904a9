//! The chronic-care counters of the indicators follow every write to a register on both
//! engines (enrolment, each follow-up, the call that ends it) and come out the same from
//! a rebuild. The expected changes are worked out by hand from the visits written here.

use time::{Date, Month};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::formula::stock_month;
use yigong_domain::indicators::tally::{Measure, Tally};
use yigong_store::Store;
use yigong_store::chronic::calls::NewCall;
use yigong_store::chronic::{NewFollowUp, NewRegister};
use yigong_testkit::app::{apps, setup_entry};

const HTN: [Measure; 3] = [
    Measure::HtnManaged,
    Measure::HtnStandard,
    Measure::HtnControlled,
];

/// The hypertension counters of `year` at `clinic`.
async fn htn(store: &Store, c: Uuid, clinic: Uuid, year: i32) -> [i64; 3] {
    let t: Tally = store.kept_by_year(c, year).await.expect("counters");
    HTN.map(|m| t.get(stock_month(year), clinic, m))
}

fn minus(a: [i64; 3], b: [i64; 3]) -> [i64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

async fn follow_up(store: &Store, c: Uuid, register: Uuid, on: Date, controlled: bool) {
    let version = store
        .get_register(c, register)
        .await
        .expect("register")
        .version;
    let f = NewFollowUp {
        visit_on: Some(on),
        systolic: Some(if controlled { 132 } else { 152 }),
        diastolic: Some(84),
        controlled: Some(controlled),
        plan: "routine",
        next_due: Some(on + time::Duration::days(90)),
        ..Default::default()
    };
    let entry = setup_entry("chronic.follow_up");
    let recorded = store
        .record_follow_up(c, register, version, &f, &entry)
        .await;
    assert!(recorded.expect("recorded").is_some());
}

#[tokio::test]
async fn the_chronic_counters_follow_every_write_and_the_rebuild() {
    for app in apps(800).await {
        let (store, c) = (&app.state.store, app.state.community.id);
        // The demo's registers and their visits, loaded in bulk and then counted.
        yigong_demo::seed::family::add_history(store, c, 7, today())
            .await
            .expect("history");
        let clinic = app.places.village;
        let year = today().year();
        let day = |m: Month, d: u8| Date::from_calendar_date(year, m, d).expect("a day");
        let before = [
            htn(store, c, clinic, year - 1).await,
            htn(store, c, clinic, year).await,
            htn(store, c, clinic, year + 1).await,
        ];
        let changes = |now: [[i64; 3]; 3]| {
            let b = before;
            [0, 1, 2].map(|k| minus(now[k], b[k]))
        };
        let mut resident = None;
        for r in app.resident_ids_at(clinic, 50).await {
            let on = store.registers_of(c, r).await.expect("registers");
            if on.iter().all(|g| g.disease != "hypertension") {
                resident = Some(r);
                break;
            }
        }
        let resident = resident.expect("a resident without hypertension");
        let n = NewRegister {
            resident_id: resident,
            disease: "hypertension",
            institution_id: clinic,
            responsible_staff_id: None,
            diagnosed_on: day(Month::January, 2),
            enrolled_on: day(Month::January, 5),
            next_due: day(Month::February, 5),
        };
        let register = store
            .enrol(c, &n, &setup_entry("chronic.enrol"))
            .await
            .expect("enrolled");
        let now = async || {
            [
                htn(store, c, clinic, year - 1).await,
                htn(store, c, clinic, year).await,
                htn(store, c, clinic, year + 1).await,
            ]
        };
        // Enrolled this January: managed this year and the next, not the year before.
        assert_eq!(
            changes(now().await),
            [[0, 0, 0], [1, 0, 0], [1, 0, 0]],
            "{}",
            app.label
        );
        // Three visits, the last uncontrolled: neither standard nor controlled yet.
        follow_up(store, c, register, day(Month::February, 5), true).await;
        follow_up(store, c, register, day(Month::May, 5), true).await;
        follow_up(store, c, register, day(Month::August, 5), false).await;
        assert_eq!(changes(now().await)[1], [1, 0, 0], "{}", app.label);
        // The fourth, controlled: the year makes the standard and ends controlled.
        follow_up(store, c, register, day(Month::November, 5), true).await;
        assert_eq!(
            changes(now().await),
            [[0, 0, 0], [1, 1, 1], [1, 0, 0]],
            "{}",
            app.label
        );
        lists_the_register(&app, register, year).await;
        // The resident died: still managed this year, not the next.
        let version = store
            .get_register(c, register)
            .await
            .expect("register")
            .version;
        let call = NewCall {
            called_on: day(Month::November, 20),
            outcome: "died",
            quiet_until: None,
            visit_at_home: false,
            ends: Some("died"),
            recorded_by: None,
        };
        let entry = setup_entry("chronic.call");
        let called = store.record_call(c, register, version, &call, &entry).await;
        assert!(called.expect("recorded").is_some());
        assert_eq!(
            changes(now().await),
            [[0, 0, 0], [1, 1, 1], [0, 0, 0]],
            "{}",
            app.label
        );
        // Its end is kept at next January, which is no month with data for a dashboard.
        let months = store.tally_months(c).await.expect("months");
        let this = yigong_domain::indicators::month::Month::of(today()).key();
        assert!(months.iter().all(|m| *m <= this), "{months:?}");
        // Every counter, the demo's bulk-loaded registers included, as a rebuild counts it.
        let kept = store.all_tallies(c).await.expect("kept");
        assert!(kept.entries().any(|(_, _, m, _)| m == Measure::DmManaged));
        store.rebuild_tallies(c).await.expect("rebuild");
        assert_eq!(
            store.all_tallies(c).await.expect("rebuilt"),
            kept,
            "{}",
            app.label
        );
    }
}

/// The figure's list at the township holds the register, with its four visits, ending
/// controlled, its ID number masked; the list is as long as the figure's numerator.
async fn lists_the_register(app: &yigong_testkit::app::TestApp, register: Uuid, year: i32) {
    let manager = app.login("manager").await;
    let scope = format!("period={year}&institution={}", app.places.township);
    let figures = app
        .get(&format!("/api/v1/indicators?{scope}"), &manager)
        .await
        .json();
    let figure = figures
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == "htn_standard_rate")
        .expect("the figure")
        .clone();
    let path =
        format!("/api/v1/indicators/htn_standard_rate/cases?{scope}&part=numerator&per_page=200");
    let listed = app.get(&path, &manager).await.json();
    assert_eq!(
        listed["total"], figure["numerator"],
        "{}: {listed}",
        app.label
    );
    let mine = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == serde_json::json!(register))
        .expect("the register is listed")
        .clone();
    assert_eq!(
        (
            &mine["source"],
            &mine["kind"],
            &mine["served"],
            &mine["diagnoses"]
        ),
        (
            &serde_json::json!("register"),
            &serde_json::json!("hypertension"),
            &serde_json::json!(4),
            &serde_json::json!("controlled")
        ),
        "{}",
        app.label
    );
    assert!(mine["id_number"].as_str().expect("masked").contains('*'));
    // The denominator's list holds every register managed in the year, as many as the
    // figure divides by.
    let path =
        format!("/api/v1/indicators/htn_standard_rate/cases?{scope}&part=denominator&per_page=1");
    let listed = app.get(&path, &manager).await.json();
    assert_eq!(listed["total"], figure["denominator"], "{}", app.label);
    // The page says what the list is, in Chinese.
    let page = app
        .get(
            &format!("/indicators/htn_standard_rate/cases?{scope}&part=numerator"),
            &manager,
        )
        .await
        .text();
    assert!(
        page.contains("慢病登记") && page.contains("年内末次随访达标"),
        "{page}"
    );
}
