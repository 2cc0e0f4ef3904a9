//! A member's page with their development (the steps taken, who decided, and the form for
//! the next one, which names the first allowed day when it is too early), and the page
//! that adds an applicant or activist to a branch.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{self as api, AdvanceBody, MemberView, NewMemberBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash};
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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/members/{id}", get(member).post(advance))
        .route("/party/orgs/{id}/members/new", get(new_member).post(add))
}

#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "party/member.html")]
struct MemberPage {
    chrome: Chrome,
    view: MemberView,
    csrf: String,
    f: StepForm,
    notice: Option<String>,
    problems: Problems,
}

async fn member_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (f, notice, error): (StepForm, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let v = api::view(state, user, id).await.ui(user.lang)?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = MemberPage {
        chrome: Chrome::for_user(user, "party"),
        view: v,
        csrf: user.csrf.clone(),
        f,
        notice,
        problems: Problems::of(user.lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn member(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    let f = StepForm {
        on: yigong_domain::clock::today().to_string(),
        ..StepForm::default()
    };
    member_page(&state, &user, id, (f, notice, None)).await
}

async fn advance(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> UiResult<Response> {
    let body = AdvanceBody {
        on: f.on.clone(),
        note: f.note.clone(),
    };
    match api::step(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/members/{id}?done=member_advanced"
        ))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            member_page(&state, &user, id, (f, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    since: String,
}

#[derive(Template)]
#[template(path = "party/member_new.html")]
struct NewPage {
    chrome: Chrome,
    org_id: Uuid,
    org: String,
    csrf: String,
    f: NewForm,
    problems: Problems,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    (f, error): (NewForm, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let (o, writes) = api::org_in_reach(state, user, org, "party.member_added")
        .await
        .ui(lang)?;
    if !writes {
        return Err(UiError(ApiError::not_found(), lang));
    }
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = NewPage {
        chrome: Chrome::for_user(user, "party"),
        org_id: o.id,
        org: o.name,
        csrf: user.csrf.clone(),
        f,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_member(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(org): Path<Uuid>,
) -> UiResult<Response> {
    let f = NewForm {
        status: "applicant".into(),
        since: yigong_domain::clock::today().to_string(),
        ..NewForm::default()
    };
    new_page(&state, &user, org, (f, None)).await
}

async fn add(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(org): Path<Uuid>,
    Form(f): Form<NewForm>,
) -> UiResult<Response> {
    let body = NewMemberBody {
        name: f.name.clone(),
        status: f.status.clone(),
        since: f.since.clone(),
    };
    match api::add(&state, &user, org, &body).await {
        Ok(id) => Ok(see_other(&format!("/party/members/{id}?done=member_added"))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            new_page(&state, &user, org, (f, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
