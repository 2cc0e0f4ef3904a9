//! The appraisal's pages: a quarter's ranked members with their points item by item
//! (the office gives manual points and publishes there; everyone who reads figures reads
//! it and exports it), and the office's score sheet with its items' weights and targets.
//! A refused form comes back with what was typed and every problem at its field.

use super::appraisal::{
    ItemChange, ScoreBody, Sheet, add_one, change_one, publish_one, remove_one, score_one,
    sheet_for,
};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::export::{Cell, respond};
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, encode, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::appraisal::ItemInput;
use yigong_domain::indicators::catalog::CATALOG;
use yigong_domain::indicators::month::Month;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    quarter: Option<String>,
    done: Option<String>,
}

/// The manual points form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ScoreForm {
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    evidence: String,
}

#[derive(Template)]
#[template(path = "indicators/appraisal.html")]
struct AppraisalPage {
    chrome: Chrome,
    csrf: String,
    s: Sheet,
    quarters: Vec<String>,
    office: bool,
    f: ScoreForm,
    problems: Problems,
    notice: Option<String>,
}

/// The last eight quarters, newest first.
fn quarters() -> Vec<String> {
    let mut m = Month::of(today());
    let mut out: Vec<String> = Vec::new();
    while out.len() < 8 {
        let q = format!("{}-Q{}", m.year, m.month.div_ceil(3));
        if !out.contains(&q) {
            out.push(q);
        }
        m = m.previous();
    }
    out
}

async fn appraisal_page(
    state: &AppState,
    user: &CurrentUser,
    quarter: Option<&str>,
    (f, error, notice): (Option<ScoreForm>, Option<&ApiError>, Option<String>),
) -> UiResult<Response> {
    let s = sheet_for(state, user, quarter).await.ui(user.lang)?;
    let status = error.map_or(StatusCode::OK, |e| e.status);
    let f = f.unwrap_or_else(|| ScoreForm {
        quarter: s.quarter.clone(),
        ..ScoreForm::default()
    });
    let page = AppraisalPage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        quarters: quarters(),
        office: user.role.edits_registry(),
        f,
        problems: Problems::of(user.lang, error),
        notice,
        s,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<PageQuery>,
) -> UiResult<Response> {
    let notice = flash(user.lang, q.done.as_deref());
    appraisal_page(&state, &user, q.quarter.as_deref(), (None, None, notice)).await
}

fn back_to(quarter: &str, done: &str) -> Response {
    see_other(&format!(
        "/indicators/appraisal?quarter={}&done={done}",
        encode(quarter)
    ))
}

pub async fn save_score(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ScoreForm>,
) -> UiResult<Response> {
    let body = ScoreBody {
        quarter: f.quarter.clone(),
        institution_id: Uuid::parse_str(f.institution_id.trim()).ok(),
        item_id: Uuid::parse_str(f.item_id.trim()).ok(),
        points: f.points.clone(),
        evidence: f.evidence.clone(),
    };
    match score_one(&state, &user, &body).await {
        Ok(()) => Ok(back_to(&f.quarter, "appraisal_scored")),
        Err(e) if sent_back(&e) => {
            let q = f.quarter.clone();
            appraisal_page(&state, &user, Some(&q), (Some(f), Some(&e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    quarter: String,
}

pub async fn publish(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<PublishForm>,
) -> UiResult<Response> {
    match publish_one(&state, &user, &f.quarter).await {
        Ok(_) => Ok(back_to(&f.quarter, "appraisal_published")),
        Err(e) if sent_back(&e) => {
            appraisal_page(&state, &user, Some(&f.quarter), (None, Some(&e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// The quarter as a workbook: one line per member, the points item by item.
pub async fn export(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<PageQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let s = sheet_for(&state, &user, q.quarter.as_deref())
        .await
        .ui(lang)?;
    let mut headers: Vec<String> = vec![
        lang.t("appraisal.rank").into(),
        lang.t("indicators.institution").into(),
    ];
    headers.extend(s.items.iter().map(|i| format!("{} ({})", i.name, i.weight)));
    headers.push(lang.t("appraisal.total").into());
    let rows: Vec<Vec<Cell>> = s
        .rows
        .iter()
        .map(|r| {
            let mut line = vec![Cell::Number(r.rank as f64), Cell::Text(r.name.clone())];
            line.extend(r.scores.iter().map(|c| Cell::Number(c.points)));
            line.push(Cell::Number(r.total));
            line
        })
        .collect();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let state_line = match &s.published_at {
        Some(at) => format!("{} {at}", lang.t("appraisal.published")),
        None => lang.t("appraisal.live").to_string(),
    };
    respond(
        lang,
        lang.t("appraisal.title"),
        &headers,
        &rows,
        &[&s.quarter, &state_line],
    )
}

/// The sheet's add form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    target: String,
}

#[derive(Template)]
#[template(path = "indicators/appraisal_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    csrf: String,
    s: Sheet,
    total: i64,
    /// (code, name) of every indicator.
    codes: Vec<(&'static str, &'static str)>,
    f: ItemForm,
    /// The item a refused change was for.
    failed: Option<Uuid>,
    problems: Problems,
    notice: Option<String>,
}

async fn sheet_page(
    state: &AppState,
    user: &CurrentUser,
    (f, failed, error): (ItemForm, Option<Uuid>, Option<&ApiError>),
    notice: Option<String>,
) -> UiResult<Response> {
    if !user.role.edits_registry() {
        return Err(UiError(ApiError::forbidden(), user.lang));
    }
    let s = sheet_for(state, user, None).await.ui(user.lang)?;
    let status = error.map_or(StatusCode::OK, |e| e.status);
    let zh = user.lang == Lang::Zh;
    let page = SheetPage {
        chrome: Chrome::for_user(user, "indicators"),
        csrf: user.csrf.clone(),
        total: s.items.iter().map(|i| i.weight).sum(),
        codes: CATALOG
            .iter()
            .map(|d| (d.code, if zh { d.name.zh } else { d.name.en }))
            .collect(),
        s,
        f,
        failed,
        problems: Problems::of(user.lang, error),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn sheet(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = ItemForm {
        kind: "indicator".into(),
        ..ItemForm::default()
    };
    sheet_page(&state, &user, (f, None, None), notice).await
}

pub async fn add_item(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ItemForm>,
) -> UiResult<Response> {
    let input = ItemInput {
        kind: f.kind.clone(),
        code: f.code.clone(),
        name: f.name.clone(),
        weight: f.weight.clone(),
        target: f.target.clone(),
    };
    match add_one(&state, &user, &input).await {
        Ok(_) => Ok(see_other(
            "/indicators/appraisal/sheet?done=appraisal_item_added",
        )),
        Err(e) if sent_back(&e) => sheet_page(&state, &user, (f, None, Some(&e)), None).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

pub async fn change_item(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(b): Form<ItemChange>,
) -> UiResult<Response> {
    match change_one(&state, &user, id, &b).await {
        Ok(()) => Ok(see_other(
            "/indicators/appraisal/sheet?done=appraisal_item_changed",
        )),
        Err(e) if sent_back(&e) => {
            let f = ItemForm::default();
            sheet_page(&state, &user, (f, Some(id), Some(&e)), None).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

pub async fn remove_item(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    remove_one(&state, &user, id).await.ui(user.lang)?;
    Ok(see_other(
        "/indicators/appraisal/sheet?done=appraisal_item_removed",
    ))
}
