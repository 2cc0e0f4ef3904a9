//! Sterile supply through the API (消毒供应): the central unit records batches and their
//! indicator, dispatches packs to members and takes them back; a member records a pack's
//! use (on which patient, for which procedure); a failed indicator recalls the batch,
//! listing the packs to take back and where they are, and the patients of those used.
//! The unit and the office see every pack, a clinic those sent to it.

use super::unprocessable;
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::diagnostics::order::Scope;
use yigong_domain::diagnostics::sterile::{
    self as rules, Indicator, Method, PACK_KINDS, PackAction, PackState,
};
use yigong_store::diagnostics::{Batch, NewBatch, Pack, PackChange, PackFilter};
use yigong_store::{Page, PageRequest, StoreError};

/// Who sees which packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SterileReach {
    /// The central unit: every batch and pack, and their work.
    Unit,
    /// The office: every batch and pack, reading.
    All,
    /// A clinic: the packs sent to these institutions.
    At(Vec<Uuid>),
}

pub fn sterile_reach(user: &CurrentUser) -> Option<SterileReach> {
    match &user.diagnostics {
        Scope::Sterile => Some(SterileReach::Unit),
        Scope::All => Some(SterileReach::All),
        Scope::Orderers(ids) => Some(SterileReach::At(ids.clone())),
        Scope::Centre(_) | Scope::None => None,
    }
}

/// The reach, or a refusal (403, audited).
async fn reach(
    state: &AppState,
    user: &CurrentUser,
    (action, id): (&str, Option<Uuid>),
) -> ApiResult<SterileReach> {
    match sterile_reach(user) {
        Some(r) => Ok(r),
        None => {
            user.audit(state, action, "sterile_pack", id, false, "role")
                .await?;
            Err(ApiError::forbidden())
        }
    }
}

/// The central unit only (403, audited, for anyone else).
async fn unit_only(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    id: Option<Uuid>,
) -> ApiResult<()> {
    if user.diagnostics == Scope::Sterile {
        return Ok(());
    }
    user.audit(state, action, "sterile_batch", id, false, "role")
        .await?;
    Err(ApiError::forbidden())
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackQuery {
    /// `in_stock`, `dispatched`, `used` or `returned`.
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The batches, the latest first (the unit and the office).
#[utoipa::path(get, path = "/sterile/batches", params(PackQuery),
    responses((status = 200, description = "A page of batches with `total`"), (status = 403)))]
pub async fn list_batches(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PackQuery>,
) -> ApiResult<Json<Page<Batch>>> {
    Ok(Json(batches_for(&state, &user, &q).await?))
}

pub async fn batches_for(
    state: &AppState,
    user: &CurrentUser,
    q: &PackQuery,
) -> ApiResult<Page<Batch>> {
    if matches!(
        reach(state, user, ("sterile.batches", None)).await?,
        SterileReach::At(_)
    ) {
        user.audit(
            state,
            "sterile.batches",
            "sterile_batch",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let page = PageRequest::new(q.page, q.per_page);
    Ok(state.store.batches(state.community.id, page).await?)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PackCount {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub count: i64,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct BatchBody {
    /// `steam`, `plasma` or `ethylene_oxide`.
    #[serde(default)]
    pub method: String,
    /// The sterilizer's cycle number; with the day it names the batch.
    #[serde(default)]
    pub cycle_no: Option<i64>,
    #[serde(default)]
    pub packs: Vec<PackCount>,
}

/// Records a batch of packs just sterilised (the unit); its id and code.
pub async fn record_batch(
    state: &AppState,
    user: &CurrentUser,
    b: &BatchBody,
) -> ApiResult<(Uuid, String)> {
    unit_only(state, user, "sterile.batch", None).await?;
    let mut problems = Vec::new();
    let method = Method::parse(b.method.trim());
    if method.is_none() {
        problems.push(unprocessable("method", "invalid_field"));
    }
    let cycle = b.cycle_no.filter(|c| (1..=9999).contains(c));
    if cycle.is_none() {
        problems.push(unprocessable("cycle_no", "out_of_range"));
    }
    let packs: Vec<(String, i64)> = b
        .packs
        .iter()
        .filter(|p| p.count != 0)
        .map(|p| (p.kind.trim().to_string(), p.count))
        .collect();
    if packs
        .iter()
        .any(|(k, n)| !PACK_KINDS.contains(&k.as_str()) || !(1..=500).contains(n))
    {
        problems.push(unprocessable("packs", "invalid_field"));
    } else if packs.is_empty() {
        problems.push(unprocessable("packs", "required"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(method), Some(cycle)) = (method, cycle) else {
        return Err(ApiError::internal());
    };
    let now = OffsetDateTime::now_utc();
    let day = yigong_domain::clock::local_date(now);
    let code = format!(
        "{}{:02}{:02}-{cycle:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );
    let new = NewBatch {
        code: code.clone(),
        method,
        cycle_no: cycle,
        sterilised_at: now,
        packs,
    };
    let entry = user.audit_entry("sterile.batch", "sterile_batch", None, true, &code);
    match state
        .store
        .add_batch(state.community.id, &new, &entry)
        .await
    {
        Ok(id) => Ok((id, code)),
        Err(StoreError::Conflict { .. }) => Err(ApiError::field(
            StatusCode::CONFLICT,
            "cycle_no",
            "batch_exists",
        )),
        Err(e) => Err(e.into()),
    }
}

/// Records a batch just sterilised with its packs.
#[utoipa::path(post, path = "/sterile/batches", request_body = BatchBody,
    responses((status = 201, body = Object), (status = 403), (status = 409, description = "This cycle is recorded today"), (status = 422)))]
pub async fn add_batch(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<BatchBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let (id, code) = record_batch(&state, &user, &b).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "code": code })),
    ))
}

