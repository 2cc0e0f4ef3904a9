//! Registry pages: the institution tree, an institution with its departments, staff.

mod admin;
pub mod residents;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::registry::api::staff::{self as staff_api, ListParams};
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::form::{Done, Problems, flash};
use crate::ui::list::ListQuery;
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;
use yigong_store::institutions::{Department, Institution};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/institutions", get(tree))
        .route("/institutions/{id}", get(detail))
        .route("/staff", get(staff))
        .route("/staff/export", get(staff_export))
        .merge(residents::router())
        .merge(admin::router())
}

#[derive(Template)]
#[template(path = "registry/institutions.html")]
struct TreePage {
    chrome: Chrome,
    q: String,
    tree_html: String,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
struct TreeParams {
    q: Option<String>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the hierarchy as nested lists; with a filter, only matches and their ancestors.
fn tree_html(lang: Lang, all: &[Institution], q: &str) -> String {
    let mut children: HashMap<Option<Uuid>, Vec<&Institution>> = HashMap::new();
    for i in all {
        children.entry(i.parent_id).or_default().push(i);
    }
    let by_id: HashMap<Uuid, &Institution> = all.iter().map(|i| (i.id, i)).collect();
    let mut keep: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    for i in all
        .iter()
        .filter(|i| q.is_empty() || i.name.contains(q) || i.code.contains(q))
    {
        let mut cur = Some(i);
        while let Some(c) = cur {
            keep.insert(c.id);
            cur = c.parent_id.and_then(|p| by_id.get(&p).copied());
        }
    }
    fn walk(
        out: &mut String,
        lang: Lang,
        parent: Option<Uuid>,
        children: &HashMap<Option<Uuid>, Vec<&Institution>>,
        keep: &std::collections::HashSet<Uuid>,
    ) {
        let Some(list) = children.get(&parent) else {
            return;
        };
        let list: Vec<_> = list.iter().filter(|i| keep.contains(&i.id)).collect();
        if list.is_empty() {
            return;
        }
        out.push_str("<ul>");
        for i in list {
            let off = if i.active {
                String::new()
            } else {
                format!(
                    " <span class=\"tag off\">{}</span>",
                    lang.t("status.inactive")
                )
            };
            out.push_str(&format!(
                "<li><a href=\"/institutions/{}\">{}</a> <span class=\"tag\">{}</span>{off}",
                i.id,
                escape(&i.name),
                lang.t(&format!("kind.{}", i.kind)),
            ));
            walk(out, lang, Some(i.id), children, keep);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    let mut out = String::new();
    walk(&mut out, lang, None, &children, &keep);
    out
}

async fn tree(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<TreeParams>,
) -> UiResult<Response> {
    let all = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(user.lang)?;
    let q: String = p.q.unwrap_or_default().trim().chars().take(40).collect();
    let page = TreePage {
        chrome: Chrome::for_user(&user, "institutions"),
        tree_html: tree_html(user.lang, &all, &q),
        q,
        can_edit: user.role.edits_registry(),
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "registry/institution.html")]
struct DetailPage {
    chrome: Chrome,
    i: Institution,
    kind_label: String,
    parent: Option<(Uuid, String)>,
    departments: Vec<Department>,
    sees_residents: bool,
    can_edit: bool,
    csrf: String,
    notice: Option<String>,
    /// The department form as submitted, with what was wrong with it.
    department: admin::DepartmentForm,
    problems: Problems,
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    detail_page(&state, &user, id, notice, None).await
}

/// An institution's page; `refused` a department form to show again with its problems.
async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    notice: Option<String>,
    refused: Option<(admin::DepartmentForm, ApiError)>,
) -> UiResult<Response> {
    let lang = user.lang;
    let c = state.community.id;
    let i = state.store.get_institution(c, id).await.ui(lang)?;
    let parent = match i.parent_id {
        Some(p) => state
            .store
            .get_institution(c, p)
            .await
            .ok()
            .map(|p| (p.id, p.name)),
        None => None,
    };
    let (department, error) = match refused {
        Some((f, e)) => (f, Some(e)),
        None => (admin::DepartmentForm::default(), None),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = DetailPage {
        chrome: Chrome::for_user(user, "institutions"),
        kind_label: lang.t(&format!("kind.{}", i.kind)).to_string(),
        departments: state.store.list_departments(c, id).await.ui(lang)?,
        sees_residents: user.scope.allows(i.id),
        can_edit: user.role.edits_registry(),
        csrf: user.csrf.clone(),
        notice,
        department,
        problems: Problems::of(lang, error.as_ref()),
        parent,
        i,
    };
    Ok((status, render(&page)).into_response())
}

struct StaffRow {
    id: Uuid,
    name: String,
    title_label: String,
    specialty: String,
    institution_name: String,
    department_name: String,
    phone: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "registry/staff.html")]
struct StaffPage {
    chrome: Chrome,
    q: String,
    institution_id: String,
    institutions: Vec<(String, String)>,
    rows: Vec<StaffRow>,
    pager: Pager,
    export_url: String,
    can_edit: bool,
}

fn staff_rows(lang: Lang, items: Vec<staff_api::StaffView>) -> Vec<StaffRow> {
    items
        .into_iter()
        .map(|s| StaffRow {
            id: s.id,
            title_label: lang.t(&format!("title.{}", s.title)).to_string(),
            name: s.name,
            specialty: s.specialty,
            institution_name: s.institution_name,
            department_name: s.department_name.unwrap_or_default(),
            phone: s.phone.unwrap_or_default(),
            active: s.active,
        })
        .collect()
}

/// Active institutions by id and name, for the filter.
async fn institution_names(state: &AppState) -> Result<Vec<(String, String)>, ApiError> {
    let all = state.store.list_institutions(state.community.id).await?;
    Ok(all
        .into_iter()
        .filter(|i| i.active)
        .map(|i| (i.id.to_string(), i.name))
        .collect())
}

async fn staff(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let paging = yigong_store::PageRequest::new(p.page, p.per_page);
    let page = staff_api::search(&state, &user, &p, paging)
        .await
        .ui(lang)?;
    let q = p.q.clone().unwrap_or_default();
    let inst = p.institution_id.clone().unwrap_or_default();
    let query = ListQuery::new(
        "/staff",
        vec![("q", q.clone()), ("institution_id", inst.clone())],
        None,
    );
    let view = StaffPage {
        chrome: Chrome::for_user(&user, "staff"),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        export_url: query.export_url(),
        institutions: institution_names(&state).await.ui(lang)?,
        q,
        institution_id: inst,
        rows: staff_rows(lang, page.items),
        can_edit: user.role.edits_registry(),
    };
    Ok(render(&view).into_response())
}

/// The staff the search selects, as an Excel file named after the search.
async fn staff_export(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let paging = yigong_store::PageRequest::export();
    let page = staff_api::search(&state, &user, &p, paging)
        .await
        .ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("field.name"),
        t("field.title"),
        t("field.specialty"),
        t("field.institution"),
        t("field.department"),
        t("field.phone"),
        t("field.status"),
    ];
    let table: Vec<Vec<Cell>> = staff_rows(lang, page.items)
        .into_iter()
        .map(|s| {
            let status = if s.active {
                "status.active"
            } else {
                "status.inactive"
            };
            vec![
                s.name.into(),
                s.title_label.into(),
                s.specialty.into(),
                s.institution_name.into(),
                s.department_name.into(),
                s.phone.into(),
                t(status).into(),
            ]
        })
        .collect();
    let title = t("staff.title");
    let institution = institution_names(&state)
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
