//! The referral figures page: medians, the share within target and the monthly chart.

use super::*;
use yigong_domain::ids::ReferralId;

#[derive(Template)]
#[template(path = "referral/stats.html")]
struct StatsPage {
    chrome: Chrome,
    s: crate::referral::api::stats::ReferralStats,
    median_acceptance: String,
    median_door: String,
    share_within: String,
    chart: String,
    attention: Vec<(ReferralId, String)>,
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

pub(crate) async fn stats(
    State(state): State<AppState>,
    UiUser(user): UiUser,
) -> UiResult<Response> {
    let lang = user.lang;
    let s = stats_for(&state, &user, 365).await.ui(lang)?;
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
        median_acceptance: fmt(s.median_minutes_to_acceptance),
        median_door: fmt(s.green_channel.median_contact_to_admission_minutes),
        share_within: s
            .green_channel
            .share_within_target
            .map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0)),
        chart: month_chart(lang, &s),
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
        s,
    };
    Ok(render(&page).into_response())
}
