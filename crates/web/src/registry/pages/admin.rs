//! Administration of the registry in the UI: institutions (create, rename, deactivate),
//! their departments (add, deactivate) and staff (create, edit), through the same use
//! cases and rules as the API, every refusal shown at its field with the form kept.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::registry::api::institutions::{
    self as inst_api, DepartmentBody, InstitutionBody, InstitutionPatch,
};
use crate::registry::api::set_registry_active;
use crate::registry::api::staff::{self as staff_api, StaffBody};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::registry::{InstitutionKind, TITLES};
use yigong_store::Deactivatable;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/institutions/new",
            get(new_institution).post(create_institution),
        )
        .route(
            "/institutions/{id}/edit",
            get(edit_institution).post(update_institution),
        )
        .route("/institutions/{id}/departments", post(add_department))
        .route("/institutions/{id}/{change}", post(institution_active))
        .route("/departments/{id}/deactivate", post(deactivate_department))
        .route("/staff/new", get(new_staff).post(create_staff))
        .route("/staff/{id}/edit", get(edit_staff).post(update_staff))
        .route("/staff/{id}/{change}", post(staff_active))
}

/// A refusal the form can show (anything but a missing right or record).
fn shown(e: &ApiError) -> bool {
    e.status.is_client_error()
        && e.status != StatusCode::FORBIDDEN
        && e.status != StatusCode::NOT_FOUND
}

#[derive(Debug, Default, Deserialize)]
struct InstitutionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
}

#[derive(Template)]
#[template(path = "registry/institution_form.html")]
struct InstitutionPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel: String,
    csrf: String,
    creating: bool,
    f: InstitutionForm,
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<(String, String)>,
    problems: Problems,
}

async fn institution_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Uuid>,
    f: InstitutionForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (heading, action, cancel) = match editing {
        Some(id) => (
            lang.t("action.edit").to_string(),
            format!("/institutions/{id}/edit"),
            format!("/institutions/{id}"),
        ),
        None => (
            lang.t("institutions.new").to_string(),
            "/institutions/new".to_string(),
            "/institutions".to_string(),
        ),
    };
    // Parents: the lead hospital (for members and townships) and townships (for villages).
    let parents = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?
        .into_iter()
        .filter(|i| {
            i.active
                && matches!(
                    i.kind(),
                    Some(InstitutionKind::Lead | InstitutionKind::Township)
                )
        })
        .map(|i| (i.id.to_string(), i.name))
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = InstitutionPage {
        chrome: Chrome::for_user(user, "institutions"),
        heading,
        action,
        cancel,
        csrf: user.csrf.clone(),
        creating: editing.is_none(),
        f,
        kinds: InstitutionKind::ALL
            .iter()
            .map(|k| (k.as_str(), lang.t(&format!("kind.{}", k.as_str()))))
            .collect(),
        parents,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_institution(
    State(state): State<AppState>,
    UiUser(user): UiUser,
) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    institution_page(&state, &user, None, InstitutionForm::default(), None).await
}

async fn create_institution(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<InstitutionForm>,
) -> UiResult<Response> {
    let parent_id = match f.parent_id.trim() {
        "" => Ok(None),
        p => p.parse().map(Some).map_err(|_| {
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "parent", "invalid_field")
        }),
    };
    let result = match parent_id {
        Ok(parent_id) => {
            let body = InstitutionBody {
                kind: f.kind.clone(),
                code: f.code.clone(),
                name: f.name.clone(),
                parent_id,
                address: f.address.clone(),
            };
            inst_api::create_institution(&state, &user, &body).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(i) => Ok(see_other(&format!("/institutions/{}?done=created", i.id))),
        Err(e) if shown(&e) => institution_page(&state, &user, None, f, Some(e)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn edit_institution(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let i = state
        .store
        .get_institution(state.community.id, id)
        .await
        .ui(user.lang)?;
    let f = InstitutionForm {
        kind: i.kind,
        parent_id: i.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        code: i.code,
        name: i.name,
        address: i.address,
    };
    institution_page(&state, &user, Some(id), f, None).await
}

async fn update_institution(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<InstitutionForm>,
) -> UiResult<Response> {
    let body = InstitutionPatch {
        name: f.name.clone(),
        address: f.address.clone(),
    };
    match inst_api::update_institution(&state, &user, id, &body).await {
        Ok(()) => Ok(see_other(&format!("/institutions/{id}?done=saved"))),
        Err(e) if shown(&e) => {
            // The code and kind cannot change: show them as stored.
            let i = state
                .store
                .get_institution(state.community.id, id)
                .await
                .ui(user.lang)?;
            let f = InstitutionForm {
                kind: i.kind,
                code: i.code,
                parent_id: i.parent_id.map(|p| p.to_string()).unwrap_or_default(),
                ..f
            };
            institution_page(&state, &user, Some(id), f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// Deactivates or reactivates (`change`) a registry record, then shows `page` saying so.
async fn change_active(
    state: &AppState,
    user: &CurrentUser,
    (kind, entity, id): (Deactivatable, &str, Uuid),
    change: &str,
    page: &str,
) -> UiResult<Response> {
    let active = match change {
        "deactivate" => false,
        "reactivate" => true,
        _ => return Err(UiError(ApiError::not_found(), user.lang)),
    };
    set_registry_active(state, user, kind, entity, id, active)
        .await
        .ui(user.lang)?;
    Ok(see_other(&format!("{page}?done={change}d")))
}

async fn institution_active(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, change)): Path<(Uuid, String)>,
) -> UiResult<Response> {
    let what = (Deactivatable::Institution, "institution", id);
    change_active(&state, &user, what, &change, &format!("/institutions/{id}")).await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DepartmentForm {
    #[serde(default)]
    pub(super) code: String,
    #[serde(default)]
    pub(super) name: String,
}

async fn add_department(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<DepartmentForm>,
) -> UiResult<Response> {
    let body = DepartmentBody {
        code: f.code.clone(),
        name: f.name.clone(),
    };
    match inst_api::add_department(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/institutions/{id}?done=department_added"
        ))),
        Err(e) if shown(&e) => super::detail_page(&state, &user, id, None, Some((f, e))).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn deactivate_department(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    set_registry_active(
        &state,
        &user,
        Deactivatable::Department,
        "department",
        id,
        false,
    )
    .await
    .ui(user.lang)?;
    let institution = state
        .store
        .department_institution(state.community.id, id)
        .await
        .ui(user.lang)?;
    Ok(see_other(&format!(
        "/institutions/{institution}?done=department_deactivated"
    )))
}

#[derive(Debug, Default, Deserialize)]
struct StaffForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    specialty: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    department_id: String,
}

impl StaffForm {
    fn body(&self) -> Result<StaffBody, ApiError> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let institution_id = self.institution_id.trim().parse().map_err(|_| {
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "institution", "required")
        })?;
        let department_id = match self.department_id.trim() {
            "" => None,
            d => Some(d.parse().map_err(|_| {
                ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "department",
                    "invalid_field",
                )
            })?),
        };
        Ok(StaffBody {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            sex: opt(&self.sex),
            title: self.title.clone(),
            specialty: opt(&self.specialty),
            phone: opt(&self.phone),
            institution_id,
            department_id,
        })
    }
}

/// An institution and its active departments, for the placement choices.
struct Place {
    id: String,
    name: String,
    departments: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "registry/staff_form.html")]
