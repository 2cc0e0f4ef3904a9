//! Accounts in the UI, for administrators: the list (searchable by name or username,
//! filtered by role), a new account (the institution from a searchable picker), and per
//! account deactivate or reactivate (confirmed first) and a new password. The same checks
//! and audit entries as the API; every save comes back as a notice (post/redirect/get).

use crate::admin::api::accounts::{AccountBody, create_for, set_active, set_password_for};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::form::{Problems, sent_back};
use crate::ui::pages::see_other;
use crate::ui::picker::{Choice, Picker};
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, encode, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::access::Role;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list).post(create))
        .route("/accounts/{id}/active", post(activate))
        .route("/accounts/{id}/password", post(password))
}

struct AccountRow {
    id: Uuid,
    username: String,
    display_name: String,
    role: &'static str,
    institution: String,
    active: bool,
    own: bool,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    csrf: String,
    q: String,
    role: String,
    /// (code, label) of every role.
    roles: Vec<(&'static str, &'static str)>,
    rows: Vec<AccountRow>,
    total: String,
    notice: Option<String>,
    /// The new-account form: as submitted after a refusal.
    f: AccountBody,
    institution: String,
    problems: Problems,
}

#[derive(Debug, Default, Deserialize)]
struct ListParams {
    q: Option<String>,
    role: Option<String>,
    /// What the last save did, for the notice: `created`, `deactivated`, `reactivated`,
    /// `password`; and to whom.
    done: Option<String>,
    who: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    p: &ListParams,
    refused: Option<(ApiError, AccountBody)>,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.manages_accounts()).ui(lang)?;
    let c = state.community.id;
    let institutions = state.store.list_institutions(c).await.ui(lang)?;
    let accounts = state.store.list_accounts(c).await.ui(lang)?;
    let q = p.q.as_deref().unwrap_or("").trim().to_lowercase();
    let role = p.role.as_deref().unwrap_or("").to_string();
    let rows: Vec<AccountRow> = accounts
        .into_iter()
        .filter(|a| {
            q.is_empty()
                || a.username.to_lowercase().contains(&q)
                || a.display_name.to_lowercase().contains(&q)
        })
        .filter(|a| role.is_empty() || a.role == role)
        .map(|a| AccountRow {
            own: a.id == user.account_id,
            role: lang.t(&format!("role.{}", a.role)),
            institution: institutions
                .iter()
                .find(|i| i.id == a.institution_id)
                .map(|i| i.name.clone())
                .unwrap_or_default(),
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            active: a.active,
        })
        .collect();
    let (error, f) = match refused {
        Some((e, f)) => (Some(e), f),
        None => (None, AccountBody::default()),
    };
    let choices = institutions
        .iter()
        .filter(|i| i.active)
        .map(|i| Choice::new(i.id, &i.name, lang.t(&format!("kind.{}", i.kind))))
        .collect();
    let institution = Picker::new(lang, "institution_id", lang.t("field.institution"), choices)
        .required(true)
        .chosen(&f.institution_id.to_string())
        .html();
    let notice = match (p.done.as_deref(), p.who.as_deref()) {
        (Some(done @ ("created" | "deactivated" | "reactivated" | "password")), Some(who)) => {
            Some(lang.tr(&format!("accounts.done.{done}"), &[("who", who)]))
        }
        _ => None,
    };
    let view = AccountsPage {
        chrome: Chrome::for_user(user, "accounts"),
        csrf: user.csrf.clone(),
        total: lang.tr(
            "accounts.total",
            &[("n", &crate::ui::todo::count_text(rows.len() as i64))],
        ),
        q: p.q.clone().unwrap_or_default(),
        role,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), lang.t(&format!("role.{}", r.as_str()))))
            .collect(),
        rows,
        notice,
        f,
        institution,
        problems: Problems::of(lang, error.as_ref()),
    };
    let status = if view.problems.is_empty() {
        StatusCode::OK
    } else {
        error.map_or(StatusCode::UNPROCESSABLE_ENTITY, |e| e.status)
    };
    Ok((status, render(&view)).into_response())
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    page(&state, &user, &p, None).await
}

#[derive(Debug, Default, Deserialize)]
struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    institution_id: String,
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<AccountForm>,
) -> UiResult<Response> {
    let body = AccountBody {
        username: f.username,
        display_name: f.display_name,
        password: f.password,
        role: f.role,
        institution_id: f.institution_id.trim().parse().unwrap_or_default(),
    };
    let result = if body.institution_id.is_nil() {
        Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "institution",
            "required",
        ))
    } else {
        create_for(&state, &user, &body).await
    };
    match result {
        Ok(_) => Ok(done("created", body.username.trim())),
        Err(e) if sent_back(&e) => {
            // The password is never sent back.
            let kept = AccountBody {
                password: String::new(),
                ..body
            };
            page(&state, &user, &ListParams::default(), Some((e, kept))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// Back to the list with a notice of what was done to whom.
fn done(what: &str, who: &str) -> Response {
    see_other(&format!("/accounts?done={what}&who={}", encode(who)))
}

#[derive(Debug, Default, Deserialize)]
struct ActiveForm {
    #[serde(default)]
    active: String,
    #[serde(default)]
    username: String,
}

async fn activate(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActiveForm>,
) -> UiResult<Response> {
    let active = f.active == "true";
    set_active(&state, &user, id, active).await.ui(user.lang)?;
    let what = if active { "reactivated" } else { "deactivated" };
    Ok(done(what, &f.username))
}

#[derive(Debug, Default, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    username: String,
}

async fn password(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<PasswordForm>,
) -> UiResult<Response> {
    set_password_for(&state, &user, id, &f.password)
        .await
        .ui(user.lang)?;
    Ok(done("password", &f.username))
}
