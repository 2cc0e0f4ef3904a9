//! The ECG figures page for a period and an area: turnaround by urgency and reader, each
//! sending clinic in township order (its studies a link to them, slow turnaround
//! marked), the critical reports still unacknowledged, and the table as an export.

use crate::ecg::api;
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::figures::{FigureParams, Filters, Scope, township_order};
use crate::ui::list::count;
use crate::ui::{Chrome, OrUi, UiResult, UiUser, duration_text, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use yigong_domain::ids::StudyId;
use yigong_store::institutions::Institution;

/// A sender's median above this many minutes, over at least five reports, is marked.
const SLOW_MINUTES: f64 = 30.0;

struct Bar {
    label: &'static str,
    minutes: String,
    width: f64,
    count: usize,
}

struct Escalation {
    id: StudyId,
    resident_name: String,
    from_name: String,
    since: String,
    overdue: bool,
}

/// A sending institution's line: its studies (a link to them), reported, median minutes.
struct SenderRow {
    name: String,
    depth: usize,
    uploaded: String,
    /// The studies behind the count, for those who may open the whole list.
    href: Option<String>,
    reported: String,
    median: String,
    slow: bool,
}

#[derive(Template)]
#[template(path = "ecg/stats.html")]
struct StatsPage {
    chrome: Chrome,
    filters: Filters,
    within: String,
    bars: Vec<Bar>,
    readers: Vec<(String, String, String, bool)>,
    senders: Vec<SenderRow>,
    escalations: Vec<Escalation>,
}

fn minutes(m: Option<f64>) -> String {
    m.map_or_else(|| "—".to_string(), |m| format!("{m:.0}"))
}

fn slow(g: &api::stats::Group) -> bool {
    g.reported >= 5 && g.median_minutes.is_some_and(|m| m > SLOW_MINUTES)
}

async fn figures(
    state: &AppState,
    user: &crate::http::auth::CurrentUser,
    p: &FigureParams,
) -> UiResult<(Scope, Vec<Institution>, api::stats::EcgStats)> {
    let lang = user.lang;
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    let scope = Scope::of(p, &institutions, "month").ui(lang)?;
    let s = api::stats_for(
        state,
        user,
        (scope.start(), scope.end()),
        scope.members.as_deref(),
    )
    .await
    .ui(lang)?;
    Ok((scope, institutions, s))
}

/// Every sending institution in the area, in township order, with its figures.
fn sender_rows(
    links: bool,
    s: &api::stats::EcgStats,
    scope: &Scope,
    institutions: &[Institution],
) -> Vec<SenderRow> {
    township_order(institutions)
        .into_iter()
        .filter(|(i, _)| scope.covers(i.id))
        .map(|(i, depth)| {
            let g = s.by_sender_id.iter().find(|g| g.name == i.id.to_string());
            let mut extra = vec![
                ("view", "all".to_string()),
                ("institution", i.id.to_string()),
            ];
            extra.extend(scope.list_days());
            let q: Vec<String> = extra
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::ui::encode(v)))
                .collect();
            SenderRow {
                name: i.name.clone(),
                depth,
                uploaded: count(g.map_or(0, |g| g.count as i64)),
                href: links.then(|| format!("/ecg?{}", q.join("&"))),
                reported: count(g.map_or(0, |g| g.reported as i64)),
                median: minutes(g.and_then(|g| g.median_minutes)),
                slow: g.is_some_and(slow),
            }
        })
        .collect()
}

pub(super) async fn stats(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, institutions, s) = figures(&state, &user, &p).await?;
    let longest = s
        .by_urgency
        .iter()
        .filter_map(|g| g.median_minutes)
        .fold(1.0, f64::max);
    let now = OffsetDateTime::now_utc();
    let page = StatsPage {
        chrome: Chrome::for_user(&user, "ecg"),
        filters: Filters::new(lang, "/ecg/stats", &scope, &institutions),
        within: s
            .urgent_within_10
            .map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0)),
        bars: s
            .by_urgency
            .iter()
            .map(|g| Bar {
                label: lang.t(&format!("ecg.urgency.{}", g.name)),
                minutes: minutes(g.median_minutes),
                width: g.median_minutes.unwrap_or(0.0) / longest * 100.0,
                count: g.count,
            })
            .collect(),
        readers: s
            .by_reader
            .iter()
            .map(|g| {
                let n = count(g.reported as i64);
                (g.name.clone(), n, minutes(g.median_minutes), slow(g))
            })
            .collect(),
        senders: sender_rows(
            matches!(user.ecg, yigong_domain::ecg::EcgScope::All),
            &s,
            &scope,
            &institutions,
        ),
        escalations: s
            .unacknowledged
            .into_iter()
            .map(|v| {
                let waited = v
                    .study
                    .reported_at
                    .map_or(0, |at| (now - at).whole_minutes().max(0));
                Escalation {
                    id: v.study.id,
                    resident_name: v.study.resident_name,
                    from_name: v.study.from_institution_name,
                    since: duration_text(lang, waited),
                    overdue: waited > 15,
                }
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

/// The senders' table, as an Excel file named by period and area.
pub(super) async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, institutions, s) = figures(&state, &user, &p).await?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("ecg.from"),
        t("ecg.uploaded_count"),
        t("ecg.reported_count"),
        t("ecg.median_minutes"),
    ];
    let table: Vec<Vec<Cell>> = township_order(&institutions)
        .into_iter()
        .filter(|(i, _)| scope.covers(i.id))
        .map(|(i, _)| {
            let g = s.by_sender_id.iter().find(|g| g.name == i.id.to_string());
            vec![
                i.name.clone().into(),
                g.map_or(0, |g| g.count as i64).into(),
                g.map_or(0, |g| g.reported as i64).into(),
                minutes(g.and_then(|g| g.median_minutes)).into(),
            ]
        })
        .collect();
    let title = t("ecg.stats");
    let words = scope.words(lang);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    export::respond(lang, title, &headers, &table, &words)
}
