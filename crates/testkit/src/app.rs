//! Test harness: the real app on a fresh database with a small demo community,
//! called in-process through `tower::ServiceExt::oneshot`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;
use yigong_store::Store;
use yigong_web::demo::DemoPlaces;
use yigong_web::state::AppState;

pub struct TestApp {
    pub state: AppState,
    pub places: DemoPlaces,
    pub label: String,
    /// The database's copy of the seeded demo, removed with the app (last, after the
    /// state has let go of it); none for an app on a store the test made.
    _copy: Option<crate::seeded::DemoCopy>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One app per engine under test, each on a database of its own holding the demo with
/// `residents` residents (copied from the one stored first, see [`crate::seeded`]).
pub async fn apps(residents: usize) -> Vec<TestApp> {
    let mut engines = vec![yigong_store::Engine::Sqlite];
    if crate::db::postgres_url().is_some() {
        engines.push(yigong_store::Engine::Postgres);
    }
    let mut out = Vec::new();
    for engine in engines {
        let (store, community, places, copy) = crate::seeded::demo_copy(engine, residents).await;
        out.push(TestApp {
            label: format!("{engine:?}"),
            state: AppState::new(store, community, true, false),
            places,
            _copy: Some(copy),
        });
    }
    out
}

pub async fn app_on(store: Store, residents: usize) -> TestApp {
    let label = format!("{:?}", store.engine());
    let (community, places) = yigong_web::demo::load(&store, 7, residents, &mut |_| {})
        .await
        .expect("demo loads");
    TestApp {
        state: AppState::new(store, community, true, false),
        places,
        label,
        _copy: None,
    }
}

impl TestApp {
    pub async fn request(&self, req: Request<Body>) -> Reply {
        let res = yigong_web::app(self.state.clone())
            .oneshot(req)
            .await
            .expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        };
        self.request(req.expect("request")).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(Body::from(body))
            .expect("request");
        self.request(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Uploads the shipped DICOM 12-lead sample for a resident; the study's id.
    pub async fn upload_dicom(&self, token: &str, resident: uuid::Uuid) -> uuid::Uuid {
        let dir = yigong_demo::seed::ecg::samples_dir().expect("sample recordings");
        let dcm =
            std::fs::read(dir.join("formats/dicom/pydicom_waveform_ecg.dcm")).expect("sample");
        let resident = resident.to_string();
        let (ct, body) = multipart(&[("resident_id", &resident)], &[("a.dcm", &dcm)]);
        let r = self
            .raw(Method::POST, "/api/v1/ecg/studies", token, &ct, body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["study"]["id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid")
    }

    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, yigong_web::demo::DEMO_PASSWORD)
            .await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", self.label, r.text());
        r.json()["token"].as_str().expect("token").to_string()
    }

    /// A resident registered to `institution` (any one).
    pub async fn resident_at(&self, institution: uuid::Uuid) -> yigong_store::residents::Resident {
        let people = self.residents_at(institution, 1).await;
        people.into_iter().next().expect("a resident there")
    }

    /// A further account with the demo password, working in `department` (if any).
    pub async fn add_account(
        &self,
        username: &str,
        role: yigong_domain::access::Role,
        (institution_id, department_id): (uuid::Uuid, Option<uuid::Uuid>),
    ) {
        let hash =
            yigong_app::passwords::hash_password(yigong_web::demo::DEMO_PASSWORD).expect("hash");
        let new = yigong_store::accounts::NewAccount {
            username,
            display_name: username,
            password_hash: &hash,
            role,
            institution_id,
            department_id,
        };
        self.state
            .store
            .create_account(self.state.community.id, &new)
            .await
            .expect("account");
    }

    pub async fn resident_count(&self) -> i64 {
        self.state
            .store
            .count_residents(self.state.community.id)
            .await
            .expect("count")
    }

    /// Audit rows about one entity, as (action, outcome, username).
    pub async fn audit_of(&self, entity: uuid::Uuid) -> Vec<(String, String, String)> {
        let q = yigong_store::audit::AuditQuery {
            entity_id: Some(entity),
            ..Default::default()
        };
        let page = self
            .state
            .store
            .list_audit(
                self.state.community.id,
                &q,
                yigong_store::PageRequest::new(None, Some(200)),
            )
            .await
            .expect("audit");
        page.items
            .into_iter()
            .map(|e| (e.action, e.outcome, e.username))
            .collect()
    }
}

/// The audit row of a change a test makes directly through the store.
pub use crate::lookups::setup_entry;

/// A multipart body as a browser sends one: text fields, then files (each under the
/// name `file`); its content type and bytes.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "yigongupload5b2f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A valid ID number for a birth date and sequence.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("520382{}{:03}", birth.replace('-', ""), seq);
    yigong_domain::identity::ResidentIdNumber::from_body(&body)
        .expect("valid")
        .to_string()
}

