//! "My follow-ups": who is overdue (the most overdue first, a tap to call, the outcome of
//! each call recorded as Simple.org does) and who is due this week, printable as the
//! day's home-visit list.

use super::last_result;
use crate::chronic::api::{self as api, CallBody, WorklistQuery};
use crate::http::auth::CurrentUser;
use crate::state::AppState;
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::chronic::calls::{CallOutcome, RegisterStatus};

struct Row {
    register_id: Uuid,
    resident_id: Uuid,
    resident_name: String,
    /// The whole number, to call with a tap (a masked one is shown, not linked).
    callable: bool,
    visit_at_home: bool,
    phone: String,
    address: String,
    clinic: String,
    disease: &'static str,
    due: String,
    overdue_days: i64,
    last: String,
}

#[derive(Template)]
#[template(path = "chronic/follow_ups.html")]
struct ListPage {
    chrome: Chrome,
    overdue: Vec<Row>,
    due: Vec<Row>,
    pager: Pager,
    csrf: String,
    /// (code, label, ends the register) of the call outcomes.
    call_outcomes: Vec<(&'static str, &'static str, bool)>,
    /// What the last call recorded changed, as a notice.
    notice: Option<String>,
    /// For the printed home-visit list: who prints it, and when.
    doctor: String,
    today: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ListParams {
    page: Option<i64>,
    /// The register whose call was just recorded.
    called: Option<Uuid>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let q = WorklistQuery {
        within: Some(7),
        page: p.page,
        per_page: Some(100),
    };
    let page = api::worklist_for(&state, &user, &q).await.ui(lang)?;
    let pager = Pager::new(
        lang,
        "/follow-ups",
        &[],
        (page.page, page.per_page, page.total),
    );
    let (mut overdue, mut due) = (Vec::new(), Vec::new());
    for v in page.items {
        let r = Row {
            register_id: v.row.register_id,
            resident_id: v.row.resident_id,
            callable: !v.row.phone.is_empty() && !v.row.phone.contains('*'),
            visit_at_home: v.row.visit_at_home,
            resident_name: v.row.resident_name,
            phone: v.row.phone,
            address: v.row.address,
            clinic: v.row.institution_name,
            disease: lang.t(&format!("chronic.disease.{}", v.row.disease)),
            due: v.row.next_due.to_string(),
            overdue_days: v.overdue_days,
            last: last_result(lang, v.row.last_controlled),
        };
        if v.overdue_days > 0 {
            overdue.push(r)
        } else {
            due.push(r)
        }
    }
    let notice = match p.called {
        Some(id) => called_notice(&state, &user, id).await,
        None => None,
    };
    let page = ListPage {
        chrome: Chrome::for_user(&user, "follow_ups"),
        overdue,
        due,
        pager,
        csrf: user.csrf.clone(),
        call_outcomes: CallOutcome::ALL
            .iter()
            .map(|o| {
                let ends = o.after().status != RegisterStatus::Active;
                (
                    o.as_str(),
                    lang.t(&format!("chronic.call.{}", o.as_str())),
                    ends,
                )
            })
            .collect(),
        notice,
        doctor: user.display_name.clone(),
        today: api::today().to_string(),
    };
    Ok(render(&page).into_response())
}

/// "已记录通话：张三 · 已接通，会来随访", from the register's last call.
async fn called_notice(state: &AppState, user: &CurrentUser, id: Uuid) -> Option<String> {
    let lang = user.lang;
    let register = api::load(state, user, id, "chronic.read").await.ok()?;
    let calls = state.store.calls_of(state.community.id, id).await.ok()?;
    let last = calls.first()?;
    let outcome = lang.t(&format!("chronic.call.{}", last.outcome));
    Some(lang.tr(
        "chronic.call_recorded",
        &[("name", &register.resident_name), ("outcome", outcome)],
    ))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CallForm {
    #[serde(default)]
    outcome: String,
}

/// Records a call's outcome from the overdue list, and comes back to it.
pub(super) async fn call(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CallForm>,
) -> UiResult<Response> {
    let body = CallBody {
        outcome: f.outcome,
        called_on: None,
    };
    match api::record_call(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!("/follow-ups?called={id}"))),
        Err(e) => Err(UiError(e, user.lang)),
    }
}
