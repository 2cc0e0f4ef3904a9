//! What the benchmarks share: the app served on a local port, a run per engine, and a
//! minimal keep-alive HTTP/1.1 client (the clients share the server's two cores, so they
//! should take as little of them as they can).

use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use yigong_store::Store;
use yigong_web::state::AppState;

/// Serves the app on a free local port; returns its base URL and the server task.
pub async fn serve(state: AppState) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = yigong_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    (
        format!("http://{addr}"),
        tokio::spawn(async move { axum::serve(listener, app).await }),
    )
}

/// Runs `run` on a fresh SQLite store, then on PostgreSQL when `YIGONG_TEST_PG` names a
/// server, on a two-thread runtime (the machine has two cores).
pub fn on_each_engine<F, Fut>(run: F)
where
    F: Fn(Store, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        run(crate::db::sqlite().await.expect("sqlite"), "sqlite").await;
        if let Some(url) = crate::db::postgres_url() {
            run(
                crate::db::postgres(&url).await.expect("postgres"),
                "postgres",
            )
            .await;
        }
    });
}

/// A keep-alive HTTP/1.1 client that does no more than the benchmark needs, so that the
/// clients, which share the server's two cores, take as little of them as they can.
pub struct Conn {
    stream: BufReader<TcpStream>,
    host: String,
    request: Vec<u8>,
}

impl Conn {
    pub fn open(base: &str) -> Conn {
        let host = base.trim_start_matches("http://").to_string();
        let stream = TcpStream::connect(&host).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Conn {
            stream: BufReader::new(stream),
            host,
            request: Vec::with_capacity(1024),
        }
    }

    pub fn post(&mut self, path: &str, auth: &str, body: &str) -> String {
        self.send("POST", path, auth, body)
    }

    /// Sends one request and returns the body of its answer; panics unless it is a 2xx.
    pub fn send(&mut self, method: &str, path: &str, auth: &str, body: &str) -> String {
        self.request.clear();
        let _ = write!(
            self.request,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        if !auth.is_empty() {
            let _ = write!(self.request, "Authorization: {auth}\r\n");
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body.as_bytes());
        self.stream
            .get_mut()
            .write_all(&self.request)
            .expect("send");
        let mut line = String::new();
        self.stream.read_line(&mut line).expect("status line");
        let status = line.split(' ').nth(1).unwrap_or("").to_string();
        let mut length = 0;
        loop {
            line.clear();
            self.stream.read_line(&mut line).expect("header");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("content-length");
            }
        }
        let mut answer = vec![0; length];
        self.stream.read_exact(&mut answer).expect("body");
        let answer = String::from_utf8(answer).expect("utf-8 body");
        assert!(
            status.starts_with('2'),
            "{method} {path}: {status} {answer}"
        );
        answer
    }
}

/// Times `requests` GETs of `path` after 20 to warm up, and prints their median, p90 and
/// p99 under `[label] what`.
pub fn latency(
    label: &str,
    what: &str,
    (conn, requests): (&mut Conn, usize),
    path: &str,
    auth: &str,
) {
    for _ in 0..20 {
        conn.send("GET", path, auth, "");
    }
    let mut lat: Vec<std::time::Duration> = (0..requests)
        .map(|_| {
            let s = std::time::Instant::now();
            conn.send("GET", path, auth, "");
            s.elapsed()
        })
        .collect();
    lat.sort();
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "[{label}] {what}, {requests} requests: median {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        p(0.5),
        p(0.9),
        p(0.99)
    );
}

/// The string value of a top-level `"key":"…"` pair in a JSON answer.
pub fn json_str<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let len = json[start..].find('"')?;
    Some(&json[start..start + len])
}
