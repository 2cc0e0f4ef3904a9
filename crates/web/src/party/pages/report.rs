//! The party committee's monthly or yearly report, as a printable page and as Excel with
//! the same rows: the organisation as seed 000 counts it, the period's organisational
//! life, development, dues, and each first-secretary site's fund, tasks and evaluation.
//! The committee and the bureau read it; anyone else is told there is nothing.

use super::{hospital_counts, staff_of};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::party::api::{self as api, Structure};
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::todo::{count_text, percent_text};
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use time::{Date, Month};
use yigong_domain::clock;
use yigong_domain::party::fund::yuan_text;
use yigong_domain::party::org::FullTimeRule;
use yigong_domain::party::work::WorkStatus;

pub fn router() -> Router<AppState> {
    Router::new().route("/party/report", get(page))
}

#[derive(Debug, Default, Deserialize)]
struct ReportQuery {
    /// `2026-11` for a month, `2026` for a year; this month when absent.
    #[serde(default)]
    period: String,
    /// `xlsx` for the workbook.
    #[serde(default)]
    format: String,
}

/// The first and last day of a period as typed.
fn period_days(text: &str) -> Option<(Date, Date)> {
    let today = clock::today();
    let t = text.trim();
    let (year, month) = match t.len() {
        0 => (today.year(), Some(today.month() as u8)),
        4 => (t.parse().ok()?, None),
        7 => (t[..4].parse().ok()?, Some(t.get(5..)?.parse().ok()?)),
        _ => return None,
    };
    if !(2000..=2100).contains(&year) {
        return None;
    }
    match month {
        None => Some((
            Date::from_calendar_date(year, Month::January, 1).ok()?,
            Date::from_calendar_date(year, Month::December, 31).ok()?,
        )),
        Some(m) => {
            let month = Month::try_from(m).ok()?;
            let first = Date::from_calendar_date(year, month, 1).ok()?;
            Some((first, first.replace_day(month.length(year)).ok()?))
        }
    }
}

