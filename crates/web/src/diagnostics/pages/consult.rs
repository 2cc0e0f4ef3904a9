//! The teleconsultation pages: the list with the office's counts, the request form (with
//! the patient's results and ECGs to bring along), and the consultation page with the step
//! each party takes (book, answer, rate, link the referral).

use crate::diagnostics::api::{self as api, ConsultBody, ConsultQuery, LinkBody, StepBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::form::{Done, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, local, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::diagnostics::consult::{Action, Kind};
use yigong_domain::diagnostics::order::Scope;
use yigong_store::PageRequest;
use yigong_store::diagnostics::{Consult, OrderFilter, OrderNarrowing};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teleconsult", get(list))
        .route("/teleconsult/new", get(new_form).post(create))
        .route("/teleconsult/{id}", get(detail))
        .route("/teleconsult/{id}/referral", post(link))
        .route("/teleconsult/{id}/{action}", post(step))
}

struct Row {
    c: Consult,
    kind: &'static str,
    status: &'static str,
    requested: String,
    booked: String,
}

fn row(lang: Lang, c: Consult) -> Row {
    Row {
        kind: lang.t(&format!("consult.kind.{}", c.kind.as_str())),
        status: lang.t(&format!("consult.status.{}", c.status.as_str())),
        requested: local(c.created_at),
        booked: c.scheduled_at.map(local).unwrap_or_default(),
        c,
    }
}

#[derive(Template)]
#[template(path = "diagnostics/consults.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    requests: bool,
    counts: Option<api::ConsultCounts>,
    /// The counts' tables: (title, rows), the first twelve rows each.
    tables: Vec<(&'static str, Vec<api::Count>)>,
    p: ConsultQuery,
}

async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut p): Query<ConsultQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    p.per_page = Some(30);
    let page = api::consults_for(&state, &user, &p).await.ui(lang)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = crate::ui::list::ListQuery::new(
        "/teleconsult",
        vec![("from", text(&p.from)), ("to", text(&p.to))],
        None,
    );
    let counts = if user.role.sees_figures() {
        Some(api::counts_for(&state, &user, &p).await.ui(lang)?)
    } else {
        None
    };
    let tables = counts.as_ref().map_or_else(Vec::new, |c| {
        let top = |v: &[api::Count]| v.iter().take(12).cloned().collect();
        vec![
            ("consult.by_expert", top(&c.by_expert)),
            ("consult.by_clinic", top(&c.by_clinic)),
            ("consult.by_month", c.by_month.clone()),
        ]
    });
    let page = ListPage {
        chrome: Chrome::for_user(&user, "teleconsult"),
        tables,
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: page.items.into_iter().map(|c| row(lang, c)).collect(),
        requests: user.diagnostics.orders(),
        counts,
        p,
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "diagnostics/consult_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    resident: Option<(Uuid, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// The patient's results to bring along: (id, label).
    orders: Vec<(Uuid, String)>,
    studies: Vec<(Uuid, String)>,
    f: RequestForm,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RequestForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    question: String,
}

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    resident_id: Option<Uuid>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    f: RequestForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !user.diagnostics.orders() {
        return Err(UiError(ApiError::forbidden(), lang));
    }
    let c = state.community.id;
    let resident = match Uuid::parse_str(f.resident_id.trim()) {
        Ok(id) => match state.store.get_resident(c, id).await {
            Ok(r) if user.scope.allows(r.institution_id) => Some((r.id, r.name)),
            _ => None,
        },
        Err(_) => None,
    };
    let (mut orders, mut studies) = (Vec::new(), Vec::new());
    if let (Some((id, _)), Scope::Orderers(ids)) = (&resident, &user.diagnostics) {
        let n = OrderNarrowing {
            resident: Some(*id),
            ..OrderNarrowing::default()
        };
        let found = state
            .store
            .find_orders(
                c,
                &OrderFilter::Orderers(ids.clone()),
                &n,
                PageRequest::new(Some(1), Some(20)),
            )
            .await
            .ui(lang)?;
        orders = found
            .items
            .iter()
            .map(|o| {
                (
                    o.id.uuid(),
                    format!(
                        "{} · {}",
                        lang.t(&format!("diagnostics.item.{}", o.item_code)),
                        local(o.created_at)
                    ),
                )
            })
            .collect();
        let filter = crate::ecg::fhir::reach(user)
            .unwrap_or(yigong_store::ecg::StudyFilter::Senders(Vec::new()));
        let found = state
            .store
            .list_studies(c, &filter, Some(*id), PageRequest::new(Some(1), Some(10)))
            .await
            .ui(lang)?;
        studies = found
            .items
            .iter()
            .map(|s| {
                (
                    s.id.uuid(),
                    format!("{} · {}", lang.t("nav.ecg"), local(s.recorded_at)),
                )
            })
            .collect();
    }
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = FormPage {
        chrome: Chrome::for_user(user, "teleconsult"),
        csrf: user.csrf.clone(),
        resident,
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), lang.t(&format!("consult.kind.{}", k.as_str()))))
            .collect(),
        orders,
        studies,
        f,
        error: error.map(|e| e.message(lang)),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    let f = RequestForm {
        resident_id: p.resident_id.map(|r| r.to_string()).unwrap_or_default(),
        ..RequestForm::default()
    };
    form_page(&state, &user, f, None).await
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult<Response> {
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let ids = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .filter_map(|(_, v)| Uuid::parse_str(v).ok())
            .collect()
    };
    let f = RequestForm {
        resident_id: field("resident_id"),
        kind: field("kind"),
        question: field("question"),
    };
    let body = ConsultBody {
        resident_id: Uuid::parse_str(f.resident_id.trim()).ok(),
        kind: f.kind.clone(),
        question: f.question.clone(),
        orders: ids("orders"),
        studies: ids("studies"),
    };
    match api::request(&state, &user, &body).await {
        Ok(id) => Ok(see_other(&format!(
            "/teleconsult/{id}?done=consult_requested"
        ))),
        Err(e) if sent_back(&e) => form_page(&state, &user, f, Some(e)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Template)]
