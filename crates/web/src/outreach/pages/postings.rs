//! The postings page: the official indicator of the year, the postings and exchanges, and
//! the office's forms to add a posting, an exchange, or end one.

use super::field;
use super::roster::uuid;
use super::session::expert_choices;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::outreach::api::{self as api, ExchangeBody, PostingQuery, plans};
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::picker::{Choice, Picker};
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use yigong_domain::registry::InstitutionKind;
use yigong_store::outreach::PostingRow;

struct Line {
    p: PostingRow,
    title: &'static str,
    kind: &'static str,
    direction: &'static str,
}

#[derive(Template)]
#[template(path = "outreach/postings.html")]
struct PostingsPage {
    chrome: Chrome,
    csrf: String,
    office: bool,
    year: i32,
    indicator: api::Indicator,
    per_10000: String,
    exchanges: usize,
    lines: Vec<Line>,
    experts: String,
    down: String,
    grassroots: String,
    places: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
}

/// The staff of every township, for the one who comes up in an exchange.
pub async fn grassroots_choices(state: &AppState, user: &CurrentUser) -> UiResult<Vec<Choice>> {
    let c = state.community.id;
    let mut out = Vec::new();
    for i in state.store.list_institutions(c).await.ui(user.lang)? {
        if i.kind() != Some(InstitutionKind::Township) {
            continue;
        }
        for s in state.store.staff_of(c, i.id).await.ui(user.lang)? {
            let detail = format!(
                "{} · {}",
                i.name,
                user.lang.t(&format!("title.{}", s.title))
            );
            out.push(Choice::new(s.id, &s.name, &detail));
        }
    }
    Ok(out)
}

async fn postings_page(
    state: &AppState,
    user: &CurrentUser,
    year: Option<i32>,
    (error, notice): (Option<ApiError>, Option<String>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::postings_for(state, user, year).await.ui(lang)?;
    let office = plans(user);
    let label = |prefix: &str, code: &str| lang.t(&format!("{prefix}.{code}"));
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let (experts, down, grassroots, places) = if office {
        let places = state
            .store
            .list_institutions(state.community.id)
            .await
            .ui(lang)?
            .into_iter()
            .filter(|i| {
                i.active
                    && matches!(
                        i.kind(),
                        Some(InstitutionKind::Township | InstitutionKind::Village)
                    )
            })
            .map(|i| (i.id.to_string(), i.name))
            .collect();
        let choices = expert_choices(state, user).await?;
        (
            Picker::new(lang, "staff_id", lang.t("field.staff_id"), choices.clone()).html(),
            Picker::new(
                lang,
                "down_staff_id",
                lang.t("field.down_staff_id"),
                choices,
            )
            .html(),
            Picker::new(
                lang,
                "up_staff_id",
                lang.t("field.up_staff_id"),
                grassroots_choices(state, user).await?,
            )
            .html(),
            places,
        )
    } else {
        (String::new(), String::new(), String::new(), Vec::new())
    };
    let page = PostingsPage {
        chrome: Chrome::for_user(user, "outreach"),
        csrf: user.csrf.clone(),
        office,
        year: v.indicator.year,
        per_10000: v
            .indicator
            .per_10000
            .map_or_else(|| "—".to_string(), |x| format!("{x:.2}")),
        indicator: v.indicator,
        exchanges: v.exchanges,
        lines: v
            .postings
            .into_iter()
            .map(|p| Line {
                title: label("title", &p.title),
                kind: label("outreach.kind", p.kind.as_str()),
                direction: label("outreach.direction", p.direction.as_str()),
                p,
            })
            .collect(),
        experts,
        down,
        grassroots,
        places,
        kinds: yigong_domain::outreach::posting::Kind::ALL
            .iter()
            .map(|k| (k.as_str(), label("outreach.kind", k.as_str())))
            .collect(),
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<PostingQuery>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    postings_page(&state, &user, q.year, (None, notice)).await
}

/// The office's posting forms: `posting`, `exchange`, or `end` of one.
pub async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(action): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    let done: Result<&str, ApiError> = match action.as_str() {
        "posting" => {
            let b = api::PostingBody {
                staff_id: uuid(&field(&f, "staff_id")),
                institution_id: uuid(&field(&f, "institution_id")),
                kind: field(&f, "kind"),
                start_on: field(&f, "start_on"),
                end_on: field(&f, "end_on"),
                note: field(&f, "note"),
            };
            api::add_posting(State(state.clone()), user.clone(), crate::api::AppJson(b))
                .await
                .map(|_| "outreach_posting_added")
        }
        "exchange" => {
            let b = ExchangeBody {
                down_staff_id: uuid(&field(&f, "down_staff_id")),
                up_staff_id: uuid(&field(&f, "up_staff_id")),
                start_on: field(&f, "start_on"),
                end_on: field(&f, "end_on"),
            };
            api::add_exchange(State(state.clone()), user.clone(), crate::api::AppJson(b))
                .await
                .map(|_| "outreach_exchange_added")
        }
        _ => Err(ApiError::not_found()),
    };
    match done {
        Ok(code) => Ok(see_other(&format!("/outreach/postings?done={code}"))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            postings_page(&state, &user, None, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}

/// Ends a posting today (the office).
pub async fn end(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let b = api::EndBody {
        end_on: yigong_domain::clock::today().to_string(),
    };
    match api::end_posting(
        State(state.clone()),
        user.clone(),
        Path(id),
        crate::api::AppJson(b),
    )
    .await
    {
        Ok(_) => Ok(see_other("/outreach/postings")),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            postings_page(&state, &user, None, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