impl TestApp {
    /// Posts the login form as a browser would: first the page (its CSRF cookie and
    /// field), then the form with `fields` (URL-encoded, without the token).
    pub async fn login_form(&self, fields: &str) -> Reply {
        let page = self
            .request(Request::get("/login").body(Body::empty()).expect("request"))
            .await;
        let set = page.headers["set-cookie"].to_str().expect("cookie");
        let pair = set.split(';').next().expect("pair").to_string();
        let token = pair.split_once('=').expect("token").1.to_string();
        assert!(
            page.text()
                .contains(&format!("name=\"_csrf\" value=\"{token}\"")),
            "the form carries the cookie's token"
        );
        let req = Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", pair)
            .body(Body::from(format!("{fields}&_csrf={token}")))
            .expect("request");
        self.request(req).await
    }

    /// Logs in through the UI form; returns the session cookie.
    pub async fn ui_cookie(&self, username: &str) -> String {
        let r = self
            .login_form(&format!("username={username}&password=demo1234"))
            .await;
        let set = r.headers["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_string();
        set.split(';').next().expect("pair").to_string()
    }

    /// A UI session: the cookie and the CSRF token its pages carry.
    pub async fn ui_session(&self, username: &str) -> (String, String) {
        let cookie = self.ui_cookie(username).await;
        let (_, home) = self.page("/", &cookie).await;
        let csrf = home
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("a form with a CSRF token on the home page")
            .to_string();
        (cookie, csrf)
    }

    /// Posts a URL-encoded form with a session cookie.
    pub async fn post_form(&self, path: &str, cookie: &str, form: &str) -> Reply {
        let req = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", cookie)
            .body(Body::from(form.to_string()))
            .expect("request");
        self.request(req).await
    }

    /// Posts a multipart form (an upload) with a session cookie.
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: &str,
        (ct, body): (String, Vec<u8>),
    ) -> Reply {
        let req = Request::post(path)
            .header("content-type", ct)
            .header("cookie", cookie)
            .body(Body::from(body))
            .expect("request");
        self.request(req).await
    }

    /// Posts a form as a browser does: a `303 See Other` is followed with a GET of its
    /// `Location`. The final reply, and where the redirect led (none: the POST answered
    /// itself, as a form sent back with its errors does).
    pub async fn submit(&self, path: &str, cookie: &str, form: &str) -> (Reply, Option<String>) {
        let posted = self.post_form(path, cookie, form).await;
        if posted.status != StatusCode::SEE_OTHER {
            return (posted, None);
        }
        let to = posted.headers["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert!(to.starts_with('/'), "redirected off the site: {to}");
        (self.page_reply(&to, cookie).await, Some(to))
    }

    /// The audit rows of one user, newest first: (action, outcome, method, path, detail).
    pub async fn audit_by(&self, username: &str) -> Vec<(String, String, String, String, String)> {
        let q = yigong_store::audit::AuditQuery {
            username: Some(username.to_string()),
            ..Default::default()
        };
        self.state
            .store
            .list_audit(
                self.state.community.id,
                &q,
                yigong_store::PageRequest::new(None, Some(200)),
            )
            .await
            .expect("audit")
            .items
            .into_iter()
            .map(|e| (e.action, e.outcome, e.method, e.path, e.detail))
            .collect()
    }

    /// A UI page with a session cookie.
    pub async fn page_reply(&self, path: &str, cookie: &str) -> Reply {
        let req = Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())
            .expect("request");
        self.request(req).await
    }

    /// A UI page with a session cookie: (status, html).
    pub async fn page(&self, path: &str, cookie: &str) -> (StatusCode, String) {
        let r = self.page_reply(path, cookie).await;
        (r.status, r.text())
    }
}

/// Percent-encodes a query value (every byte but ASCII letters, digits and `-._`).
/// An ID number as roles that see masks are shown it: the region, then asterisks.
pub fn masked_id(id_number: &str) -> String {
    format!("{}************", &id_number[..6])
}

