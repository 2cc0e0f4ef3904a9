//! The sterile supply pages: the central unit's batches (record one, read its indicator,
//! dispatch its packs, the recall of a failed one), the office's view of them, and a
//! clinic's packs with the form that records a pack's use.

use crate::diagnostics::api::{
    self as api, BatchBody, BatchView, IndicatorBody, PackBody, PackCount, PackQuery, SterileReach,
};
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
use yigong_domain::diagnostics::sterile::{Method, PACK_KINDS, PackAction, PackState};
use yigong_domain::registry::InstitutionKind;
use yigong_store::diagnostics::{Batch, Pack};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sterile", get(home).post(create_batch))
        .route("/sterile/batches/{id}", get(batch))
        .route("/sterile/batches/{id}/indicator", post(indicator))
        .route("/sterile/batches/{id}/dispatch", post(dispatch))
        .route("/sterile/packs/{id}", get(pack))
        .route("/sterile/packs/{id}/{action}", post(pack_step))
}

fn t(lang: Lang, prefix: &str, code: &str) -> &'static str {
    lang.t(&format!("sterile.{prefix}.{code}"))
}

struct BatchRow {
    b: Batch,
    method: &'static str,
    indicator: &'static str,
    at: String,
}

fn batch_row(lang: Lang, b: Batch) -> BatchRow {
    BatchRow {
        method: t(lang, "method", b.method.as_str()),
        indicator: t(lang, "indicator", b.indicator.as_str()),
        at: local(b.sterilised_at),
        b,
    }
}

struct PackRow {
    p: Pack,
    kind: &'static str,
    state: &'static str,
    place: String,
    recalled: bool,
}

fn pack_row(lang: Lang, p: Pack) -> PackRow {
    PackRow {
        kind: t(lang, "kind", &p.kind),
        state: t(lang, "state", p.state.as_str()),
        place: p
            .institution_name
            .clone()
            .unwrap_or_else(|| lang.t("sterile.central").to_string()),
        recalled: p.indicator.as_str() == "failed",
        p,
    }
}

#[derive(Template)]
#[template(path = "diagnostics/sterile.html")]
struct HomePage {
    chrome: Chrome,
    csrf: String,
    unit: bool,
    batches: Vec<BatchRow>,
    packs: Vec<PackRow>,
    pager: Pager,
    methods: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str, String)>,
    f: NewBatchForm,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct HomeQuery {
    page: Option<i64>,
    done: Option<String>,
}

