//! The referral figures page for a period and an area: totals, medians, the share within
//! target, the monthly chart, and each institution's referrals in township order with
//! links to the referrals behind each number, the low return rates marked, and an export.

use super::*;
use crate::referral::api::stats::{Flows, ReferralStats, within};
use crate::ui::figures::{FigureParams, Filters, Scope, low, township_order};
use crate::ui::list::count;
use yigong_domain::ids::ReferralId;

#[derive(Template)]
#[template(path = "referral/stats.html")]
struct StatsPage {
    chrome: Chrome,
    filters: Filters,
    up: String,
    down: String,
    median_acceptance: String,
    median_door: String,
    share_within: String,
    chart: String,
    rows: Vec<FlowRow>,
    return_help: String,
    attention: Vec<(ReferralId, String)>,
}

/// One institution's line: its name, four counts with their drill-down links, the
/// return rate, and whether it is low.
struct FlowRow {
    name: String,
    depth: usize,
    /// Each count, and the referrals behind it for those who may open the whole list.
    cells: Vec<(String, Option<String>)>,
    rate: String,
    low: bool,
}

use crate::ui::todo::share_text as percent;

/// The community's return rate: down referrals per up referral.
fn community_rate(s: &ReferralStats) -> Option<f64> {
    (s.total.up > 0).then(|| s.total.down as f64 / s.total.up as f64)
}

/// Rows for every institution in the area, in township order. Low: a return rate under
/// half the community's with at least five patients sent or received up.
fn flow_rows(
    links: bool,
    s: &ReferralStats,
    scope: &Scope,
    institutions: &[yigong_store::institutions::Institution],
) -> Vec<FlowRow> {
    let benchmark = community_rate(s).map_or(0.0, |r| r / 2.0);
    township_order(institutions)
        .into_iter()
        .filter(|(i, _)| scope.covers(i.id))
        .map(|(i, depth)| {
            let f = s.flows.get(&i.id).copied().unwrap_or_default();
            let id = i.id.to_string();
            let link = |direction: &str, side: &'static str| {
                let mut extra = vec![("view", "all".to_string()), ("direction", direction.into())];
                extra.extend(scope.list_days());
                extra.push((side, id.clone()));
                let q: Vec<String> = extra
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::ui::encode(v)))
                    .collect();
                links.then(|| format!("/referrals?{}", q.join("&")))
            };
            let Flows {
                up_sent,
                up_received,
                down_sent,
                down_received,
            } = f;
            FlowRow {
                name: i.name.clone(),
                depth,
                cells: vec![
                    (count(up_sent as i64), link("up", "from_institution")),
                    (count(up_received as i64), link("up", "to_institution")),
                    (count(down_sent as i64), link("down", "from_institution")),
                    (count(down_received as i64), link("down", "to_institution")),
                ],
                rate: percent(f.return_rate()),
                low: low(f.return_rate(), f.up(), benchmark, 5),
            }
        })
        .collect()
}

/// Stacked monthly bars (up and down) as inline SVG.
fn month_chart(lang: Lang, s: &crate::referral::api::stats::ReferralStats) -> String {
    let months: Vec<_> = s
        .by_month
        .iter()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let max = months
        .iter()
        .map(|(_, c)| c.up + c.down)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (w, h, pad) = (960.0, 260.0, 30.0);
    let bw = (w - 2.0 * pad) / months.len().max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        lang.t("referral.stats")
    );
    for (i, (month, c)) in months.iter().enumerate() {
        let x = pad + i as f64 * bw + 6.0;
        let up_h = c.up as f64 / max * (h - 2.0 * pad);
        let down_h = c.down as f64 / max * (h - 2.0 * pad);
        let base = h - pad;
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{up_h:.1}\" fill=\"#1f5fa8\"><title>{month} {} {}</title></rect>",
            base - up_h, bw - 12.0, lang.t("referral.direction.up"), c.up
        ));
        svg.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{down_h:.1}\" fill=\"#7fb3e6\"><title>{month} {} {}</title></rect>",
            base - up_h - down_h, bw - 12.0, lang.t("referral.direction.down"), c.down
        ));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>",
            x + (bw - 12.0) / 2.0,
            h - 10.0,
            &month[2..]
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{pad}\" y=\"16\" font-size=\"13\"><tspan fill=\"#1f5fa8\">■ {}</tspan> <tspan fill=\"#7fb3e6\">■ {}</tspan></text></svg>",
        lang.t("referral.direction.up"), lang.t("referral.direction.down")
    ));
    svg
}

async fn scope_of(
    state: &AppState,
    user: &CurrentUser,
    p: &FigureParams,
) -> UiResult<(Scope, Vec<yigong_store::institutions::Institution>)> {
    let lang = user.lang;
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    let scope = Scope::of(p, &institutions, "365").ui(lang)?;
    Ok((scope, institutions))
}

pub(crate) async fn stats(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, institutions) = scope_of(&state, &user, &p).await?;
    let s = within(&state, &user, &scope).await.ui(lang)?;
    // The stalled referrals name patients: the office's list, not the bureau's.
    let stalled = if user.role.edits_registry() {
        attention_for(&state, &user, &AttentionParams::default())
            .await
            .ui(lang)?
    } else {
        Vec::new()
    };
    let fmt = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |m| format!("{m:.1}"));
    let page = StatsPage {
        chrome: Chrome::for_user(&user, "referrals"),
        filters: Filters::new(lang, "/referrals/stats", &scope, &institutions),
        up: count(s.total.up as i64),
        down: count(s.total.down as i64),
        median_acceptance: fmt(s.median_minutes_to_acceptance),
        median_door: fmt(s.green_channel.median_contact_to_admission_minutes),
        share_within: percent(s.green_channel.share_within_target),
        chart: month_chart(lang, &s),
        rows: flow_rows(
            user.referrals == ReferralScope::All,
            &s,
            &scope,
            &institutions,
        ),
        return_help: lang.tr(
            "referral.return_help",
            &[("rate", &percent(community_rate(&s)))],
        ),
        attention: stalled
            .into_iter()
            .map(|r| {
                let text = format!(
                    "{} · {} · {} → {} · {}",
                    label(lang, "status", r.status),
                    r.resident_name,
                    r.from_name,
                    r.to_name,
                    local(r.created_at)
                );
                (r.id, text)
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

/// The institution table of the page, as an Excel file named after its period and area.
pub(crate) async fn stats_export(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, institutions) = scope_of(&state, &user, &p).await?;
    let s = within(&state, &user, &scope).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("figures.institution"),
        t("referral.up_sent"),
        t("referral.up_received"),
        t("referral.down_sent"),
        t("referral.down_received"),
        t("referral.return_rate"),
    ];
    let table: Vec<Vec<Cell>> = township_order(&institutions)
        .into_iter()
        .filter(|(i, _)| scope.covers(i.id))
        .map(|(i, _)| {
            let f = s.flows.get(&i.id).copied().unwrap_or_default();
            vec![
                i.name.clone().into(),
                (f.up_sent as i64).into(),
                (f.up_received as i64).into(),
                (f.down_sent as i64).into(),
                (f.down_received as i64).into(),
                percent(f.return_rate()).into(),
            ]
        })
        .collect();
    let title = t("referral.stats");
    let words = scope.words(lang);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    export::respond(lang, title, &headers, &table, &words)
}
