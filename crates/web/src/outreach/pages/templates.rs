//! The office's planning page: the weekly templates with a form to add one, planning a
//! period from them (a dry run first if wished) with the sessions refused and why, and the
//! holidays and absences that keep sessions off.

use super::field;
use super::roster::uuid;
use super::session::expert_choices;
use super::weekdays;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::outreach::api::{self as api, PlanBody, PlanOutcome, TemplateBody, hhmm, plans};
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
use yigong_domain::registry::InstitutionKind;

/// A template as the page lists it.
struct TemplateLine {
    id: Uuid,
    expert: String,
    place: String,
    weekday: &'static str,
    time: String,
    capacity: i64,
}

#[derive(Template)]
#[template(path = "outreach/templates.html")]
struct TemplatesPage {
    chrome: Chrome,
    csrf: String,
    lines: Vec<TemplateLine>,
    experts: String,
    places: Vec<(String, String)>,
    weekdays: Vec<(i64, &'static str)>,
    f: Vec<(String, String)>,
    outcome: Option<PlanOutcome>,
    /// Each refused session's reasons, in words.
    refused: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

impl TemplatesPage {
    fn v(&self, k: &str, default: &str) -> String {
        self.f
            .iter()
            .find(|(n, _)| n == k)
            .map_or_else(|| default.to_string(), |(_, v)| v.clone())
    }
}

async fn templates_page(
    state: &AppState,
    user: &CurrentUser,
    (error, notice, outcome): (Option<ApiError>, Option<String>, Option<PlanOutcome>),
    f: Vec<(String, String)>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !plans(user) {
        return Err(UiError(ApiError::forbidden(), lang));
    }
    let c = state.community.id;
    let lines = state
        .store
        .templates(c, None)
        .await
        .ui(lang)?
        .into_iter()
        .map(|t| TemplateLine {
            id: t.id,
            weekday: lang.t(&format!("outreach.weekday.{}", t.weekday)),
            time: format!("{}–{}", hhmm(t.start_min), hhmm(t.end_min)),
            expert: t.expert_name,
            place: t.institution_name,
            capacity: t.capacity,
        })
        .collect();
    let places = state
        .store
        .list_institutions(c)
        .await
        .ui(lang)?
        .into_iter()
        .filter(|i| i.active && matches!(i.kind(), Some(InstitutionKind::Township)))
        .map(|i| (i.id.to_string(), i.name))
        .collect();
    let typed_expert = f
        .iter()
        .find(|(k, _)| k == "expert_id")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let refused = outcome
        .iter()
        .flat_map(|o| o.conflicts.iter())
        .map(|c| {
            let why: Vec<String> = c
                .conflicts
                .iter()
                .map(|x| {
                    format!(
                        "{}{}",
                        lang.t(&format!("error.{}", x.code)),
                        if x.detail.is_empty() {
                            String::new()
                        } else {
                            format!("（{}）", x.detail)
                        }
                    )
                })
                .collect();
            (
                format!(
                    "{} {} · {} · {}",
                    c.day, c.start, c.expert_name, c.institution_name
                ),
                why.join("；"),
            )
        })
        .collect();
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = TemplatesPage {
        chrome: Chrome::for_user(user, "outreach"),
        csrf: user.csrf.clone(),
        lines,
        experts: Picker::new(
            lang,
            "expert_id",
            lang.t("outreach.expert"),
            expert_choices(state, user).await?,
        )
        .required(true)
        .chosen(&typed_expert)
        .html(),
        places,
        weekdays: weekdays(lang),
        f,
        outcome,
        refused,
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
    templates_page(&state, &user, (None, notice, None), Vec::new()).await
}

pub async fn add(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !plans(&user) {
        return Err(UiError(
            api::refuse(
                &state,
                &user,
                ("outreach.template", "outreach_template"),
                None,
            )
            .await,
            lang,
        ));
    }
    let b = TemplateBody {
        expert_id: uuid(&field(&f, "expert_id")),
        institution_id: uuid(&field(&f, "institution_id")),
        weekday: field(&f, "weekday").trim().parse().ok(),
        start: field(&f, "start"),
        end: field(&f, "end"),
        capacity: field(&f, "capacity").trim().parse().ok(),
    };
    let added = match api::template_of(&state, &b).await {
        Ok(t) => {
            let entry = user.audit_entry("outreach.template", "outreach_template", None, true, "");
            state
                .store
                .add_template(state.community.id, &t, &entry)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => Ok(see_other(
            "/outreach/templates?done=outreach_template_added",
        )),
        Err(e) if sent_back(&e) => templates_page(&state, &user, (Some(e), None, None), f).await,
        Err(e) => Err(UiError(e, lang)),
    }
}

pub async fn end(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !plans(&user) {
        return Err(UiError(
            api::refuse(
                &state,
                &user,
                ("outreach.template_end", "outreach_template"),
                Some(id),
            )
            .await,
            lang,
        ));
    }
    let entry = user.audit_entry(
        "outreach.template_end",
        "outreach_template",
        Some(id),
        true,
        "",
    );
    state
        .store
        .end_template(state.community.id, id, &entry)
        .await
        .ui(lang)?;
    Ok(see_other(
        "/outreach/templates?done=outreach_template_ended",
    ))
}

pub async fn plan(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let b = PlanBody {
        from: field(&f, "from"),
        to: field(&f, "to"),
        template_ids: Vec::new(),
        dry_run: field(&f, "dry_run") == "1",
    };
    match api::plan_period(&state, &user, &b).await {
        Ok(o) => templates_page(&state, &user, (None, None, Some(o)), f).await,
        Err(e) if sent_back(&e) => templates_page(&state, &user, (Some(e), None, None), f).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
