//! Star-rating pages: the year's ratings of the branches in reach with how the stars are
//! spread and the committee's scale form; and a branch's sheet of a year with the
//! evidence form its secretary files with, the committee's rating form once every
//! criterion is submitted, and the branch's history.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, RatingBody, ScaleBody, SheetView, StarEvidenceBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock;
use yigong_domain::party::star::{STAR_CRITERIA, scale_text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/stars", get(overview))
        .route("/party/star-scale", post(save_scale))
        .route("/party/orgs/{id}/stars/{year}", get(sheet))
        .route("/party/orgs/{id}/stars/{year}/evidence", post(evidence))
        .route("/party/orgs/{id}/stars/{year}/rating", post(rating))
}

/// Stars as shown: filled for those earned, hollow for the rest of the scale.
pub fn star_text(earned: usize, levels: usize) -> String {
    "★".repeat(earned.min(levels)) + &"☆".repeat(levels.saturating_sub(earned))
}

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
    done: Option<String>,
}

/// A branch's line of the year: id, name, stars shown, total (empty when not rated).
type BranchLine = (Uuid, String, String, String);

#[derive(Template)]
#[template(path = "party/stars.html")]
struct OverviewPage {
    chrome: Chrome,
    year: i32,
    this_year: i32,
    lines: Vec<BranchLine>,
    /// (stars shown, branches, percent of the widest bar) from most stars down, then
    /// the unrated.
    spread: Vec<(String, usize, usize)>,
    unrated: usize,
    scale: String,
    edits: bool,
    csrf: String,
    notice: Option<String>,
    problems: Problems,
}

async fn overview_page(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
    (typed, notice, error): (Option<String>, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let s = api::structure_for(state, user).await.ui(lang)?;
    let v = api::stars_of_year(state, user, year).await.ui(lang)?;
    let levels = v.thresholds.len();
    let lines: Vec<BranchLine> = s
        .organizations
        .into_iter()
        .filter(|o| o.kind == "branch")
        .map(|o| match v.ratings.iter().find(|r| r.org_id == o.id) {
            Some(r) => (
                o.id,
                o.name,
                star_text(r.stars as usize, levels),
                r.total.to_string(),
            ),
            None => (o.id, o.name, String::new(), String::new()),
        })
        .collect();
    let counts: Vec<usize> = (0..=levels)
        .rev()
        .map(|n| v.ratings.iter().filter(|r| r.stars as usize == n).count())
        .collect();
    let widest = counts.iter().copied().max().unwrap_or(0).max(1);
    let spread = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (star_text(levels - i, levels), *c, c * 100 / widest))
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = OverviewPage {
        chrome: Chrome::for_user(user, "party"),
        year: v.year,
        this_year: clock::today().year(),
        unrated: v.branches - v.ratings.len(),
        lines,
        spread,
        scale: typed.unwrap_or_else(|| scale_text(&v.thresholds)),
        edits: user.role == Role::PartySecretary,
        csrf: user.csrf.clone(),
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn overview(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<YearQuery>,
) -> UiResult<Response> {
    let notice = flash(user.lang, q.done.as_deref());
    let year = q.year.unwrap_or_else(|| clock::today().year());
    overview_page(&state, &user, year, (None, notice, None)).await
}

#[derive(Debug, Default, Deserialize)]
struct ScaleForm {
    #[serde(default)]
    thresholds: String,
}

async fn save_scale(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ScaleForm>,
) -> UiResult<Response> {
    let body = ScaleBody {
        thresholds: f.thresholds.clone(),
    };
    let year = clock::today().year();
    match api::set_scale(&state, &user, &body).await {
        Ok(()) => Ok(see_other("/party/stars?done=scale_saved")),
        Err(e) if sent_back(&e) => {
            overview_page(&state, &user, year, (Some(f.thresholds), None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct EvidenceForm {
    #[serde(default)]
    criterion: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    done: Option<String>,
}

/// The rating form as typed: a score per criterion, and the comment.
#[derive(Debug, Default, Deserialize)]
struct RatingForm {
    #[serde(flatten)]
    fields: BTreeMap<String, String>,
}

impl RatingForm {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

#[derive(Template)]
#[template(path = "party/star_sheet.html")]
struct SheetPage {
    chrome: Chrome,
    v: SheetView,
    stars: String,
    /// Every criterion submitted or beyond: the rating may be given.
    ready: bool,
    /// (year, stars shown, total, scale) of the branch's history.
    history: Vec<(i32, String, i32, String)>,
    csrf: String,
    e: EvidenceForm,
    r: RatingForm,
    notice: Option<String>,
    problems: Problems,
}

async fn sheet_page(
    state: &AppState,
    user: &CurrentUser,
    (org, year): (Uuid, i32),
    (e, r, notice, error): (EvidenceForm, RatingForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::sheet_of(state, user, (org, year)).await.ui(lang)?;
    let levels = v.thresholds.len();
    let stars = v
        .rating
        .as_ref()
        .map_or_else(String::new, |x| star_text(x.stars as usize, levels));
    let ready = v
        .criteria
        .iter()
        .all(|c| c.status != "open" && c.status != "working");
    let history = v
        .history
        .iter()
        .map(|h| {
            let levels = h.thresholds.split(',').count();
            (
                h.year,
                star_text(h.stars as usize, levels),
                h.total,
                h.thresholds.clone(),
            )
        })
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = SheetPage {
        chrome: Chrome::for_user(user, "party"),
        v,
        stars,
        ready,
        history,
        csrf: user.csrf.clone(),
        e,
        r,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn sheet(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((org, year)): Path<(Uuid, i32)>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let typed = (EvidenceForm::default(), RatingForm::default(), notice, None);
    sheet_page(&state, &user, (org, year), typed).await
}

async fn evidence(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((org, year)): Path<(Uuid, i32)>,
    Form(f): Form<EvidenceForm>,
) -> UiResult<Response> {
    let body = StarEvidenceBody {
        criterion: f.criterion.clone(),
        text: f.text.clone(),
        done: f.done.is_some(),
    };
    match api::file_evidence(&state, &user, (org, year), &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/orgs/{org}/stars/{year}?done=star_evidence_filed"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = (f, RatingForm::default(), None, Some(e));
            sheet_page(&state, &user, (org, year), typed).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn rating(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((org, year)): Path<(Uuid, i32)>,
    Form(f): Form<RatingForm>,
) -> UiResult<Response> {
    // A score left empty is unscored; what is not a whole number is above any maximum.
    let scores = STAR_CRITERIA
        .iter()
        .filter_map(|(code, _)| {
            let typed = f.get(api::star_field(code)).trim();
            (!typed.is_empty()).then(|| (code.to_string(), typed.parse().unwrap_or(u32::MAX)))
        })
        .collect();
    let body = RatingBody {
        scores,
        comment: f.get("comment").to_string(),
    };
    match api::rate(&state, &user, (org, year), &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/orgs/{org}/stars/{year}?done=star_rated"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = (EvidenceForm::default(), f, None, Some(e));
            sheet_page(&state, &user, (org, year), typed).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