/// A batch with its packs and, when its indicator failed, the recall.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    #[schema(value_type = Object)]
    pub batch: Batch,
    #[schema(value_type = Vec<Object>)]
    pub packs: Vec<Pack>,
    /// The packs to take back (in stock or at a member) and those already used.
    #[schema(value_type = Option<Object>)]
    pub recall: Option<RecallView>,
}

#[derive(Debug, Serialize)]
pub struct RecallView {
    pub retrieve: Vec<Pack>,
    pub used: Vec<Pack>,
}

pub async fn batch_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<BatchView> {
    let r = reach(state, user, ("sterile.batch_read", Some(id))).await?;
    let found = match state.store.get_batch(state.community.id, id).await {
        Ok(b) if !matches!(r, SterileReach::At(_)) => Some(b),
        Ok(_) | Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    user.audit(
        state,
        "sterile.batch_read",
        "sterile_batch",
        Some(id),
        found.is_some(),
        "",
    )
    .await?;
    let batch = found.ok_or_else(ApiError::not_found)?;
    let packs = state.store.batch_packs(state.community.id, id).await?;
    let recall = (batch.indicator == Indicator::Failed).then(|| {
        let rows: Vec<rules::Pack<usize>> = packs
            .iter()
            .enumerate()
            .map(|(n, p)| rules::Pack {
                id: n,
                batch: batch.code.clone(),
                state: p.state,
                used: p.used_at.is_some(),
            })
            .collect();
        let r = rules::recall(&batch.code, &rows);
        RecallView {
            retrieve: r.retrieve.iter().map(|p| packs[p.id].clone()).collect(),
            used: r.used.iter().map(|p| packs[p.id].clone()).collect(),
        }
    });
    Ok(BatchView {
        batch,
        packs,
        recall,
    })
}

/// A batch, its packs and its recall.
#[utoipa::path(get, path = "/sterile/batches/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = BatchView), (status = 403), (status = 404)))]
pub async fn batch(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<BatchView>> {
    Ok(Json(batch_of(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct IndicatorBody {
    /// `passed` or `failed`: a failed indicator recalls the batch.
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// Records the batch's indicator (the unit), once.
pub async fn record_indicator(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &IndicatorBody,
) -> ApiResult<BatchView> {
    unit_only(state, user, "sterile.indicator", Some(id)).await?;
    let result = Indicator::parse(b.result.trim())
        .filter(|i| *i != Indicator::Pending)
        .ok_or_else(|| unprocessable("result", "invalid_field"))?;
    let note = b.note.trim();
    if note.chars().count() > 500 {
        return Err(unprocessable("note", "too_long"));
    }
    state.store.get_batch(state.community.id, id).await?;
    let entry = user.audit_entry(
        "sterile.indicator",
        "sterile_batch",
        Some(id),
        true,
        result.as_str(),
    );
    if !state
        .store
        .set_indicator(state.community.id, (id, result, note), &entry)
        .await?
    {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "result",
            "indicator_recorded",
        ));
    }
    batch_of(state, user, id).await
}

/// Records a batch's indicator result; `failed` recalls it.
#[utoipa::path(post, path = "/sterile/batches/{id}/indicator", params(("id" = Uuid, Path)), request_body = IndicatorBody,
    responses((status = 200, body = BatchView), (status = 403), (status = 404), (status = 409, description = "Already recorded"), (status = 422)))]
pub async fn indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<IndicatorBody>,
) -> ApiResult<Json<BatchView>> {
    Ok(Json(record_indicator(&state, &user, id, &b).await?))
}

/// The packs in reach: everywhere for the unit and the office, at their institutions for
/// a clinic.
pub async fn packs_for(
    state: &AppState,
    user: &CurrentUser,
    q: &PackQuery,
) -> ApiResult<Page<Pack>> {
    let filter = match reach(state, user, ("sterile.packs", None)).await? {
        SterileReach::At(ids) => PackFilter::At(ids),
        SterileReach::Unit | SterileReach::All => PackFilter::All,
    };
    let pack_state =
        match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(PackState::parse(s).ok_or_else(|| {
                ApiError::field(StatusCode::BAD_REQUEST, "state", "invalid_field")
            })?),
        };
    let page = state
        .store
        .packs(
            state.community.id,
            (&filter, pack_state),
            PageRequest::new(q.page, q.per_page),
        )
        .await?;
    user.audit_list(state, "sterile.packs", "sterile_pack", page.total)
        .await?;
    Ok(page)
}

/// The packs in reach.
#[utoipa::path(get, path = "/sterile/packs", params(PackQuery),
    responses((status = 200, description = "A page of packs with `total`"), (status = 400), (status = 403)))]
