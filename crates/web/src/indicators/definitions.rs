//! The indicators' definitions as the community reads them: the built-in texts with an
//! administrator's corrections laid over them (official wording, version, source,
//! target). Everyone who reads the figures reads the definitions; the administrator
//! corrects them, each correction audited, and an empty one restores the built-in text.

use super::api::reads_figures;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};
use yigong_domain::access::Role;
use yigong_domain::indicators::catalog::{
    CATALOG, Correction, CorrectionInput, Shown, find, validate_correction,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(correct))
}

/// The community's corrections, by code (a row that no longer reads is left out).
async fn corrections(state: &AppState) -> ApiResult<HashMap<String, Correction>> {
    let rows = state
        .store
        .indicator_corrections(state.community.id)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, body)| Some((code, serde_json::from_str(&body).ok()?)))
        .collect())
}

/// Every definition as shown, in the catalogue's order.
pub async fn shown_all(state: &AppState, lang: Lang) -> ApiResult<Vec<Shown>> {
    let c = corrections(state).await?;
    Ok(CATALOG
        .iter()
        .map(|d| Shown::of(d, lang == Lang::Zh, c.get(d.code)))
        .collect())
}

/// One definition as shown; `None` for an unknown code.
pub async fn shown_one(state: &AppState, lang: Lang, code: &str) -> ApiResult<Option<Shown>> {
    let Some(d) = find(code) else {
        return Ok(None);
    };
    let c = corrections(state).await?;
    Ok(Some(Shown::of(d, lang == Lang::Zh, c.get(code))))
}

/// A definition as the API gives it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DefinitionView {
    pub code: String,
    pub name: String,
    pub dimension: String,
    pub numerator: String,
    pub denominator: String,
    pub note: String,
    pub version: String,
    pub source: String,
    /// `percent` or `count`.
    pub unit: String,
    pub target: Option<f64>,
    /// `higher` or `lower`: which way is better.
    pub better: String,
    /// Whether an administrator corrected it.
    pub corrected: bool,
}

impl From<&Shown> for DefinitionView {
    fn from(s: &Shown) -> Self {
        DefinitionView {
            code: s.def.code.into(),
            name: s.name.clone(),
            dimension: s.dimension.clone(),
            numerator: s.numerator.clone(),
            denominator: s.denominator.clone(),
            note: s.note.clone(),
            version: s.version.clone(),
            source: s.source.clone(),
            unit: s.def.unit.as_str().into(),
            target: s.target,
            better: match s.better() {
                yigong_domain::indicators::catalog::Better::Higher => "higher",
                yigong_domain::indicators::catalog::Better::Lower => "lower",
            }
            .into(),
            corrected: s.corrected,
        }
    }
}

/// Every indicator's definition, corrections applied.
#[utoipa::path(get, path = "/indicators/definitions",
    responses((status = 200, body = Vec<DefinitionView>), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<DefinitionView>>> {
    user.require_audited(
        &state,
        reads_figures(user.role),
        "indicator.read",
        "indicator",
        None,
    )
    .await?;
    let all = shown_all(&state, user.lang).await?;
    Ok(Json(all.iter().map(DefinitionView::from).collect()))
}

/// Corrects a definition (the administrator): every field given replaces the built-in
/// one, an empty field keeps it, all empty restores it.
#[utoipa::path(put, path = "/indicators/definitions/{code}", params(("code" = String, Path)),
    request_body = Object,
    responses((status = 200, body = DefinitionView), (status = 403), (status = 404), (status = 422)))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    AppJson(i): AppJson<CorrectionInput>,
) -> ApiResult<Json<DefinitionView>> {
    Ok(Json(DefinitionView::from(
        &correct_one(&state, &user, &code, &i).await?,
    )))
}

/// Checks and stores a correction, for the API and the definitions page.
pub async fn correct_one(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    i: &CorrectionInput,
) -> ApiResult<Shown> {
    let action = "indicator.definition.correct";
    user.require_audited(state, user.role == Role::Admin, action, "indicator", None)
        .await?;
    let d = find(code).ok_or_else(ApiError::not_found)?;
    let c = validate_correction(i).map_err(ApiError::from)?;
    let body = serde_json::to_string(&c).map_err(|_| ApiError::internal())?;
    let body = (!c.is_empty()).then_some(body.as_str());
    let audit = user.audit_entry(action, "indicator", None, true, code);
    state
        .store
        .set_indicator_correction(state.community.id, d.code, body, &audit)
        .await?;
    Ok(Shown::of(d, user.lang == Lang::Zh, Some(&c)))
}
