//! Outreach benchmark (prints figures; `cargo bench -p yigong-web --bench outreach`): with
//! the demo's year of outreach loaded (about 2,200 sessions), 16 concurrent clients each
//! ask for the public "this week's experts" page of a township, then 16 signed-in
//! residents book a place at a session and give it back, over HTTP. Prints median, p90
//! and p99 of each. Target: p99 under 50 ms on SQLite. SQLite always; PostgreSQL too when
//! `YIGONG_TEST_PG` names a server. `YIGONG_BENCH_REQUESTS` sets the requests per client.

use std::time::{Duration, Instant};
use uuid::Uuid;
use yigong_store::Store;
use yigong_store::audit::AuditEntry;
use yigong_store::outreach::NewSession;
use yigong_web::http::auth::token_hash;
use yigong_web::state::AppState;

use support::Conn;
use yigong_testkit::bench as support;

const RESIDENTS: usize = 20_000;
const CLIENTS: usize = 16;
const REQUESTS: usize = 200;

fn entry() -> AuditEntry<'static> {
    AuditEntry {
        account_id: None,
        username: "bench",
        action: "bench",
        entity: "bench",
        entity_id: None,
        allowed: true,
        ip: "",
        detail: "",
        method: "",
        path: "",
    }
}

/// Sorted latencies' median, p90 and p99, in ms.
fn figures(mut lat: Vec<Duration>) -> (f64, f64, f64) {
    lat.sort();
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    (p(0.5), p(0.9), p(0.99))
}

/// Runs `each` from 16 clients at once, `n` times each; every request's latency.
fn concurrently<F>(base: &str, n: usize, each: F) -> Vec<Duration>
where
    F: Fn(&mut Conn, usize, usize) + Send + Sync + Clone + 'static,
{
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (base, each) = (base.to_string(), each.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::open(&base);
                (0..n)
                    .map(|k| {
                        let s = Instant::now();
                        each(&mut conn, c, k);
                        s.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    clients
        .into_iter()
        .flat_map(|c| c.join().expect("client"))
        .collect()
}

/// Sessions for residents to book, and 16 residents of the township signed in: their
/// bearer tokens.
async fn residents(
    store: &Store,
    c: Uuid,
    (township, expert): (Uuid, Uuid),
) -> (Uuid, Vec<String>) {
    let today = yigong_domain::clock::today();
    let s = NewSession {
        expert_id: expert,
        institution_id: township,
        template_id: None,
        day: today + time::Duration::days(1),
        start_min: 8 * 60,
        end_min: 12 * 60,
        capacity: 500,
    };
    let session = store
        .plan_sessions(c, &[s], &entry())
        .await
        .expect("session")[0];
    let mut reach = store
        .child_institutions(c, township)
        .await
        .expect("villages");
    reach.push(township);
    let people: Vec<Uuid> = store
        .resident_sample(c, RESIDENTS as i64)
        .await
        .expect("people")
        .into_iter()
        .filter(|(_, i)| reach.contains(i))
        .map(|(r, _)| r)
        .take(CLIENTS)
        .collect();
    let mut tokens = Vec::new();
    for (k, r) in people.iter().enumerate() {
        let token = format!("bench-resident-token-{k:04}-{r}");
        let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        store
            .open_portal_session(c, (*r, &token_hash(&token), "csrf"), expires, &entry())
            .await
            .expect("session");
        tokens.push(format!("Bearer {token}"));
    }
    (session, tokens)
}

async fn run(store: Store, label: &str) {
    let started = Instant::now();
    let (community, places) = yigong_web::demo::load(&store, 5, RESIDENTS, &mut |_| {})
        .await
        .expect("demo");
    let c = community.id;
    let today = yigong_domain::clock::today();
    let added = yigong_demo::seed::outreach::add_history(&store, c, 5, today)
        .await
        .expect("outreach");
    let code = store
        .get_institution(c, places.township)
        .await
        .expect("township")
        .code;
    let expert = store.staff_of(c, places.lead).await.expect("staff")[0].id;
    let (session, tokens) = residents(&store, c, (places.township, expert)).await;
    assert_eq!(tokens.len(), CLIENTS, "residents of the township");
    println!(
        "[{label}] {RESIDENTS} residents, {} sessions held and {} planned, loaded in {:.0} s",
        added.held,
        added.planned,
        started.elapsed().as_secs_f64()
    );
    let n: usize = std::env::var("YIGONG_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(REQUESTS);
    let state = AppState::new(store.clone(), community.clone(), true, false);
    let (base, server) = support::serve(state).await;
    let label = label.to_string();
    tokio::task::spawn_blocking(move || {
        let page = format!("/outreach/this-week?township={code}");
        let lat = concurrently(&base, n, move |conn, _, _| {
            let html = conn.send("GET", &page, "", "");
            assert!(html.contains("id=\"this-week\""), "the board");
        });
        let (m, p90, p99) = figures(lat);
        println!(
            "[{label}] public this-week page, {CLIENTS} clients × {n}: median {m:.2} ms, p90 {p90:.2} ms, p99 {p99:.2} ms (target p99 < 50 ms)"
        );
        let path = format!("/api/v1/outreach/sessions/{session}/bookings");
        let lat = concurrently(&base, n, move |conn, client, k| {
            let auth = &tokens[client];
            if k % 2 == 0 {
                conn.send("POST", &path, auth, "{}");
            } else {
                conn.send("DELETE", &path, auth, "");
            }
        });
        let (m, p90, p99) = figures(lat);
        println!(
            "[{label}] booking and giving back a place, {CLIENTS} residents × {n}: median {m:.2} ms, p90 {p90:.2} ms, p99 {p99:.2} ms (target p99 < 50 ms)"
        );
    })
    .await
    .expect("requests");
    server.abort();
}

fn main() {
    support::on_each_engine(run);
}
