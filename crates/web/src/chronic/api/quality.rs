//! The management quality of the chronic registers: managed, standardised and
//! controlled rates by team, clinic, doctor and month.

use super::{clinics, today};
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::chronic::STANDARD;
use yigong_domain::chronic::figures::{Enrolled, monthly_control};

/// Management figures of one group for one disease.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub id: Uuid,
    pub name: String,
    pub disease: String,
    pub managed: i64,
    pub standardised: i64,
    pub controlled: i64,
    /// standardised ÷ managed
    pub standardised_rate: Option<f64>,
    /// controlled ÷ managed
    pub control_rate: Option<f64>,
}

fn figures(
    id: Uuid,
    name: String,
    disease: String,
    managed: i64,
    standardised: i64,
    controlled: i64,
) -> Figures {
    let rate = |n: i64| (managed > 0).then(|| n as f64 / managed as f64);
    Figures {
        standardised_rate: rate(standardised),
        control_rate: rate(controlled),
        id,
        name,
        disease,
        managed,
        standardised,
        controlled,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Month {
    /// `YYYY-MM`
    pub month: String,
    pub disease: String,
    /// Patients under management at the month's end.
    pub managed: i64,
    /// Of them, those whose last visit of the year before was controlled.
    pub controlled: i64,
    pub control_rate: Option<f64>,
}

/// Quality figures over the last year: by disease, clinic, team and doctor, and by month.
#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    #[serde(serialize_with = "yigong_store::iso_date")]
    pub since: Date,
    pub totals: Vec<Figures>,
    pub by_clinic: Vec<Figures>,
    pub by_team: Vec<Figures>,
    pub by_doctor: Vec<Figures>,
    pub months: Vec<Month>,
}

#[derive(Debug, Default, Deserialize)]
pub struct QualityQuery {
    /// A township (with its villages) or a village; the office may ask for any, and gets
    /// the whole community without one.
    pub institution: Option<Uuid>,
}

/// The clinics a quality request covers, for this user: a township (or village) with
/// the clinics under it, or by default every grassroots clinic (the office) or the user's own.
fn quality_scope(
    user: &CurrentUser,
    all: &[yigong_store::institutions::Institution],
    institution: Option<Uuid>,
) -> ApiResult<Vec<Uuid>> {
    let office = user.role.sees_figures();
    let mine = if office { None } else { Some(clinics(user)?) };
    let allowed = |id: &Uuid| mine.as_ref().is_none_or(|m| m.contains(id));
    Ok(match institution {
        Some(id) if allowed(&id) => std::iter::once(id)
            .chain(all.iter().filter(|i| i.parent_id == Some(id)).map(|i| i.id))
            .filter(allowed)
            .collect(),
        Some(_) => return Err(ApiError::not_found()),
        None => match mine {
            Some(m) => m,
            None => all
                .iter()
                .filter(|i| i.kind == "township" || i.kind == "village")
                .map(|i| i.id)
                .collect(),
        },
    })
}

pub async fn quality_for(
    state: &AppState,
    user: &CurrentUser,
    q: &QualityQuery,
) -> ApiResult<Quality> {
    let c = state.community.id;
    let institutions = state.store.list_institutions(c).await?;
    let clinics = quality_scope(user, &institutions, q.institution)?;
    let today = today();
    let since = today - Duration::days(365);
    let needed = i64::from(STANDARD.visits_per_year);
    let rows = state
        .store
        .chronic_quality(c, &clinics, since, needed)
        .await?;
    let names: std::collections::HashMap<Uuid, String> =
        institutions.into_iter().map(|i| (i.id, i.name)).collect();
    let doctor_ids: Vec<Uuid> = {
        let mut v: Vec<Uuid> = rows.iter().filter_map(|r| r.doctor).collect();
        v.sort();
        v.dedup();
        v
    };
    let doctors: std::collections::HashMap<Uuid, String> = state
        .store
        .staff_names(c, &doctor_ids)
        .await?
        .into_iter()
        .collect();
    let teams = state.store.teams_covering(c, &clinics).await?;
    // Sums of the rows by a grouping key (id and name).
    let sum_by = |key: &dyn Fn(&yigong_store::chronic::QualityRow) -> Option<(Uuid, String)>| {
        let mut acc: std::collections::BTreeMap<(String, Uuid, String), (i64, i64, i64)> =
            Default::default();
        for r in &rows {
            if let Some((id, name)) = key(r) {
                let e = acc.entry((name, id, r.disease.clone())).or_default();
                e.0 += r.managed;
                e.1 += r.standardised;
                e.2 += r.controlled;
            }
        }
        acc.into_iter()
            .map(|((name, id, disease), (m, s, k))| figures(id, name, disease, m, s, k))
            .collect::<Vec<_>>()
    };
    let name_of = |map: &std::collections::HashMap<Uuid, String>, id: Uuid| {
        map.get(&id).cloned().unwrap_or_default()
    };
    let by_clinic = sum_by(&|r| Some((r.clinic, name_of(&names, r.clinic))));
    let by_doctor = sum_by(&|r| r.doctor.map(|d| (d, name_of(&doctors, d))));
    let by_team = sum_by(&|r| {
        teams
            .iter()
            .find(|t| t.2 == r.clinic)
            .map(|t| (t.0, t.1.clone()))
    });
    let totals = sum_by(&|_| Some((Uuid::nil(), String::new())));
    let bounds = month_starts(today, 12);
    let months = monthly_cached(state, &clinics, &bounds).await?;
    user.audit(
        state,
        "chronic.quality",
        "chronic_register",
        q.institution,
        true,
        "",
    )
    .await?;
    Ok(Quality {
        since,
        totals,
        by_clinic,
        by_team,
        by_doctor,
        months,
    })
}

/// The patients behind one clinic's figure (all managed, standardised or controlled for
/// one disease over the quality page's year), for those who may see its residents;
/// reach is checked before anything is read, and the list audited.
pub async fn figure_patients_for(
    state: &AppState,
    user: &CurrentUser,
    clinic: Uuid,
    disease: &str,
    counted: yigong_store::chronic::managed::Counted,
    page: yigong_store::PageRequest,
) -> ApiResult<yigong_store::Page<yigong_store::chronic::DueRow>> {
    let c = state.community.id;
    let sees = user.scope.allows(clinic);
    user.require_audited(
        state,
        sees,
        "chronic.patients",
        "chronic_register",
        Some(clinic),
    )
    .await?;
    let institutions = state.store.list_institutions(c).await?;
    quality_scope(user, &institutions, Some(clinic))?;
    if yigong_domain::chronic::Disease::parse(disease).is_none() {
        return Err(ApiError::field(
            axum::http::StatusCode::BAD_REQUEST,
            "disease",
            "invalid_field",
        ));
    }
    let figure = yigong_store::chronic::managed::FigureOf {
        institutions: &[clinic],
        disease,
        counted,
        since: today() - Duration::days(365),
        visits_needed: i64::from(STANDARD.visits_per_year),
    };
    let rows = state.store.figure_patients(c, &figure, page).await?;
    user.audit_list(state, "chronic.patients", "chronic_register", rows.total)
        .await?;
    Ok(rows)
}

#[utoipa::path(get, path = "/chronic/quality",
    params(("institution" = Option<Uuid>, Query, description = "A township (with its villages) or a village")),
    responses((status = 200, description = "Managed, standardised and controlled by disease, clinic, team, doctor and month"), (status = 404)))]
