//! A figure's list of cases on both engines: the total comes from the counters, and a
//! page is the same whether a branch walks the day index (its rows a good share of the
//! table's) or sorts its few rows. Every expected day is laid out by hand below.

use time::{Date, Month as M};
use uuid::Uuid;
use yigong_domain::indicators::encounter::{Kind, ValidEncounter};
use yigong_domain::indicators::month::Span;
use yigong_store::indicators::cases::{CaseQuery, CaseRow};
use yigong_store::{PageRequest, Store};
use yigong_testkit::db::each_empty_engine;
use yigong_testkit::lookups::setup_entry;

fn day(month: M, d: u8) -> Date {
    Date::from_calendar_date(2026, month, d).expect("a day")
}

fn visit(no: String, kind: Kind, started_on: Date, ended_on: Option<Date>) -> ValidEncounter {
    ValidEncounter {
        visit_no: no,
        department: "内科".into(),
        id_number: String::new(),
        kind,
        started_on,
        ended_on,
        diagnoses: vec!["I10".into()],
        total_fen: 1_000,
        insurance_fen: 600,
    }
}

/// Township A: 150 visits on 1–25 April (six a day) and ten stays discharged on
/// 21–30 April, one more discharged on 2 May; village B: visits on 26, 27 and 28 April.
fn county(a: Uuid, b: Uuid) -> Vec<(Uuid, ValidEncounter)> {
    let mut rows = Vec::new();
    for i in 0..150u8 {
        let on = day(M::April, 1 + i % 25);
        rows.push((a, visit(format!("A{i}"), Kind::Outpatient, on, Some(on))));
    }
    for i in 0..10u8 {
        let out = Some(day(M::April, 21 + i));
        rows.push((
            a,
            visit(format!("S{i}"), Kind::Inpatient, day(M::March, 20), out),
        ));
    }
    let may = Some(day(M::May, 2));
    rows.push((
        a,
        visit("S10".into(), Kind::Inpatient, day(M::April, 15), may),
    ));
    for (i, d) in [26, 27, 28].into_iter().enumerate() {
        let on = day(M::April, d);
        rows.push((b, visit(format!("B{i}"), Kind::Outpatient, on, Some(on))));
    }
    rows
}

async fn page(store: &Store, c: Uuid, q: &CaseQuery, n: i64) -> (Vec<CaseRow>, i64) {
    let span = Span::parse("2026-04").expect("April");
    let p = store
        .indicator_cases(c, span, q, PageRequest::new(Some(n), Some(20)))
        .await
        .expect("cases");
    (p.items, p.total)
}

fn days(rows: &[CaseRow]) -> Vec<u8> {
    rows.iter().map(|r| r.day.day()).collect()
}

fn query(kinds: &[Kind], places: &[Uuid]) -> CaseQuery {
    CaseQuery {
        encounter_kinds: kinds.to_vec(),
        encounter_places: places.to_vec(),
        ..Default::default()
    }
}

#[tokio::test]
async fn pages_are_the_same_walked_by_day_or_sorted() {
    let visits = [Kind::Outpatient, Kind::Emergency];
    let every = [Kind::Outpatient, Kind::Emergency, Kind::Inpatient];
    for store in each_empty_engine().await.expect("stores") {
        store.migrate().await.expect("migrate");
        let hash = &yigong_app::passwords::hash_password;
        let (community, _) = yigong_demo::seed::load(&store, 3, 300, hash, &mut |_| {})
            .await
            .expect("demo");
        let c = community.id;
        let places = store.list_institutions(c).await.expect("places");
        let of = |kind: &str| places.iter().find(|i| i.kind == kind).expect(kind).id;
        let (a, b) = (of("township"), of("village"));
        let entry = setup_entry("test.encounters");
        let stored = store
            .store_encounters(c, &county(a, b), &entry)
            .await
            .expect("stored");
        assert_eq!(stored.inserted, 164);

        // Both places, every kind: 163 rows counted in April (the May discharge is not),
        // walked by day. 30, 29 (stays); 28, 27, 26 (a stay and B's visit each); 25 and
        // 24 (a stay and six visits each), the page ending five rows into the 24th.
        let both = query(&every, &[a, b]);
        let (first, total) = page(&store, c, &both, 1).await;
        assert_eq!(total, 163);
        let mut want = vec![30, 29, 28, 28, 27, 27, 26, 26];
        want.extend([25; 7]);
        want.extend([24; 5]);
        assert_eq!(days(&first), want);
        let kinds: Vec<&str> = first[2..4].iter().map(|r| r.kind.as_str()).collect();
        assert!(kinds.contains(&"inpatient") && kinds.contains(&"outpatient"));
        // Within a day, the newest id first; no row on two pages.
        for w in first.windows(2).filter(|w| w[0].day == w[1].day) {
            assert!(w[0].id > w[1].id, "ids descend within a day");
        }
        let (second, _) = page(&store, c, &both, 2).await;
        assert_eq!(days(&second)[..3], [24, 24, 23]);
        assert!(second.iter().all(|r| first.iter().all(|f| f.id != r.id)));
        // Page 9 holds the last three rows (160–162): the visits of 1 April.
        let (last, _) = page(&store, c, &both, 9).await;
        assert_eq!(days(&last), [1, 1, 1]);
        assert!(page(&store, c, &both, 10).await.0.is_empty());

        // A's visits alone (150 of 163, walked): 25 to 22 April on the first page.
        let (a_visits, total) = page(&store, c, &query(&visits, &[a]), 1).await;
        assert_eq!(total, 150);
        let mut want = vec![25; 6];
        want.extend([24; 6]);
        want.extend([23; 6]);
        want.extend([22; 2]);
        assert_eq!(days(&a_visits), want);
        // B's three visits and A's ten stays are few: sorted, newest first.
        let (b_visits, total) = page(&store, c, &query(&visits, &[b]), 1).await;
        assert_eq!((days(&b_visits), total), (vec![28, 27, 26], 3));
        assert!(b_visits.iter().all(|r| r.source == "encounter"));
        let (stays, total) = page(&store, c, &query(&[Kind::Inpatient], &[a]), 1).await;
        assert_eq!(total, 10);
        assert_eq!(days(&stays), (21..=30).rev().collect::<Vec<u8>>());
        // May's list holds the stay discharged on the 2nd, not admitted in April.
        let may = Span::parse("2026-05").expect("May");
        let q = query(&[Kind::Inpatient], &[a]);
        let listed = store
            .indicator_cases(c, may, &q, PageRequest::new(None, None))
            .await
            .expect("May");
        assert_eq!(
            (listed.total, days(&listed.items)),
            (1, vec![2]),
            "counted on discharge"
        );
        // A place with nothing in the period: no row, no query of the table.
        let (none, total) = page(&store, c, &query(&[Kind::Inpatient], &[b]), 1).await;
        assert_eq!((none.len(), total), (0, 0));
    }
}
