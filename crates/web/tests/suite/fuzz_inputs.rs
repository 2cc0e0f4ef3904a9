//! Fuzzing what the web edge takes from outside: the import reader (CSV and .xlsx,
//! mutated from real files and random bytes) and the decoding of queries, forms and
//! JSON bodies through the running app, FHIR `ServiceRequest` input included. Fails on
//! a panic, a 5xx answer, an input that takes longer than [`SLOW`]; prints the
//! process's peak memory.
//!
//! `YIGONG_FUZZ_SECONDS` sets the duration of each half (default 5, the short pass CI
//! runs); `YIGONG_FUZZ_SEED` replays a run. The long run:
//! `YIGONG_FUZZ_SECONDS=600 cargo test --release -p yigong-web --test suite fuzz_inputs:: -- --nocapture`.

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::Request;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

const SLOW: Duration = Duration::from_secs(2);

/// The most memory this process has held (`VmHWM`), in MB.
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// xorshift64*: deterministic for a seed, no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo)) as u32
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}

fn budget() -> Duration {
    Duration::from_secs(
        std::env::var("YIGONG_FUZZ_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5),
    )
}

fn seed() -> u64 {
    let seed = std::env::var("YIGONG_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("YIGONG_FUZZ_SEED={seed}");
    seed
}

/// One mutation of `seed`: flipped bytes, an inserted run, a cut, a spliced copy.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..rng.range(1, 8) {
        if v.is_empty() {
            v.push(rng.next_u64() as u8);
            continue;
        }
        let at = rng.index(v.len());
        match rng.below(5) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => v[at] = rng.next_u64() as u8,
            2 => {
                let run: Vec<u8> = (0..rng.range(1, 64))
                    .map(|_| rng.next_u64() as u8)
                    .collect();
                v.splice(at..at, run);
            }
            3 => v.truncate(at),
            _ => {
                let end = (at + rng.index(256) + 1).min(v.len());
                let copy = v[at..end].to_vec();
                let to = rng.index(v.len());
                v.splice(to..to, copy);
            }
        }
    }
    v
}

fn xlsx_seed() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "手机号", "地址", "机构编码"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for r in 1..20u32 {
        sheet.write_string(r, 0, "张三").expect("cell");
        sheet
            .write_string(r, 1, "11010519491231002X")
            .expect("cell");
        sheet.write_number(r, 2, 13800138000.0).expect("cell");
        sheet.write_string(r, 3, "茅台镇").expect("cell");
        sheet.write_string(r, 4, "T01-V01").expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn the_import_reader_takes_any_bytes() {
    let mut rng = Rng::new(seed());
    let csv = "\u{feff}姓名,身份证号,手机号\n张三,11010519491231002X,13800138000\n李四,\"a,b\",1\n"
        .as_bytes()
        .to_vec();
    let seeds = [xlsx_seed(), csv];
    let (started, mut n, mut slowest) = (Instant::now(), 0u64, Duration::ZERO);
    while started.elapsed() < budget() {
        let (name, input) = match rng.below(3) {
            0 => ("x.xlsx", mutate(&mut rng, &seeds[0])),
            1 => ("x.csv", mutate(&mut rng, &seeds[1])),
            _ => (
                "x.csv",
                (0..rng.index(512)).map(|_| rng.next_u64() as u8).collect(),
            ),
        };
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            yigong_app::import::read_table(name, &input).map(|t| t.rows.len())
        }));
        let took = t.elapsed();
        if outcome.is_err() || took > SLOW {
            let dir =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("import-{n}-{name}")), &input);
            panic!(
                "input {n} ({name}): {} in {took:?}",
                if outcome.is_err() { "panicked" } else { "slow" }
            );
        }
        slowest = slowest.max(took);
        n += 1;
    }
    println!(
        "import: {n} inputs, slowest {slowest:?}, peak memory {} MB",
        peak_mb()
    );
    assert!(n > 100, "{n} inputs");
}

/// A random query or form value: the characters that trip decoders.
fn junk(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "%",
        "%2",
        "%ZZ",
        "%00",
        "&",
        "=",
        "+",
        "王",
        "5",
        "-1",
        "9223372036854775808",
        "0",
        "1e309",
        "NaN",
        "true",
        "null",
        "[]",
        "{}",
        "\"",
        "'",
        "<script>",
        "\u{0}",
        "\t",
        "../",
        "Patient/",
        "|",
        ",",
        "page",
        "per_page",
        "q",
        "view",
        "incoming",
        "_count",
        "2026-13-45",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ];
    (0..rng.range(1, 12)).map(|_| *rng.pick(PIECES)).collect()
}