#[template(path = "diagnostics/consult.html")]
struct ConsultPage {
    chrome: Chrome,
    csrf: String,
    r: Row,
    links: Vec<(String, String, &'static str)>,
    office: bool,
    expert: bool,
    requester: bool,
    experts: Vec<(Uuid, String)>,
    referrals: Vec<(String, String)>,
    typed: StepForm,
    error: Option<String>,
    notice: Option<String>,
}

async fn consult_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (error, notice): (Option<ApiError>, Option<String>),
    typed: StepForm,
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::consult_of(state, user, id).await.ui(lang)?;
    let c = &v.consult;
    let requester =
        matches!(&user.diagnostics, Scope::Orderers(ids) if ids.contains(&c.from_institution_id));
    let links = v
        .links
        .iter()
        .filter_map(|l| {
            let (kind, id) = (l["kind"].as_str()?, l["id"].as_str()?);
            let href = if kind == "order" {
                format!("/diagnostics/orders/{id}")
            } else {
                format!("/ecg/{id}")
            };
            Some((
                href,
                id.to_string(),
                lang.t(if kind == "order" {
                    "field.orders"
                } else {
                    "field.studies"
                }),
            ))
        })
        .collect();
    let referrals = if requester {
        let filter = yigong_store::referrals::ReferralFilter {
            resident_id: Some(c.resident_id),
            ..Default::default()
        };
        let found = state
            .store
            .list_referrals(
                state.community.id,
                &user.referrals,
                &filter,
                PageRequest::new(Some(1), Some(20)),
            )
            .await
            .ui(lang)?;
        found
            .items
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("{} · {}", r.reason, local(r.created_at)),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = ConsultPage {
        chrome: Chrome::for_user(user, "teleconsult"),
        csrf: user.csrf.clone(),
        links,
        office: user.diagnostics == Scope::All,
        expert: c.expert_id == Some(user.account_id),
        requester,
        experts: if user.diagnostics == Scope::All {
            api::experts(state).await.ui(lang)?
        } else {
            Vec::new()
        },
        referrals,
        typed,
        error: error.map(|e| e.message(lang)),
        notice,
        r: row(lang, v.consult),
    };
    Ok((status, render(&page)).into_response())
}

async fn detail(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    consult_page(&state, &user, id, (None, notice), StepForm::default()).await
}

/// The consultation page's forms.
#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    expert_id: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    opinion: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    referral_id: String,
}

async fn step(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<StepForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    let action = Action::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let body = StepBody {
        expert_id: Uuid::parse_str(f.expert_id.trim()).ok(),
        at: f.at.clone(),
        duration_minutes: f.duration_minutes.trim().parse().ok(),
        opinion: f.opinion.clone(),
        rating: f.rating.trim().parse().ok(),
        comment: f.comment.clone(),
    };
    match api::take_step(&state, &user, id, action, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/teleconsult/{id}?done=consult_{action}"
        ))),
        Err(e) if sent_back(&e) || e.status == axum::http::StatusCode::FORBIDDEN => {
            consult_page(&state, &user, id, (Some(e), None), f).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}

async fn link(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> UiResult<Response> {
    let body = LinkBody {
        referral_id: Uuid::parse_str(f.referral_id.trim()).ok(),
    };
    match api::link_referral(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/teleconsult/{id}?done=consult_referral"
        ))),
        Err(e) if sent_back(&e) => consult_page(&state, &user, id, (Some(e), None), f).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}
