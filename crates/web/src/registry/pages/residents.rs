//! Resident pages: searchable list, record (audited), create, edit, deactivate.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::registry::api::residents::{self as api, ListParams, ResidentBody, ResidentView};
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::list::ListQuery;
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::access::PhoneUse;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/residents", get(list))
        .route("/residents/new", get(new_form).post(create))
        .route("/residents/export", get(export_xlsx))
        .route("/residents/{id}", get(detail))
        .route("/residents/{id}/edit", get(edit_form).post(update))
        .route("/residents/{id}/deactivate", post(deactivate))
        .route("/residents/{id}/reactivate", post(reactivate))
}

struct Row {
    id: Uuid,
    name: String,
    sex_key: String,
    birth_date: String,
    id_number: String,
    phone: String,
    institution_name: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "registry/residents.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    institution_id: String,
    institutions: Vec<(String, String)>,
    rows: Vec<Row>,
    pager: Pager,
    can_create: bool,
    /// Why the search was refused, said at the search box.
    error: Option<String>,
    /// More matches than were counted.
    capped: bool,
    export_url: String,
}

/// The clinics whose residents the user may see, for the filter and the form.
async fn clinics(state: &AppState, user: &CurrentUser) -> Result<Vec<(String, String)>, ApiError> {
    let all = state.store.list_institutions(state.community.id).await?;
    Ok(all
        .into_iter()
        .filter(|i| {
            i.active && i.kind().is_some_and(|k| k.holds_residents()) && user.scope.allows(i.id)
        })
        .map(|i| (i.id.to_string(), i.name))
        .collect())
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (status, page, error) = match api::search(&state, &user, &p, false).await {
        Ok(page) => (StatusCode::OK, page, None),
        Err(e) if e.status.is_client_error() => {
            let empty = api::ResidentPage {
                items: vec![],
                total: 0,
                total_capped: false,
                page: 1,
                per_page: 20,
            };
            (e.status, empty, Some(e.message(lang)))
        }
        Err(e) => return Err(UiError(e, lang)),
    };
    let capped = page.total_capped;
    let q = p.q.clone().unwrap_or_default();
    let inst = p.institution_id.clone().unwrap_or_default();
    let query = ListQuery::new(
        "/residents",
        vec![("q", q.clone()), ("institution_id", inst.clone())],
        None,
    );
    let pager = query.pager(lang, (page.page, page.per_page, page.total));
    let rows = page
        .items
        .into_iter()
        .map(|r| Row {
            id: r.id,
            name: r.name,
            sex_key: format!("sex.{}", r.sex),
            birth_date: r.birth_date,
            id_number: r.id_number,
            phone: r.phone,
            institution_name: r.institution_name,
            active: r.active,
        })
        .collect();
    let view = ListPage {
        chrome: Chrome::for_user(&user, "residents"),
        institutions: clinics(&state, &user).await.ui(lang)?,
        q,
        institution_id: inst,
        rows,
        pager,
        can_create: user.role.edits_residents(),
        error,
        capped,
        export_url: query.export_url(),
    };
    Ok((status, render(&view)).into_response())
}

/// The residents the search selects, as shown (ID numbers and phones masked as on the
/// page), as an Excel file named after the search.
async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = api::search(&state, &user, &p, true).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("field.name"),
        t("field.sex"),
        t("field.birth_date"),
        t("field.id_number"),
        t("field.phone"),
        t("field.institution"),
        t("field.status"),
    ];
    let table: Vec<Vec<Cell>> = page
        .items
        .into_iter()
        .map(|r| {
            let status = if r.active {
                "status.active"
            } else {
                "status.inactive"
            };
            vec![
                r.name.into(),
                t(&format!("sex.{}", r.sex)).into(),
                r.birth_date.into(),
                r.id_number.into(),
                r.phone.into(),
                r.institution_name.into(),
                t(status).into(),
            ]
        })
        .collect();
    let title = t("residents.title");
    let institution = clinics(&state, &user)
        .await
        .ui(lang)?
        .into_iter()
        .find(|(id, _)| Some(id) == p.institution_id.as_ref())
        .map(|(_, name)| name)
        .unwrap_or_default();
    export::respond(
        lang,
        title,
        &headers,
        &table,
        &[&institution, p.q.as_deref().unwrap_or("")],
    )
}

#[derive(Template)]
#[template(path = "registry/resident.html")]
struct DetailPage {
    chrome: Chrome,
    r: ResidentView,
    sex_key: String,
    can_edit: bool,
    can_send_ecg: bool,
    can_order_tests: bool,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    care: Option<crate::family::pages::care::CareView>,
    /// "68 岁", for the banner beside sex, chronic conditions and contract.
    age: String,
    trends: Option<crate::chronic::pages::trends::Trends>,
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<crate::family::pages::care::Done>,
) -> UiResult<Response> {
    show(&state, &user, id, Notice::Done(&done), None).await
}

/// What the resident's page says a form did.
pub enum Notice<'a> {
    None,
    /// Told from the records a care form named in its redirect, once reach is checked.
    Done(&'a crate::family::pages::care::Done),
}