#[test]
fn queries_forms_and_bodies_never_make_a_server_error() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = yigong_testkit::db::sqlite().await.expect("sqlite");
        let app = common::app_on(store, 300).await;
        let manager = app.login("manager").await;
        let village = app.login("village").await;
        let township = app.login("township").await;
        let (cookie, csrf) = app.ui_session("manager").await;
        // A referral as an outside system sends it: the seed of the FHIR input.
        let resident = app.resident_at(app.places.township).await;
        let service_request = serde_json::json!({
            "resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": "stat",
            "code": {"coding": [{"system": "urn:yigong:green-channel", "code": "stroke"}]},
            "subject": {"reference": format!("Patient/{}", resident.id)},
            "performer": [{"reference": format!("Organization/{}", app.places.lead)}],
            "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "I63.9"}], "text": "右侧肢体无力"}],
        });
        let fhir_fields = ["status", "intent", "priority", "code", "subject", "performer", "reasonCode"];
        let gets = [
            "/api/v1/residents", "/api/v1/referrals", "/api/v1/staff", "/api/v1/institutions",
            "/api/v1/audit", "/api/v1/contracts/due", "/api/v1/referral-stats",
            "/api/v1/ecg/studies", "/fhir/r4/Patient", "/fhir/r4/ServiceRequest",
            "/fhir/r4/Observation", "/fhir/r4/CarePlan", "/fhir/r4/Organization",
        ];
        let mut rng = Rng::new(seed());
        let (started, mut n) = (Instant::now(), 0u64);
        while started.elapsed() < budget() {
            let (what, reply) = match rng.below(5) {
                0 | 1 => {
                    let path = format!("{}?{}={}&{}", rng.pick(&gets), junk(&mut rng), junk(&mut rng), junk(&mut rng));
                    let token = if rng.percent(50) { &manager } else { &village };
                    let req = Request::get(path.as_str())
                        .header("authorization", format!("Bearer {token}"))
                        .body(Body::empty());
                    match req {
                        Ok(req) => (path, app.request(req).await),
                        Err(_) => continue,
                    }
                }
                2 => {
                    let body = format!("_csrf={csrf}&{}={}&{}", junk(&mut rng), junk(&mut rng), junk(&mut rng));
                    let path = *rng.pick(&["/residents/new", "/referrals/new", "/teams/new"]);
                    (format!("POST {path} {body}"), app.post_form(path, &cookie, &body).await)
                }
                3 => {
                    // Either bytes mutated, or one element replaced by junk.
                    let body = if rng.percent(50) {
                        mutate(&mut rng, service_request.to_string().as_bytes())
                    } else {
                        let mut sr = service_request.clone();
                        sr[*rng.pick(&fhir_fields)] = serde_json::from_str(&junk(&mut rng))
                            .unwrap_or_else(|_| serde_json::json!(junk(&mut rng)));
                        sr.to_string().into_bytes()
                    };
                    let req = Request::post("/fhir/r4/ServiceRequest")
                        .header("authorization", format!("Bearer {township}"))
                        .header("content-type", "application/fhir+json")
                        .body(Body::from(body.clone()))
                        .expect("request");
                    let what = format!("POST /fhir/r4/ServiceRequest {}", String::from_utf8_lossy(&body));
                    (what, app.request(req).await)
                }
                _ => {
                    let body = format!(
                        "{{\"name\":\"{}\",\"id_number\":{},\"phone\":\"{}\",\"institution_id\":\"{}\"}}",
                        junk(&mut rng), junk(&mut rng), junk(&mut rng), junk(&mut rng)
                    );
                    let req = Request::post("/api/v1/residents")
                        .header("authorization", format!("Bearer {manager}"))
                        .header("content-type", "application/json")
                        .body(Body::from(body.clone()))
                        .expect("request");
                    (format!("POST /api/v1/residents {body}"), app.request(req).await)
                }
            };
            assert!(!reply.status.is_server_error(), "{what}: {} {}", reply.status, reply.text());
            n += 1;
        }
        println!("requests: {n} inputs, no server error");
        assert!(n > 50, "{n} inputs");
    });
}
