//! Loading a past of outreach at once (the demo): templates, holidays, and sessions with
//! their final state and the patients seen, in chunks of one multi-row insert each.

use super::{NewSession, NewTemplate, SessionRecord};
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Result, Store, new_id, now, on_db_write};
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::tally::{Tally, of_session};
use yigong_domain::outreach::session::Status;

/// A session as it ended up.
#[derive(Debug, Clone)]
pub struct PastSession {
    pub session: NewSession,
    pub status: Status,
    pub note: String,
    pub record: SessionRecord,
}

impl Store {
    /// Templates, each with the id given.
    pub async fn bulk_load_templates(
        &self,
        community: Uuid,
        rows: &[(Uuid, NewTemplate)],
    ) -> Result<()> {
        let t = now();
        for chunk in rows.chunks(200) {
            on_db_write!(self, pool => {
                let mut qb = QueryBuilder::new("INSERT INTO outreach_templates (id, community_id, expert_id, institution_id,
                    weekday, start_min, end_min, capacity, created_at) ");
                qb.push_values(chunk, |mut b, (id, n)| {
                    b.push_bind(*id).push_bind(community).push_bind(n.expert_id).push_bind(n.institution_id)
                        .push_bind(n.weekday).push_bind(n.start_min).push_bind(n.end_min).push_bind(n.capacity).push_bind(t);
                });
                qb.build().execute(pool).await.store()?;
            });
        }
        Ok(())
    }

    pub async fn bulk_load_holidays(&self, community: Uuid, days: &[(Date, &str)]) -> Result<()> {
        for chunk in days.chunks(200) {
            on_db_write!(self, pool => {
                let mut qb = QueryBuilder::new("INSERT INTO outreach_holidays (community_id, day, name) ");
                qb.push_values(chunk, |mut b, (d, name)| {
                    b.push_bind(community).push_bind(*d).push_bind(name.to_string());
                });
                qb.build().execute(pool).await.store()?;
            });
        }
        Ok(())
    }

    /// Sessions as they ended up, with the patients seen.
    pub async fn bulk_load_sessions(&self, community: Uuid, rows: &[PastSession]) -> Result<()> {
        let t = now();
        for chunk in rows.chunks(150) {
            let ids: Vec<Uuid> = chunk.iter().map(|_| new_id()).collect();
            let visits: Vec<(Uuid, &super::Visit)> = ids
                .iter()
                .zip(chunk)
                .flat_map(|(id, p)| p.record.visits.iter().map(move |v| (*id, v)))
                .collect();
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                let mut qb = QueryBuilder::new("INSERT INTO outreach_sessions (id, community_id, expert_id, institution_id,
                    template_id, day, start_min, end_min, capacity, status, note, people_served, procedures, teaching_rounds,
                    lectures, summary, created_at, updated_at) ");
                qb.push_values(ids.iter().zip(chunk), |mut b, (id, p)| {
                    let (s, r) = (&p.session, &p.record);
                    b.push_bind(*id).push_bind(community).push_bind(s.expert_id).push_bind(s.institution_id)
                        .push_bind(s.template_id).push_bind(s.day).push_bind(s.start_min).push_bind(s.end_min)
                        .push_bind(s.capacity).push_bind(p.status.as_str()).push_bind(p.note.clone())
                        .push_bind(r.people_served).push_bind(r.procedures).push_bind(r.teaching_rounds)
                        .push_bind(r.lectures).push_bind(r.summary.clone()).push_bind(t).push_bind(t);
                });
                qb.build().execute(&mut *tx).await.store()?;
                let mut tally = Tally::default();
                for p in chunk.iter().filter(|p| p.status == Status::Held) {
                    let s = &p.session;
                    tally.add(Month::of(s.day), s.institution_id, &of_session(p.record.people_served), 1);
                }
                add_tally!(tx, community, tally);
                if !visits.is_empty() {
                    let mut qv = QueryBuilder::new("INSERT INTO outreach_visits (community_id, session_id, resident_id,
                        doctor_id, note, referral_id, created_at) ");
                    qv.push_values(&visits, |mut b, (id, v)| {
                        b.push_bind(community).push_bind(*id).push_bind(v.resident_id).push_bind(v.doctor_id)
                            .push_bind(v.note.clone()).push_bind(v.referral_id).push_bind(t);
                    });
                    qv.build().execute(&mut *tx).await.store()?;
                }
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}