async fn home_page(
    state: &AppState,
    user: &CurrentUser,
    q: &HomeQuery,
    sent: Option<(NewBatchForm, ApiError)>,
) -> UiResult<Response> {
    let lang = user.lang;
    let reach = api::sterile_reach(user).ok_or_else(|| UiError(ApiError::forbidden(), lang))?;
    let pq = PackQuery {
        state: None,
        page: q.page,
        per_page: Some(30),
    };
    let (batches, packs, pager) = match reach {
        SterileReach::At(_) => {
            let p = api::packs_for(state, user, &pq).await.ui(lang)?;
            let pager = Pager::new(lang, "/sterile", &[], (p.page, p.per_page, p.total));
            (
                Vec::new(),
                p.items.into_iter().map(|p| pack_row(lang, p)).collect(),
                pager,
            )
        }
        SterileReach::Unit | SterileReach::All => {
            let b = api::batches_for(state, user, &pq).await.ui(lang)?;
            let pager = Pager::new(lang, "/sterile", &[], (b.page, b.per_page, b.total));
            (
                b.items.into_iter().map(|b| batch_row(lang, b)).collect(),
                Vec::new(),
                pager,
            )
        }
    };
    let (f, error) = match sent {
        Some((f, e)) => (f, Some(e)),
        None => (NewBatchForm::default(), None),
    };
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let page = HomePage {
        chrome: Chrome::for_user(user, "sterile"),
        csrf: user.csrf.clone(),
        unit: reach == SterileReach::Unit,
        batches,
        packs,
        pager,
        methods: Method::ALL
            .iter()
            .map(|m| (m.as_str(), t(lang, "method", m.as_str())))
            .collect(),
        kinds: PACK_KINDS
            .iter()
            .map(|k| (*k, t(lang, "kind", k), f.count(k)))
            .collect(),
        f,
        error: error.map(|e| e.message(lang)),
        notice: flash(lang, q.done.as_deref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn home(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<HomeQuery>,
) -> UiResult<Response> {
    home_page(&state, &user, &q, None).await
}

/// The new-batch form: `method`, `cycle_no` and `count_<kind>` per kind.
#[derive(Debug, Default, Deserialize)]
struct NewBatchForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    cycle_no: String,
    #[serde(flatten)]
    counts: std::collections::HashMap<String, String>,
}

impl NewBatchForm {
    fn count(&self, kind: &str) -> String {
        self.counts
            .get(&format!("count_{kind}"))
            .cloned()
            .unwrap_or_default()
    }
}

async fn create_batch(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<NewBatchForm>,
) -> UiResult<Response> {
    let body = BatchBody {
        method: f.method.clone(),
        cycle_no: f.cycle_no.trim().parse().ok(),
        packs: PACK_KINDS
            .iter()
            .map(|k| PackCount {
                kind: k.to_string(),
                count: f
                    .count(k)
                    .trim()
                    .parse()
                    .unwrap_or(if f.count(k).trim().is_empty() { 0 } else { -1 }),
            })
            .collect(),
    };
    match api::record_batch(&state, &user, &body).await {
        Ok((id, _)) => Ok(see_other(&format!(
            "/sterile/batches/{id}?done=batch_recorded"
        ))),
        Err(e) if sent_back(&e) => {
            home_page(&state, &user, &HomeQuery::default(), Some((f, e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Template)]
#[template(path = "diagnostics/batch.html")]
struct BatchPage {
    chrome: Chrome,
    csrf: String,
    unit: bool,
    b: BatchRow,
    packs: Vec<PackRow>,
    retrieve: Vec<PackRow>,
    used: Vec<PackRow>,
    recalled: bool,
    places: Vec<(Uuid, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
}

async fn batch_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (error, notice): (Option<ApiError>, Option<String>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v: BatchView = api::batch_of(state, user, id).await.ui(lang)?;
    let places = state
        .store
        .list_institutions(state.community.id)
        .await
        .map_err(|e| UiError(e.into(), lang))?
        .into_iter()
        .filter(|i| {
            i.active
                && matches!(
                    i.kind(),
                    Some(
                        InstitutionKind::Member
                            | InstitutionKind::Township
                            | InstitutionKind::Village
                    )
                )
        })
        .map(|i| (i.id, i.name))
        .collect();
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let (retrieve, used) = v
        .recall
        .map_or((Vec::new(), Vec::new()), |r| (r.retrieve, r.used));
    let page = BatchPage {
        chrome: Chrome::for_user(user, "sterile"),
        csrf: user.csrf.clone(),
        unit: api::sterile_reach(user) == Some(SterileReach::Unit),
        recalled: v.batch.indicator.as_str() == "failed",
        b: batch_row(lang, v.batch),
        packs: v.packs.into_iter().map(|p| pack_row(lang, p)).collect(),
        retrieve: retrieve.into_iter().map(|p| pack_row(lang, p)).collect(),
        used: used.into_iter().map(|p| pack_row(lang, p)).collect(),
        places,
        kinds: PACK_KINDS
            .iter()
            .map(|k| (*k, t(lang, "kind", k)))
            .collect(),
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

async fn batch(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    batch_page(&state, &user, id, (None, notice)).await
}

async fn indicator(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(b): Form<IndicatorBody>,
) -> UiResult<Response> {
    match api::record_indicator(&state, &user, id, &b).await {
        Ok(_) => Ok(see_other(&format!(
            "/sterile/batches/{id}?done=indicator_recorded"
        ))),
        Err(e) if sent_back(&e) => batch_page(&state, &user, id, (Some(e), None)).await,
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct DispatchForm {
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    count: String,
}

/// Dispatches `count` in-stock packs of a kind from the batch to a member.
async fn dispatch(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<DispatchForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::batch_of(&state, &user, id).await.ui(lang)?;
    let count: usize = match f.count.trim().parse() {
        Ok(n) if n > 0 => n,
        _ => {
            let e = api::unprocessable("count", "out_of_range");
            return batch_page(&state, &user, id, (Some(e), None)).await;
        }
    };
    let body = PackBody {
        institution_id: Uuid::parse_str(f.institution_id.trim()).ok(),
        ..PackBody::default()
    };
    let stock: Vec<Uuid> = v
        .packs
        .iter()
        .filter(|p| p.kind == f.kind && p.state == PackState::InStock)
        .map(|p| p.id)
        .take(count)
        .collect();
    if stock.len() < count {
        let e = api::unprocessable("count", "out_of_range");
        return batch_page(&state, &user, id, (Some(e), None)).await;
    }
    for pack in stock {
        if let Err(e) = api::move_pack(&state, &user, pack, PackAction::Dispatch, &body).await {
            return if sent_back(&e) {
                batch_page(&state, &user, id, (Some(e), None)).await
            } else {
                Err(UiError(e, lang))
            };
        }
    }
    Ok(see_other(&format!(
        "/sterile/batches/{id}?done=pack_dispatch"
    )))
}

#[derive(Template)]
#[template(path = "diagnostics/pack.html")]
struct PackPage {
    chrome: Chrome,
    csrf: String,
    r: PackRow,
    can_use: bool,
    can_return: bool,
    used_at: String,
    procedure: String,
    error: Option<String>,
    notice: Option<String>,
}

async fn pack_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (error, notice): (Option<ApiError>, Option<String>),
    procedure: String,
) -> UiResult<Response> {
    let lang = user.lang;
    let reach = api::sterile_reach(user);
    if reach.is_none() {
        user.audit(
            state,
            "sterile.packs",
            "sterile_pack",
            Some(id),
            false,
            "role",
        )
        .await
        .ui(lang)?;
        return Err(UiError(ApiError::forbidden(), lang));
    }
    let p = match state.store.get_pack(state.community.id, id).await {
        Ok(p) => Some(p),
        Err(yigong_store::StoreError::NotFound) => None,
        Err(e) => return Err(UiError(e.into(), lang)),
    };
    let p = p.filter(|p| match &reach {
        Some(SterileReach::Unit | SterileReach::All) => true,
        Some(SterileReach::At(ids)) => p.institution_id.is_some_and(|i| ids.contains(&i)),
        None => false,
    });
    user.audit(
        state,
        "sterile.packs",
        "sterile_pack",
        Some(id),
        p.is_some(),
        "",
    )
    .await
    .ui(lang)?;
    let p = p.ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |e| e.status);
    let r = pack_row(lang, p);
    let page = PackPage {
        chrome: Chrome::for_user(user, "sterile"),
        csrf: user.csrf.clone(),
        can_use: matches!(reach, Some(SterileReach::At(_)))
            && r.p.state == PackState::Dispatched
            && !r.recalled,
        can_return: reach == Some(SterileReach::Unit)
            && matches!(r.p.state, PackState::Dispatched | PackState::Used),
        used_at: r.p.used_at.map(local).unwrap_or_default(),
        procedure,
        r,
        error: error.map(|e| e.message(lang)),
        notice,
    };
    Ok((status, render(&page)).into_response())
}

async fn pack(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    pack_page(&state, &user, id, (None, notice), String::new()).await
}

#[derive(Debug, Default, Deserialize)]
struct UseForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    procedure: String,
}

async fn pack_step(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, action)): Path<(Uuid, String)>,
    Form(f): Form<UseForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    let action = PackAction::parse(&action).ok_or_else(|| UiError(ApiError::not_found(), lang))?;
    let body = PackBody {
        institution_id: None,
        resident_id: Uuid::parse_str(f.resident_id.trim()).ok(),
        procedure: f.procedure.clone(),
    };
    match api::move_pack(&state, &user, id, action, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/sterile/packs/{id}?done=pack_{action}"
        ))),
        Err(e) if sent_back(&e) => pack_page(&state, &user, id, (Some(e), None), f.procedure).await,
        Err(e) => Err(UiError(e, lang)),
    }
}
