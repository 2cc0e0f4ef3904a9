//! Referral counts (by month, institution, department), time to acceptance, green-channel
//! performance, and the "needs attention" list — all computed from the event rows.

use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::{Duration, OffsetDateTime};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::referral::{Milestone, Pathway, median};
use yigong_store::referrals::{Referral, ReferralFact};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(attention))
}

use yigong_domain::clock::CHINA;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Days back from now (default 365).
    pub days: Option<i64>,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub up: u64,
    pub down: u64,
}

/// The referrals an institution took part in, by side.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Flows {
    pub up_sent: u64,
    pub up_received: u64,
    pub down_sent: u64,
    pub down_received: u64,
}

impl Flows {
    /// The share of patients who went up that came back down: down referrals sent per
    /// up referral received for a hospital, received per sent for a clinic.
    pub fn return_rate(&self) -> Option<f64> {
        let (back, up) = if self.up_received >= self.up_sent {
            (self.down_sent, self.up_received)
        } else {
            (self.down_received, self.up_sent)
        };
        (up > 0).then(|| back as f64 / up as f64)
    }

    /// The cases the return rate rests on.
    pub fn up(&self) -> u64 {
        self.up_sent.max(self.up_received)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GreenChannelStats {
    pub cases: u64,
    pub admitted: u64,
    pub median_contact_to_admission_minutes: Option<f64>,
    pub within_target: u64,
    /// within_target / admitted
    pub share_within_target: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralStats {
    pub total: Counts,
    /// `YYYY-MM` (China time) → counts
    pub by_month: BTreeMap<String, Counts>,
    /// sending institution (up) or receiving institution (down) → counts
    pub by_institution: HashMap<Uuid, Counts>,
    /// receiving department of upward referrals → count
    pub by_department: HashMap<Uuid, u64>,
    pub median_minutes_to_acceptance: Option<f64>,
    pub green_channel: GreenChannelStats,
    /// institution → the referrals it sent and received, by direction
    pub flows: HashMap<Uuid, Flows>,
}

/// Folds event rows into the figures; pure, so it is tested directly.
pub fn compute(facts: &[ReferralFact], targets: &HashMap<String, i64>) -> ReferralStats {
    let mut by_ref: BTreeMap<Uuid, Vec<&ReferralFact>> = BTreeMap::new();
    for f in facts {
        by_ref.entry(f.referral_id).or_default().push(f);
    }
    let mut s = ReferralStats {
        total: Counts::default(),
        by_month: BTreeMap::new(),
        by_institution: HashMap::new(),
        by_department: HashMap::new(),
        median_minutes_to_acceptance: None,
        green_channel: GreenChannelStats {
            cases: 0,
            admitted: 0,
            median_contact_to_admission_minutes: None,
            within_target: 0,
            share_within_target: None,
        },
        flows: HashMap::new(),
    };
    let mut to_accept = Vec::new();
    let mut door = Vec::new();
    for events in by_ref.values() {
        let first = events[0];
        let up = first.direction == "up";
        let bump = |c: &mut Counts| if up { c.up += 1 } else { c.down += 1 };
        bump(&mut s.total);
        let local = first.created_at.to_offset(CHINA);
        bump(
            s.by_month
                .entry(format!(
                    "{:04}-{:02}",
                    local.year(),
                    u8::from(local.month())
                ))
                .or_default(),
        );
        let place = if up {
            first.from_institution_id
        } else {
            first.to_institution_id
        };
        bump(s.by_institution.entry(place).or_default());
        let sender = s.flows.entry(first.from_institution_id).or_default();
        if up {
            sender.up_sent += 1
        } else {
            sender.down_sent += 1
        }
        let receiver = s.flows.entry(first.to_institution_id).or_default();
        if up {
            receiver.up_received += 1
        } else {
            receiver.down_received += 1
        }
        if let (true, Some(d)) = (up, first.to_department_id) {
            *s.by_department.entry(d).or_default() += 1;
        }
        let status_at = |st: &str| {
            events
                .iter()
                .find(|e| e.kind == "status" && e.status_to.as_deref() == Some(st))
                .map(|e| e.at)
        };
        let milestone_at = |m: Milestone| {
            events
                .iter()
                .find(|e| e.milestone.as_deref() == Some(m.as_str()))
                .map(|e| e.at)
        };
        if let (Some(req), Some(acc)) = (status_at("requested"), status_at("accepted")) {
            to_accept.push((acc - req).as_seconds_f64() / 60.0);
        }
        if let Some(p) = first.pathway.as_deref().and_then(Pathway::parse) {
            s.green_channel.cases += 1;
            let start =
                milestone_at(Milestone::FirstContact).or(milestone_at(Milestone::ReferralSent));
            if let (Some(start), Some(adm)) = (start, milestone_at(Milestone::Admitted)) {
                let minutes = (adm - start).as_seconds_f64() / 60.0;
                s.green_channel.admitted += 1;
                let target = targets
                    .get(p.as_str())
                    .copied()
                    .unwrap_or(p.default_target_minutes());
                if minutes <= target as f64 {
                    s.green_channel.within_target += 1;
                }
                door.push(minutes);
            }
        }
    }
    s.median_minutes_to_acceptance = median(&mut to_accept).map(|m| (m * 10.0).round() / 10.0);
    s.green_channel.median_contact_to_admission_minutes =
        median(&mut door).map(|m| (m * 10.0).round() / 10.0);
    if s.green_channel.admitted > 0 {
        s.green_channel.share_within_target =
            Some(s.green_channel.within_target as f64 / s.green_channel.admitted as f64);
    }
    s
}

pub async fn stats_for(
    state: &AppState,
    user: &CurrentUser,
    days: i64,
) -> ApiResult<ReferralStats> {
    user.require(user.role.sees_figures())?;
    let to = OffsetDateTime::now_utc() + Duration::minutes(1);
    let from = to - Duration::days(days.clamp(1, 3660));
    between(state, from, to).await
}

/// The counts of the referrals created in `[from, to)`, against the community's
/// green-channel targets. No reach check: callers show figures only to whom they may.
pub async fn between(
    state: &AppState,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> ApiResult<ReferralStats> {
    let c = state.community.id;
    let facts = state.store.referral_facts(c, from, to).await?;
    Ok(compute(&facts, &targets(state).await?))
}

/// The community's green-channel targets by pathway.
async fn targets(state: &AppState) -> ApiResult<HashMap<String, i64>> {
    Ok(state
        .store
        .pathway_targets(state.community.id)
        .await?
        .into_iter()
        .map(|(p, m)| (p, i64::from(m)))
        .collect())
}

/// The counts of a figures page's period and area: referrals created in the period
/// with either party in the area.
pub async fn within(
    state: &AppState,
    user: &CurrentUser,
    scope: &crate::ui::figures::Scope,
) -> ApiResult<ReferralStats> {
    user.require(user.role.sees_figures())?;
    let c = state.community.id;
    let mut facts = state
        .store
        .referral_facts(c, scope.start(), scope.end())
        .await?;
    facts.retain(|f| scope.covers(f.from_institution_id) || scope.covers(f.to_institution_id));
    Ok(compute(&facts, &targets(state).await?))
}

/// Counts for the community office and the health bureau.
#[utoipa::path(get, path = "/referral-stats", params(StatsParams), responses((status = 200, body = ReferralStats), (status = 403)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<StatsParams>,
) -> ApiResult<Json<ReferralStats>> {
    Ok(Json(stats_for(&state, &user, p.days.unwrap_or(365)).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttentionParams {
    /// Not accepted within this many hours (default 24).
    pub accept_hours: Option<i64>,
    /// Arrived this many days ago with no outcome (default 14).
    pub outcome_days: Option<i64>,
}

pub async fn attention_for(
    state: &AppState,
    user: &CurrentUser,
    p: &AttentionParams,
) -> ApiResult<Vec<Referral>> {
    user.require_audited(
        state,
        user.role.edits_registry(),
        "referral.attention",
        "referral",
        None,
    )
    .await?;
    let now = OffsetDateTime::now_utc();
    let requested_before = now - Duration::hours(p.accept_hours.unwrap_or(24).clamp(1, 24 * 90));
    let arrived_before = now - Duration::days(p.outcome_days.unwrap_or(14).clamp(1, 365));
    let stalled = state
        .store
        .stalled_referrals(state.community.id, requested_before, arrived_before, 200)
        .await?;
    user.audit_list(
        state,
        "referral.attention",
        "referral",
        stalled.len() as i64,
    )
    .await?;
    Ok(stalled)
}

/// Stalled referrals: not accepted in time, or arrived long ago with no outcome.
#[utoipa::path(get, path = "/referral-attention", params(AttentionParams), responses((status = 200, body = [Object]), (status = 403)))]
pub async fn attention(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(p): AppQuery<AttentionParams>,
) -> ApiResult<Json<Vec<Referral>>> {
    Ok(Json(attention_for(&state, &user, &p).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(
        id: Uuid,
        direction: &str,
        pathway: Option<&str>,
        at_min: i64,
        kind: &str,
        status: Option<&str>,
        milestone: Option<&str>,
    ) -> ReferralFact {
        let base = OffsetDateTime::UNIX_EPOCH + Duration::days(20000);
        ReferralFact {
            referral_id: id,
            direction: direction.into(),
            urgency: "emergency".into(),
            pathway: pathway.map(Into::into),
            from_institution_id: id,
            to_institution_id: id,
            to_department_id: None,
            created_at: base,
            at: base + Duration::minutes(at_min),
            kind: kind.into(),
            status_to: status.map(Into::into),
            milestone: milestone.map(Into::into),
        }
    }

    #[test]
    fn figures_come_from_the_events() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let facts = vec![
            fact(
                a,
                "up",
                Some("chest_pain"),
                -10,
                "milestone",
                None,
                Some("first_contact"),
            ),
            fact(
                a,
                "up",
                Some("chest_pain"),
                0,
                "status",
                Some("requested"),
                None,
            ),
            fact(
                a,
                "up",
                Some("chest_pain"),
                4,
                "status",
                Some("accepted"),
                None,
            ),
            fact(
                a,
                "up",
                Some("chest_pain"),
                45,
                "milestone",
                None,
                Some("admitted"),
            ),
            fact(
                b,
                "up",
                Some("stroke"),
                0,
                "status",
                Some("requested"),
                None,
            ),
            fact(
                b,
                "up",
                Some("stroke"),
                0,
                "milestone",
                None,
                Some("referral_sent"),
            ),
            fact(
                b,
                "up",
                Some("stroke"),
                10,
                "status",
                Some("accepted"),
                None,
            ),
            fact(
                b,
                "up",
                Some("stroke"),
                80,
                "milestone",
                None,
                Some("admitted"),
            ),
            fact(c, "down", None, 0, "status", Some("requested"), None),
        ];
        let s = compute(&facts, &HashMap::new());
        assert_eq!((s.total.up, s.total.down), (2, 1));
        assert_eq!(s.median_minutes_to_acceptance, Some(7.0));
        assert_eq!(s.green_channel.cases, 2);
        assert_eq!(
            s.green_channel.median_contact_to_admission_minutes,
            Some(67.5)
        );
        assert_eq!(s.green_channel.within_target, 1);
        assert_eq!(s.green_channel.share_within_target, Some(0.5));
        let relaxed = HashMap::from([("stroke".to_string(), 90)]);
        assert_eq!(compute(&facts, &relaxed).green_channel.within_target, 2);
    }

    #[test]
    fn flows_count_each_side_and_the_return_rate_reads_from_either() {
        let (clinic, hospital) = (Uuid::now_v7(), Uuid::now_v7());
        let mut facts = Vec::new();
        let mut referral = |direction: &str, from: Uuid, to: Uuid| {
            let mut f = fact(
                Uuid::now_v7(),
                direction,
                None,
                0,
                "status",
                Some("requested"),
                None,
            );
            f.from_institution_id = from;
            f.to_institution_id = to;
            facts.push(f);
        };
        for _ in 0..4 {
            referral("up", clinic, hospital);
        }
        referral("down", hospital, clinic);
        let s = compute(&facts, &HashMap::new());
        let at_clinic = s.flows[&clinic];
        let at_hospital = s.flows[&hospital];
        assert_eq!(
            at_clinic,
            Flows {
                up_sent: 4,
                up_received: 0,
                down_sent: 0,
                down_received: 1
            }
        );
        assert_eq!(
            at_hospital,
            Flows {
                up_sent: 0,
                up_received: 4,
                down_sent: 1,
                down_received: 0
            }
        );
        // One patient in four came back, seen from either end.
        assert_eq!(at_clinic.return_rate(), Some(0.25));
        assert_eq!(at_hospital.return_rate(), Some(0.25));
        assert_eq!(Flows::default().return_rate(), None);
    }
}
