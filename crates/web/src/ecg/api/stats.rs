//! The ECG network's figures for the office: turnaround by urgency, reader and clinic,
//! and the critical reports not yet acknowledged.

use super::StudyView;
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use yigong_domain::ecg::{self as rules, Urgency};

/// Turnaround of one group of studies.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    pub count: usize,
    pub reported: usize,
    pub median_minutes: Option<f64>,
}

/// Upload-to-report times over the last `days` days, and the critical reports still
/// waiting for their sender's acknowledgement.
#[derive(Debug, Clone, Serialize)]
pub struct EcgStats {
    pub days: i64,
    pub by_urgency: Vec<Group>,
    pub by_reader: Vec<Group>,
    pub by_sender: Vec<Group>,
    /// The same, named by the sender's id, for the page's township-ordered table.
    #[serde(skip)]
    pub by_sender_id: Vec<Group>,
    /// Share (0–1) of critical and urgent studies reported within 10 minutes.
    pub urgent_within_10: Option<f64>,
    pub unacknowledged: Vec<StudyView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    pub days: Option<i64>,
}

fn groups(rows: &[(String, Option<f64>)]) -> Vec<Group> {
    let mut names: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    names.sort();
    names.dedup();
    let mut out: Vec<Group> = names
        .into_iter()
        .map(|name| {
            let t = rules::Turnaround::of(rows.iter().filter(|r| &r.0 == name).map(|r| r.1));
            Group {
                name: name.clone(),
                count: t.count,
                reported: t.reported,
                median_minutes: t.median_minutes,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    out
}

/// The turnaround figures for the office and the ECG centre; shared by the API and the page.
pub async fn stats_for(
    state: &AppState,
    user: &CurrentUser,
    (from, to): (OffsetDateTime, OffsetDateTime),
    senders: Option<&[uuid::Uuid]>,
) -> ApiResult<EcgStats> {
    // The ECG centre and the office see the figures and the critical reports waiting
    // for acknowledgement (which name patients); the bureau sees the figures only.
    let names_patients = matches!(user.ecg, rules::EcgScope::All | rules::EcgScope::Reader);
    let allowed = names_patients || user.role.sees_figures();
    user.require_audited(state, allowed, "ecg.stats", "ecg_study", None)
        .await?;
    let now = OffsetDateTime::now_utc();
    let days = (to - from).whole_days().max(1);
    let mut rows = state
        .store
        .study_timings(state.community.id, from, to)
        .await?;
    if let Some(keep) = senders {
        rows.retain(|r| keep.contains(&r.from_institution_id));
    }
    let minutes = |r: &yigong_store::ecg::Timing| {
        r.reported_at
            .map(|at| (at - r.created_at).as_seconds_f64() / 60.0)
    };
    let urgency_name = |rank: i32| Urgency::from_rank(rank).as_str().to_string();
    let mut by_urgency = groups(
        &rows
            .iter()
            .map(|r| (urgency_name(r.urgency_rank), minutes(r)))
            .collect::<Vec<_>>(),
    );
    by_urgency.sort_by_key(|g| {
        ["critical", "urgent", "routine"]
            .iter()
            .position(|u| *u == g.name)
    });
    let by_reader = groups(
        &rows
            .iter()
            .filter_map(|r| Some((r.reader_name.clone()?, minutes(r))))
            .collect::<Vec<_>>(),
    );
    let by_sender = groups(
        &rows
            .iter()
            .map(|r| (r.from_institution_name.clone(), minutes(r)))
            .collect::<Vec<_>>(),
    );
    let by_sender_id = groups(
        &rows
            .iter()
            .map(|r| (r.from_institution_id.to_string(), minutes(r)))
            .collect::<Vec<_>>(),
    );
    let urgent: Vec<&yigong_store::ecg::Timing> =
        rows.iter().filter(|r| r.urgency_rank < 2).collect();
    let urgent_within_10 = rules::share_within(
        &urgent.iter().map(|r| minutes(r)).collect::<Vec<_>>(),
        &urgent
            .iter()
            .map(|r| (now - r.created_at).as_seconds_f64() / 60.0)
            .collect::<Vec<_>>(),
        10.0,
    );
    let unacknowledged = if names_patients {
        let waiting = state.store.unacknowledged_criticals(state.community.id);
        waiting.await?.into_iter().map(StudyView::of).collect()
    } else {
        Vec::new()
    };
    user.audit_list(state, "ecg.stats", "ecg_study", unacknowledged.len() as i64)
        .await?;
    Ok(EcgStats {
        days,
        by_urgency,
        by_reader,
        by_sender,
        by_sender_id,
        urgent_within_10,
        unacknowledged,
    })
}

#[utoipa::path(get, path = "/ecg/stats", params(("days" = Option<i64>, Query)),
    responses((status = 200, description = "Turnaround by urgency, reader and clinic; unacknowledged critical reports"), (status = 403)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<StatsQuery>,
) -> ApiResult<Json<EcgStats>> {
    let to = OffsetDateTime::now_utc() + time::Duration::minutes(1);
    let from = to - time::Duration::days(q.days.unwrap_or(30).clamp(1, 366));
    Ok(Json(stats_for(&state, &user, (from, to), None).await?))
}
