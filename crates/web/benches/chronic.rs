//! Chronic-care benchmark (prints figures; `cargo bench -p yigong-web --bench chronic`):
//! over 100,000 residents and 1,000,000 follow-up records, the village doctor's "my
//! follow-ups" (`GET /api/v1/follow-ups`) and the township quality-figures page
//! (`GET /chronic/quality`) through HTTP: median, p90, p99. Target: p99 under 50 ms on
//! SQLite. SQLite always; PostgreSQL too when `YIGONG_TEST_PG` names a server.

use std::time::Instant;
use yigong_store::Store;
use yigong_store::chronic::NewFollowUp;
use yigong_web::state::AppState;

use support::{Conn, json_str, latency};
use yigong_testkit::bench as support;

const RESIDENTS: usize = 100_000;
/// Follow-up records in the database (`YIGONG_BENCH_FOLLOW_UPS` overrides).
const FOLLOW_UPS: usize = 1_000_000;
const REQUESTS: usize = 500;

async fn run(store: Store, label: &str) {
    let started = Instant::now();
    let (community, _) = yigong_web::demo::load(&store, 3, RESIDENTS, &mut |_| {})
        .await
        .expect("demo");
    let today = yigong_web::chronic::api::today();
    let added = yigong_demo::seed::family::add_history(&store, community.id, 3, today)
        .await
        .expect("history");
    // Earlier years of the same registers until the table holds the target.
    let target: usize = std::env::var("YIGONG_BENCH_FOLLOW_UPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FOLLOW_UPS);
    let registers = store
        .register_places(community.id)
        .await
        .expect("registers");
    let mut rows = Vec::new();
    let mut year = 1;
    while added.visits + rows.len() < target && !registers.is_empty() {
        for (k, (id, clinic, disease)) in registers.iter().enumerate() {
            for q in 0..4 {
                if added.visits + rows.len() >= target {
                    break;
                }
                let day = today - time::Duration::days(365 * year + 91 * q + (k % 60) as i64);
                let controlled = !(k + q as usize).is_multiple_of(3);
                rows.push((
                    *id,
                    *clinic,
                    disease.clone(),
                    NewFollowUp {
                        visit_on: Some(day),
                        systolic: Some(if controlled { 128 } else { 152 }),
                        diastolic: Some(if controlled { 80 } else { 94 }),
                        controlled: Some(controlled),
                        plan: if controlled { "routine" } else { "recheck" },
                        next_due: Some(
                            day + time::Duration::days(if controlled { 90 } else { 14 }),
                        ),
                        ..Default::default()
                    },
                ));
            }
        }
        year += 1;
    }
    store
        .bulk_add_follow_ups(community.id, &rows)
        .await
        .expect("history");
    println!(
        "[{label}] {RESIDENTS} residents, {} registers, {} follow-ups loaded in {:.0} s",
        added.registers,
        added.visits + rows.len(),
        started.elapsed().as_secs_f64()
    );

    let state = AppState::new(store.clone(), community.clone(), true, false);
    let (base, server) = support::serve(state).await;
    let label = label.to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = Conn::open(&base);
        let login = |conn: &mut Conn, user: &str| {
            let body = format!(r#"{{"username":"{user}","password":"demo1234"}}"#);
            let answer = conn.post("/api/v1/auth/login", "", &body);
            format!("Bearer {}", json_str(&answer, "token").expect("token"))
        };
        let village = login(&mut conn, "village");
        let township = login(&mut conn, "township");
        let list = conn.send("GET", "/api/v1/follow-ups", &village, "");
        let total = list
            .split("\"total\":")
            .nth(1)
            .and_then(|t| t.split([',', '}']).next())
            .unwrap_or("?")
            .to_string();
        latency(
            &label,
            &format!("village \"my follow-ups\" ({total} due or overdue)"),
            (&mut conn, REQUESTS),
            "/api/v1/follow-ups",
            &village,
        );
        latency(
            &label,
            "township quality-figures page",
            (&mut conn, REQUESTS),
            "/chronic/quality",
            &township,
        );
    })
    .await
    .expect("requests");
    server.abort();
}

fn main() {
    support::on_each_engine(run);
}
