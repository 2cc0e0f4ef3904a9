//! The audit log, readable: each action and record by name, the resident named and
//! linked, filters by period, action, user and outcome, pages of 50, and the rows the
//! filters select exported to Excel.

use crate::admin::api::audit::{self as audit_api, AuditParams};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use uuid::Uuid;
use yigong_store::audit::AuditEvent;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit))
        .route("/audit/export", get(export_xlsx))
}

/// The periods offered, in days.
const PERIODS: [i64; 4] = [1, 7, 30, 90];

/// What an action code is called (`resident.read` → 查看居民档案).
pub fn action_label(lang: Lang, code: &str) -> &'static str {
    named(lang, "audit.action", code)
}

/// What a kind of record is called (`ecg_study` → 心电检查).
pub fn entity_label(lang: Lang, code: &str) -> &'static str {
    named(lang, "audit.entity", code)
}

fn named(lang: Lang, prefix: &str, code: &str) -> &'static str {
    match lang.t(&format!("{prefix}.{code}")) {
        "?" => lang.t(&format!("{prefix}.other")),
        label => label,
    }
}

struct AuditRow {
    at: String,
    username: String,
    action: &'static str,
    entity: &'static str,
    /// The record's page, and the name it is linked by (a resident's name).
    link: Option<(String, String)>,
    denied: bool,
    ip: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    chrome: Chrome,
    username: String,
    outcome: String,
    action: String,
    days: i64,
    periods: Vec<(i64, &'static str)>,
    /// (code, label) of the actions the filter offers.
    actions: Vec<(String, &'static str)>,
    export_url: String,
    rows: Vec<AuditRow>,
    pager: Pager,
}

/// The filters as query pairs, for the pager and the export link.
fn filters(p: &AuditParams) -> Vec<(&'static str, String)> {
    vec![
        ("username", p.username.clone().unwrap_or_default()),
        ("outcome", p.outcome.clone().unwrap_or_default()),
        ("action", p.action.clone().unwrap_or_default()),
        ("days", p.days.map(|d| d.to_string()).unwrap_or_default()),
    ]
}

/// The page's rows: the names of the residents they touch are looked up once each.
async fn rows(state: &AppState, lang: Lang, events: Vec<AuditEvent>) -> Vec<AuditRow> {
    let mut names: Vec<(Uuid, String)> = Vec::new();
    for e in &events {
        if let (Some(id), "resident") = (e.entity_id, e.entity.as_str()) {
            if names.iter().any(|n| n.0 == id) {
                continue;
            }
            if let Ok(r) = state.store.get_resident(state.community.id, id).await {
                names.push((id, r.name));
            }
        }
    }
    let offset = yigong_domain::clock::CHINA;
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    events
        .into_iter()
        .map(|e| {
            let link = e.entity_id.and_then(|id| match e.entity.as_str() {
                "resident" => names
                    .iter()
                    .find(|n| n.0 == id)
                    .map(|n| (format!("/residents/{id}"), n.1.clone())),
                "referral" => Some((format!("/referrals/{id}"), lang.t("audit.open").into())),
                "ecg_study" => Some((format!("/ecg/{id}"), lang.t("audit.open").into())),
                "family_team" => Some((format!("/teams/{id}"), lang.t("audit.open").into())),
                _ => None,
            });
            AuditRow {
                at: e.at.to_offset(offset).format(&fmt).unwrap_or_default(),
                action: action_label(lang, &e.action),
                entity: entity_label(lang, &e.entity),
                link,
                denied: e.outcome == "denied",
                username: e.username,
                ip: e.ip,
                detail: detail_text(lang, &e.detail),
            }
        })
        .collect()
}

/// Label groups a detail's code may belong to, tried in order.
const DETAIL_LABELS: &[&str] = &[
    "audit.reason",
    "chronic.disease",
    "chronic.plan",
    "chronic.call",
    "referral.direction",
    "referral.urgency",
    "referral.outcome",
    "ecg.urgency",
    "family.end",
    "screening.condition",
];

/// An event's detail as words: a count of results, why it was refused, or the label of
/// the code it holds; anything else (an institution's code, a username) as it is.
fn detail_text(lang: Lang, detail: &str) -> String {
    if let Some(n) = detail.strip_prefix("results=") {
        return lang.tr("audit.results", &[("n", n)]);
    }
    DETAIL_LABELS
        .iter()
        .map(|group| format!("{group}.{detail}"))
        .find(|key| !detail.is_empty() && yigong_app::i18n::lookup(key).is_some())
        .map_or_else(|| detail.to_string(), |key| lang.t(&key).to_string())
}

/// The action codes the filter offers: every one with a label.
fn action_choices(lang: Lang) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = yigong_app::i18n::keys_under("audit.action.")
        .into_iter()
        .filter(|code| code != "other")
        .map(|code| {
            let label = action_label(lang, &code);
            (code, label)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(b.1));
    out
}

async fn audit(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<AuditParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let paging = yigong_store::PageRequest::new(p.page, p.per_page);
    let page = audit_api::search(&state, &user, &p, paging)
        .await
        .ui(lang)?;
    let pairs = filters(&p);
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let pager = Pager::new(
        lang,
        "/audit",
        &borrowed,
        (page.page, page.per_page, page.total),
    );
    let query = borrowed
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::ui::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let view = AuditPage {
        chrome: Chrome::for_user(&user, "audit"),
        username: p.username.clone().unwrap_or_default(),
        outcome: p.outcome.clone().unwrap_or_default(),
        action: p.action.clone().unwrap_or_default(),
        days: p.days.unwrap_or(0),
        periods: PERIODS
            .iter()
            .map(|d| (*d, lang.t(&format!("audit.days.{d}"))))
            .collect(),
        actions: action_choices(lang),
        export_url: format!("/audit/export?{query}"),
        rows: rows(&state, lang, page.items).await,
        pager,
    };
    Ok(render(&view).into_response())
}

/// The rows the filters select (up to the export's limit), as an Excel file.
async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<AuditParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let all = p;
    let page = audit_api::search(&state, &user, &all, yigong_store::PageRequest::export())
        .await
        .ui(lang)?;
    let headers = [
        lang.t("audit.at"),
        lang.t("audit.user"),
        lang.t("audit.action"),
        lang.t("audit.entity"),
        lang.t("audit.outcome"),
        lang.t("audit.ip"),
        lang.t("audit.detail"),
    ];
    let table: Vec<Vec<Cell>> = rows(&state, lang, page.items)
        .await
        .into_iter()
        .map(|r| {
            let outcome = if r.denied { "denied" } else { "allowed" };
            let entity = match r.link {
                Some((_, name)) if !name.is_empty() => format!("{} {name}", r.entity),
                _ => r.entity.to_string(),
            };
            vec![
                r.at.into(),
                r.username.into(),
                r.action.into(),
                entity.into(),
                lang.t(&format!("audit.outcome.{outcome}")).into(),
                r.ip.into(),
                r.detail.into(),
            ]
        })
        .collect();
    let outcome = all
        .outcome
        .as_deref()
        .filter(|o| matches!(*o, "allowed" | "denied"))
        .map_or("", |o| lang.t(&format!("audit.outcome.{o}")));
    let action = all.action.as_deref().map_or("", |a| action_label(lang, a));
    let days = all
        .days
        .filter(|d| PERIODS.contains(d))
        .map_or("", |d| lang.t(&format!("audit.days.{d}")));
    let user_name = all.username.clone().unwrap_or_default();
    export::respond(
        lang,
        lang.t("audit.title"),
        &headers,
        &table,
        &[outcome, action, days, &user_name],
    )
}

#[cfg(test)]
mod detail_tests {
    use super::*;

    #[test]
    fn details_read_as_words() {
        assert_eq!(detail_text(Lang::Zh, "results=12"), "12 条结果");
        assert_eq!(detail_text(Lang::En, "results=1"), "1 result(s)");
        assert_eq!(detail_text(Lang::Zh, "reach"), "不在其管辖范围内");
        assert_eq!(detail_text(Lang::Zh, "hypertension"), "高血压");
        assert_eq!(detail_text(Lang::En, "moved"), "Moved away");
        assert_eq!(detail_text(Lang::Zh, "T-001"), "T-001");
        assert_eq!(detail_text(Lang::Zh, ""), "");
    }
}
