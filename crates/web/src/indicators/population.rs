//! Residents per township (and hospital) and year, the denominator of the per-10,000
//! indicators: the registry's count by default, the office's official figure where it
//! entered one. Everyone who reads the figures reads the table; the office sets and
//! clears official figures, each change audited.

use super::api::reads_figures;
use super::stocks;
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::population::{OfficialInput, validate_official};
use yigong_domain::registry::InstitutionKind;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(set, clear))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year; this year by default.
    pub year: Option<i32>,
}

/// One township (with its village clinics) or hospital.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PopulationLine {
    pub institution_id: Uuid,
    pub name: String,
    /// `lead`, `member` or `township`.
    pub kind: String,
    /// Residents the registry holds at the institution and the institutions under it.
    pub registry: i64,
    /// The official figure for the year, if the office entered one.
    pub official: Option<i64>,
    pub source: Option<String>,
    /// The figure the indicators divide by.
    pub used: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Populations {
    pub year: i32,
    pub lines: Vec<PopulationLine>,
    /// The community's residents, as the per-10,000 indicators read them.
    pub total: i64,
}

/// Whether an institution carries a figure of its own: not a village (counted with its
/// township) and not the bureau.
fn carries_figure(kind: Option<InstitutionKind>) -> bool {
    matches!(
        kind,
        Some(InstitutionKind::Lead | InstitutionKind::Member | InstitutionKind::Township)
    )
}

/// The year's table, for a reader of the figures.
pub async fn populations(
    state: &AppState,
    user: &CurrentUser,
    year: i32,
) -> ApiResult<Populations> {
    user.require_audited(
        state,
        reads_figures(user.role),
        "indicator.read",
        "indicator",
        None,
    )
    .await?;
    let rows = stocks::rows(state, (year, year)).await?;
    let entries = rows.residents(year);
    let mut lines = Vec::new();
    for i in rows
        .institutions
        .iter()
        .filter(|i| carries_figure(i.kind()))
    {
        let under = |x: Uuid| x == i.id || rows.parent_of.get(&x) == Some(&i.id);
        let used: i64 = entries
            .iter()
            .filter(|(x, _)| under(*x))
            .map(|(_, n)| n)
            .sum();
        let o = rows.official(i.id, year);
        lines.push(PopulationLine {
            institution_id: i.id,
            name: i.name.clone(),
            kind: i.kind.clone(),
            registry: rows.registry_under(i.id),
            official: o.map(|o| o.0),
            source: o.map(|o| o.1.to_string()),
            used,
        });
    }
    let total = entries.iter().map(|(_, n)| n).sum();
    Ok(Populations { year, lines, total })
}

/// The residents per township and hospital for a year, with the figure each indicator
/// divides by.
#[utoipa::path(get, path = "/indicators/population", params(YearQuery),
    responses((status = 200, body = Populations), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<YearQuery>,
) -> ApiResult<Json<Populations>> {
    let year = q.year.unwrap_or_else(|| today().year());
    Ok(Json(populations(&state, &user, year).await?))
}

/// Checks and stores (or, with `None`, clears) an official figure: the office only, for
/// a township or hospital of the community.
pub async fn set_one(
    state: &AppState,
    user: &CurrentUser,
    (institution, year): (Uuid, i32),
    input: Option<&OfficialInput>,
) -> ApiResult<()> {
    let action = if input.is_some() {
        "indicator.population.set"
    } else {
        "indicator.population.clear"
    };
    user.require_audited(
        state,
        user.role.edits_registry(),
        action,
        "institution",
        Some(institution),
    )
    .await?;
    let c = state.community.id;
    let place = state.store.get_institution(c, institution).await?;
    if !carries_figure(place.kind()) {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "institution_id",
            "population_place_invalid",
        ));
    }
    let figure = match input {
        Some(i) => Some(validate_official(i, year, today().year()).map_err(ApiError::from)?),
        None => None,
    };
    let detail = format!(
        "year={year} residents={}",
        figure.as_ref().map_or(0, |f| f.0)
    );
    let audit = user.audit_entry(action, "institution", Some(institution), true, &detail);
    let figure = figure.as_ref().map(|(n, s)| (*n, s.as_str()));
    state
        .store
        .set_population(c, (institution, year), figure, &audit)
        .await?;
    Ok(())
}

/// Sets the official figure of a township or hospital for a year.
#[utoipa::path(put, path = "/indicators/population/{institution}/{year}",
    params(("institution" = Uuid, Path), ("year" = i32, Path)), request_body = Object,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
pub async fn set(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((institution, year)): Path<(Uuid, i32)>,
    AppJson(i): AppJson<OfficialInput>,
) -> ApiResult<StatusCode> {
    set_one(&state, &user, (institution, year), Some(&i)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clears the official figure: the registry's count stands again.
#[utoipa::path(delete, path = "/indicators/population/{institution}/{year}",
    params(("institution" = Uuid, Path), ("year" = i32, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn clear(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((institution, year)): Path<(Uuid, i32)>,
) -> ApiResult<StatusCode> {
    set_one(&state, &user, (institution, year), None).await?;
    Ok(StatusCode::NO_CONTENT)
}
