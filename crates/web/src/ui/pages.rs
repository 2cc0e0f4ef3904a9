//! Login, logout, language switch and the home page of each role.

use super::{Chrome, OrUi, UiResult, UiUser, local_path, render};
use crate::http::auth::{self, ConnectInfoIp, clear_cookie, issue_session, session_cookie};
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    error: Option<String>,
    next: String,
    username: String,
    demo: bool,
}

#[derive(Deserialize, Default)]
struct NextParam {
    next: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Query(p): Query<NextParam>,
) -> Response {
    let lang = crate::http::request_lang(uri.query(), &headers);
    let next = local_path(p.next.as_deref().unwrap_or("/")).to_string();
    let csrf = auth::login_csrf(&headers);
    (
        [(header::SET_COOKIE, auth::login_csrf_cookie(&state, &csrf))],
        render(&LoginPage {
            chrome: Chrome::anonymous(lang),
            csrf,
            error: None,
            next,
            username: String::new(),
            demo: state.demo,
        }),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    ConnectInfoIp(ip): ConnectInfoIp,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = crate::http::request_lang(uri.query(), &headers);
    let next = local_path(&f.next).to_string();
    let fail = |state: &AppState, e: ApiError| {
        // A fresh token with every answer: the form stays usable.
        let csrf = auth::login_csrf(&headers);
        let page = LoginPage {
            chrome: Chrome::anonymous(lang),
            csrf: csrf.clone(),
            error: Some(e.message(lang)),
            next: next.clone(),
            username: f.username.chars().take(64).collect(),
            demo: state.demo,
        };
        (
            e.status,
            [(header::SET_COOKIE, auth::login_csrf_cookie(state, &csrf))],
            render(&page),
        )
            .into_response()
    };
    let account = match auth::login(&state, &f.username, &f.password, &ip, ("POST", "/login")).await
    {
        Ok(a) => a,
        Err(e) => return fail(&state, e),
    };
    match issue_session(&state, &account).await {
        Ok((token, _, _)) => (
            [(header::SET_COOKIE, session_cookie(&state, &token))],
            Redirect::to(&next),
        )
            .into_response(),
        Err(e) => fail(&state, e),
    }
}

async fn logout(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    auth::end_session(&state, &user.session)
        .await
        .ui(user.lang)?;
    Ok((
        [(header::SET_COOKIE, clear_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

async fn set_lang(
    Path(code): Path<String>,
    Query(p): Query<NextParam>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let back = p
        .next
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| {
                    r.split_once("://")
                        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
                })
        })
        .unwrap_or_else(|| "/".into());
    let cookie = format!(
        "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
        if lang == Lang::En { "en" } else { "zh" }
    );
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(local_path(&back)),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    display_name: String,
    institution_name: String,
    role_hint: String,
    todo: Vec<CardView>,
    figures: Vec<CardView>,
    sees_residents: bool,
    /// The cards follow the ECG network live (its cards change with every report).
    live_ecg: bool,
}

/// A home card as the page shows it.
struct CardView {
    id: String,
    label: &'static str,
    value: String,
    href: String,
    tone: &'static str,
}

/// The signed-in user's to-do list: every context's cards (see [`super::todo`]).
async fn home(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    let lang = user.lang;
    let home_name = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?
        .into_iter()
        .find(|i| i.id == user.institution_id)
        .map(|i| i.name)
        .unwrap_or_default();
    let (figures, todo): (Vec<_>, Vec<_>) = super::todo::cards(&state, &user)
        .await
        .ui(lang)?
        .into_iter()
        .partition(|c| c.headline);
    // The party secretary reads the headlines but does not open the pages behind them.
    let opens_figures = user.role.sees_figures();
    let view = |cards: Vec<super::todo::Card>| {
        cards
            .into_iter()
            .map(|c| CardView {
                id: c.key.replace('.', "-"),
                label: lang.t(c.key),
                value: c.value,
                href: if c.headline && !opens_figures {
                    String::new()
                } else {
                    c.href
                },
                tone: c.tone.class(),
            })
            .collect()
    };
    let page = HomePage {
        chrome: Chrome::for_user(&user, "home"),
        display_name: user.display_name.clone(),
        institution_name: home_name,
        role_hint: format!("home.{}", user.role.as_str()),
        todo: view(todo),
        figures: view(figures),
        sees_residents: user.scope != yigong_domain::access::ResidentScope::None,
        live_ecg: user.ecg != yigong_domain::ecg::EcgScope::None,
    };
    Ok(render(&page).into_response())
}

/// Used by other UI modules after a form POST.
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}
