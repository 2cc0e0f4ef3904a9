//! The catalogue as the community runs it: each item's price, service levels and how an
//! earlier result is recognised, our defaults until the office sets its own (provinces
//! publish their own recognition lists).

use super::unprocessable;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use yigong_domain::diagnostics::catalogue::{self, Centre};
use yigong_domain::diagnostics::order::Scope;
use yigong_domain::diagnostics::settings::{self, Settings, Stored};
use yigong_domain::diagnostics::turnaround::Clock;
use yigong_domain::registry::InstitutionKind;

/// Every item as the community runs it.
pub async fn settings_of(state: &AppState) -> ApiResult<Vec<Settings>> {
    let stored = state.store.item_settings(state.community.id).await?;
    Ok(settings::effective(&stored))
}

/// An item's settings among `all`.
pub fn setting<'a>(all: &'a [Settings], code: &str) -> Option<&'a Settings> {
    all.iter().find(|s| s.code == code)
}

/// An item of the catalogue as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub code: &'static str,
    pub name: String,
    #[schema(value_type = String)]
    pub centre: Centre,
    pub site: &'static str,
    pub price_fen: i64,
    pub loinc: Option<&'static str>,
    /// Minutes from order to report, routine and urgent, and whether in working hours.
    pub routine_minutes: i64,
    pub routine_working_hours: bool,
    pub urgent_minutes: i64,
    pub urgent_working_hours: bool,
    /// Days an earlier result is recognised (none: never), from which level, and whether
    /// the issuing laboratory must have passed external quality assessment.
    pub recognised_days: Option<u16>,
    pub lowest_level: Option<&'static str>,
    pub needs_eqa: bool,
    pub analytes: Vec<AnalyteView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnalyteView {
    pub code: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub low: f64,
    pub high: f64,
    pub critical_low: Option<f64>,
    pub critical_high: Option<f64>,
}

/// The catalogue, labelled in the caller's language.
pub fn catalogue_of(user: &CurrentUser, all: &[Settings]) -> Vec<ItemView> {
    catalogue::ITEMS
        .iter()
        .filter_map(|i| {
            let s = setting(all, i.code)?;
            let r = s.recognition.as_ref();
            Some(ItemView {
                code: i.code,
                name: user
                    .lang
                    .t(&format!("diagnostics.item.{}", i.code))
                    .to_string(),
                centre: i.centre,
                site: i.site,
                price_fen: s.price_fen,
                loinc: i.loinc,
                routine_minutes: s.routine.minutes,
                routine_working_hours: s.routine.clock == Clock::Working,
                urgent_minutes: s.urgent.minutes,
                urgent_working_hours: s.urgent.clock == Clock::Working,
                recognised_days: r.map(|r| r.window_days),
                lowest_level: r.map(|r| r.lowest.as_str()),
                needs_eqa: r.is_some_and(|r| r.needs_eqa),
                analytes: i
                    .analytes
                    .iter()
                    .map(|a| AnalyteView {
                        code: a.code,
                        name: user
                            .lang
                            .t(&format!("diagnostics.analyte.{}", a.code))
                            .to_string(),
                        unit: a.unit,
                        low: a.low,
                        high: a.high,
                        critical_low: a.critical_low,
                        critical_high: a.critical_high,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The items the centres perform, with prices, service levels and recognition.
#[utoipa::path(get, path = "/diagnostics/catalogue",
    responses((status = 200, body = [ItemView]), (status = 403)))]
pub async fn catalogue_items(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ItemView>>> {
    if !user.diagnostics.has_orders() {
        user.audit(
            &state,
            "diagnostics.catalogue",
            "diag_order",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    Ok(Json(catalogue_of(&user, &settings_of(&state).await?)))
}

/// An item's settings as the office sets them.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemBody {
    #[serde(default)]
    pub price_fen: Option<i64>,
    #[serde(default)]
    pub routine_minutes: Option<i64>,
    #[serde(default)]
    pub routine_working_hours: bool,
    #[serde(default)]
    pub urgent_minutes: Option<i64>,
    #[serde(default)]
    pub urgent_working_hours: bool,
    /// Days an earlier result is recognised; `null`: not recognised.
    #[serde(default)]
    pub recognised_days: Option<u16>,
    /// `village`, `township`, `member` or `lead`: the lowest level whose results stand.
    #[serde(default)]
    pub lowest_level: String,
    #[serde(default)]
    pub needs_eqa: bool,
}

/// Sets an item (the office), every field checked; the item as it now stands.
pub async fn set_item(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    b: &ItemBody,
) -> ApiResult<ItemView> {
    if user.diagnostics != Scope::All {
        user.audit(
            state,
            "diagnostics.catalogue_update",
            "diag_item",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let item = catalogue::item(code).ok_or_else(ApiError::not_found)?;
    let lowest = match b.lowest_level.trim() {
        "" => Some(InstitutionKind::Township),
        l => InstitutionKind::parse(l),
    };
    let mut problems = Vec::new();
    for (field, v) in [
        ("price_fen", b.price_fen),
        ("routine_minutes", b.routine_minutes),
        ("urgent_minutes", b.urgent_minutes),
    ] {
        if v.is_none() {
            problems.push(unprocessable(field, "required"));
        }
    }
    if lowest.is_none() {
        problems.push(unprocessable("lowest_level", "invalid_field"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let stored = Stored {
        code: item.code.to_string(),
        price_fen: b.price_fen.unwrap_or_default(),
        routine_minutes: b.routine_minutes.unwrap_or_default(),
        routine_working: b.routine_working_hours,
        urgent_minutes: b.urgent_minutes.unwrap_or_default(),
        urgent_working: b.urgent_working_hours,
        window_days: b.recognised_days,
        lowest: lowest.unwrap_or(InstitutionKind::Township),
        needs_eqa: b.needs_eqa,
    };
    settings::check(&stored).map_err(|field| {
        let field = if field == "window_days" {
            "recognised_days"
        } else {
            field
        };
        unprocessable(field, "out_of_range")
    })?;
    let entry = user.audit_entry(
        "diagnostics.catalogue_update",
        "diag_item",
        None,
        true,
        item.code,
    );
    state
        .store
        .save_item_setting(state.community.id, &stored, &entry)
        .await?;
    let all = settings_of(state).await?;
    catalogue_of(user, &all)
        .into_iter()
        .find(|i| i.code == item.code)
        .ok_or_else(ApiError::internal)
}

/// Sets an item's price, service levels and recognition (the office).
#[utoipa::path(put, path = "/diagnostics/catalogue/{code}", params(("code" = String, Path)), request_body = ItemBody,
    responses((status = 200, body = ItemView), (status = 403), (status = 404), (status = 422)))]
pub async fn update_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    AppJson(b): AppJson<ItemBody>,
) -> ApiResult<Json<ItemView>> {
    Ok(Json(set_item(&state, &user, &code, &b).await?))
}
