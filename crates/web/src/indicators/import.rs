//! Importing encounters from the browser: the office uploads a hospital's or township's
//! export, the import runs in the background, and the page shows a progress bar (htmx
//! polls a fragment) and then the summary with every refused row. The template names the
//! documented columns with an example row.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use uuid::Uuid;
use yigong_app::import::encounters::{self, EncounterSummary, HEADERS, Importer, Rows, Upload};

/// One running or finished import.
pub struct Job {
    community: Uuid,
    account: Uuid,
    file_name: String,
    total: u64,
    done: AtomicU64,
    result: Mutex<Option<Result<EncounterSummary, String>>>,
}

static JOBS: LazyLock<Mutex<HashMap<Uuid, Arc<Job>>>> = LazyLock::new(Default::default);

/// The job, if the user imports and it is theirs (else 403 or 404).
fn job_of(state: &AppState, user: &CurrentUser, id: Uuid) -> UiResult<Arc<Job>> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let jobs = JOBS
        .lock()
        .map_err(|_| UiError(ApiError::internal(), lang))?;
    jobs.get(&id)
        .filter(|j| j.account == user.account_id && j.community == state.community.id)
        .cloned()
        .ok_or_else(|| UiError(ApiError::not_found(), lang))
}

/// The example row of the template: a visit at the lead hospital.
const EXAMPLE: &str =
    "LEAD,内科,MZ20260501001,11010519491231002X,门诊,2026-05-01,,I10;E11.9,12800,9000";

pub async fn template(UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let body = format!("\u{feff}{}\r\n{EXAMPLE}\r\n", HEADERS.join(","));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"encounters_template.csv\"".to_string(),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "indicators/import.html")]
struct ImportPage {
    chrome: Chrome,
    csrf: String,
    headers: String,
    /// The progress fragment of the import shown, rendered.
    job: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "indicators/progress.html")]
struct Progress {
    chrome: Chrome,
    id: Uuid,
    file_name: String,
    done: u64,
    total: u64,
    summary: Option<EncounterSummary>,
    error: Option<String>,
}

fn progress_of(user: &CurrentUser, id: Uuid, job: &Job) -> Progress {
    let finished = job.result.lock().ok().and_then(|r| r.clone());
    let (summary, error) = match finished {
        Some(Ok(s)) => (Some(s), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Progress {
        chrome: Chrome::for_user(user, "indicators"),
        id,
        file_name: job.file_name.clone(),
        done: job.done.load(Ordering::Relaxed).min(job.total),
        total: job.total,
        summary,
        error,
    }
}

fn page(user: &CurrentUser, job: Option<Progress>, error: Option<String>) -> ImportPage {
    ImportPage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        headers: HEADERS.join(", "),
        job: job.map(|p| render(&p).0),
        error,
    }
}

pub async fn form(UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    Ok(render(&page(&user, None, None)).into_response())
}

/// Starts an import of the uploaded file and shows its progress.
pub async fn upload(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    mp: Multipart,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let (name, bytes) = crate::registry::api::imports::file_part(mp)
        .await
        .ui(lang)?;
    let hash =
        encounters::file_hash(&mut Cursor::new(&bytes)).map_err(|e| UiError(e.into(), lang))?;
    let rows = match Rows::open(&name, Box::new(Cursor::new(bytes.clone()))) {
        Ok(r) => r,
        Err(e) => {
            let e = ApiError::from(e);
            return Ok(
                (e.status, render(&page(&user, None, Some(e.message(lang))))).into_response(),
            );
        }
    };
    let total = bytes
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1)
        .max(1) as u64;
    let id = Uuid::now_v7();
    let job = Arc::new(Job {
        community: state.community.id,
        account: user.account_id,
        file_name: name.clone(),
        total,
        done: AtomicU64::new(0),
        result: Mutex::new(None),
    });
    if let Ok(mut jobs) = JOBS.lock() {
        jobs.insert(id, job.clone());
    }
    let (store, community, account, username) = (
        state.store.clone(),
        state.community.id,
        user.account_id,
        user.username.clone(),
    );
    tokio::spawn(async move {
        let who = Importer {
            account_id: Some(account),
            username: &username,
        };
        let upload = Upload {
            file_name: &name,
            hash: &hash,
            today: yigong_domain::clock::today(),
        };
        let counter = job.clone();
        let got = encounters::import(&store, community, who, upload, rows, &mut |n| {
            counter.done.store(n, Ordering::Relaxed);
        })
        .await
        .map_err(|e| e.message(lang));
        job.done.store(job.total, Ordering::Relaxed);
        if let Ok(mut r) = job.result.lock() {
            *r = Some(got);
        }
    });
    Ok(crate::ui::pages::see_other(&format!(
        "/indicators/import/{id}"
    )))
}

/// The page of one import: its progress, or its summary once finished.
pub async fn job(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let job = job_of(&state, &user, id)?;
    Ok(render(&page(&user, Some(progress_of(&user, id, &job)), None)).into_response())
}

/// The progress fragment htmx swaps in while the import runs.
pub async fn fragment(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let job = job_of(&state, &user, id)?;
    Ok((StatusCode::OK, render(&progress_of(&user, id, &job))).into_response())
}
