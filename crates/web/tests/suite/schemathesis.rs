//! The API against its own OpenAPI document, checked by a tool we did not write:
//! schemathesis (PyPI) generates valid and invalid requests from `/api/v1/openapi.json`
//! for every operation, with the office manager's token and then a village doctor's,
//! and fails on any 5xx, any status the document does not list, any body that does not
//! match its schema (every 4xx in the error shape), any invalid request accepted, and
//! any operation reachable without authentication.
//!
//! Path parameters are real records of the demo within each user's reach, so that the
//! operations behind them run instead of answering 404. A request that fits the
//! document may still break a rule the document cannot express (an ID number's check
//! digit, a referral between the wrong levels): it is answered with a listed 4xx in the
//! error shape, which `positive_data_acceptance` accepts (`tests/schemathesis/schemathesis.toml`).
//!
//! Runs with `YIGONG_SCHEMATHESIS` (the `st` program, from `scripts/install-test-deps`).
//! `YIGONG_SCHEMATHESIS_EXAMPLES` (default 8) and `YIGONG_SCHEMATHESIS_SEED` (default 1;
//! `random` for a new one) make the longer run for the release note.

use yigong_testkit::server;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn login(base: &str, username: &str) -> String {
    let reply: Value = ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(serde_json::json!({ "username": username, "password": "demo1234" }))
        .expect("login")
        .into_json()
        .expect("json");
    reply["token"].as_str().expect("token").to_string()
}

/// The first string under `key` in a JSON answer, depth first; `None` when the list is
/// empty or the role may not read it.
fn first(base: &str, token: &str, path: &str, key: &str) -> Option<String> {
    fn find(v: &Value, key: &str) -> Option<String> {
        match v {
            Value::Object(m) => m
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| m.values().find_map(|v| find(v, key))),
            Value::Array(a) => a.iter().find_map(|v| find(v, key)),
            _ => None,
        }
    }
    let reply = ureq::get(&format!("{base}/api/v1/{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .ok()?;
    find(&reply.into_json::<Value>().ok()?, key)
}

/// The configuration: the shared checks, then one record per kind of path parameter.
fn config(base: &str, token: &str) -> String {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/schemathesis/schemathesis.toml");
    let mut toml = std::fs::read_to_string(shared).expect("shared configuration");
    let sources = [
        ("residents", "residents?per_page=1", "id"),
        ("staff", "staff?per_page=1", "id"),
        ("institutions", "institutions", "id"),
        ("referrals", "referrals?per_page=1", "id"),
        ("ecg/studies", "ecg/studies?view=all&per_page=1", "id"),
        ("registers", "follow-ups?per_page=1", "register_id"),
        ("teams", "teams?per_page=1", "id"),
        ("contracts", "contracts/due", "id"),
        ("suspicions", "screenings/pending?per_page=1", "id"),
    ];
    for (prefix, list, key) in sources {
        if let Some(id) = first(base, token, list, key) {
            toml.push_str(&format!(
                "\n[[operations]]\ninclude-path-regex = '^/api/v1/{prefix}/\\{{id\\}}'\nparameters = {{ \"path.id\" = \"{id}\" }}\n"
            ));
        }
    }
    toml
}

#[test]
fn the_api_keeps_to_its_openapi_document() {
    if !server::leg("YIGONG_SCHEMATHESIS") {
        return;
    }
    let st = std::env::var("YIGONG_SCHEMATHESIS").expect("st");
    let examples = std::env::var("YIGONG_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "8".into());
    let seed = std::env::var("YIGONG_SCHEMATHESIS_SEED").unwrap_or_else(|_| "1".into());
    let server = server::start(400);
    let base = server.base.clone();
    // Both sessions first: the run's own login attempts count against this address.
    let users = [
        ("manager", login(&base, "manager")),
        ("village", login(&base, "village")),
    ];
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/schemathesis");
    for (label, token) in &users {
        let dir = out.join(label);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let config_file = dir.join("schemathesis.toml");
        std::fs::write(&config_file, config(&base, token)).expect("write configuration");
        let mut cmd = Command::new(&st);
        cmd.arg("--config-file")
            .arg(&config_file)
            .args(["run", &format!("{base}/api/v1/openapi.json")])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args([
                "--checks",
                "all",
                "--max-examples",
                &examples,
                // One worker: with two, Python 3.11's `ast` module can fail inside
                // Hypothesis when two threads describe a strategy at once ("AST constructor
                // recursion depth mismatch"), a crash of the tool, not of the API.
                "--workers",
                "1",
            ])
            // Logging out would end the run's own session.
            .args(["--exclude-path", "/api/v1/auth/logout"])
            .args(["--report", "junit", "--report-dir"])
            .arg(&dir)
            .env("NO_COLOR", "1")
            // Its cache of found failures stays in the run's folder.
            .current_dir(&dir);
        if seed != "random" {
            cmd.args(["--seed", &seed]);
        }
        let run = cmd.output().expect("schemathesis runs");
        let text = String::from_utf8_lossy(&run.stdout);
        // The summary: phases, failures, warnings, test cases.
        let summary = text.rsplit_once("SUMMARY").map_or("", |(_, s)| s);
        eprintln!("schemathesis as {label}:{summary}");
        assert!(
            run.status.success(),
            "schemathesis as {label} failed:\n{text}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            text.contains(" passed") && !text.contains("Tested: 0"),
            "nothing was tested as {label}:\n{text}"
        );
    }
}
