//! Referral benchmark (prints figures; `cargo bench -p yigong-web --bench referrals`):
//!
//! 1. full cycles per second through HTTP: create (township) → accept → arrive →
//!    complete (cardiology), from 4 and from 16 concurrent clients; for scale, the
//!    rate of 4 clients on `GET /healthz` (what HTTP alone allows here);
//! 2. incoming-worklist latency (median, p99) for the cardiology specialist with
//!    1,000,000 referrals in the database, then the cycle rate again at that size;
//! 3. at that size, the list's search box and filters: a common family name (王), an
//!    ICD-10 code (I21), and a status with a period, each beside the unfiltered list.
//!
//! SQLite always; PostgreSQL too when `YIGONG_TEST_PG` names a server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use yigong_store::Store;
use yigong_web::state::AppState;

use support::{Conn, json_str};
use yigong_testkit::bench as support;

/// Concurrent clients: a few users at once, and a busy hour.
const CLIENT_COUNTS: [usize; 2] = [4, 16];
/// Clients of the HTTP floor and the worklist figures.
const CLIENTS: usize = 4;
const CYCLE_SECONDS: u64 = 5;
/// Runs per figure; the median is the figure (this machine varies by ±15 % run to run).
const RUNS: usize = 3;
/// Referrals loaded before the worklist figures (`YIGONG_BENCH_REFERRALS` overrides).
const BULK: usize = 1_000_000;
const WORKLIST_REQUESTS: usize = 1_000;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Target {
    base: String,
    township: String,
    specialist: String,
    residents: Vec<uuid::Uuid>,
    lead: uuid::Uuid,
    cardiology: uuid::Uuid,
}

fn login(agent: &ureq::Agent, base: &str, user: &str) -> String {
    let v: serde_json::Value = agent
        .post(&format!("{base}/api/v1/auth/login"))
        .send_json(serde_json::json!({"username": user, "password": "demo1234"}))
        .expect("login")
        .into_json()
        .expect("json");
    format!("Bearer {}", v["token"].as_str().expect("token"))
}

/// The median of [`RUNS`] cycle runs.
fn cycles(t: &Arc<Target>, label: &str, when: &str, clients: usize) {
    let mut rates: Vec<f64> = (0..RUNS)
        .map(|_| cycle_run(t, label, when, clients))
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "[{label}] {when}: median of {RUNS} runs from {clients} clients: {:.0} full cycles/s",
        rates[RUNS / 2]
    );
}

