//! First-secretary sites: the list with each fund's standing, and spending recorded
//! against a site's budget by its first secretary, refused whole when it would overspend.

use super::{SiteRight, sees_all};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::party::fund::{Fund, FundProblem, yuan_text};
use yigong_store::party::{NewSpending, Site, Spending};

/// A site as the API answers it: its fund in fen, with what remains.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteView {
    pub id: Uuid,
    pub name: String,
    pub institution_id: Uuid,
    pub sending_institution: String,
    pub secretary: String,
    #[schema(value_type = String)]
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub starts_on: time::Date,
    #[schema(value_type = String)]
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub ends_on: time::Date,
    pub budget_fen: i64,
    pub spent_fen: i64,
    pub remaining_fen: i64,
}

impl SiteView {
    fn of(s: Site) -> Self {
        SiteView {
            remaining_fen: s.budget_fen - s.spent_fen,
            id: s.id,
            name: s.name,
            institution_id: s.institution_id,
            sending_institution: s.sending_name,
            secretary: s.secretary_name,
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            budget_fen: s.budget_fen,
            spent_fen: s.spent_fen,
        }
    }
}

/// The sites the user reaches: all for the committee and the bureau, their own for a
/// first secretary, none (404, audited) for anyone else.
pub async fn sites_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<SiteView>> {
    let only = (!sees_all(user)).then_some(user.account_id);
    let sites = state.store.sites(state.community.id, only).await?;
    if sites.is_empty() && only.is_some() {
        user.audit(state, "party.sites", "fs_site", None, false, "reach")
            .await?;
        return Err(ApiError::not_found());
    }
    user.audit_list(state, "party.sites", "fs_site", sites.len() as i64)
        .await?;
    Ok(sites.into_iter().map(SiteView::of).collect())
}

/// The first-secretary sites within the caller's reach.
#[utoipa::path(get, path = "/first-secretary/sites",
    responses((status = 200, body = [SiteView]), (status = 404, description = "No site in the caller's reach")))]
pub async fn list_sites(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<SiteView>>> {
    Ok(Json(sites_for(&state, &user).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SpendingBody {
    /// In fen (1 yuan = 100 fen), more than nothing.
    pub amount_fen: i64,
    /// What it paid for (equipment, training, construction, …).
    pub category: String,
    /// `YYYY-MM-DD`.
    pub spent_on: String,
    #[serde(default)]
    pub note: String,
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Records a spending of a site by its own first secretary: every field checked, and
/// refused whole (`fund_overspent`, with what remains) when the budget cannot cover it.
pub async fn spend(
    state: &AppState,
    user: &CurrentUser,
    site: Uuid,
    b: &SpendingBody,
) -> ApiResult<Spending> {
    let c = state.community.id;
    let found = super::site_for(state, user, site, (SiteRight::Report, "party.spending")).await?;
    let mut problems = Vec::new();
    let category = super::required_text(&mut problems, "category", &b.category, 40);
    if b.note.chars().count() > 500 {
        problems.push(unprocessable("note", "too_long"));
    }
    let spent_on = crate::ui::list::date(Some(&b.spent_on));
    if spent_on.is_none() {
        problems.push(unprocessable("spent_on", "date_invalid"));
    }
    let fund = Fund {
        budget_fen: found.budget_fen,
        spent_fen: found.spent_fen,
    };
    if let Err(p) = fund.spend(b.amount_fen) {
        let e = unprocessable("amount_fen", p.code());
        problems.push(match p {
            FundProblem::Overspent(left) => e.with_detail(yuan_text(left)),
            FundProblem::NotPositive => e,
        });
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let new = NewSpending {
        amount_fen: b.amount_fen,
        category: category.to_string(),
        spent_on: spent_on.unwrap_or_else(yigong_domain::clock::today),
        note: b.note.trim().to_string(),
        recorded_by: Some(user.account_id),
    };
    let entry = user.audit_entry("party.spending", "fs_spending", None, true, &category);
    // The store checks the budget again in the write: a spending recorded meanwhile
    // cannot be overrun.
    let Some(id) = state.store.record_spending(c, site, &new, &entry).await? else {
        let now = state.store.get_site(c, site).await?;
        return Err(unprocessable("amount_fen", "fund_overspent")
            .with_detail(yuan_text(now.budget_fen - now.spent_fen)));
    };
    let ledger = state.store.site_spending(c, site).await?;
    ledger
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::internal)
}

/// Records a spending against a site's fund (its first secretary only).
#[utoipa::path(post, path = "/first-secretary/sites/{id}/spending", params(("id" = Uuid, Path)),
    request_body = SpendingBody,
    responses((status = 201, body = Object), (status = 404), (status = 422, description = "A field is wrong, or `fund_overspent`: the remaining budget is smaller")))]
pub async fn record_spending(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<SpendingBody>,
) -> ApiResult<(StatusCode, Json<Spending>)> {
    Ok((
        StatusCode::CREATED,
        Json(spend(&state, &user, id, &b).await?),
    ))
}
