//! The office's page of the centres' figures: recognition (results reused, money saved,
//! repeats with a reason, the rate) and service levels (medians by centre, item and
//! clinic as bars, the reports that missed their target).

use crate::diagnostics::api::{self as api, Median, OrderQuery, PeriodQuery};
use crate::http::auth::CurrentUser;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, UiResult, UiUser, duration_text, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use yigong_domain::diagnostics::order::Scope;
use yigong_domain::party::fund::yuan_text;

/// A bar of a median chart: label, width in per cent of the longest, text.
struct Bar {
    label: String,
    width: f64,
    text: String,
    breached: usize,
}

fn bars(lang: Lang, rows: &[Median], label: &dyn Fn(&str) -> String) -> Vec<Bar> {
    let longest = rows
        .iter()
        .map(|m| m.median_minutes)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    rows.iter()
        .map(|m| Bar {
            label: label(&m.key),
            width: 100.0 * m.median_minutes as f64 / longest,
            text: format!("{} · {}", duration_text(lang, m.median_minutes), m.reports),
            breached: m.breached,
        })
        .collect()
}

struct BreachRow {
    id: uuid::Uuid,
    item: &'static str,
    clinic: String,
    resident_name: String,
    took: String,
    target: String,
}

/// A critical result the ordering clinic has not acknowledged, escalated to the office;
/// overdue after 30 minutes.
struct Escalation {
    id: yigong_domain::ids::OrderId,
    resident_name: String,
    clinic: String,
    item: &'static str,
    since: String,
    overdue: bool,
}

/// The unacknowledged critical results, for the office (who may open the orders).
async fn escalations(state: &AppState, user: &CurrentUser) -> UiResult<Vec<Escalation>> {
    if user.diagnostics != Scope::All {
        return Ok(Vec::new());
    }
    let q = OrderQuery {
        unacknowledged: Some("1".into()),
        per_page: Some(50),
        ..OrderQuery::default()
    };
    let page = api::orders_for(state, user, &q).await.ui(user.lang)?;
    let now = time::OffsetDateTime::now_utc();
    Ok(page
        .items
        .iter()
        .map(|o| {
            let minutes = o.reported_at.map_or(0, |t| (now - t).whole_minutes());
            Escalation {
                id: o.id,
                resident_name: o.resident_name.clone(),
                clinic: o.from_institution_name.clone(),
                item: user.lang.t(&format!("diagnostics.item.{}", o.item_code)),
                since: duration_text(user.lang, minutes),
                overdue: minutes > 30,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "diagnostics/figures.html")]
struct FiguresPage {
    chrome: Chrome,
    escalations: Vec<Escalation>,
    office: bool,
    from: String,
    to: String,
    reused: i64,
    repeated: i64,
    saved: String,
    rate: String,
    /// (title, element id, bars) by centre, item and clinic.
    charts: Vec<(&'static str, &'static str, Vec<Bar>)>,
    breaches: Vec<BreachRow>,
}

pub(super) async fn figures(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<PeriodQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let f = api::figures_for(&state, &user, &q).await.ui(lang)?;
    let item = |k: &str| lang.t(&format!("diagnostics.item.{k}")).to_string();
    let page = FiguresPage {
        chrome: Chrome::for_user(&user, "diagnostics"),
        escalations: escalations(&state, &user).await?,
        office: user.diagnostics == Scope::All,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        reused: f.recognition.reused,
        repeated: f.recognition.repeated,
        saved: yuan_text(f.recognition.saved_fen),
        rate: f
            .recognition_rate
            .map_or_else(|| "—".into(), |r| format!("{r:.1} %")),
        charts: vec![
            (
                "diagnostics.median_by_centre",
                "by-centre",
                bars(lang, &f.by_centre, &|k| {
                    lang.t(&format!("diagnostics.centre.{k}")).to_string()
                }),
            ),
            (
                "diagnostics.median_by_item",
                "by-item",
                bars(lang, &f.by_item, &item),
            ),
            (
                "diagnostics.median_by_clinic",
                "by-clinic",
                bars(lang, &f.by_clinic, &|k| k.to_string()),
            ),
        ],
        breaches: f
            .breaches
            .iter()
            .take(200)
            .map(|b| BreachRow {
                id: b.id,
                item: lang.t(&format!("diagnostics.item.{}", b.item_code)),
                clinic: b.clinic.clone(),
                resident_name: b.resident_name.clone(),
                took: duration_text(lang, b.minutes),
                target: duration_text(lang, b.target_minutes),
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}
