//! The office's figures for the centres: recognition (results reused instead of repeated,
//! the money saved, the rate) and service levels (order-to-report medians by centre, item
//! and clinic on each item's clock, and the reports that missed their target).

use super::setting;
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};
use uuid::Uuid;
use yigong_domain::clock::{local, start_of, today};
use yigong_domain::diagnostics::catalogue::Urgency;
use yigong_domain::diagnostics::settings::Settings;
use yigong_domain::diagnostics::turnaround::{Target, elapsed};
use yigong_store::diagnostics::{Order, Recognition, Turnaround};

fn at(t: OffsetDateTime) -> PrimitiveDateTime {
    let l = local(t);
    PrimitiveDateTime::new(l.date(), l.time())
}

fn target_of(all: &[Settings], item: &str, urgency: Urgency) -> Option<Target> {
    setting(all, item).map(|s| s.target(urgency))
}

/// An order's minutes from order to report (or to now, while open) on its item's clock,
/// its target as the community sets it, and whether it missed it.
pub fn kept(o: &Order, all: &[Settings]) -> (i64, i64, bool) {
    let Some(t) = target_of(all, &o.item_code, o.urgency) else {
        return (0, 0, false);
    };
    let end = o.reported_at.unwrap_or_else(OffsetDateTime::now_utc);
    let took = elapsed(t, at(o.created_at), at(end));
    (took, t.minutes, took > t.minutes)
}

/// A median of minutes by some key.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Median {
    pub key: String,
    pub reports: usize,
    pub median_minutes: i64,
    pub breached: usize,
}

/// A report that missed its target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Breach {
    pub id: Uuid,
    pub item_code: String,
    pub clinic: String,
    pub resident_name: String,
    pub minutes: i64,
    pub target_minutes: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    #[schema(value_type = Object)]
    pub recognition: Recognition,
    /// Reused ÷ (reused + repeated), in per cent; none when neither happened.
    pub recognition_rate: Option<f64>,
    pub by_centre: Vec<Median>,
    pub by_item: Vec<Median>,
    pub by_clinic: Vec<Median>,
    pub breaches: Vec<Breach>,
}

/// The median of a non-empty list (the lower middle of an even one).
fn median(mut v: Vec<i64>) -> i64 {
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

fn medians(rows: &[(String, i64, bool)]) -> Vec<Median> {
    let mut by: BTreeMap<&str, (Vec<i64>, usize)> = BTreeMap::new();
    for (k, m, late) in rows {
        let e = by.entry(k.as_str()).or_default();
        e.0.push(*m);
        e.1 += usize::from(*late);
    }
    by.into_iter()
        .map(|(k, (v, breached))| Median {
            key: k.to_string(),
            reports: v.len(),
            median_minutes: median(v),
            breached,
        })
        .collect()
}

/// The figures of the reports made between two instants.
pub fn figures_of(rows: &[Turnaround], recognition: Recognition, all: &[Settings]) -> Figures {
    let mut measured = Vec::new();
    let mut breaches = Vec::new();
    for r in rows {
        let Some(t) = target_of(all, &r.item_code, r.urgency) else {
            continue;
        };
        let m = elapsed(t, at(r.created_at), at(r.reported_at));
        if m > t.minutes {
            breaches.push(Breach {
                id: r.id,
                item_code: r.item_code.clone(),
                clinic: r.from_institution_name.clone(),
                resident_name: r.resident_name.clone(),
                minutes: m,
                target_minutes: t.minutes,
            });
        }
        measured.push((r, m, m > t.minutes));
    }
    let by = |key: &dyn Fn(&Turnaround) -> String| {
        let rows: Vec<(String, i64, bool)> =
            measured.iter().map(|(r, m, l)| (key(r), *m, *l)).collect();
        medians(&rows)
    };
    let decided = recognition.reused + recognition.repeated;
    Figures {
        recognition_rate: (decided > 0).then(|| 100.0 * recognition.reused as f64 / decided as f64),
        recognition,
        by_centre: by(&|r| r.centre.as_str().to_string()),
        by_item: by(&|r| r.item_code.clone()),
        by_clinic: by(&|r| r.from_institution_name.clone()),
        breaches,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// From this day (YYYY-MM-DD); the default is 30 days ago.
    pub from: Option<String>,
    /// To this day, included; the default is today.
    pub to: Option<String>,
}

/// The figures of a period for the office (and the bureau).
pub async fn figures_for(
    state: &AppState,
    user: &CurrentUser,
    q: &PeriodQuery,
) -> ApiResult<Figures> {
    if !user.role.sees_figures() {
        user.audit(
            state,
            "diagnostics.figures",
            "diag_order",
            None,
            false,
            "role",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let day = |v: &Option<String>, field: &'static str, default: time::Date| match v
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(default),
        Some(s) => crate::ui::list::date(Some(s))
            .ok_or_else(|| ApiError::field(StatusCode::BAD_REQUEST, field, "date_invalid")),
    };
    let to = day(&q.to, "to", today())?;
    let from = day(&q.from, "from", to - Duration::days(29))?;
    let before = start_of(to.next_day().unwrap_or(to));
    let period = (start_of(from), before);
    let c = state.community.id;
    let rows = state.store.turnarounds(c, period).await?;
    let recognition = state.store.recognition(c, period).await?;
    user.audit_list(
        state,
        "diagnostics.figures",
        "diag_order",
        rows.len() as i64,
    )
    .await?;
    let mut f = figures_of(&rows, recognition, &super::settings_of(state).await?);
    // The list names patients: only for those who may open the orders (the office).
    if user.diagnostics != yigong_domain::diagnostics::order::Scope::All {
        f.breaches.clear();
    }
    Ok(f)
}

/// Recognition and turnaround figures of a period.
#[utoipa::path(get, path = "/diagnostics/figures", params(PeriodQuery),
    responses((status = 200, body = Figures), (status = 400), (status = 403)))]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PeriodQuery>,
) -> ApiResult<Json<Figures>> {
    Ok(Json(figures_for(&state, &user, &q).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_list_is_its_lower_middle() {
        assert_eq!(median(vec![40, 10, 30, 20]), 20);
        assert_eq!(median(vec![7]), 7);
        let rows = [
            ("ct".to_string(), 50, false),
            ("ct".to_string(), 70, true),
            ("xr".to_string(), 5, false),
        ];
        assert_eq!(
            medians(&rows),
            vec![
                Median {
                    key: "ct".into(),
                    reports: 2,
                    median_minutes: 50,
                    breached: 1
                },
                Median {
                    key: "xr".into(),
                    reports: 1,
                    median_minutes: 5,
                    breached: 0
                },
            ]
        );
    }
}
