//! Files attached to party work on SQLite and PostgreSQL: a first secretary's receipt for
//! a spending and the scan of a branch meeting's minutes. A file is taken by its first
//! bytes, handed back as a download the browser does not run, and only to those who reach
//! the site or the branch; the pages attach and list them.

use yigong_testkit::app as common;

use axum::http::StatusCode;
use common::{TestApp, apps, multipart};
use serde_json::json;

/// The first bytes of a JPEG photo, and of a PDF.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

async fn upload(app: &TestApp, path: &str, token: &str, name: &str, bytes: &[u8]) -> common::Reply {
    let (ct, body) = multipart(&[], &[(name, bytes)]);
    app.raw(axum::http::Method::POST, path, token, &ct, body)
        .await
}

#[tokio::test]
async fn a_receipt_is_kept_with_its_spending_and_read_only_within_reach() {
    for app in apps(300).await {
        let l = &app.label;
        let firstsec = app.login("firstsec").await;
        let sites = app
            .get("/api/v1/first-secretary/sites", &firstsec)
            .await
            .json();
        let site = sites[0]["id"].as_str().expect("site").to_string();
        let today = yigong_domain::clock::today().to_string();
        let spent = json!({"amount_fen": 12_000, "category": "设备购置", "spent_on": today, "note": "血压计"});
        let r = app
            .post(
                &format!("/api/v1/first-secretary/sites/{site}/spending"),
                &firstsec,
                spent,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let spending = r.json()["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/first-secretary/sites/{site}/spending/{spending}/receipts");
        // Told by the first bytes: a page named like a photo is refused, and so is nothing.
        for (bytes, code) in [
            (&b"<html><script>alert(1)</script>"[..], "file_kind"),
            (&b""[..], "file_empty"),
        ] {
            let r = upload(&app, &path, &firstsec, "发票.jpg", bytes).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
            assert_eq!(
                (
                    r.json()["error"]["field"].clone(),
                    r.json()["error"]["code"].clone()
                ),
                (json!("file"), json!(code)),
                "{l}"
            );
        }
        let r = upload(&app, &path, &firstsec, "C:\\票据\\发票001.jpg", JPEG).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let file = r.json()["id"].as_str().expect("id").to_string();
        let get = format!("/api/v1/party/attachments/{file}");
        let r = app.get(&get, &firstsec).await;
        assert_eq!((r.status, r.body.as_slice()), (StatusCode::OK, JPEG), "{l}");
        assert_eq!(r.headers["content-type"], "image/jpeg", "{l}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{l}");
        let disposition = r.headers["content-disposition"].to_str().expect("ascii");
        // 发票001.jpg, percent-encoded, with the path dropped.
        assert!(
            disposition.starts_with("attachment;")
                && disposition.ends_with("''%E5%8F%91%E7%A5%A8001.jpg"),
            "{l}: {disposition}"
        );
        // The committee and the bureau read it; the other township's first secretary and a
        // village doctor do not, and cannot attach to this site.
        for (who, want) in [
            ("party", StatusCode::OK),
            ("bureau", StatusCode::OK),
            ("specialist", StatusCode::NOT_FOUND),
            ("village", StatusCode::NOT_FOUND),
        ] {
            let t = app.login(who).await;
            assert_eq!(app.get(&get, &t).await.status, want, "{l}: {who}");
        }
        let other = app.login("specialist").await;
        assert_eq!(
            upload(&app, &path, &other, "x.jpg", JPEG).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let audit = app.audit_of(file.parse().expect("uuid")).await;
        assert!(
            audit
                .iter()
                .any(|(a, o, u)| a == "party.attachment" && o == "allowed" && u == "firstsec"),
            "{l}: {audit:?}"
        );
        // The refusal is kept against the site the file belongs to.
        let refused = app.audit_by("village").await;
        assert!(
            refused
                .iter()
                .any(|(a, o, _, p, _)| a == "party.attachment" && o == "denied" && *p == get),
            "{l}: {refused:?}"
        );
        // The site page lists it and takes another through its form.
        let (cookie, csrf) = app.ui_session("firstsec").await;
        let (_, html) = app
            .page(&format!("/first-secretary/sites/{site}"), &cookie)
            .await;
        assert!(
            html.contains(&format!("href=\"{get}\"")) && html.contains("发票001.jpg"),
            "{l}"
        );
        let form =
            format!("/first-secretary/sites/{site}/spending/{spending}/receipts?_csrf={csrf}");
        let r = app
            .post_multipart(&form, &cookie, multipart(&[], &[("a.txt", b"plain text")]))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            r.text().contains("id=\"error-file\"") && r.text().contains("只能上传"),
            "{l}"
        );
        let r = app
            .post_multipart(&form, &cookie, multipart(&[], &[("收据.pdf", PDF)]))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
        let (_, html) = app
            .page(&format!("/first-secretary/sites/{site}"), &cookie)
            .await;
        assert!(html.contains("收据.pdf"), "{l}");
    }
}

#[tokio::test]
async fn a_meetings_minutes_file_is_attached_by_its_branch() {
    for app in apps(300).await {
        let l = &app.label;
        let branch = app.login("branch").await;
        let s = app.get("/api/v1/party/structure", &branch).await.json();
        let org = s["organizations"][0]["id"]
            .as_str()
            .expect("org")
            .to_string();
        let members = app
            .get(&format!("/api/v1/party/orgs/{org}/members"), &branch)
            .await
            .json();
        let today = yigong_domain::clock::today().to_string();
        let plan = json!({"subject": "party_lecture", "topic": "专题党课", "due_on": today});
        let r = app
            .post(
                &format!("/api/v1/party/orgs/{org}/activities"),
                &branch,
                plan,
            )
            .await;
        let id = r.json()["id"].as_str().expect("id").to_string();
        let record = json!({"held_on": today, "minutes": "书记讲授专题党课",
            "attendance": [{"member_id": members[0]["id"], "presence": "present"}]});
        app.post(
            &format!("/api/v1/party/activities/{id}/record"),
            &branch,
            record,
        )
        .await;
        let path = format!("/api/v1/party/activities/{id}/attachments");
        let r = upload(&app, &path, &branch, "会议记录.pdf", PDF).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let file = r.json()["id"].as_str().expect("id").to_string();
        let firstsec = app.login("firstsec").await;
        assert_eq!(
            upload(&app, &path, &firstsec, "x.pdf", PDF).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let get = format!("/api/v1/party/attachments/{file}");
        assert_eq!(
            app.get(&get, &firstsec).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let bureau = app.login("bureau").await;
        let r = app.get(&get, &bureau).await;
        assert_eq!(
            (r.status, r.headers["content-type"].to_str().ok()),
            (StatusCode::OK, Some("application/pdf")),
            "{l}"
        );
        // The held meeting's page shows its minutes and files, and takes another.
        let (cookie, csrf) = app.ui_session("branch").await;
        let page = format!("/party/activities/{id}");
        let (_, html) = app.page(&page, &cookie).await;
        assert!(
            html.contains("书记讲授专题党课") && html.contains(&format!("href=\"{get}\"")),
            "{l}"
        );
        assert!(!html.contains("id=\"meeting-form\""), "{l}: held once");
        let form = format!("{page}/files?_csrf={csrf}");
        let r = app
            .post_multipart(
                &form,
                &cookie,
                multipart(&[], &[("签到表.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")]),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.text());
        let (_, html) = app.page(&page, &cookie).await;
        assert!(html.contains("签到表.png"), "{l}");
    }
}
