//! A session's page: what, where and when, the reason of a cancellation or swap; the
//! office's forms to cancel or move it; the township's record of the session with the
//! patients seen (those who booked offered first, one more picked by name).

use super::roster::uuid;
use super::{Row, row};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::outreach::api::{self as api, CancelBody, MoveBody, RecordBody, VisitBody};
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
use yigong_store::outreach::VisitRow;

#[derive(Template)]
#[template(path = "outreach/session.html")]
struct SessionPage {
    chrome: Chrome,
    csrf: String,
    r: Row,
    visits: Option<Vec<VisitRow>>,
    /// Patients to tick as seen: `(id, name, ticked)`.
    patients: Vec<(String, String, bool)>,
    can_record: bool,
    can_change: bool,
    doctors: String,
    resident_picker: String,
    experts: String,
    f: Vec<(String, String)>,
    error: Option<String>,
    notice: Option<String>,
}

impl SessionPage {
    /// A typed value to give back, or the default.
    fn v(&self, k: &str, default: &str) -> String {
        self.f
            .iter()
            .find(|(n, _)| n == k)
            .map_or_else(|| default.to_string(), |(_, v)| v.clone())
    }
}

/// The staff of the place, for the doctor who sat with the expert.
async fn doctor_choices(
    state: &AppState,
    user: &CurrentUser,
    place: Uuid,
) -> UiResult<Vec<Choice>> {
    let found = state
        .store
        .staff_of(state.community.id, place)
        .await
        .ui(user.lang)?;
    Ok(found
        .into_iter()
        .map(|s| Choice::new(s.id, &s.name, user.lang.t(&format!("title.{}", s.title))))
        .collect())
}

/// The lead hospital's experts, for a swap.
pub async fn expert_choices(state: &AppState, user: &CurrentUser) -> UiResult<Vec<Choice>> {
    let c = state.community.id;
    let lang = user.lang;
    let homes: Vec<Uuid> = state
        .store
        .list_institutions(c)
        .await
        .ui(lang)?
        .into_iter()
        .filter(|i| {
            matches!(
                i.kind(),
                Some(yigong_domain::registry::InstitutionKind::Lead)
            )
        })
        .map(|i| i.id)
        .collect();
    let mut out = Vec::new();
    for home in homes {
        let found = state.store.staff_of(c, home).await.ui(lang)?;
        out.extend(
            found
                .into_iter()
                .filter(|s| yigong_domain::outreach::posting::title_level(&s.title).1)
                .map(|s| {
                    let detail = format!(
                        "{} · {}",
                        s.department_name.unwrap_or_default(),
                        lang.t(&format!("title.{}", s.title))
                    );
                    Choice::new(s.id, &s.name, &detail)
                }),
        );
    }
    Ok(out)
}

async fn session_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (error, notice): (Option<ApiError>, Option<String>),
    f: Vec<(String, String)>,
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::session_of(state, user, id).await.ui(lang)?;
    let mut patients: Vec<(String, String, bool)> = Vec::new();
    if v.can_record {
        for vis in v.visits.iter().flatten() {
            patients.push((vis.resident_id.to_string(), vis.resident_name.clone(), true));
        }
        for (rid, name, _) in state
            .store
            .session_bookings(state.community.id, id)
            .await
            .ui(lang)?
        {
            if !patients.iter().any(|p| p.0 == rid.to_string()) {
                patients.push((rid.to_string(), name, false));
            }
        }
    }
    let doctor = v
        .visits
        .iter()
        .flatten()
        .find_map(|x| x.doctor_id)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let doctors = if v.can_record {
        let typed = f
            .iter()
            .find(|(k, _)| k == "doctor_id")
            .map_or(doctor, |(_, v)| v.clone());
        Picker::new(
            lang,
            "doctor_id",
            lang.t("outreach.doctor"),
            doctor_choices(state, user, v.session.institution_id).await?,
        )
        .chosen(&typed)
        .html()
    } else {
        String::new()
    };
    let experts = if v.can_change {
        Picker::new(
            lang,
            "expert_id",
            lang.t("outreach.expert"),
            expert_choices(state, user).await?,
        )
        .chosen(&v.session.expert_id.to_string())
        .html()
    } else {
        String::new()
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = SessionPage {
        chrome: Chrome::for_user(user, "outreach"),
        csrf: user.csrf.clone(),
        visits: v.visits,
        patients,
        can_record: v.can_record,
        can_change: v.can_change,
        doctors,
        resident_picker: Picker::remote(
            lang,
            "resident_id",
            lang.t("outreach.add_patient"),
            "/referrals/resident-options",
        )
        .html(),
        experts,
        f,
        error: error.map(|e| e.message(lang)),
        notice,
        r: row(lang, v.session),
    };
    Ok((status, render(&page)).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    session_page(&state, &user, id, (None, notice), Vec::new()).await
}

/// The record a form describes: the ticked patients and the one picked, with the doctor.
fn record_body(f: &[(String, String)]) -> RecordBody {
    let field = |k: &str| super::field(f, k).trim().to_string();
    let number = |k: &str| {
        let v = field(k);
        if v.is_empty() {
            Some(0)
        } else {
            v.parse().ok().or(Some(-1))
        }
    };
    let doctor = uuid(&field("doctor_id"));
    let mut ids: Vec<Uuid> = f
        .iter()
        .filter(|(n, _)| n == "seen")
        .filter_map(|(_, v)| uuid(v))
        .collect();
    if let Some(extra) = uuid(&field("resident_id")).filter(|r| !ids.contains(r)) {
        ids.push(extra);
    }
    RecordBody {
        version: field("version").parse().ok(),
        people_served: number("people_served"),
        procedures: number("procedures"),
        teaching_rounds: number("teaching_rounds"),
        lectures: number("lectures"),
        summary: field("summary"),
        visits: ids
            .into_iter()
            .map(|r| VisitBody {
                resident_id: Some(r),
                doctor_id: doctor,
                ..VisitBody::default()
            })
            .collect(),
    }
}

pub async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let lang = user.lang;
    let field = |k: &str| super::field(&f, k);
    let version = field("version").trim().parse().ok();
    let done = match action.as_str() {
        "record" => api::record_session(&state, &user, id, &record_body(&f))
            .await
            .map(|_| "outreach_recorded"),
        "cancel" => {
            let b = CancelBody {
                version,
                reason: field("reason"),
            };
            api::cancel_session(&state, &user, id, &b)
                .await
                .map(|_| "outreach_cancelled")
        }
        "move" => {
            let b = MoveBody {
                version,
                expert_id: uuid(&field("expert_id")),
                day: field("day"),
                start: field("start"),
                end: field("end"),
                reason: field("reason"),
            };
            api::move_session(&state, &user, id, &b)
                .await
                .map(|_| "outreach_moved")
        }
        _ => return Err(UiError(ApiError::not_found(), lang)),
    };
    match done {
        Ok(code) => Ok(see_other(&format!("/outreach/sessions/{id}?done={code}"))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            session_page(&state, &user, id, (Some(e), None), f).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}