pub async fn quality(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<QualityQuery>,
) -> ApiResult<Json<Quality>> {
    Ok(Json(quality_for(&state, &user, &q).await?))
}

/// How long a clinic set's monthly figures are reused: counting them reads two years of
/// visits (about 85 ms for a township of a 100,000-resident county, where the rest of
/// the page takes 15 ms), and a month's figure moves little within a minute.
const MONTHS_FRESH: std::time::Duration = std::time::Duration::from_secs(60);

/// [`monthly`], reused for [`MONTHS_FRESH`] per clinic set and month (on this server).
async fn monthly_cached(
    state: &AppState,
    clinics: &[Uuid],
    bounds: &[Date],
) -> ApiResult<Vec<Month>> {
    let mut sorted = clinics.to_vec();
    sorted.sort();
    let key = format!(
        "chronic.months:{sorted:?}:{}",
        bounds.last().copied().unwrap_or(Date::MIN)
    );
    if let Some(months) = state.memo.get::<Vec<Month>>(&key, MONTHS_FRESH) {
        return Ok(months);
    }
    let months = monthly(state, clinics, bounds).await?;
    state.memo.put(key, months.clone(), MONTHS_FRESH);
    Ok(months)
}

/// The control figure at each month's end, counted by the domain from the registers and
/// the visits of the year before the first month through the last.
async fn monthly(state: &AppState, clinics: &[Uuid], bounds: &[Date]) -> ApiResult<Vec<Month>> {
    let (Some(first), Some(last)) = (bounds.first(), bounds.last()) else {
        return Ok(Vec::new());
    };
    let from = first.replace_year(first.year() - 1).unwrap_or(*first);
    let h = state
        .store
        .control_history(state.community.id, clinics, from, *last)
        .await?;
    let index: std::collections::HashMap<Uuid, usize> = h
        .registers
        .iter()
        .enumerate()
        .map(|(i, r)| (r.0, i))
        .collect();
    let mut visits = vec![Vec::new(); h.registers.len()];
    for (register, on, controlled) in h.visits {
        if let Some(i) = index.get(&register) {
            visits[*i].push((on, controlled));
        }
    }
    let registers: Vec<Enrolled> = h
        .registers
        .iter()
        .map(|r| Enrolled {
            disease: &r.1,
            enrolled_on: r.2,
        })
        .collect();
    Ok(monthly_control(&registers, &mut visits, bounds)
        .into_iter()
        .map(|m| Month {
            month: bounds
                .get(m.month)
                .map(|d| format!("{}-{:02}", d.year(), d.month() as u8))
                .unwrap_or_default(),
            control_rate: (m.managed > 0).then(|| m.controlled as f64 / m.managed as f64),
            disease: m.disease,
            managed: m.managed,
            controlled: m.controlled,
        })
        .collect())
}

/// The first days of the `n` months ending with `today`'s, and of the month after: the
/// `n + 1` bounds of those months.
pub fn month_starts(today: Date, n: u32) -> Vec<Date> {
    let index = today.year() * 12 + i32::from(today.month() as u8) - 1;
    (index - n as i32 + 1..=index + 1)
        .filter_map(|k| {
            let month = time::Month::try_from((k.rem_euclid(12) + 1) as u8).ok()?;
            Date::from_calendar_date(k.div_euclid(12), month, 1).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_have_thirteen_bounds_across_the_new_year() {
        let b = month_starts(time::macros::date!(2026 - 01 - 20), 12);
        assert_eq!(b.len(), 13);
        assert_eq!(b[0], time::macros::date!(2025 - 02 - 01));
        assert_eq!(b[11], time::macros::date!(2026 - 01 - 01));
        assert_eq!(b[12], time::macros::date!(2026 - 02 - 01));
    }
}