/// One run: full cycles per second from `clients` clients for [`CYCLE_SECONDS`].
fn cycle_run(t: &Arc<Target>, label: &str, when: &str, clients: usize) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    // Total microseconds spent in each step: create, accept, arrive, complete.
    let spent: Arc<[AtomicU64; 4]> = Arc::new(Default::default());
    let deadline = Instant::now() + Duration::from_secs(CYCLE_SECONDS);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|n| {
            let (t, done, spent) = (t.clone(), done.clone(), spent.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::open(&t.base);
                let mut i = n;
                while Instant::now() < deadline {
                    let resident = t.residents[i % t.residents.len()];
                    i += clients;
                    let step = Instant::now();
                    let body = format!(
                        r#"{{"resident_id":"{resident}","direction":"up","urgency":"urgent","to_institution_id":"{}","to_department_id":"{}","reason":"胸闷气促","icd10_code":"I20.0"}}"#,
                        t.lead, t.cardiology
                    );
                    let created = conn.post("/api/v1/referrals", &t.township, &body);
                    let id = json_str(&created, "id").expect("id").to_string();
                    spent[0].fetch_add(step.elapsed().as_micros() as u64, Ordering::Relaxed);
                    for (k, (action, body)) in [
                        ("accept", "{}"),
                        ("arrive", "{}"),
                        ("complete", r#"{"outcome":"outpatient_done"}"#),
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        let step = Instant::now();
                        conn.post(
                            &format!("/api/v1/referrals/{id}/{action}"),
                            &t.specialist,
                            body,
                        );
                        spent[k + 1]
                            .fetch_add(step.elapsed().as_micros() as u64, Ordering::Relaxed);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for th in threads {
        th.join().expect("client");
    }
    let n = done.load(Ordering::Relaxed);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "[{label}] {when}: {n} full cycles (create, accept, arrive, complete = 4 HTTP requests) in {secs:.1} s from {clients} clients: {:.0} cycles/s",
        n as f64 / secs
    );
    let avg = |k: usize| spent[k].load(Ordering::Relaxed) as f64 / n.max(1) as f64 / 1000.0;
    println!(
        "[{label}] {when}: mean latency per step: create {:.2} ms, accept {:.2} ms, arrive {:.2} ms, complete {:.2} ms",
        avg(0),
        avg(1),
        avg(2),
        avg(3)
    );
    n as f64 / secs
}

/// [`CLIENTS`] clients on `GET /healthz` (no database, no JSON): what HTTP alone allows here.
fn floor(t: &Arc<Target>, label: &str) {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(3);
    let started = Instant::now();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (t, done) = (t.clone(), done.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::open(&t.base);
                while Instant::now() < deadline {
                    conn.send("GET", "/healthz", "", "");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for th in threads {
        th.join().expect("client");
    }
    println!(
        "[{label}] floor: GET /healthz from {CLIENTS} clients: {:.0} requests/s",
        done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
    );
}

fn worklist(t: &Arc<Target>, label: &str) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let url = format!("{}/api/v1/referrals?view=incoming", t.base);
    for _ in 0..50 {
        let _ = agent.get(&url).set("Authorization", &t.specialist).call();
    }
    let mut lat = Vec::with_capacity(WORKLIST_REQUESTS);
    let mut total = 0;
    for i in 0..WORKLIST_REQUESTS {
        let page = 1 + (i % 3);
        let s = Instant::now();
        let v: serde_json::Value = agent
            .get(&format!("{url}&page={page}"))
            .set("Authorization", &t.specialist)
            .call()
            .expect("worklist")
            .into_json()
            .expect("json");
        lat.push(s.elapsed());
        total = v["total"].as_i64().unwrap_or(0);
    }
    lat.sort();
    let p = |q: f64| ms(lat[((lat.len() - 1) as f64 * q) as usize]);
    println!(
        "[{label}] cardiology incoming worklist ({total} open), {WORKLIST_REQUESTS} requests: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        p(0.5),
        p(0.9),
        p(0.99)
    );
}

/// Median and p99 of `n` requests of `path` as the specialist.
fn timed(t: &Arc<Target>, path: &str, n: usize) -> (f64, f64, i64) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let url = format!("{}{path}", t.base);
    let get = || -> serde_json::Value {
        agent
            .get(&url)
            .set("Authorization", &t.specialist)
            .call()
            .expect("list")
            .into_json()
            .expect("json")
    };
    for _ in 0..20 {
        get();
    }
    let mut lat = Vec::with_capacity(n);
    let mut total = 0;
    for _ in 0..n {
        let s = Instant::now();
        total = get()["total"].as_i64().unwrap_or(0);
        lat.push(s.elapsed());
    }
    lat.sort();
    let p = |q: f64| ms(lat[((lat.len() - 1) as f64 * q) as usize]);
    (p(0.5), p(0.99), total)
}

/// The list's search box and filters beside the same list unfiltered.
fn searches(t: &Arc<Target>, label: &str) {
    let month_ago = yigong_domain::clock::today() - time::Duration::days(30);
    let cases = [
        ("all, unfiltered", "/api/v1/referrals?view=all".to_string()),
        (
            "a family name (王)",
            "/api/v1/referrals?view=all&q=%E7%8E%8B".to_string(),
        ),
        (
            "an ICD-10 code (I21)",
            "/api/v1/referrals?view=all&q=I21".to_string(),
        ),
        (
            "requested in the last 30 days",
            format!("/api/v1/referrals?view=all&status=requested&from={month_ago}"),
        ),
        (
            "sorted by urgency",
            "/api/v1/referrals?view=all&sort=urgency".to_string(),
        ),
    ];
    for (what, path) in cases {
        let (median, p99, total) = timed(t, &path, 300);
        println!(
            "[{label}] referral list, {what} ({total} rows in reach), 300 requests: median {median:.2} ms, p99 {p99:.2} ms"
        );
    }
}

async fn run(store: Store, label: &str) {
    let (community, places) = yigong_web::demo::load(&store, 3, 20_000, &mut |_| {})
        .await
        .expect("demo");
    yigong_web::demo::add_referral_history(&store, community.id, 3)
        .await
        .expect("history");
    let residents: Vec<uuid::Uuid> = store
        .search_residents(
            community.id,
            &yigong_domain::access::ResidentScope::Institutions(vec![places.township]),
            &Default::default(),
            yigong_store::PageRequest::new(None, Some(200)),
        )
        .await
        .expect("residents")
        .items
        .into_iter()
        .map(|r| r.id)
        .collect();
    let state = AppState::new(store.clone(), community.clone(), true, false);
    let (base, server) = support::serve(state).await;
    let agent = ureq::agent();
    let t = Arc::new(Target {
        township: login(&agent, &base, "township"),
        specialist: login(&agent, &base, "specialist"),
        base,
        residents,
        lead: places.lead,
        cardiology: places.cardiology,
    });
    let (t1, l1) = (t.clone(), label.to_string());
    tokio::task::spawn_blocking(move || {
        floor(&t1, &l1);
        for clients in CLIENT_COUNTS {
            cycles(&t1, &l1, "demo community", clients);
        }
    })
    .await
    .expect("cycles");

    let started = Instant::now();
    let sample = store
        .resident_sample(community.id, 20_000)
        .await
        .expect("sample");
    let institutions = store
        .list_institutions(community.id)
        .await
        .expect("institutions");
    let mut departments = std::collections::HashMap::new();
    for i in institutions
        .iter()
        .filter(|i| i.kind == "lead" || i.kind == "member")
    {
        for d in store
            .list_departments(community.id, i.id)
            .await
            .expect("departments")
        {
            departments.insert((i.id, d.code), d.id);
        }
    }
    let dir = yigong_demo::seed::referrals::Directory {
        institutions_by_code: institutions.into_iter().map(|i| (i.code, i.id)).collect(),
        departments,
        residents: sample,
    };
    let bulk: usize = std::env::var("YIGONG_BENCH_REFERRALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(BULK);
    for chunk in 0..10 {
        let rows = yigong_demo::seed::referrals::history(
            100 + chunk,
            bulk / 10,
            yigong_store::now(),
            &dir,
        );
        store
            .bulk_load_referrals(community.id, &rows)
            .await
            .expect("bulk");
    }
    let n = store.count_referrals(community.id).await.expect("count");
    println!(
        "[{label}] loaded to {n} referrals (with their events) in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let (t2, l2) = (t.clone(), label.to_string());
    tokio::task::spawn_blocking(move || {
        worklist(&t2, &l2);
        searches(&t2, &l2);
        for clients in CLIENT_COUNTS {
            cycles(&t2, &l2, "after the bulk load", clients);
        }
    })
    .await
    .expect("worklist");
    server.abort();
}

fn main() {
    support::on_each_engine(run);
}
