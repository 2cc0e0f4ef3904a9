//! `/api/v1/openapi.json` is built from the API's router, so the two cannot drift: every
//! route is mounted through `routes!` (which takes its path and method from the
//! handler's `#[utoipa::path]`), and every operation the document lists answers from a
//! handler, not from the router's "no such route".

use yigong_testkit::app as common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use std::path::Path;
use tower::ServiceExt;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The API's sources: `src/api/` (the mount, the session and the live streams) and each
/// context's `api.rs` or `api/`.
fn api_sources() -> Vec<std::path::PathBuf> {
    let mut files = vec![];
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.retain(|f| {
        f.components().any(|c| c.as_os_str() == "api") || f.file_stem().is_some_and(|s| s == "api")
    });
    files
}

#[test]
fn api_handlers_are_mounted_only_with_their_operation() {
    let files = api_sources();
    for context in [
        "registry",
        "admin",
        "referral",
        "ecg",
        "chronic",
        "family",
        "screening",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.to_string_lossy().contains(&format!("/src/{context}/api"))),
            "{context}: {files:?}"
        );
    }
    let mut mounted = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let plain_axum = code.contains(".route(")
                || (code.contains("Router::new()") && !code.contains("OpenApiRouter::new()"));
            assert!(
                !plain_axum,
                "{}:{}: mount API handlers with .routes(routes!(…)) so that the document lists them: {line}",
                file.display(),
                n + 1
            );
            mounted += code.matches("routes!(").count();
        }
    }
    assert!(mounted > 40, "{mounted} routes! calls");
}

/// A path of the document with its parameters filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| match part {
            "{id}" => uuid::Uuid::now_v7().to_string(),
            p if p.starts_with('{') => "x".to_string(),
            p => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    for app in common::apps(10).await {
        let token = app.login("admin").await;
        let doc = app
            .call(Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .json();
        let paths = doc["paths"].as_object().expect("paths");
        let mut operations = 0;
        for (path, item) in paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            for (method, _) in item.as_object().expect("operations") {
                let method: Method = method.to_uppercase().parse().expect("method");
                let req = Request::builder()
                    .method(method.clone())
                    .uri(concrete(path))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .expect("request");
                // Only the head: a live stream's body never ends.
                let res = yigong_web::app(app.state.clone())
                    .oneshot(req)
                    .await
                    .expect("infallible");
                let status = res.status();
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                if status == StatusCode::NOT_FOUND {
                    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
                        .await
                        .expect("body");
                    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
                    assert_ne!(v["error"]["code"], "unknown_route", "{method} {path}");
                }
                operations += 1;
            }
        }
        assert!(operations > 60, "{operations} operations");
        // The router's own "no such route" is what the check above tells apart.
        let none = app.get("/api/v1/no-such-thing", &token).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
        assert_eq!(none.json()["error"]["code"], "unknown_route");
    }
}
