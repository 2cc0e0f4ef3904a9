//! Crash consistency: the server binary is killed with SIGKILL every one to three
//! seconds while three clients write (a township refers residents up, a village doctor
//! records follow-ups, the township uploads ECGs). After each restart every write that
//! was answered 2xx is read back; at the end the database is opened directly and the
//! states are checked against their event history and audit rows. Runs on SQLite, then
//! on PostgreSQL when `YIGONG_TEST_PG` names a server.
//!
//! `YIGONG_CRASH_SECONDS` sets the load time per engine (default 12, the short pass CI
//! runs). The long run: `bench/crash` (300 s per engine, release build).

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

const EXE: &str = env!("CARGO_BIN_EXE_yigong");
/// Writes read back through the API after each restart: the last ones before the kill,
/// and as many spread over the older ones.
const READ_BACK: usize = 60;

/// Where the server keeps its data, and how to start it again.
struct Server {
    args: Vec<String>,
    base: String,
    child: Option<Child>,
}

impl Server {
    fn start(&mut self, first: bool) {
        let mut args = self.args.clone();
        args.insert(0, if first { "demo" } else { "serve" }.into());
        let child = Command::new(EXE)
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(if first { 300 } else { 30 });
        while Instant::now() < deadline {
            if agent(500)
                .get(&format!("{}/healthz", self.base))
                .call()
                .is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not come up");
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn agent(timeout_ms: u64) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_millis(timeout_ms))
        .timeout(Duration::from_secs(20))
        .build()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn login(base: &str, username: &str) -> String {
    let reply: Value = agent(2000)
        .post(&format!("{base}/api/v1/auth/login"))
        .send_json(json!({ "username": username, "password": "demo1234" }))
        .expect("login")
        .into_json()
        .expect("json");
    reply["token"].as_str().expect("token").to_string()
}

fn get(base: &str, token: &str, path: &str) -> Result<Value, Box<ureq::Error>> {
    Ok(agent(2000)
        .get(&format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .map_err(Box::new)?
        .into_json()
        .expect("json"))
}

fn ids(v: &Value, list: &str, key: &str) -> Vec<String> {
    v[list]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i[key].as_str().map(str::to_string))
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Referral,
    FollowUp,
    Ecg,
}

/// A write answered 2xx: what it created, and where to read it back.
#[derive(Clone, Debug)]
struct Acknowledged {
    kind: Kind,
    id: Uuid,
    /// The register a follow-up belongs to.
    parent: Option<Uuid>,
}

#[derive(Default)]
struct Tally {
    attempted: AtomicU64,
    acknowledged: AtomicU64,
    refused: AtomicU64,
    interrupted: AtomicU64,
}

/// What the writing clients share.
struct Load {
    base: String,
    /// The lead hospital, where referrals go.
    lead: String,
    ecg: Vec<u8>,
    stop: AtomicBool,
    acks: Mutex<Vec<Acknowledged>>,
    tally: Tally,
}

/// One client writing `kind` until the load stops: each 2xx is recorded.
fn writer(kind: Kind, token: &str, targets: &[String], load: &Load) {
    let Load {
        base, lead, ecg, ..
    } = load;
    let http = agent(300);
    let mut n = 0usize;
    while !load.stop.load(Ordering::Relaxed) {
        let target = &targets[n % targets.len()];
        n += 1;
        let auth = format!("Bearer {token}");
        let sent = match kind {
            Kind::Referral => http
                .post(&format!("{base}/api/v1/referrals"))
                .set("Authorization", &auth)
                .send_json(json!({
                    "resident_id": target, "direction": "up", "urgency": "routine",
                    "to_institution_id": lead, "reason": "胸闷待查", "icd10_code": "R07.4",
                })),
            Kind::FollowUp => http
                .post(&format!("{base}/api/v1/registers/{target}/follow-ups"))
                .set("Authorization", &auth)
                .send_json(json!({ "systolic": 128 + (n % 20) as u16, "diastolic": 82 })),
            Kind::Ecg => {
                let boundary = "crashtestboundary";
                let mut body = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"resident_id\"\r\n\r\n{target}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ecg.dcm\"\r\n\r\n"
                )
                .into_bytes();
                body.extend_from_slice(ecg);
                body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
                http.post(&format!("{base}/api/v1/ecg/studies"))
                    .set("Authorization", &auth)
                    .set(
                        "Content-Type",
                        &format!("multipart/form-data; boundary={boundary}"),
                    )
                    .send_bytes(&body)
            }
        };
        load.tally.attempted.fetch_add(1, Ordering::Relaxed);
        match sent {
            Ok(reply) => {
                let v: Value = reply.into_json().expect("a 2xx answer is JSON");
                let (id, parent) = match kind {
                    Kind::Referral => (&v["id"], None),
                    Kind::FollowUp => (&v["follow_up_id"], Some(target)),
                    Kind::Ecg => (&v["study"]["id"], None),
                };
                let id = id.as_str().expect("id").parse().expect("uuid");
                let parent = parent.map(|p| p.parse().expect("uuid"));
                load.acks
                    .lock()
                    .expect("acks")
                    .push(Acknowledged { kind, id, parent });
                load.tally.acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            // A refusal is an answer: the server was up and said no (a register that
            // changed meanwhile, say). Neither is counted as a write.
            Err(ureq::Error::Status(code, reply)) => {
                assert!(code < 500, "{kind:?}: {code} {:?}", reply.into_string());
                load.tally.refused.fetch_add(1, Ordering::Relaxed);
            }
            // The server died with the request in flight, or is not back yet: unknown.
            Err(ureq::Error::Transport(_)) => {
                load.tally.interrupted.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(30));
            }
        }
    }
}

/// Reads one acknowledged write back through the API; `true` when it is there.
fn present(base: &str, manager: &str, village: &str, a: &Acknowledged) -> bool {
    match a.kind {
        Kind::Referral => get(base, manager, &format!("/api/v1/referrals/{}", a.id)).is_ok(),
        Kind::Ecg => get(base, manager, &format!("/api/v1/ecg/studies/{}", a.id)).is_ok(),
        Kind::FollowUp => {
            let register = a.parent.expect("register");
            get(base, village, &format!("/api/v1/registers/{register}"))
                .map(|v| {
                    v["follow_ups"]
                        .as_array()
                        .expect("visits")
                        .iter()
                        .any(|f| f["id"] == a.id.to_string())
                })
                .unwrap_or(false)
        }
    }
}

struct Figures {
    attempted: u64,
    acknowledged: u64,
    refused: u64,
    interrupted: u64,
    kills: u32,
    lost: usize,
    restart_ms: Vec<u128>,
}

fn run(label: &str, database: Vec<String>, seconds: u64) -> Figures {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut args = database;
    args.extend(["--listen".into(), format!("127.0.0.1:{port}")]);
    let mut server = Server {
        args: args.clone(),
        base: base.clone(),
        child: None,
    };
    let mut demo_args = args;
    demo_args.extend(["--residents".into(), "2000".into()]);
    server.args = demo_args;
    server.start(true);
    server.args.truncate(server.args.len() - 2);

    let (township, village, manager) = (
        login(&base, "township"),
        login(&base, "village"),
        login(&base, "manager"),
    );
    let residents = ids(
        &get(&base, &township, "/api/v1/residents?per_page=50").expect("residents"),
        "items",
        "id",
    );
    // The village doctor's hypertension registers: some residents enrolled first.
    let village_residents = ids(
        &get(&base, &village, "/api/v1/residents?per_page=10").expect("residents"),
        "items",
        "id",
    );
    let registers: Vec<String> = village_residents
        .iter()
        .filter_map(|r| {
            let reply = agent(2000)
                .post(&format!("{base}/api/v1/registers"))
                .set("Authorization", &format!("Bearer {village}"))
                .send_json(json!({ "resident_id": r, "disease": "hypertension", "diagnosed_on": "2024-03-01" }))
                .ok()?;
            let v: Value = reply.into_json().ok()?;
            v["id"].as_str().map(str::to_string)
        })
        .collect();
    let institutions = get(&base, &manager, "/api/v1/institutions").expect("institutions");
    let lead = institutions
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["kind"] == "lead")
        .and_then(|i| i["id"].as_str())
        .expect("lead")
        .to_string();
    assert!(
        !residents.is_empty() && !registers.is_empty(),
        "demo data: {} residents, {} registers",
        residents.len(),
        registers.len()
    );
    let load = Arc::new(Load {
        base: base.clone(),
        lead,
        ecg: std::fs::read(
            yigong_demo::seed::ecg::samples_dir()
                .expect("sample recordings")
                .join("formats/dicom/pydicom_waveform_ecg.dcm"),
        )
        .expect("DICOM sample"),
        stop: AtomicBool::new(false),
        acks: Mutex::new(vec![]),
        tally: Tally::default(),
    });
    let clients: Vec<_> = [
        (Kind::Referral, &township, &residents),
        (Kind::FollowUp, &village, &registers),
        (Kind::Ecg, &township, &residents),
    ]
    .into_iter()
    .map(|(kind, token, targets)| {
        let (token, targets, load) = (token.clone(), targets.clone(), Arc::clone(&load));
        std::thread::spawn(move || writer(kind, &token, &targets, &load))
    })
    .collect();