struct StaffFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    csrf: String,
    /// When editing: the member's id and whether they are active.
    editing: Option<(Uuid, bool)>,
    notice: Option<String>,
    f: StaffForm,
    titles: Vec<(&'static str, &'static str)>,
    places: Vec<Place>,
    problems: Problems,
}

async fn staff_page(
    state: &AppState,
    user: &CurrentUser,
    (editing, notice): (Option<Uuid>, Option<String>),
    f: StaffForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let c = state.community.id;
    let mut places = Vec::new();
    for i in state.store.list_institutions(c).await.ui(lang)? {
        if !i.active || i.kind() == Some(InstitutionKind::Bureau) {
            continue;
        }
        let departments = state
            .store
            .list_departments(c, i.id)
            .await
            .ui(lang)?
            .into_iter()
            .filter(|d| d.active)
            .map(|d| (d.id.to_string(), d.name))
            .collect();
        places.push(Place {
            id: i.id.to_string(),
            name: i.name,
            departments,
        });
    }
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = StaffFormPage {
        chrome: Chrome::for_user(user, "staff"),
        heading: match editing {
            Some(_) => lang.t("action.edit").to_string(),
            None => lang.t("staff.new").to_string(),
        },
        action: match editing {
            Some(id) => format!("/staff/{id}/edit"),
            None => "/staff/new".into(),
        },
        csrf: user.csrf.clone(),
        editing: match editing {
            Some(id) => Some((id, state.store.get_staff(c, id).await.ui(lang)?.active)),
            None => None,
        },
        notice,
        f,
        titles: TITLES
            .iter()
            .map(|t| (*t, lang.t(&format!("title.{t}"))))
            .collect(),
        places,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_staff(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    staff_page(&state, &user, (None, None), StaffForm::default(), None).await
}

async fn create_staff(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<StaffForm>,
) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let result = match f.body() {
        Ok(body) => staff_api::create_staff(&state, &user, &body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/staff/{id}/edit?done=created"))),
        Err(e) if shown(&e) => staff_page(&state, &user, (None, None), f, Some(e)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn edit_staff(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let s = state
        .store
        .get_staff(state.community.id, id)
        .await
        .ui(user.lang)?;
    let f = StaffForm {
        id_number: user.shown_id_number(&s.id_number),
        phone: s.phone.unwrap_or_default(),
        name: s.name,
        sex: s.sex,
        title: s.title,
        specialty: s.specialty,
        institution_id: s.institution_id.to_string(),
        department_id: s.department_id.map(|d| d.to_string()).unwrap_or_default(),
    };
    let notice = flash(user.lang, done.done.as_deref());
    staff_page(&state, &user, (Some(id), notice), f, None).await
}

async fn update_staff(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StaffForm>,
) -> UiResult<Response> {
    user.require(user.role.edits_registry()).ui(user.lang)?;
    let result = match f.body() {
        Ok(body) => staff_api::update_staff(&state, &user, id, &body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/staff/{id}/edit?done=saved"))),
        Err(e) if shown(&e) => staff_page(&state, &user, (Some(id), None), f, Some(e)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn staff_active(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, change)): Path<(Uuid, String)>,
) -> UiResult<Response> {
    let what = (Deactivatable::Staff, "staff", id);
    change_active(&state, &user, what, &change, &format!("/staff/{id}/edit")).await
}
