//! The mentoring page: master–apprentice pairs with their progress and techniques, the
//! year's training events, and the forms to pair, note progress and record a training.

use super::field;
use super::postings::grassroots_choices;
use super::roster::uuid;
use super::session::expert_choices;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::outreach::api::{
    self as api, MentorshipBody, NoteBody, StatsQuery, TrainingBody, plans,
};
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::picker::Picker;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;
use yigong_store::outreach::{MentorshipRow, TrainingRow};

#[derive(Template)]
#[template(path = "outreach/mentoring.html")]
struct MentoringPage {
    chrome: Chrome,
    csrf: String,
    office: bool,
    pairs: Vec<MentorshipRow>,
    trainings: Vec<TrainingRow>,
    techniques: i64,
    masters: String,
    apprentices: String,
    /// Where the user may record a training: `(id, name)`.
    places: Vec<(String, String)>,
    /// Staff of those places for the attendance: `(id, name · place)`.
    staff: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

async fn mentoring_page(
    state: &AppState,
    user: &CurrentUser,
    (error, notice): (Option<ApiError>, Option<String>),
) -> UiResult<Response> {
    let lang = user.lang;
    let office = plans(user);
    let q = StatsQuery::default();
    let t = api::trainings_for(state, user, &q).await.ui(lang)?;
    let c = state.community.id;
    let mut places = Vec::new();
    let mut staff = Vec::new();
    for i in state.store.list_institutions(c).await.ui(lang)? {
        let grassroots = matches!(
            i.kind(),
            Some(yigong_domain::registry::InstitutionKind::Township)
        );
        if grassroots && api::records(user, i.id) {
            for s in state.store.staff_of(c, i.id).await.ui(lang)? {
                staff.push((s.id.to_string(), format!("{} · {}", s.name, i.name)));
            }
            places.push((i.id.to_string(), i.name));
        }
    }
    let (masters, apprentices) = if office {
        (
            Picker::new(
                lang,
                "master_id",
                lang.t("field.master_id"),
                expert_choices(state, user).await?,
            )
            .html(),
            Picker::new(
                lang,
                "apprentice_id",
                lang.t("field.apprentice_id"),
                grassroots_choices(state, user).await?,
            )
            .html(),
        )
    } else {
        (String::new(), String::new())
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = MentoringPage {
        chrome: Chrome::for_user(user, "outreach"),
        csrf: user.csrf.clone(),
        office,
        pairs: api::pairs_for(state, user).await.ui(lang)?,
        trainings: t.trainings,
        techniques: t.techniques,
        masters,
        apprentices,
        places,
        staff,
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    mentoring_page(&state, &user, (None, notice)).await
}

/// The page's forms: a `pair` or a `training`.
pub async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(action): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    let done = match action.as_str() {
        "pair" => {
            let b = MentorshipBody {
                master_id: uuid(&field(&f, "master_id")),
                apprentice_id: uuid(&field(&f, "apprentice_id")),
                goals: field(&f, "goals"),
                started_on: field(&f, "started_on"),
            };
            api::add_mentorship(State(state.clone()), user.clone(), AppJson(b))
                .await
                .map(|_| "outreach_pair_added")
        }
        "training" => {
            let b = TrainingBody {
                institution_id: uuid(&field(&f, "institution_id")),
                title: field(&f, "title"),
                held_on: field(&f, "held_on"),
                trainer_id: None,
                attendees: f
                    .iter()
                    .filter(|(k, _)| k == "attendees")
                    .map(|(_, v)| api::Attendee {
                        staff_id: uuid(v),
                        score: None,
                    })
                    .collect(),
            };
            api::add_training(State(state.clone()), user.clone(), AppJson(b))
                .await
                .map(|_| "outreach_training_added")
        }
        _ => Err(ApiError::not_found()),
    };
    match done {
        Ok(code) => Ok(see_other(&format!("/outreach/mentoring?done={code}"))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            mentoring_page(&state, &user, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}

#[derive(Template)]
#[template(path = "outreach/pair.html")]
struct PairPage {
    chrome: Chrome,
    csrf: String,
    v: api::PairView,
    error: Option<String>,
    notice: Option<String>,
}

async fn pair_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (error, notice): (Option<ApiError>, Option<String>),
) -> UiResult<Response> {
    let lang = user.lang;
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = PairPage {
        chrome: Chrome::for_user(user, "outreach"),
        csrf: user.csrf.clone(),
        v: api::pair_of(state, user, id).await.ui(lang)?,
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn pair(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    pair_page(&state, &user, id, (None, notice)).await
}

pub async fn note(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let b = NoteBody {
        noted_on: field(&f, "noted_on"),
        note: field(&f, "note"),
        technique: field(&f, "technique"),
    };
    match api::note_pair(&state, &user, id, &b).await {
        Ok(_) => Ok(see_other(&format!(
            "/outreach/mentoring/{id}?done=outreach_note_added"
        ))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            pair_page(&state, &user, id, (Some(e), None)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