    // Kill every 1-3 s (a fixed pseudo-random sequence). After each restart, read back
    // through the API the writes acknowledged just before the kill (the ones a lost
    // commit would take) and a sample of the older ones; the end checks all of them.
    let started = Instant::now();
    let (mut kills, mut lost) = (0u32, Vec::new());
    let mut restart_ms = vec![];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while started.elapsed() < Duration::from_secs(seconds) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::thread::sleep(Duration::from_millis(1000 + x % 2000));
        server.kill();
        kills += 1;
        let before_kill = load.acks.lock().expect("acks").clone();
        let t = Instant::now();
        server.start(false);
        restart_ms.push(t.elapsed().as_millis());
        let recent = before_kill.iter().rev().take(READ_BACK);
        let older = before_kill
            .iter()
            .step_by((before_kill.len() / READ_BACK).max(1));
        lost.extend(
            recent
                .chain(older)
                .filter(|a| !present(&base, &manager, &village, a))
                .cloned(),
        );
    }
    load.stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    server.kill();

    // The database itself, the server down: every acknowledged row is there, and the
    // states agree with their events.
    let url = if server.args[0] == "--data-dir" {
        format!("sqlite:{}/yigong.db", server.args[1])
    } else {
        server.args[1].clone()
    };
    let acks = load.acks.lock().expect("acks").clone();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let store = yigong_store::Store::connect(&url).await.expect("database");
            let ids = |table: &'static str, column: &'static str| {
                let store = store.clone();
                async move {
                    yigong_testkit::db::ids_in(&store, table, column)
                        .await
                        .expect("ids")
                }
            };
            let referrals = ids("referrals", "id").await;
            let studies = ids("ecg_studies", "id").await;
            let visits = ids("chronic_follow_ups", "id").await;
            let audited = ids("audit_events", "entity_id").await;
            for a in &acks {
                // Each write lands with its audit row, in one transaction (a visit's
                // row names its register).
                let (found, audited) = match a.kind {
                    Kind::Referral => (referrals.contains(&a.id), audited.contains(&a.id)),
                    Kind::Ecg => (studies.contains(&a.id), audited.contains(&a.id)),
                    Kind::FollowUp => (
                        visits.contains(&a.id),
                        audited.contains(&a.parent.expect("register")),
                    ),
                };
                if !found || !audited {
                    lost.push(a.clone());
                }
            }
            let wrong = store.inconsistencies().await.expect("checks");
            assert!(wrong.is_empty(), "{label}: {wrong:?}");
        });
    lost.sort_by_key(|a| a.id);
    lost.dedup_by_key(|a| a.id);
    let figures = Figures {
        attempted: load.tally.attempted.load(Ordering::Relaxed),
        acknowledged: load.tally.acknowledged.load(Ordering::Relaxed),
        refused: load.tally.refused.load(Ordering::Relaxed),
        interrupted: load.tally.interrupted.load(Ordering::Relaxed),
        kills,
        lost: lost.len(),
        restart_ms,
    };
    assert!(lost.is_empty(), "{label}: acknowledged but lost: {lost:?}");
    let by_kind = |k: Kind| acks.iter().filter(|a| a.kind == k).count();
    for k in [Kind::Referral, Kind::FollowUp, Kind::Ecg] {
        assert!(by_kind(k) > 0, "{label}: no {k:?} was acknowledged");
    }
    figures
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let seconds: u64 = std::env::var("YIGONG_CRASH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let dir = std::env::temp_dir().join(format!("yigong-crash-{}", Uuid::now_v7()));
    let mut engines = vec![(
        "SQLite",
        vec!["--data-dir".to_string(), dir.display().to_string()],
    )];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let pg = yigong_testkit::db::postgres_url();
    let pg_database = pg.as_ref().map(|pg| {
        rt.block_on(yigong_testkit::db::postgres_database(pg))
            .expect("database")
    });
    if let Some(url) = &pg_database {
        engines.push((
            "PostgreSQL",
            vec!["--database-url".to_string(), url.clone()],
        ));
    }
    for (label, database) in engines {
        let f = run(label, database, seconds);
        let mut r = f.restart_ms.clone();
        r.sort_unstable();
        println!(
            "{label}: {seconds} s, {} kills; writes attempted {}, acknowledged {}, refused {}, \
             interrupted {}, lost {}; restart to healthy: median {} ms, max {} ms",
            f.kills,
            f.attempted,
            f.acknowledged,
            f.refused,
            f.interrupted,
            f.lost,
            r[r.len() / 2],
            r[r.len() - 1],
        );
    }
    let _ = std::fs::remove_dir_all(dir);
    if let (Some(pg), Some(url)) = (pg, pg_database) {
        rt.block_on(yigong_testkit::db::drop_postgres_database(&pg, &url))
            .expect("drop the database");
    }
}
