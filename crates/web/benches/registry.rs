//! Registry benchmark (prints figures; `cargo bench -p yigong-web --bench registry`):
//!
//! 1. resident search by name fragment over 100,000 residents: median and p99 latency
//!    of `GET /api/v1/residents?q=…` through real HTTP on loopback;
//! 2. import throughput of a 100,000-row CSV file, first import and re-import.
//!
//! SQLite always; PostgreSQL too when `YIGONG_TEST_PG` names a server.

use std::time::{Duration, Instant};
use yigong_app::import::{self, ImportKind};
use yigong_store::Store;
use yigong_web::state::AppState;

use yigong_testkit::bench as support;

const RESIDENTS: usize = 100_000;
const SEARCHES: usize = 2_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Name fragments a clerk would type: surnames, full names, given names, initials,
/// and ID-number starts and ends, drawn from the generated community.
fn queries(community: &yigong_demo::Community) -> Vec<String> {
    let mut q = Vec::new();
    for (i, r) in community
        .residents
        .iter()
        .step_by(RESIDENTS / SEARCHES)
        .enumerate()
    {
        let name = &r.resident.name;
        let id = r.resident.id_number.as_str();
        q.push(match i % 6 {
            0 => name.chars().take(1).collect(),
            1 => name.clone(),
            2 => name.chars().take(2).collect(),
            3 => yigong_domain::text::given_name(name),
            4 => yigong_domain::text::pinyin_initials(name),
            _ => id[14..].to_string(),
        });
        if q.len() == SEARCHES {
            break;
        }
    }
    q
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn search_bench(store: Store, label: &str) {
    let started = Instant::now();
    let (community, _) =
        yigong_web::demo::load(&store, yigong_web::demo::DEMO_SEED, RESIDENTS, &mut |_| {})
            .await
            .expect("demo loads");
    println!(
        "[{label}] demo community with {RESIDENTS} residents loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let state = AppState::new(store, community, true, false);
    let (base, server) = support::serve(state).await;
    let plan = yigong_demo::generate(yigong_web::demo::DEMO_SEED, RESIDENTS);
    let qs = queries(&plan);
    let label = label.to_string();
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
        let token: serde_json::Value = agent
            .post(&format!("{base}/api/v1/auth/login"))
            .send_json(serde_json::json!({"username": "specialist", "password": "demo1234"}))
            .expect("login")
            .into_json()
            .expect("json");
        let auth = format!("Bearer {}", token["token"].as_str().expect("token"));
        // Warm-up.
        for q in qs.iter().take(100) {
            let _ = agent.get(&format!("{base}/api/v1/residents?q={}", encode(q))).set("Authorization", &auth).call();
        }
        let mut lat = Vec::with_capacity(qs.len());
        let mut hits = 0u64;
        for q in &qs {
            let t = Instant::now();
            let r: serde_json::Value = agent
                .get(&format!("{base}/api/v1/residents?q={}", encode(q)))
                .set("Authorization", &auth)
                .call()
                .expect("search")
                .into_json()
                .expect("json");
            lat.push(t.elapsed());
            hits += r["total"].as_u64().unwrap_or(0);
        }
        lat.sort();
        println!(
            "[{label}] resident search over {RESIDENTS} residents, {} queries through HTTP: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms (mean {:.0} matches/query)",
            lat.len(),
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.9)),
            ms(percentile(&lat, 0.99)),
            ms(*lat.last().expect("some")),
            hits as f64 / lat.len() as f64
        );
    })
    .await
    .expect("client");
    server.abort();
}

async fn import_bench(store: Store, label: &str) {
    let (community, _) = yigong_web::demo::load(&store, 1, 0, &mut |_| {})
        .await
        .expect("demo loads");
    let plan = yigong_demo::generate(99, RESIDENTS);
    let mut csv = String::from("姓名,身份证号,性别,出生日期,手机号,机构编码,地址\n");
    for r in &plan.residents {
        let v = &r.resident;
        let code = &plan.institutions[r.institution].code;
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            v.name,
            v.id_number,
            v.sex.as_str(),
            v.birth_date,
            v.phone.as_str(),
            code,
            v.address
        ));
    }
    for round in ["first import", "re-import"] {
        let t = Instant::now();
        let table = import::read_table("bench.csv", csv.as_bytes()).expect("table");
        let s = import::run(
            &store,
            community.id,
            None,
            ImportKind::Residents,
            "bench.csv",
            &table,
            &mut |_| {},
        )
        .await
        .expect("import");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "[{label}] {round} of a {RESIDENTS}-row CSV ({:.1} MB): {:.2} s, {:.0} rows/s ({} inserted, {} updated, {} rejected)",
            csv.len() as f64 / 1e6,
            secs,
            RESIDENTS as f64 / secs,
            s.inserted,
            s.updated,
            s.rejected
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter is ignored.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut engines = vec![("sqlite", None)];
        if let Some(url) = yigong_testkit::db::postgres_url() {
            engines.push(("postgres", Some(url)));
        }
        for (label, url) in engines {
            let fresh = || async {
                match &url {
                    None => yigong_testkit::db::sqlite().await.expect("sqlite"),
                    Some(u) => yigong_testkit::db::postgres(u).await.expect("postgres"),
                }
            };
            search_bench(fresh().await, label).await;
            import_bench(fresh().await, label).await;
        }
    });
}
