//! Teleconsultation counts for the office and the bureau: by expert, clinic and month,
//! and how many were surgical (seed 000 reports both).

use super::{ConsultQuery, consult_day as day};
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use time::Duration;
use yigong_domain::clock::start_of;
use yigong_domain::diagnostics::consult::{Kind, Status};
use yigong_store::diagnostics::ConsultRow;

/// The counts of a period: by expert, clinic and month, and how many were surgical.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConsultCounts {
    pub total: usize,
    pub surgical: usize,
    pub by_expert: Vec<Count>,
    pub by_clinic: Vec<Count>,
    pub by_month: Vec<Count>,
}

/// How many under one key (an expert, a clinic, a month `YYYY-MM`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub count: usize,
}

/// The counts of consultations requested in a period (the office and the bureau); not
/// cancelled ones.
pub async fn counts_for(
    state: &AppState,
    user: &CurrentUser,
    q: &ConsultQuery,
) -> ApiResult<ConsultCounts> {
    if !user.role.sees_figures() {
        user.audit(
            state,
            "consult.counts",
            "teleconsultation",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let to = day(&q.to, "to")?.unwrap_or_else(yigong_domain::clock::today);
    let from = day(&q.from, "from")?.unwrap_or(to - Duration::days(364));
    let rows = state
        .store
        .consult_rows(
            state.community.id,
            (start_of(from), start_of(to.next_day().unwrap_or(to))),
        )
        .await?;
    let rows: Vec<ConsultRow> = rows
        .into_iter()
        .filter(|r| r.status != Status::Cancelled)
        .collect();
    let count = |key: &dyn Fn(&ConsultRow) -> String| {
        let mut m = std::collections::BTreeMap::<String, usize>::new();
        for r in &rows {
            *m.entry(key(r)).or_default() += 1;
        }
        let mut v: Vec<Count> = m
            .into_iter()
            .map(|(key, count)| Count { key, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        v
    };
    let mut by_month = count(&|r| {
        let d = yigong_domain::clock::local_date(r.created_at);
        format!("{}-{:02}", d.year(), u8::from(d.month()))
    });
    by_month.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(ConsultCounts {
        total: rows.len(),
        surgical: rows.iter().filter(|r| r.kind == Kind::Surgical).count(),
        by_expert: count(&|r| r.expert.clone().unwrap_or_default())
            .into_iter()
            .filter(|c| !c.key.is_empty())
            .collect(),
        by_clinic: count(&|r| r.clinic.clone()),
        by_month,
    })
}

/// Counts of teleconsultations by expert, clinic and month.
#[utoipa::path(get, path = "/teleconsultations/counts", params(ConsultQuery),
    responses((status = 200, body = ConsultCounts), (status = 400), (status = 403)))]
pub async fn consult_counts(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<ConsultQuery>,
) -> ApiResult<Json<ConsultCounts>> {
    Ok(Json(counts_for(&state, &user, &q).await?))
}
