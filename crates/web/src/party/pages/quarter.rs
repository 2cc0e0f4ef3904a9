//! A site's quarter as the committee evaluates it: the progress reports and spending of
//! the quarter, the area's outcomes beside the same quarter a year before, and the score
//! sheet (the committee fills it once; everyone in reach reads it).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, EvaluationBody, QuarterView};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::todo::count_text;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::BTreeMap;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::party::fund::yuan_text;
use yigong_domain::party::site::{EVALUATION_SHEET, Quarter};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/first-secretary/sites/{id}/quarters/{quarter}",
        get(page).post(evaluate),
    )
}

/// The score sheet as typed: one field per criterion (`score_tasks`, …) and a comment.
#[derive(Debug, Default)]
struct SheetForm {
    fields: BTreeMap<String, String>,
}

impl SheetForm {
    fn score(&self, code: &str) -> &str {
        self.fields
            .get(&format!("score_{code}"))
            .map_or("", String::as_str)
    }

    fn comment(&self) -> &str {
        self.fields.get("comment").map_or("", String::as_str)
    }
}

/// An outcome's line: its message code, this quarter, the year before, the change.
type OutcomeLine = (&'static str, String, String, String);

#[derive(Template)]
#[template(path = "party/quarter.html")]
struct QuarterPage {
    chrome: Chrome,
    site_id: Uuid,
    site: String,
    q: QuarterView,
    previous: String,
    next: Option<String>,
    spent: String,
    /// (spent on, category, amount, note).
    spending: Vec<(String, String, String, String)>,
    outcomes: Vec<OutcomeLine>,
    /// (criterion, maximum, score as stored or typed, its field).
    sheet: Vec<(&'static str, u32, String, String)>,
    evaluates: bool,
    csrf: String,
    comment: String,
    notice: Option<String>,
    problems: Problems,
}

/// `+25.0%`, `−3.3%`, or a dash when there was nothing to compare with.
fn growth_text(permille: Option<i64>) -> String {
    match permille {
        None => "—".into(),
        Some(p) => {
            let sign = if p > 0 {
                "+"
            } else if p < 0 {
                "−"
            } else {
                ""
            };
            format!("{sign}{}.{}%", p.abs() / 10, p.abs() % 10)
        }
    }
}

async fn quarter_page(
    state: &AppState,
    user: &CurrentUser,
    (id, quarter): (Uuid, &str),
    (typed, notice, error): (SheetForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let (site, q) = api::quarter_of(state, user, id, quarter).await.ui(lang)?;
    let current = Quarter::parse(&q.quarter).ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let today = Quarter::of(yigong_domain::clock::today());
    let stored: BTreeMap<&str, String> = q
        .evaluation
        .iter()
        .flat_map(|e| e.scores.split(';'))
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    let sheet = EVALUATION_SHEET
        .iter()
        .map(|(code, max)| {
            let value = match stored.get(code) {
                Some(v) => v.clone(),
                None => typed.score(code).to_string(),
            };
            (*code, *max, value, format!("score_{code}"))
        })
        .collect();
    let (o, b) = (q.outcomes, q.year_before);
    let outcomes = [
        ("referrals", b.referrals, o.referrals),
        ("ecg_uploads", b.ecg_uploads, o.ecg_uploads),
        ("follow_ups", b.follow_ups, o.follow_ups),
        ("enrolled", b.enrolled, o.enrolled),
    ]
    .into_iter()
    .map(|(k, before, now)| {
        let g = q.growth_permille.get(k).copied().flatten();
        (k, count_text(now), count_text(before), growth_text(g))
    })
    .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = QuarterPage {
        chrome: Chrome::for_user(user, "party"),
        site_id: site.id,
        site: site.name,
        previous: current.previous().to_string(),
        next: (current < today).then(|| current.next().to_string()),
        spent: yuan_text(q.spent_fen),
        spending: q
            .spending
            .iter()
            .map(|x| {
                let amount = yuan_text(x.amount_fen);
                (
                    x.spent_on.to_string(),
                    x.category.clone(),
                    amount,
                    x.note.clone(),
                )
            })
            .collect(),
        outcomes,
        sheet,
        evaluates: user.role == Role::PartySecretary && q.evaluation.is_none(),
        csrf: user.csrf.clone(),
        comment: typed.comment().to_string(),
        q,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, quarter)): Path<(Uuid, String)>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let typed = SheetForm::default();
    quarter_page(&state, &user, (id, &quarter), (typed, notice, None)).await
}

async fn evaluate(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, quarter)): Path<(Uuid, String)>,
    Form(fields): Form<BTreeMap<String, String>>,
) -> UiResult<Response> {
    let f = SheetForm { fields };
    // A score that is not a whole number reaches the rules as missing, refused by name.
    let scores = EVALUATION_SHEET
        .iter()
        .filter_map(|(code, _)| Some((code.to_string(), f.score(code).trim().parse().ok()?)))
        .collect();
    let body = EvaluationBody {
        scores,
        comment: f.comment().to_string(),
    };
    match api::evaluate(&state, &user, (id, &quarter), &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/first-secretary/sites/{id}/quarters/{quarter}?done=evaluated"
        ))),
        Err(e) if sent_back(&e) => {
            quarter_page(&state, &user, (id, &quarter), (f, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
