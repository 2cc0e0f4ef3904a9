//! Pairing pages (结对共建): the pairings in reach with their joint activities counted and
//! the form the committee pairs with, and one pairing's joint activities with the form its
//! branch (or the committee) records one with.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, JointActivityBody, PairingBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_store::party::{JointActivity, Pairing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/pairings", get(list).post(add))
        .route("/party/pairings/{id}", get(pairing).post(record))
}

#[derive(Debug, Default, Deserialize)]
struct PairForm {
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "party/pairings.html")]
struct ListPage {
    chrome: Chrome,
    pairings: Vec<Pairing>,
    /// (id, name) of the lead hospital's departments and of the township branches.
    departments: Vec<(Uuid, String)>,
    branches: Vec<(Uuid, String)>,
    writes: bool,
    csrf: String,
    f: PairForm,
    notice: Option<String>,
    problems: Problems,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    (f, notice, error): (PairForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let pairings = api::pairings_for(state, user).await.ui(lang)?;
    let writes = user.role == Role::PartySecretary;
    let (departments, branches) = if writes {
        let d = api::lead_departments(state).await.ui(lang)?;
        let b = api::township_branches(state).await.ui(lang)?;
        (d.into_iter().map(|d| (d.id, d.name)).collect(), b)
    } else {
        (Vec::new(), Vec::new())
    };
    let page = ListPage {
        chrome: Chrome::for_user(user, "party"),
        pairings: pairings.into_iter().map(|(p, _)| p).collect(),
        departments,
        branches,
        writes,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    Ok((status, render(&page)).into_response())
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = PairForm {
        since: yigong_domain::clock::today().to_string(),
        ..PairForm::default()
    };
    list_page(&state, &user, (f, notice, None)).await
}

async fn add(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<PairForm>,
) -> UiResult<Response> {
    let body = PairingBody {
        department_id: f.department_id.parse().ok(),
        org_id: f.org_id.parse().ok(),
        since: f.since.clone(),
        note: f.note.clone(),
    };
    match api::pair(&state, &user, &body).await {
        Ok(id) => Ok(see_other(&format!("/party/pairings/{id}?done=paired"))),
        Err(e) if sent_back(&e) => list_page(&state, &user, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ActivityForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    minutes: String,
}

#[derive(Template)]
#[template(path = "party/pairing.html")]
struct PairingPage {
    chrome: Chrome,
    p: Pairing,
    activities: Vec<JointActivity>,
    writes: bool,
    csrf: String,
    f: ActivityForm,
    notice: Option<String>,
    problems: Problems,
}

async fn pairing_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (ActivityForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::pairing_of(state, user, id).await.ui(lang)?;
    let page = PairingPage {
        chrome: Chrome::for_user(user, "party"),
        p: v.pairing,
        activities: v.activities,
        writes: v.writes,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(lang, error.as_ref()),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    Ok((status, render(&page)).into_response())
}

async fn pairing(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = ActivityForm {
        held_on: yigong_domain::clock::today().to_string(),
        ..ActivityForm::default()
    };
    pairing_page(&state, &user, id, (f, notice, None)).await
}

async fn record(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ActivityForm>,
) -> UiResult<Response> {
    let body = JointActivityBody {
        held_on: f.held_on.clone(),
        topic: f.topic.clone(),
        minutes: f.minutes.clone(),
    };
    match api::record_activity(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/pairings/{id}?done=joint_activity_recorded"
        ))),
        Err(e) if sent_back(&e) => pairing_page(&state, &user, id, (f, None, Some(e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