/// The resident's page (the read audited), with a notice or an error from a form on it.
pub async fn show(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    notice: Notice<'_>,
    error: Option<String>,
) -> UiResult<Response> {
    let r = api::load_in_scope(state, user, id, "resident.read")
        .await
        .ui(user.lang)?;
    let notice = match notice {
        Notice::None => None,
        Notice::Done(done) => crate::family::pages::care::notice(state, user, id, done).await?,
    };
    let care = crate::family::pages::care::view(state, user, &r).await?;
    let lang = user.lang;
    let years = yigong_domain::family::age_on(r.birth_date, crate::chronic::api::today());
    // Readings are clinical data: shown to those who see the care section.
    let trends = match care {
        Some(_) => crate::chronic::pages::trends::of(state, lang, r.id, years)
            .await
            .map_err(|e| UiError(e.into(), lang))?,
        None => None,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = DetailPage {
        chrome: Chrome::for_user(user, "residents"),
        sex_key: format!("sex.{}", r.sex),
        r: ResidentView::of(user, r),
        can_edit: user.role.edits_residents(),
        can_send_ecg: user.ecg.sends(),
        can_order_tests: user.diagnostics.orders(),
        csrf: user.csrf.clone(),
        notice,
        error,
        care,
        age: lang.tr("residents.age", &[("n", &years.to_string())]),
        trends,
    };
    Ok((status, render(&view)).into_response())
}

/// The form's fields as typed, so a rejected form comes back filled in.
#[derive(Deserialize, Default)]
struct ResidentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    institution_id: String,
}

impl ResidentForm {
    fn body(&self) -> Result<ResidentBody, ApiError> {
        let institution_id = self.institution_id.parse().map_err(|_| {
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "institution", "required")
        })?;
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        Ok(ResidentBody {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            sex: opt(&self.sex),
            birth_date: opt(&self.birth_date),
            phone: self.phone.clone(),
            address: opt(&self.address),
            institution_id,
        })
    }
}

#[derive(Template)]
#[template(path = "registry/resident_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel: String,
    csrf: String,
    f: ResidentForm,
    institutions: Vec<(String, String)>,
    problems: crate::ui::form::Problems,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<Uuid>,
    f: ResidentForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (heading, action, cancel) = match editing {
        Some(id) => (
            lang.t("action.edit").to_string(),
            format!("/residents/{id}/edit"),
            format!("/residents/{id}"),
        ),
        None => (
            lang.t("residents.new").to_string(),
            "/residents/new".into(),
            "/residents".into(),
        ),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let view = FormPage {
        chrome: Chrome::for_user(user, "residents"),
        heading,
        action,
        cancel,
        csrf: user.csrf.clone(),
        f,
        institutions: clinics(state, user).await.ui(lang)?,
        problems: crate::ui::form::Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&view)).into_response())
}

async fn new_form(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    user.require(user.role.edits_residents()).ui(user.lang)?;
    form_page(&state, &user, None, ResidentForm::default(), None).await
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ResidentForm>,
) -> UiResult<Response> {
    let result = match f.body() {
        Ok(body) => api::create_resident(&state, &user, &body).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/residents/{id}?done=created"))),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            form_page(&state, &user, None, f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    user.require_audited(
        &state,
        user.role.edits_residents(),
        "resident.read",
        "resident",
        Some(id),
    )
    .await
    .ui(user.lang)?;
    let r = api::load_in_scope(&state, &user, id, "resident.read")
        .await
        .ui(user.lang)?;
    // Roles that see identifiers masked edit them masked; an unchanged masked value
    // keeps the stored one (see `update`).
    let f = ResidentForm {
        name: r.name,
        id_number: user.shown_id_number(&r.id_number),
        sex: r.sex,
        birth_date: r.birth_date.to_string(),
        phone: user.shown_phone(PhoneUse::Record, &r.phone),
        address: r.address,
        institution_id: r.institution_id.to_string(),
    };
    form_page(&state, &user, Some(id), f, None).await
}

async fn update(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ResidentForm>,
) -> UiResult<Response> {
    // The role and the reach first: a form error must not be an answer to someone who
    // may not edit this resident.
    user.require_audited(
        &state,
        user.role.edits_residents(),
        "resident.update",
        "resident",
        Some(id),
    )
    .await
    .ui(user.lang)?;
    // An unchanged masked identifier is resolved by the use case; the form that may come
    // back shows only what was typed, and only to a user who reaches the resident.
    let result = match f.body() {
        Ok(body) => api::update_resident(&state, &user, id, &body).await,
        Err(e) => api::load_in_scope(&state, &user, id, "resident.update")
            .await
            .and(Err(e)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/residents/{id}?done=saved"))),
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::FORBIDDEN
                && e.status != StatusCode::NOT_FOUND =>
        {
            form_page(&state, &user, Some(id), f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: Uuid,
    active: bool,
) -> UiResult<Response> {
    api::set_resident_active(&state, &user, id, active)
        .await
        .ui(user.lang)?;
    let done = if active { "reactivated" } else { "deactivated" };
    Ok(see_other(&format!("/residents/{id}?done={done}")))
}

async fn deactivate(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    set_active(state, user, id, false).await
}

async fn reactivate(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    set_active(state, user, id, true).await
}
