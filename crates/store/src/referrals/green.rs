//! Green-channel admissions as the indicators keep them on the referral (day, whole
//! seconds from the start, the target in force when recorded), recomputed from the
//! milestones whenever one is recorded, and the tallies moved by the difference; a
//! rebuild recomputes every case the same way.

use super::INSERT_EVENT;
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Result, Store, new_id, on_db_write};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::ids::ReferralId;
use yigong_domain::indicators::tally::{Tally, of_green};
use yigong_domain::referral::{Admission, Milestone, Pathway, admission};

/// A pathway case: id, sender, pathway, what is kept (day, seconds, target), and its
/// first first-contact, referral-sent and admitted milestones.
pub(crate) type GreenRow = (
    Uuid,
    Uuid,
    String,
    Option<Date>,
    Option<i64>,
    Option<i32>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

pub(crate) const GREEN_ROWS: &str = "SELECT r.id, r.from_institution_id, r.pathway, r.green_admitted_on,
        r.green_seconds, r.green_target_minutes,
        MIN(CASE WHEN e.milestone = 'first_contact' THEN e.at END),
        MIN(CASE WHEN e.milestone = 'referral_sent' THEN e.at END),
        MIN(CASE WHEN e.milestone = 'admitted' THEN e.at END)
    FROM referrals r JOIN referral_events e ON e.community_id = r.community_id AND e.referral_id = r.id
        AND e.kind = 'milestone'
    WHERE r.community_id = $1 AND r.pathway IS NOT NULL AND ($2 OR r.id = $3)
    GROUP BY r.id, r.from_institution_id, r.pathway, r.green_admitted_on, r.green_seconds, r.green_target_minutes";

pub(crate) const PATHWAY_TARGETS: &str =
    "SELECT pathway, target_minutes FROM pathway_targets WHERE community_id = $1";

pub(crate) const SET_GREEN: &str =
    "UPDATE referrals SET green_admitted_on = $3, green_seconds = $4,
    green_target_minutes = $5 WHERE community_id = $1 AND id = $2";

/// What the rows say now against what is kept: the tally of the difference (of all
/// that is found, with `fresh`: the tallies were thrown away), and the cases whose kept
/// admission changes.
pub(crate) fn green_changes(
    rows: &[GreenRow],
    targets: &[(String, i32)],
    fresh: bool,
) -> (Tally, Vec<(Uuid, Option<Admission>)>) {
    let targets: HashMap<&str, i64> = targets
        .iter()
        .map(|(p, m)| (p.as_str(), i64::from(*m)))
        .collect();
    let mut tally = Tally::default();
    let mut changed = Vec::new();
    for &(id, from, ref pathway, day, seconds, target, contact, sent, admitted) in rows {
        let kept = match (day, seconds, target) {
            (Some(day), Some(seconds), Some(t)) => Some(Admission {
                day,
                seconds,
                target_minutes: i64::from(t),
            }),
            _ => None,
        };
        // The target in force when the admission was first recorded stays with it.
        let target = kept.map(|k| k.target_minutes).unwrap_or_else(|| {
            targets.get(pathway.as_str()).copied().unwrap_or_else(|| {
                Pathway::parse(pathway).map_or(60, |p| p.default_target_minutes())
            })
        });
        let now = admission(contact, sent, admitted, target);
        if let (Some(k), false) = (kept, fresh) {
            let (m, parts) = of_green(&k);
            tally.add(m, from, &parts, -1);
        }
        if let Some(n) = now {
            let (m, parts) = of_green(&n);
            tally.add(m, from, &parts, 1);
        }
        if now != kept {
            changed.push((id, now));
        }
    }
    (tally, changed)
}

/// Recomputes the kept admissions (of one referral, or of all with `None`) in the
/// transaction `$tx` and returns the tally to add.
macro_rules! green_pass {
    ($tx:expr, $community:expr, $only:expr, $fresh:expr) => {{
        let only: Option<Uuid> = $only;
        let rows: Vec<$crate::referrals::green::GreenRow> =
            sqlx::query_as($crate::referrals::green::GREEN_ROWS)
                .bind($community)
                .bind(only.is_none())
                .bind(only.unwrap_or_else(Uuid::nil))
                .fetch_all(&mut *$tx)
                .await
                .store()?;
        let targets: Vec<(String, i32)> = sqlx::query_as($crate::referrals::green::PATHWAY_TARGETS)
            .bind($community)
            .fetch_all(&mut *$tx)
            .await
            .store()?;
        let (tally, changed) = $crate::referrals::green::green_changes(&rows, &targets, $fresh);
        for (id, a) in changed {
            sqlx::query($crate::referrals::green::SET_GREEN)
                .bind($community)
                .bind(id)
                .bind(a.map(|a| a.day))
                .bind(a.map(|a| a.seconds))
                .bind(a.map(|a| a.target_minutes as i32))
                .execute(&mut *$tx)
                .await
                .store()?;
        }
        tally
    }};
}
pub(crate) use green_pass;

impl Store {
    /// Records a green-channel milestone (ambulance departed, admitted, first ECG …); a
    /// case's admission and the indicators' tallies follow in the same transaction.
    pub async fn record_milestone(
        &self,
        community: Uuid,
        id: ReferralId,
        milestone: Milestone,
        at: OffsetDateTime,
        account: Option<Uuid>,
    ) -> Result<()> {
        let id = id.uuid();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(INSERT_EVENT)
                .bind(new_id()).bind(community).bind(id).bind(at).bind("milestone").bind(None::<&str>)
                .bind(None::<&str>).bind(milestone.as_str()).bind(account).bind("")
                .execute(&mut *tx).await.store()?;
            let tally = green_pass!(tx, community, Some(id), false);
            add_tally!(tx, community, tally);
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// Brings every case's kept admission up to its milestones, with the tallies (after
    /// a bulk load of historical referrals).
    pub async fn refresh_green_channel(&self, community: Uuid) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let tally = green_pass!(tx, community, None, false);
            add_tally!(tx, community, tally);
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// Every admitted green-channel case with its sender's code, the instants of its
    /// first milestones and the target kept (the indicators' independent check).
    pub async fn green_admissions(
        &self,
        community: Uuid,
    ) -> Result<
        Vec<(
            String,
            Option<OffsetDateTime>,
            Option<OffsetDateTime>,
            OffsetDateTime,
            i32,
        )>,
    > {
        let rows: Vec<GreenRow> = crate::on_db!(self, pool => sqlx::query_as(GREEN_ROWS)
            .bind(community).bind(true).bind(Uuid::nil()).fetch_all(pool).await.store())?;
        let places: HashMap<Uuid, String> = self
            .list_institutions(community)
            .await?
            .into_iter()
            .map(|i| (i.id, i.code))
            .collect();
        Ok(rows
            .into_iter()
            .filter_map(|(_, from, _, _, _, target, contact, sent, admitted)| {
                Some((
                    places.get(&from)?.clone(),
                    contact,
                    sent,
                    admitted?,
                    target?,
                ))
            })
            .collect())
    }
}
