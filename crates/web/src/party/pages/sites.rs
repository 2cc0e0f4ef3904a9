//! First-secretary pages: the sites in reach with their funds, and one site's page: its
//! tasks with the progress-report form, its quarters, and its ledger with the spending
//! form its first secretary uses (amounts typed in yuan, kept exact in fen).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, ReportBody, SiteView, SpendingBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::party::fund::{parse_yuan, yuan_text};
use yigong_domain::party::site::Quarter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/first-secretary", get(list))
        .route("/first-secretary/sites/{id}", get(site).post(spend))
        .route("/first-secretary/sites/{id}/reports", post(report))
        .route(
            "/first-secretary/sites/{id}/spending/{spending}/receipts",
            post(receipt),
        )
}

/// A site's line: its fund in yuan.
struct SiteRow {
    id: Uuid,
    name: String,
    secretary: String,
    period: String,
    budget: String,
    spent: String,
    remaining: String,
}

fn row(s: &SiteView) -> SiteRow {
    SiteRow {
        id: s.id,
        name: s.name.clone(),
        secretary: format!("{} · {}", s.secretary, s.sending_institution),
        period: format!("{} – {}", s.starts_on, s.ends_on),
        budget: yuan_text(s.budget_fen),
        spent: yuan_text(s.spent_fen),
        remaining: yuan_text(s.remaining_fen),
    }
}

#[derive(Template)]
#[template(path = "party/sites.html")]
struct SitesPage {
    chrome: Chrome,
    sites: Vec<SiteRow>,
    /// Whether the reader sees the community's figures (the sites' growth among them).
    figures: bool,
}

async fn list(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    let sites = api::sites_for(&state, &user).await.ui(user.lang)?;
    let page = SitesPage {
        chrome: Chrome::for_user(&user, "party"),
        sites: sites.iter().map(row).collect(),
        figures: user.role.sees_figures() || user.role.reads_headlines(),
    };
    Ok(render(&page).into_response())
}

/// The spending form as typed.
#[derive(Debug, Default, Deserialize)]
struct SpendingForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    spent_on: String,
    #[serde(default)]
    note: String,
}

/// The progress-report form as typed.
#[derive(Debug, Default, Deserialize)]
struct ReportForm {
    #[serde(default)]
    task_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    done: Option<String>,
}

/// Both forms of the site page, as typed (or empty).
#[derive(Debug, Default)]
struct Typed {
    spending: SpendingForm,
    report: ReportForm,
    receipt_failed: String,
}

/// A ledger line: the spending's id, spent on, category, amount, note, and its receipts
/// (id, file name).
type Line = (Uuid, String, String, String, String, Vec<(Uuid, String)>);

/// A task's line: id, template code, due day, status code, reports.
type TaskLine = (Uuid, String, String, String, i64);

#[derive(Template)]
#[template(path = "party/site.html")]
struct SitePage {
    chrome: Chrome,
    s: SiteRow,
    ledger: Vec<Line>,
    tasks: Vec<TaskLine>,
    quarters: Vec<String>,
    own: bool,
    csrf: String,
    /// The spending whose receipt upload came back refused.
    receipt_failed: String,
    f: SpendingForm,
    r: ReportForm,
    notice: Option<String>,
    problems: Problems,
}

async fn site_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (typed, notice, error): (Typed, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let sites = api::sites_for(state, user).await.ui(lang)?;
    let Some(found) = sites.iter().find(|s| s.id == id) else {
        return Err(UiError(ApiError::not_found(), lang));
    };
    let receipts = state
        .store
        .site_receipts(state.community.id, id)
        .await
        .ui(lang)?;
    let ledger = state
        .store
        .site_spending(state.community.id, id)
        .await
        .ui(lang)?
        .into_iter()
        .map(|x| {
            let files = receipts
                .iter()
                .filter(|r| r.spending_id == Some(x.id))
                .map(|r| (r.id, r.name.clone()))
                .collect();
            let (on, amount) = (x.spent_on.to_string(), yuan_text(x.amount_fen));
            (x.id, on, x.category, amount, x.note, files)
        })
        .collect();
    let tasks = state
        .store
        .site_tasks(state.community.id, id)
        .await
        .ui(lang)?
        .into_iter()
        .map(|t| {
            let due = t.due_on.map(|d| d.to_string()).unwrap_or_default();
            (t.id, t.subject, due, t.status, t.reports)
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let own = state
        .store
        .get_site(state.community.id, id)
        .await
        .ui(lang)?
        .secretary_account_id
        == user.account_id;
    let page = SitePage {
        chrome: Chrome::for_user(user, "party"),
        s: row(found),
        ledger,
        tasks,
        quarters: quarters(found.starts_on, found.ends_on),
        own,
        csrf: user.csrf.clone(),
        receipt_failed: typed.receipt_failed,
        f: typed.spending,
        r: typed.report,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn site(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let today = yigong_domain::clock::today().to_string();
    let spending = SpendingForm {
        spent_on: today,
        ..SpendingForm::default()
    };
    let typed = Typed {
        spending,
        ..Typed::default()
    };
    site_page(&state, &user, id, (typed, notice, None)).await
}

async fn spend(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<SpendingForm>,
) -> UiResult<Response> {
    // Yuan as typed; a malformed amount reaches the rules as nothing, refused at its field.
    let amount_fen = parse_yuan(&f.amount).unwrap_or(0);
    let body = SpendingBody {
        amount_fen,
        category: f.category.clone(),
        spent_on: f.spent_on.clone(),
        note: f.note.clone(),
    };
    match api::spend(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/first-secretary/sites/{id}?done=spending_recorded"
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let typed = Typed {
                spending: f,
                ..Typed::default()
            };
            site_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// The quarters of a term up to this one, latest first.
fn quarters(starts_on: time::Date, ends_on: time::Date) -> Vec<String> {
    let last = Quarter::of(ends_on.min(yigong_domain::clock::today()));
    let mut q = Quarter::of(starts_on);
    let mut all = Vec::new();
    while q <= last {
        all.push(q.to_string());
        q = q.next();
    }
    all.reverse();
    all
}

async fn report(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(r): Form<ReportForm>,
) -> UiResult<Response> {
    let body = ReportBody {
        // A malformed choice reaches the rules as none, refused at its field.
        task_id: r.task_id.parse().ok(),
        text: r.text.clone(),
        done: r.done.is_some(),
    };
    match api::report(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/first-secretary/sites/{id}?done=report_filed#tasks"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = Typed {
                spending: SpendingForm {
                    spent_on: yigong_domain::clock::today().to_string(),
                    ..SpendingForm::default()
                },
                report: r,
                ..Typed::default()
            };
            site_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn receipt(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, spending)): Path<(Uuid, Uuid)>,
    mp: Multipart,
) -> UiResult<Response> {
    let attached = match api::read_file(mp).await {
        Ok(file) => api::attach_receipt(&state, &user, (id, spending), &file).await,
        Err(e) => Err(e),
    };
    match attached {
        Ok(_) => Ok(see_other(&format!(
            "/first-secretary/sites/{id}?done=receipt_uploaded#ledger"
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let typed = Typed {
                spending: SpendingForm {
                    spent_on: yigong_domain::clock::today().to_string(),
                    ..SpendingForm::default()
                },
                receipt_failed: spending.to_string(),
                ..Typed::default()
            };
            site_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