/// A phone number as masked: the first three and last four digits.
pub fn masked_phone(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// The fields a refusal names, in order: each problem's, or the one field of a refusal
/// with a single problem.
pub fn problem_fields(body: &Value) -> Vec<String> {
    let e = &body["error"];
    match e["problems"].as_array() {
        Some(p) => p
            .iter()
            .filter_map(|x| x["field"].as_str().map(str::to_string))
            .collect(),
        None => e["field"]
            .as_str()
            .map(str::to_string)
            .into_iter()
            .collect(),
    }
}

/// Every string anywhere in a JSON value.
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// A form body (`application/x-www-form-urlencoded`) of these fields.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl TestApp {
    /// Enrols a resident in a register for `disease` at their clinic (diagnosed
    /// 2025-01-10, enrolled 2025-01-20, first due 2025-02-03); the register's id.
    pub async fn enrol(
        &self,
        resident: &yigong_store::residents::Resident,
        disease: &'static str,
    ) -> uuid::Uuid {
        self.state
            .store
            .enrol(
                self.state.community.id,
                &yigong_store::chronic::NewRegister {
                    resident_id: resident.id,
                    disease,
                    institution_id: resident.institution_id,
                    responsible_staff_id: None,
                    diagnosed_on: time::macros::date!(2025 - 01 - 10),
                    enrolled_on: time::macros::date!(2025 - 01 - 20),
                    next_due: time::macros::date!(2025 - 02 - 03),
                },
                &setup_entry("chronic.enrol"),
            )
            .await
            .expect("enrolled")
    }
}

impl TestApp {
    /// Enrols a resident in a register at `clinic`, diagnosed `since` days ago, the next
    /// visit due in `due` days (negative: overdue).
    pub async fn enrol_due(
        &self,
        resident: uuid::Uuid,
        clinic: uuid::Uuid,
        disease: &'static str,
        since: i64,
        due: i64,
    ) -> uuid::Uuid {
        crate::lookups::enrol_due(&self.state, resident, (clinic, disease), since, due).await
    }

    /// Up to `n` residents registered at `institution`.
    pub async fn residents_at(
        &self,
        institution: uuid::Uuid,
        n: i64,
    ) -> Vec<yigong_store::residents::Resident> {
        crate::lookups::residents_at(&self.state, institution, n).await
    }

    /// The ids of up to `n` residents registered at `institution`.
    pub async fn resident_ids_at(&self, institution: uuid::Uuid, n: i64) -> Vec<uuid::Uuid> {
        let people = self.residents_at(institution, n).await;
        people.into_iter().map(|r| r.id).collect()
    }

    /// The ids of `n` staff members of `institution` (there must be that many).
    pub async fn staff_at(&self, institution: uuid::Uuid, n: usize) -> Vec<uuid::Uuid> {
        let staff = crate::lookups::staff_at(&self.state, institution, 20).await;
        assert!(staff.len() >= n, "{} staff there", staff.len());
        staff.into_iter().take(n).map(|s| s.id).collect()
    }

    /// A "1+2+1" family-doctor team of the demo township covering `villages` (its
    /// village doctor from the first).
    pub async fn team(&self, name: &str, villages: &[uuid::Uuid]) -> uuid::Uuid {
        self.team_at(self.places.township, name, villages).await
    }

    /// A "1+2+1" family-doctor team of `township` covering `villages` (its village
    /// doctor from the first).
    pub async fn team_at(
        &self,
        township: uuid::Uuid,
        name: &str,
        villages: &[uuid::Uuid],
    ) -> uuid::Uuid {
        use yigong_domain::family::MemberRole;
        let lead = self.staff_at(self.places.lead, 1).await;
        let town = self.staff_at(township, 2).await;
        let village = self.staff_at(villages[0], 1).await;
        let members = vec![
            (lead[0], MemberRole::Specialist.as_str()),
            (town[0], MemberRole::TownshipClinician.as_str()),
            (town[1], MemberRole::PublicHealth.as_str()),
            (village[0], MemberRole::VillageDoctor.as_str()),
        ];
        self.state
            .store
            .create_team(
                self.state.community.id,
                &yigong_store::family::NewTeam {
                    name: name.into(),
                    institution_id: township,
                    leader_staff_id: town[0],
                    members,
                    villages: villages.to_vec(),
                },
                &setup_entry("family.team.create"),
            )
            .await
            .expect("team")
    }
}
