//! The ECG network's home cards: a sending clinic's unacknowledged critical reports and
//! new reports, the reader's waiting and critical studies, the office's unacknowledged
//! critical reports; the median turnaround among the headline figures.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use crate::ui::duration_text;
use crate::ui::todo::{Card, CardsFuture, Tone};
use time::{Duration, OffsetDateTime};
use yigong_domain::access::Role;
use yigong_domain::ecg::{EcgScope, Turnaround};

pub fn cards<'a>(state: &'a AppState, user: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(cards_for(state, user))
}

async fn cards_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let c = state.community.id;
    let now = OffsetDateTime::now_utc();
    let mut out = Vec::new();
    match &user.ecg {
        EcgScope::Senders(ids) => {
            let critical = state
                .store
                .unacknowledged_criticals(c)
                .await?
                .iter()
                .filter(|s| ids.contains(&s.from_institution_id))
                .count();
            out.push(Card::count(
                "home.todo.ecg_critical",
                critical as i64,
                "/ecg",
                Tone::Alert,
            ));
            let reports = state
                .store
                .reports_since(c, ids, now - Duration::days(7))
                .await?;
            out.push(Card::count(
                "home.todo.ecg_reports",
                reports,
                "/ecg",
                Tone::Due,
            ));
        }
        EcgScope::Reader => {
            let (open, critical) = state.store.open_study_counts(c).await?;
            out.push(Card::count(
                "home.todo.ecg_waiting_critical",
                critical,
                "/ecg",
                Tone::Alert,
            ));
            out.push(Card::count(
                "home.todo.ecg_waiting",
                open,
                "/ecg",
                Tone::Due,
            ));
        }
        EcgScope::All if user.role == Role::Manager => {
            let critical = state.store.unacknowledged_criticals(c).await?.len();
            out.push(Card::count(
                "home.todo.ecg_unacknowledged",
                critical as i64,
                "/ecg/stats",
                Tone::Alert,
            ));
        }
        _ => {}
    }
    if user.role.reads_headlines() {
        let rows = state
            .store
            .study_timings(c, now - Duration::days(30), now + Duration::minutes(1))
            .await?;
        let t = Turnaround::of(rows.iter().map(|r| {
            r.reported_at
                .map(|at| (at - r.created_at).as_seconds_f64() / 60.0)
        }));
        let value = t.median_minutes.map_or_else(
            || "—".to_string(),
            |m| duration_text(user.lang, m.round() as i64),
        );
        out.push(Card::figure(
            "home.figure.ecg_turnaround",
            value,
            "/ecg/stats",
        ));
    }
    Ok(out)
}
