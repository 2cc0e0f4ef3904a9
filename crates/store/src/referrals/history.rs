//! Historical referrals loaded in bulk with their events (the demo and the benchmarks).

use super::{NewReferral, urgency_rank};
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Result, Store, new_id, on_db_write};
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::clock::local_date;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::tally::Tally;
use yigong_domain::referral::{Milestone, Outcome, Status, Urgency};

impl Store {
    /// Loads many historical referrals with their events at once (demo and benchmark data),
    /// then refreshes PostgreSQL's planner statistics.
    pub async fn bulk_load_referrals(
        &self,
        community: Uuid,
        rows: &[(NewReferral, Vec<HistoryStep>)],
    ) -> Result<()> {
        for chunk in rows.chunks(2000) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                for part in chunk.chunks(200) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO referrals (id, community_id, resident_id, direction, urgency, urgency_rank, status, open,
                            pathway, from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code,
                            icd10_text, summary, instructions, preferred_date, created_by, created_at, updated_at,
                            accepted_at, accepted_on, arrived_at, completed_at, outcome, status_reason, version) ");
                    let mut ids = Vec::with_capacity(part.len());
                    qb.push_values(part, |mut b, (n, steps)| {
                        let id = new_id();
                        ids.push(id);
                        let last = steps.iter().filter_map(|s| s.status).next_back().unwrap_or(Status::Requested);
                        let when = |st: Status| steps.iter().find(|s| s.status == Some(st)).map(|s| s.at);
                        let ended = [Status::Completed, Status::Rejected, Status::Cancelled].into_iter().find_map(when);
                        let outcome = steps.iter().find_map(|s| s.outcome).map(|o| o.as_str());
                        b.push_bind(id).push_bind(community).push_bind(n.resident_id).push_bind(n.direction.as_str())
                            .push_bind(n.urgency.as_str()).push_bind(urgency_rank(n.urgency)).push_bind(last.as_str())
                            .push_bind(!last.is_terminal()).push_bind(n.pathway.map(|p| p.as_str()))
                            .push_bind(n.from_institution_id).push_bind(n.to_institution_id).push_bind(n.to_department_id)
                            .push_bind(n.parent_id).push_bind(n.reason.clone()).push_bind(n.icd10_code.clone())
                            .push_bind(n.icd10_text.clone()).push_bind(n.summary.clone()).push_bind(n.instructions.clone())
                            .push_bind(n.preferred_date).push_bind(n.created_by).push_bind(n.created_at)
                            .push_bind(steps.last().map_or(n.created_at, |s| s.at))
                            .push_bind(when(Status::Accepted)).push_bind(when(Status::Accepted).map(local_date))
                            .push_bind(when(Status::Arrived)).push_bind(ended)
                            .push_bind(outcome).push_bind(steps.iter().find_map(|s| s.reason.clone()).unwrap_or_default())
                            .push_bind(steps.len() as i64);
                    });
                    qb.build().execute(&mut *tx).await.store()?;
                    let tally = acceptances(part);
                    add_tally!(tx, community, tally);
                    let mut events = Vec::new();
                    for ((n, steps), id) in part.iter().zip(&ids) {
                        events.push((*id, n.created_at, Some(Status::Requested), None, None));
                        let mut prev = Status::Requested;
                        if n.urgency == Urgency::Emergency {
                            if let Some(c) = n.first_contact_at {
                                events.push((*id, c, None, Some(Milestone::FirstContact), None));
                            }
                            events.push((*id, n.created_at, None, Some(Milestone::ReferralSent), None));
                        }
                        for s in steps {
                            if let Some(st) = s.status {
                                events.push((*id, s.at, Some(st), None, Some(prev)));
                                prev = st;
                            }
                            if let Some(m) = s.milestone {
                                events.push((*id, s.at, None, Some(m), None));
                            }
                        }
                    }
                    for ev in events.chunks(500) {
                        let mut qe = QueryBuilder::new(
                            "INSERT INTO referral_events (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail) ");
                        qe.push_values(ev, |mut b, (rid, at, st, m, from)| {
                            b.push_bind(new_id()).push_bind(community).push_bind(*rid).push_bind(*at)
                                .push_bind(if st.is_some() { "status" } else { "milestone" })
                                .push_bind(from.map(|s| s.as_str())).push_bind(st.map(|s| s.as_str()))
                                .push_bind(m.map(|m| m.as_str())).push_bind(None::<Uuid>).push_bind("");
                        });
                        qe.build().execute(&mut *tx).await.store()?;
                    }
                }
                tx.commit().await.store()?;
            });
        }
        // The green-channel cases' admissions, from the milestones just loaded.
        self.refresh_green_channel(community).await?;
        // PostgreSQL plans from statistics that a bulk load leaves stale. SQLite is left
        // alone: with statistics it prefers the institution-wide worklist index, because
        // downward referrals (no department) skew the department index's figures.
        if let crate::Db::Postgres(pool) = &self.db {
            // VACUUM also marks pages all-visible, so counts can be index-only.
            // One statement per call: VACUUM cannot share an implicit transaction.
            for sql in ["VACUUM ANALYZE referrals", "VACUUM ANALYZE referral_events"] {
                sqlx::raw_sql(sql).execute(pool).await.store()?;
            }
        }
        Ok(())
    }
}

/// What the accepted ones among historical referrals add to the indicators' counters.
fn acceptances(rows: &[(NewReferral, Vec<HistoryStep>)]) -> Tally {
    let mut t = Tally::default();
    for (n, steps) in rows {
        let accepted = steps.iter().find(|s| s.status == Some(Status::Accepted));
        if let Some(s) = accepted {
            let ends = (n.from_institution_id, n.to_institution_id);
            t.add_acceptances(Month::of(local_date(s.at)), n.direction, ends, 1);
        }
    }
    t
}

/// One step of a historical referral: a status change and/or a milestone at a time.
#[derive(Debug, Clone)]
pub struct HistoryStep {
    pub at: OffsetDateTime,
    pub status: Option<Status>,
    pub milestone: Option<Milestone>,
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
}
