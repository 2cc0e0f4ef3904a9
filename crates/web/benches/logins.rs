//! Login memory benchmark (prints figures; `cargo bench -p yigong-web --bench logins`):
//! 16 clients log in as fast as they can for 60 s (`YIGONG_BENCH_SECONDS` overrides)
//! against the app served on a local port. Prints logins per second, latency and the
//! process's resident memory: idle before, the peak under load (sampled every 100 ms)
//! and 3 s after. Budget: the peak under 300 MB and the memory back within 64 MB of idle.
//! Each password check takes 19 MiB of argon2 memory; they run on one worker per core.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use yigong_web::state::AppState;

use support::Conn;
use yigong_testkit::bench as support;

const CLIENTS: usize = 16;
const PEAK_BUDGET_MB: f64 = 300.0;
const SETTLED_BUDGET_MB: f64 = 64.0;

/// This process's resident memory in MB (`VmRSS`).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let seconds: u64 = std::env::var("YIGONG_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(async {
        let store = yigong_testkit::db::sqlite().await.expect("sqlite");
        let (community, _) = yigong_web::demo::load(&store, 5, 200, &mut |_| {})
            .await
            .expect("demo");
        let state = AppState::new(store, community, true, false);
        support::serve(state).await.0
    });
    let body = r#"{"username":"village","password":"demo1234"}"#;
    // One login first: the pool's buffers exist from here on, as in a running server.
    Conn::open(&base).post("/api/v1/auth/login", "", body);
    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_mb();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb());
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let base = base.clone();
            std::thread::spawn(move || {
                let mut conn = Conn::open(&base);
                let mut lat = vec![];
                while started.elapsed() < Duration::from_secs(seconds) {
                    let s = Instant::now();
                    conn.post("/api/v1/auth/login", "", body);
                    lat.push(s.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat: Vec<Duration> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client"))
        .collect();
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().expect("sampler");
    std::thread::sleep(Duration::from_secs(3));
    let after = rss_mb();
    lat.sort();
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "{CLIENTS} clients, {:.0} s: {} logins, {:.1} logins/s, median {:.0} ms, p99 {:.0} ms",
        took.as_secs_f64(),
        lat.len(),
        lat.len() as f64 / took.as_secs_f64(),
        p(0.5),
        p(0.99)
    );
    let ok = peak < PEAK_BUDGET_MB && after - idle < SETTLED_BUDGET_MB;
    println!(
        "resident memory: idle {idle:.0} MB, peak {peak:.0} MB, 3 s after {after:.0} MB \
         (budget: peak < {PEAK_BUDGET_MB:.0} MB, back within {SETTLED_BUDGET_MB:.0} MB of idle): {}",
        if ok { "within budget" } else { "OVER BUDGET" }
    );
    if !ok {
        std::process::exit(1);
    }
}