pub async fn list_packs(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PackQuery>,
) -> ApiResult<Json<Page<Pack>>> {
    Ok(Json(packs_for(&state, &user, &q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PackBody {
    /// For `dispatch`: the member it goes to.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// For `use`: the patient, if registered, and the procedure.
    #[serde(default)]
    pub resident_id: Option<Uuid>,
    #[serde(default)]
    pub procedure: String,
}

/// The pack if the user reaches it: every pack for the unit, those at their institutions
/// for a clinic; the read audited.
async fn pack_in_reach(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: &str,
) -> ApiResult<Pack> {
    let r = reach(state, user, (action, Some(id))).await?;
    let found = match state.store.get_pack(state.community.id, id).await {
        Ok(p) => match &r {
            SterileReach::Unit => Some(p),
            SterileReach::At(ids) if p.institution_id.is_some_and(|i| ids.contains(&i)) => Some(p),
            _ => None,
        },
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    if found.is_none() {
        user.audit(state, action, "sterile_pack", Some(id), false, "reach")
            .await?;
    }
    found.ok_or_else(ApiError::not_found)
}

/// The change `action` makes to `p`, the body checked.
async fn change_of(
    state: &AppState,
    user: &CurrentUser,
    p: &Pack,
    action: PackAction,
    b: &PackBody,
) -> ApiResult<PackChange> {
    let now = OffsetDateTime::now_utc();
    let mut c = PackChange {
        state: p.state,
        institution_id: p.institution_id,
        dispatched_at: p.dispatched_at,
        used_at: p.used_at,
        resident_id: p.resident_id,
        procedure_text: p.procedure_text.clone(),
        returned_at: p.returned_at,
    };
    match action {
        PackAction::Dispatch => {
            let to = b
                .institution_id
                .ok_or_else(|| unprocessable("institution_id", "required"))?;
            match state.store.get_institution(state.community.id, to).await {
                Ok(i)
                    if i.kind().is_some_and(|k| {
                        k.holds_residents() || k == yigong_domain::registry::InstitutionKind::Member
                    }) => {}
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(unprocessable("institution_id", "invalid_field"));
                }
                Err(e) => return Err(e.into()),
            }
            c.institution_id = Some(to);
            c.dispatched_at = Some(now);
        }
        PackAction::Use => {
            let procedure = b.procedure.trim();
            if procedure.is_empty() || procedure.chars().count() > 200 {
                return Err(unprocessable(
                    "procedure",
                    if procedure.is_empty() {
                        "required"
                    } else {
                        "too_long"
                    },
                ));
            }
            if let Some(r) = b.resident_id {
                match state.store.get_resident(state.community.id, r).await {
                    Ok(x) if user.scope.allows(x.institution_id) => {}
                    Ok(_) | Err(StoreError::NotFound) => {
                        return Err(unprocessable("resident_id", "not_found"));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            c.resident_id = b.resident_id;
            c.procedure_text = procedure.to_string();
            c.used_at = Some(now);
        }
        PackAction::Return => c.returned_at = Some(now),
    }
    Ok(c)
}

/// Moves a pack on for the user; shared by the API and the pages.
pub async fn move_pack(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    action: PackAction,
    b: &PackBody,
) -> ApiResult<Pack> {
    let name = format!("sterile.{}", action.as_str());
    let p = pack_in_reach(state, user, id, &name).await?;
    let by_unit = matches!(action, PackAction::Dispatch | PackAction::Return);
    if by_unit != (user.diagnostics == Scope::Sterile) {
        user.audit(state, &name, "sterile_pack", Some(id), false, "role")
            .await?;
        return Err(ApiError::forbidden());
    }
    let to = rules::step(p.state, action, p.indicator)
        .map_err(|e| ApiError::new(StatusCode::CONFLICT, e.code()))?;
    let mut change = change_of(state, user, &p, action, b).await?;
    change.state = to;
    let entry = user.audit_entry(&name, "sterile_pack", Some(id), true, "");
    if !state
        .store
        .change_pack(state.community.id, (id, p.version), &change, &entry)
        .await?
    {
        return Err(ApiError::new(StatusCode::CONFLICT, "pack_wrong_state"));
    }
    Ok(state.store.get_pack(state.community.id, id).await?)
}

/// Moves a pack on: `dispatch` and `return` (the unit), `use` (the clinic it was sent to).
#[utoipa::path(post, path = "/sterile/packs/{id}/{action}",
    params(("id" = Uuid, Path), ("action" = String, Path, description = "`dispatch`, `use` or `return`")),
    request_body = PackBody,
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 409, description = "Not where the step starts, or recalled"), (status = 422)))]
pub async fn pack_step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, action)): Path<(Uuid, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Pack>> {
    let action = PackAction::parse(&action).ok_or_else(ApiError::not_found)?;
    let b: PackBody = crate::api::optional_json(&body)?;
    Ok(Json(move_pack(&state, &user, id, action, &b).await?))
}
