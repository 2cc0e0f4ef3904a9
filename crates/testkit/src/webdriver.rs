//! A minimal W3C WebDriver client for browser tests: enough to drive Chromium through
//! chromedriver (navigate, find, type, click, read, screenshot).

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    process: Child,
    base: String,
}

pub struct Session {
    url: String,
    _profile: std::path::PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn call(method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let req = ureq::request(method, url).timeout(Duration::from_secs(60));
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match res {
        Ok(r) => r.into_json::<Value>().map_err(|e| e.to_string()),
        Err(ureq::Error::Status(code, r)) => {
            Err(format!("{code}: {}", r.into_string().unwrap_or_default()))
        }
        Err(e) => Err(e.to_string()),
    }
}

impl Driver {
    /// Starts chromedriver on a free port and waits until it is ready.
    // The child is killed and reaped in `Drop`, which the lint cannot see.
    #[allow(clippy::zombie_processes)]
    pub fn start() -> Driver {
        let port = free_port();
        let process = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/install-test-deps installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if call("GET", &format!("{base}/status"), None)
                .is_ok_and(|v| v["value"]["ready"] == true)
            {
                return Driver { process, base };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not become ready");
    }

    /// A new headless Chromium with a fresh profile, sized like a township tablet.
    pub fn session(&self) -> Session {
        let profile = std::env::temp_dir().join(format!("yigong-chrome-{}", uuid::Uuid::now_v7()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=zh-CN",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let v =
            call("POST", &format!("{}/session", self.base), Some(caps)).expect("browser session");
        let id = v["value"]["sessionId"].as_str().expect("session id");
        Session {
            url: format!("{}/session/{id}", self.base),
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Session {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        call(method, &format!("{}{path}", self.url), body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))["value"]
            .clone()
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn current_url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits up to `secs` for an element matching the CSS selector.
    pub fn find(&self, css: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let r = call(
                "POST",
                &format!("{}/element", self.url),
                Some(json!({"using": "css selector", "value": css})),
            );
            let last = match r {
                Ok(v) => match v["value"][ELEMENT_KEY].as_str() {
                    Some(id) => return id.to_string(),
                    None => v.to_string(),
                },
                Err(e) => e,
            };
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "no element {css} at {}: {last}",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css, 10);
        self.cmd("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Sends keys to an element without clearing it first (`\u{E015}` is the down
    /// arrow, `\u{E007}` Enter).
    pub fn send_keys(&self, css: &str, keys: &str) {
        let id = self.find(css, 10);
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": keys })),
        );
    }

    /// Chooses a local file in an `<input type="file">`.
    #[allow(dead_code)]
    pub fn attach(&self, css: &str, path: &std::path::Path) {
        let id = self.find(css, 10);
        self.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": path.display().to_string() })),
        );
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css, 10);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.find(css, 10);
        self.cmd("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Waits up to `secs` until the element's text equals `want`.
    pub fn wait_text(&self, css: &str, want: &str, secs: u64) {
        let start = Instant::now();
        loop {
            let got = self.execute("var e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", json!([css]));
            if got.as_str() == Some(want) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "{css} shows {got}, not {want}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the page's URL contains `part`.
    pub fn wait_url(&self, part: &str, secs: u64) {
        let start = Instant::now();
        while !self.current_url().contains(part) {
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "URL {} never contained {part}",
                self.current_url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Signs in as a demo account (password `demo1234`) and lands on `next`.
    pub fn login(&self, base: &str, user: &str, next: &str) {
        let encoded = next
            .replace('%', "%25")
            .replace('&', "%26")
            .replace('?', "%3F");
        self.goto(&format!("{base}/login?next={encoded}"));
        self.type_into("#username", user);
        self.type_into("#password", "demo1234");
        self.click("#login");
        self.wait_url(next, 10);
    }

    /// Reloads the page as the browser's reload button does, and waits for the new one.
    pub fn reload(&self) {
        self.execute("window.beforeReload = true; location.reload();", json!([]));
        let reloaded =
            "return window.beforeReload === undefined && document.readyState === 'complete';";
        let start = Instant::now();
        while self.execute(reloaded, json!([])) != json!(true) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the page reloaded"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The value of a form control.
    pub fn value(&self, css: &str) -> Value {
        self.execute(
            "var e = document.querySelector(arguments[0]); return e ? e.value : null;",
            json!([css]),
        )
    }

    /// Resizes the window (to a phone's 390 × 844, say).
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Saves a PNG screenshot.
    pub fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let bytes = decode_base64(b64.as_str().expect("base64"));
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, bytes).expect("write screenshot");
    }
}

/// Where browser tests save their screenshots: `target/e2e/`.
pub fn shot(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/e2e")
        .join(name)
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = call("DELETE", &self.url, None);
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