/// One line of the report: its section, what it counts, the figure.
type Line = (&'static str, String, Cell);

fn n(v: i64) -> Cell {
    Cell::Number(v as f64)
}

/// The organisation's lines: each hospital's branches, members and full-time workers
/// against the 0.5 % rule, the township branches, and the two shares the seeds quote.
async fn organisation(state: &AppState, user: &CurrentUser, s: &Structure) -> ApiResult<Vec<Line>> {
    let t = |k: &str| user.lang.t(k);
    let sec = t("party.report.organisation");
    let mut lines = vec![(
        sec,
        t("party.committees").to_string(),
        n(s.committees as i64),
    )];
    let hospitals = hospital_counts(s);
    for h in &hospitals {
        let staff = staff_of(state, h.committee.institution_id).await?;
        let rule = FullTimeRule::of(staff as u32, h.workers as u32);
        let name = &h.committee.name;
        lines.push((
            sec,
            format!("{name} · {}", t("party.branches")),
            n(h.branches),
        ));
        lines.push((
            sec,
            format!("{name} · {}", t("party.members")),
            n(h.members),
        ));
        let workers = format!(
            "{} / {}",
            count_text(h.workers),
            count_text(i64::from(rule.required))
        );
        lines.push((
            sec,
            format!("{name} · {}", t("party.full_time_rule")),
            Cell::Text(workers),
        ));
    }
    let hospital = |b: &&yigong_store::party::PartyOrg| {
        hospitals
            .iter()
            .any(|h| h.committee.institution_id == b.institution_id)
    };
    let branches: Vec<_> = s
        .organizations
        .iter()
        .filter(|o| o.kind == "branch")
        .collect();
    let township: Vec<_> = branches.iter().filter(|b| !hospital(b)).collect();
    let own: Vec<_> = branches.iter().filter(|b| hospital(b)).collect();
    lines.push((
        sec,
        t("party.report.township_branches").into(),
        n(township.len() as i64),
    ));
    let township_members = township.iter().map(|b| b.members).sum();
    lines.push((
        sec,
        t("party.report.township_members").into(),
        n(township_members),
    ));
    let double = own.iter().filter(|b| b.double_leader).count() as i64;
    let shoulder = township.iter().filter(|b| b.secretary_is_director).count() as i64;
    lines.push((
        sec,
        t("party.double_leader").into(),
        Cell::Text(percent_text(double, own.len() as i64)),
    ));
    lines.push((
        sec,
        t("party.one_shoulder").into(),
        Cell::Text(percent_text(shoulder, township.len() as i64)),
    ));
    Ok(lines)
}

/// The star ratings of the period's year: how many branches earned each number of stars,
/// most first, and how many are not rated yet.
async fn star_lines(state: &AppState, user: &CurrentUser, year: i32) -> ApiResult<Vec<Line>> {
    let t = |k: &str| user.lang.t(k);
    let ratings = state
        .store
        .star_ratings(state.community.id, (None, Some(year)))
        .await?;
    let levels = crate::party::api::scale(state).await?.len();
    let most = ratings
        .iter()
        .map(|r| r.stars as usize)
        .max()
        .unwrap_or(0)
        .max(levels);
    let sec = t("party.stars");
    let mut lines: Vec<Line> = (0..=most)
        .rev()
        .map(|k| {
            let count = ratings.iter().filter(|r| r.stars as usize == k).count();
            let label = format!("{year} · {}", super::stars::star_text(k, most));
            (sec, label, n(count as i64))
        })
        .collect();
    let branches = state
        .store
        .party_orgs(state.community.id)
        .await?
        .iter()
        .filter(|o| o.kind == "branch")
        .count();
    lines.push((
        sec,
        format!("{year} · {}", t("party.unrated")),
        n((branches - ratings.len().min(branches)) as i64),
    ));
    Ok(lines)
}

/// The period's lines, then each site's.
async fn period_lines(
    state: &AppState,
    user: &CurrentUser,
    days: (Date, Date),
) -> ApiResult<Vec<Line>> {
    let t = |k: &str| user.lang.t(k);
    let c = state.community.id;
    let p = state.store.party_period(c, days).await?;
    let life = t("party.report.life");
    let mut lines = vec![
        (
            life,
            t("party.report.activities").to_string(),
            n(p.activities),
        ),
        (
            life,
            t("party.report.attendance").to_string(),
            Cell::Text(percent_text(p.present, p.attendance)),
        ),
        (life, t("party.report.points").to_string(), n(p.points)),
        (
            t("party.development"),
            t("party.report.steps").to_string(),
            n(p.steps),
        ),
        (
            t("party.dues"),
            t("party.report.dues_yuan").to_string(),
            Cell::Text(yuan_text(p.dues_fen)),
        ),
    ];
    let joint = t("party.joint");
    lines.push((
        joint,
        t("party.report.issues_raised").into(),
        n(p.issues_raised),
    ));
    lines.push((
        joint,
        t("party.report.issues_closed").into(),
        n(p.issues_closed),
    ));
    lines.extend(star_lines(state, user, days.1.year()).await?);
    let sec = t("party.sites");
    lines.push((
        sec,
        t("party.report.spent_yuan").into(),
        Cell::Text(yuan_text(p.spent_fen)),
    ));
    for site in state.store.sites(c, None).await? {
        let tasks = state.store.site_tasks(c, site.id).await?;
        let done = tasks
            .iter()
            .filter(|x| WorkStatus::parse(&x.status).is_some_and(WorkStatus::is_done))
            .count();
        let name = &site.name;
        lines.push((
            sec,
            format!("{name} · {}", t("party.tasks_done")),
            Cell::Text(format!("{done} / {}", tasks.len())),
        ));
        lines.push((
            sec,
            format!("{name} · {}", t("party.remaining")),
            Cell::Text(yuan_text(site.budget_fen - site.spent_fen)),
        ));
        if let Some(e) = state
            .store
            .evaluations(c, site.id)
            .await?
            .into_iter()
            .next()
        {
            let grade = t(&format!("party.grade.{}", e.grade));
            let text = format!("{} · {} · {grade}", e.quarter, e.total);
            lines.push((
                sec,
                format!("{name} · {}", t("party.evaluation")),
                Cell::Text(text),
            ));
        }
    }
    Ok(lines)
}

#[derive(Template)]
#[template(path = "party/report.html")]
struct ReportPage {
    chrome: Chrome,
    period: String,
    span: String,
    /// (section, item, figure as shown).
    lines: Vec<(&'static str, String, String)>,
    links: Vec<(String, &'static str)>,
}

fn shown(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Number(v) => count_text(*v as i64),
    }
}

async fn page(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<ReportQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    if !api::sees_all(&user) {
        user.audit(
            &state,
            "party.report_view",
            "party_org",
            None,
            false,
            "reach",
        )
        .await
        .ui(lang)?;
        return Err(UiError(ApiError::not_found(), lang));
    }
    let Some(days) = period_days(&q.period) else {
        let e = ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "period", "invalid_field");
        return Err(UiError(e, lang));
    };
    let s = api::structure_for(&state, &user).await.ui(lang)?;
    let mut lines = organisation(&state, &user, &s).await.ui(lang)?;
    lines.extend(period_lines(&state, &user, days).await.ui(lang)?);
    let period = if q.period.trim().is_empty() {
        days.0.to_string()[..7].to_string()
    } else {
        q.period.trim().to_string()
    };
    user.audit(
        &state,
        "party.report_view",
        "party_org",
        None,
        true,
        &period,
    )
    .await
    .ui(lang)?;
    let title = lang.t("party.report");
    if q.format == "xlsx" {
        let headers = [
            lang.t("party.report.section"),
            lang.t("party.report.item"),
            lang.t("party.report.figure"),
        ];
        let rows: Vec<Vec<Cell>> = lines
            .into_iter()
            .map(|(s, i, v)| vec![Cell::Text(s.to_string()), Cell::Text(i), v])
            .collect();
        return export::respond(lang, title, &headers, &rows, &[&period]);
    }
    let today = clock::today();
    let last_month = today
        .replace_day(1)
        .ok()
        .and_then(|d| d.previous_day())
        .unwrap_or(today);
    let page = ReportPage {
        chrome: Chrome::for_user(&user, "party"),
        span: format!("{} – {}", days.0, days.1),
        lines: lines
            .iter()
            .map(|(s, i, v)| (*s, i.clone(), shown(v)))
            .collect(),
        links: vec![
            (
                today.to_string()[..7].to_string(),
                "party.report.this_month",
            ),
            (
                last_month.to_string()[..7].to_string(),
                "party.report.last_month",
            ),
            (today.year().to_string(), "party.report.this_year"),
        ],
        period,
    };
    Ok(render(&page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_is_a_month_or_a_year() {
        assert_eq!(
            period_days("2026-02"),
            Some((date!(2026 - 02 - 01), date!(2026 - 02 - 28)))
        );
        assert_eq!(
            period_days("2024-02"),
            Some((date!(2024 - 02 - 01), date!(2024 - 02 - 29)))
        );
        assert_eq!(
            period_days("2026"),
            Some((date!(2026 - 01 - 01), date!(2026 - 12 - 31)))
        );
        for bad in ["2026-13", "2026-1x", "26", "1999", "2026-00", "abcd"] {
            assert_eq!(period_days(bad), None, "{bad}");
        }
    }
}
