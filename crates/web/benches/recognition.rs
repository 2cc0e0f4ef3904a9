//! Recognition benchmark (prints figures; `cargo bench -p yigong-web --bench recognition`):
//! with 1,000,000 earlier results in the database, the check a doctor's order makes for
//! a recognisable earlier result (`GET /api/v1/recognition`, the same look-up `POST
//! /api/v1/orders` makes first) through HTTP, as the demo township doctor for patients in
//! reach: median, p90, p99. Target: p99 under 20 ms on SQLite. SQLite always; PostgreSQL
//! too when `YIGONG_TEST_PG` names a server. `YIGONG_BENCH_RESULTS` sets the number of
//! results (a short pass uses fewer).

use std::time::{Duration, Instant};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::{ITEMS, Urgency};
use yigong_domain::diagnostics::recognition::RepeatReason;
use yigong_store::Store;
use yigong_store::diagnostics::{NewOrder, NewResult, PastOrder};
use yigong_web::state::AppState;

use support::{Conn, json_str};
use yigong_testkit::bench as support;

const RESIDENTS: usize = 50_000;
const RESULTS: usize = 1_000_000;
const REQUESTS: usize = 500;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `n` reported results spread over `people`, each `(resident, institution)`, over the
/// last two years; item and performer vary with the row.
fn results(people: &[(Uuid, Uuid)], lead: Uuid, n: usize) -> Vec<PastOrder> {
    let now = OffsetDateTime::now_utc();
    (0..n)
        .map(|k| {
            let (resident, clinic) = people[k % people.len()];
            let item = &ITEMS[(k / people.len() + k) % ITEMS.len()];
            let created_at = now - time::Duration::hours((k % 17_000) as i64 + 1);
            PastOrder {
                order: NewOrder {
                    resident_id: resident,
                    item_code: item.code.to_string(),
                    centre: item.centre,
                    from_institution_id: clinic,
                    performer_id: if k % 4 == 0 { clinic } else { lead },
                    urgency: Urgency::Routine,
                    question: String::new(),
                    repeat: None::<(RepeatReason, Uuid)>,
                    price_fen: item.price_fen,
                },
                ordered_by: None,
                created_at,
                received_at: None,
                reported: Some((
                    created_at + time::Duration::minutes(90),
                    None,
                    NewResult::default(),
                )),
                acknowledged: None,
            }
        })
        .collect()
}

async fn run(store: Store, label: &str) {
    let started = Instant::now();
    let (community, places) = yigong_web::demo::load(&store, 5, RESIDENTS, &mut |_| {})
        .await
        .expect("demo");
    let c = community.id;
    let people = store
        .resident_sample(c, RESIDENTS as i64)
        .await
        .expect("people");
    let target: usize = std::env::var("YIGONG_BENCH_RESULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RESULTS);
    let rows = results(&people, places.lead, target);
    for chunk in rows.chunks(50_000) {
        store.bulk_load_orders(c, chunk).await.expect("results");
    }
    let mut reach = store
        .child_institutions(c, places.township)
        .await
        .expect("villages");
    reach.push(places.township);
    let mine: Vec<Uuid> = people
        .iter()
        .filter(|(_, i)| reach.contains(i))
        .map(|(r, _)| *r)
        .collect();
    println!(
        "[{label}] {RESIDENTS} residents, {target} earlier results loaded in {:.0} s; {} patients in the township's reach",
        started.elapsed().as_secs_f64(),
        mine.len()
    );

    let state = AppState::new(store.clone(), community.clone(), true, false);
    let (base, server) = support::serve(state).await;
    let label = label.to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = Conn::open(&base);
        let answer = conn.post(
            "/api/v1/auth/login",
            "",
            r#"{"username":"township","password":"demo1234"}"#,
        );
        let auth = format!("Bearer {}", json_str(&answer, "token").expect("token"));
        let path = |k: usize| {
            let item = ITEMS[k % ITEMS.len()].code;
            format!(
                "/api/v1/recognition?resident_id={}&item_code={item}",
                mine[k % mine.len()]
            )
        };
        let mut offered = 0;
        for k in 0..20 {
            conn.send("GET", &path(k), &auth, "");
        }
        let mut lat: Vec<Duration> = (0..REQUESTS)
            .map(|k| {
                let s = Instant::now();
                let body = conn.send("GET", &path(k * 7 + 3), &auth, "");
                let took = s.elapsed();
                offered += usize::from(body.contains("\"performer\""));
                took
            })
            .collect();
        lat.sort();
        let p = |q: f64| ms(lat[((lat.len() - 1) as f64 * q) as usize]);
        println!(
            "[{label}] recognition check at ordering, {REQUESTS} requests ({offered} offered a result): median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms (target p99 < 20 ms)",
            p(0.5),
            p(0.9),
            p(0.99)
        );
    })
    .await
    .expect("requests");
    server.abort();
}

fn main() {
    support::on_each_engine(run);
}
