//! Referral's home cards: down-referrals coming to a grassroots clinic, the specialist's
//! incoming referrals and emergencies, the office's stalled referrals; this month's
//! referrals and the green channel's timeliness among the headline figures.

use super::api::stats::between;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::todo::{Card, CardsFuture, Tone, count_text, percent_text};
use time::{Duration, OffsetDateTime};
use yigong_domain::access::Role;
use yigong_domain::referral::{Direction, Status, Urgency};
use yigong_store::PageRequest;
use yigong_store::referrals::ReferralFilter;

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(cards_for(state, user))
}

async fn cards_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let count = |filter: ReferralFilter| async move {
        let one = PageRequest::new(Some(1), Some(1));
        state
            .store
            .list_referrals(state.community.id, &user.referrals, &filter, one)
            .await
            .map(|p| p.total)
    };
    let waiting = ReferralFilter {
        incoming_to: Some(user.institution_id),
        statuses: vec![Status::Requested],
        ..Default::default()
    };
    let mut out = Vec::new();
    match user.role {
        Role::VillageDoctor | Role::TownshipDoctor => {
            let down = ReferralFilter {
                direction: Some(Direction::Down),
                ..waiting
            };
            out.push(Card::count(
                "home.todo.referrals_down",
                count(down).await?,
                "/referrals?view=incoming&direction=down",
                Tone::Due,
            ));
        }
        Role::Specialist => {
            let mine = ReferralFilter {
                incoming_department: user.department_id,
                ..waiting
            };
            let emergencies = ReferralFilter {
                urgency: Some(Urgency::Emergency),
                ..mine.clone()
            };
            out.push(Card::count(
                "home.todo.referrals_emergency",
                count(emergencies).await?,
                "/referrals?view=incoming&urgency=emergency",
                Tone::Alert,
            ));
            out.push(Card::count(
                "home.todo.referrals_incoming",
                count(mine).await?,
                "/referrals?view=incoming",
                Tone::Due,
            ));
        }
        _ => {}
    }
    if user.role == Role::Manager {
        let now = OffsetDateTime::now_utc();
        let stalled = state
            .store
            .stalled_referrals(
                state.community.id,
                now - Duration::hours(24),
                now - Duration::days(14),
                1000,
            )
            .await?;
        out.push(Card::count(
            "home.todo.referrals_stalled",
            stalled.len() as i64,
            "/referrals/stats",
            Tone::Alert,
        ));
    }
    if user.role.reads_headlines() {
        out.extend(headlines(state, user.lang).await?);
    }
    Ok(out)
}

/// Referrals up and down since the first of this month (China time), and the share of
/// green-channel admissions within their target over the last 30 days.
async fn headlines(state: &AppState, lang: Lang) -> ApiResult<Vec<Card>> {
    let now = OffsetDateTime::now_utc() + Duration::minutes(1);
    let today = yigong_domain::clock::today();
    let month_start = yigong_domain::clock::start_of(today.replace_day(1).unwrap_or(today));
    let month = between(state, month_start, now).await?;
    let recent = between(state, now - Duration::days(30), now).await?;
    let up_down = lang.tr(
        "home.figure.up_down",
        &[
            ("up", &count_text(month.total.up as i64)),
            ("down", &count_text(month.total.down as i64)),
        ],
    );
    let green = &recent.green_channel;
    Ok(vec![
        Card::figure("home.figure.referrals_month", up_down, "/referrals/stats"),
        Card::figure(
            "home.figure.green_within_target",
            percent_text(green.within_target as i64, green.admitted as i64),
            "/referrals/stats",
        ),
    ])
}
