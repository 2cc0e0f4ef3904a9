//! Party work in the store (decision 0012): activities planned and recorded with minutes
//! and per-member attendance, and the points the attending members earn, once per event.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A work item (here: an activity) as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Work {
    pub id: Uuid,
    pub kind: String,
    pub org_id: Option<Uuid>,
    pub subject: String,
    pub title: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub due_on: Option<Date>,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub held_on: Option<Date>,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub org_id: Uuid,
    pub subject: String,
    pub title: String,
    pub due_on: Option<Date>,
}

/// One member's presence at a meeting.
#[derive(Debug, Clone)]
pub struct Presence {
    pub member_id: Uuid,
    /// `present`, `leave` or `absent`.
    pub presence: &'static str,
    pub reason: String,
    /// The points a member present earns: the rule's, cut to what its yearly cap leaves
    /// (0 writes no entry).
    pub points: i32,
}

/// What holding a meeting records: the day, the minutes, who came, and the rule the
/// points each member present earns come under (once for this meeting).
#[derive(Debug, Clone)]
pub struct Meeting {
    pub held_on: Date,
    pub minutes: String,
    pub attendance: Vec<Presence>,
    pub rule: &'static str,
    /// The status it leaves (`open`) and reaches (`submitted`), as the rules decided.
    pub from: &'static str,
    pub to: &'static str,
}

/// A member of an organisation with the points of a year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MemberPoints {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    /// `settled` or `mobile` (those transferred out are not listed).
    pub mobility: String,
    pub points: i64,
}

impl Store {
    /// Plans an activity of an organisation, with its audit row; its id.
    pub async fn plan_activity(
        &self,
        community: Uuid,
        n: &NewActivity,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, subject, title, due_on, status,
                    created_by, created_at, updated_at) VALUES ($1, $2, 'activity', $3, $4, $5, $6, 'open', $7, $8, $8)")
                .bind(id).bind(community).bind(n.org_id).bind(&n.subject).bind(&n.title).bind(n.due_on)
                .bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    pub async fn get_work(&self, community: Uuid, id: Uuid) -> Result<Work> {
        on_db!(self, pool => sqlx::query_as::<_, Work>(
            "SELECT id, kind, org_id, subject, title, due_on, held_on, status FROM party_work
             WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// An organisation's activities, the latest first.
    pub async fn activities_of(&self, community: Uuid, org: Uuid) -> Result<Vec<Work>> {
        on_db!(self, pool => sqlx::query_as::<_, Work>(
            "SELECT id, kind, org_id, subject, title, due_on, held_on, status FROM party_work
             WHERE community_id = $1 AND org_id = $2 AND kind = 'activity'
             ORDER BY COALESCE(held_on, due_on) DESC, created_at DESC")
            .bind(community).bind(org).fetch_all(pool).await.store())
    }

    /// Records a meeting held, in one transaction with its audit row: the status moved
    /// (only from `from`), the minutes, the attendance, and a point entry for each member
    /// present that this meeting has not already given. `Ok(None)` when the activity was
    /// no longer at `from` (nothing written); else the points entries written.
    pub async fn record_meeting(
        &self,
        community: Uuid,
        work: Uuid,
        m: &Meeting,
        (year, audit): (i32, &AuditEntry<'_>),
    ) -> Result<Option<u64>> {
        let t = now();
        let source = format!("meeting:{work}");
        let mut awarded = 0;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_work SET status = $1, held_on = $2, updated_at = $3
                 WHERE community_id = $4 AND id = $5 AND status = $6")
                .bind(m.to).bind(m.held_on).bind(t).bind(community).bind(work).bind(m.from)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(None);
            }
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'minutes', $4, $5, $6)")
                .bind(new_id()).bind(community).bind(work).bind(&m.minutes).bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            for p in &m.attendance {
                sqlx::query("INSERT INTO party_attendance (community_id, work_id, member_id, presence, reason)
                     VALUES ($1, $2, $3, $4, $5)")
                    .bind(community).bind(work).bind(p.member_id).bind(p.presence).bind(&p.reason)
                    .execute(&mut *tx).await.store()?;
                if p.presence == "present" && p.points != 0 {
                    awarded += sqlx::query("INSERT INTO party_points (id, community_id, member_id, rule, points, year,
                            source, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT DO NOTHING")
                        .bind(new_id()).bind(community).bind(p.member_id).bind(m.rule).bind(p.points)
                        .bind(year).bind(&source).bind(audit.account_id).bind(t)
                        .execute(&mut *tx).await.store()?.rows_affected();
                }
            }
            insert_audit!(&mut *tx, community, audit, Some(work)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(Some(awarded))
    }

    /// An organisation's members (not those transferred out) with their points of `year`,
    /// most first.
    pub async fn members_with_points(
        &self,
        community: Uuid,
        org: Uuid,
        year: i32,
    ) -> Result<Vec<MemberPoints>> {
        on_db!(self, pool => sqlx::query_as::<_, MemberPoints>(
            "SELECT m.id, m.name, m.status, m.mobility,
                COALESCE((SELECT SUM(p.points) FROM party_points p WHERE p.community_id = m.community_id
                    AND p.member_id = m.id AND p.year = $3), 0) AS points
             FROM party_members m WHERE m.community_id = $1 AND m.org_id = $2 AND m.mobility <> 'transferred'
             ORDER BY points DESC, m.name, m.id")
            .bind(community).bind(org).bind(year).fetch_all(pool).await.store())
    }
}

impl Store {
    /// What each member of an organisation has had from `rule` in `year`.
    pub async fn rule_year_totals(
        &self,
        community: Uuid,
        (org, rule, year): (Uuid, &str, i32),
    ) -> Result<Vec<(Uuid, i64)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, i64)>(
            "SELECT p.member_id, CAST(SUM(p.points) AS BIGINT) FROM party_points p
             JOIN party_members m ON m.community_id = p.community_id AND m.id = p.member_id
             WHERE p.community_id = $1 AND m.org_id = $2 AND p.rule = $3 AND p.year = $4
             GROUP BY p.member_id")
            .bind(community).bind(org).bind(rule).bind(year).fetch_all(pool).await.store())
    }

    /// The day each organisation last held each kind of activity.
    pub async fn last_held(&self, community: Uuid) -> Result<Vec<(Uuid, String, Option<Date>)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, String, Option<Date>)>(
            "SELECT org_id, subject, MAX(held_on) FROM party_work
             WHERE community_id = $1 AND kind = 'activity' AND held_on IS NOT NULL AND org_id IS NOT NULL
             GROUP BY org_id, subject")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Activities already held, written at once (a year of a community's history):
    /// (organisation, kind, title, day held); those held before `reviewed_before` were
    /// reviewed by the committee, the rest wait for it.
    pub async fn insert_held(
        &self,
        community: Uuid,
        held: &[(Uuid, &str, String, Date)],
        reviewed_before: Date,
    ) -> Result<()> {
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (org, subject, title, day) in held {
                sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, subject, title, due_on, held_on,
                        status, created_at, updated_at) VALUES ($1, $2, 'activity', $3, $4, $5, $6, $6, $7, $8, $8)")
                    .bind(new_id()).bind(community).bind(org).bind(subject).bind(title).bind(day)
                    .bind(if *day < reviewed_before { "evaluated" } else { "submitted" }).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
