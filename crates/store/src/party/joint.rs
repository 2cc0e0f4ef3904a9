//! The joint meeting system in the store (decision 0012): a joint meeting is an activity
//! of the convening committee (subject `joint_meeting`) with its minutes; each issue raised
//! there is a `joint_issue` work item whose parent is the meeting, assigned to a unit's
//! organisation, with the implementation reports, guidance and feedback evaluation as its
//! evidence.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A joint meeting with how its issues stand.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct JointMeeting {
    pub id: Uuid,
    pub org_id: Uuid,
    /// The convening committee.
    pub convener: String,
    pub title: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub held_on: Date,
    pub minutes: String,
    pub issues: i64,
    pub closed: i64,
}

#[derive(Debug, Clone)]
pub struct NewJointMeeting {
    pub org_id: Uuid,
    pub held_on: Date,
    pub title: String,
    pub minutes: String,
}

/// An issue raised at a joint meeting.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Issue {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub meeting: String,
    /// The unit's organisation, once assigned.
    pub org_id: Option<Uuid>,
    pub unit: Option<String>,
    pub title: String,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub due_on: Option<Date>,
    pub status: String,
    /// The feedback evaluation's score, once evaluated.
    pub score: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct NewIssue {
    pub meeting: Uuid,
    pub title: String,
    /// The opinion as collected, kept as the issue's first evidence.
    pub detail: String,
    pub org_id: Option<Uuid>,
    pub due_on: Option<Date>,
    /// When it was raised (now, but for a history written at once).
    pub at: OffsetDateTime,
}

/// A piece of a work item's evidence, with who recorded it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Evidence {
    pub id: Uuid,
    pub kind: String,
    pub text: String,
    pub recorded_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A step on an issue as the rules decided it: the status it leaves and reaches, the unit
/// it assigns, the score it records, and its evidence (kind, text).
#[derive(Debug, Clone)]
pub struct IssueChange {
    pub from: &'static str,
    pub to: &'static str,
    pub org_id: Option<Uuid>,
    pub score: Option<i32>,
    pub evidence: Option<(&'static str, String)>,
    pub at: OffsetDateTime,
}

const ISSUE_COLUMNS: &str = "SELECT w.id, w.parent_id AS meeting_id, m.title AS meeting, w.org_id,
        o.name AS unit, w.title, w.due_on, w.status, w.score
     FROM party_work w
     JOIN party_work m ON m.community_id = w.community_id AND m.id = w.parent_id
     LEFT JOIN party_orgs o ON o.community_id = w.community_id AND o.id = w.org_id
     WHERE w.community_id = $1 AND w.kind = 'joint_issue'";

impl Store {
    /// Records a joint meeting held, with its minutes and audit row; its id.
    pub async fn record_joint_meeting(
        &self,
        community: Uuid,
        n: &NewJointMeeting,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, subject, title, due_on, held_on,
                    status, created_by, created_at, updated_at)
                 VALUES ($1, $2, 'activity', $3, 'joint_meeting', $4, $5, $5, 'submitted', $6, $7, $7)")
                .bind(id).bind(community).bind(n.org_id).bind(&n.title).bind(n.held_on)
                .bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'minutes', $4, $5, $6)")
                .bind(new_id()).bind(community).bind(id).bind(&n.minutes).bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The joint meetings, the latest first (or the one `only`).
    pub async fn joint_meetings(
        &self,
        community: Uuid,
        only: Option<Uuid>,
    ) -> Result<Vec<JointMeeting>> {
        on_db!(self, pool => sqlx::query_as::<_, JointMeeting>(
            "SELECT w.id, w.org_id, o.name AS convener, w.title, w.held_on,
                COALESCE((SELECT e.text FROM party_evidence e WHERE e.community_id = w.community_id
                    AND e.work_id = w.id AND e.kind = 'minutes' ORDER BY e.created_at LIMIT 1), '') AS minutes,
                (SELECT COUNT(*) FROM party_work i WHERE i.community_id = w.community_id
                    AND i.parent_id = w.id) AS issues,
                (SELECT COUNT(*) FROM party_work i WHERE i.community_id = w.community_id
                    AND i.parent_id = w.id AND i.status = 'closed') AS closed
             FROM party_work w JOIN party_orgs o ON o.community_id = w.community_id AND o.id = w.org_id
             WHERE w.community_id = $1 AND w.kind = 'activity' AND w.subject = 'joint_meeting'
                AND ($2 IS NULL OR w.id = $2)
             ORDER BY w.held_on DESC, w.created_at DESC")
            .bind(community).bind(only).fetch_all(pool).await.store())
    }

    /// Raises an issue at a meeting, with the opinion as its first evidence; its id, or
    /// `NotFound` when the meeting is not a joint meeting.
    pub async fn raise_issue(
        &self,
        community: Uuid,
        n: &NewIssue,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), n.at);
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let added = sqlx::query("INSERT INTO party_work (id, community_id, kind, org_id, parent_id, subject, title,
                    due_on, status, created_by, created_at, updated_at)
                 SELECT $1, $2, 'joint_issue', $3, m.id, 'joint_issue', $4, $5, 'open', $6, $7, $7
                 FROM party_work m WHERE m.community_id = $2 AND m.id = $8 AND m.subject = 'joint_meeting'")
                .bind(id).bind(community).bind(n.org_id).bind(&n.title).bind(n.due_on)
                .bind(audit.account_id).bind(t).bind(n.meeting)
                .execute(&mut *tx).await.store()?.rows_affected();
            if added == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                 VALUES ($1, $2, $3, 'opinion', $4, $5, $6)")
                .bind(new_id()).bind(community).bind(id).bind(&n.detail).bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Issues of one meeting, or assigned to one organisation, in the order raised.
    pub async fn joint_issues(
        &self,
        community: Uuid,
        (meeting, org): (Option<Uuid>, Option<Uuid>),
    ) -> Result<Vec<Issue>> {
        let sql = format!(
            "{ISSUE_COLUMNS} AND ($2 IS NULL OR w.parent_id = $2) AND ($3 IS NULL OR w.org_id = $3)
             ORDER BY m.held_on DESC, w.created_at, w.id"
        );
        on_db!(self, pool => sqlx::query_as::<_, Issue>(AssertSqlSafe(sql.as_str()))
            .bind(community).bind(meeting).bind(org).fetch_all(pool).await.store())
    }

    pub async fn get_issue(&self, community: Uuid, id: Uuid) -> Result<Issue> {
        let sql = format!("{ISSUE_COLUMNS} AND w.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Issue>(AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// A work item's evidence in the order recorded.
    pub async fn work_evidence(&self, community: Uuid, work: Uuid) -> Result<Vec<Evidence>> {
        on_db!(self, pool => sqlx::query_as::<_, Evidence>(
            "SELECT e.id, e.kind, e.text, a.display_name AS recorded_by, e.created_at
             FROM party_evidence e
             LEFT JOIN accounts a ON a.community_id = e.community_id AND a.id = e.recorded_by
             WHERE e.community_id = $1 AND e.work_id = $2 ORDER BY e.created_at, e.id")
            .bind(community).bind(work).fetch_all(pool).await.store())
    }

    /// Takes a step on an issue with its evidence and audit row, only from `c.from`;
    /// `Ok(false)` when the issue had moved on (nothing written).
    pub async fn change_issue(
        &self,
        community: Uuid,
        issue: Uuid,
        c: &IssueChange,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let t = c.at;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE party_work SET status = $1, org_id = COALESCE($2, org_id),
                    score = COALESCE($3, score), updated_at = $4
                 WHERE community_id = $5 AND id = $6 AND kind = 'joint_issue' AND status = $7")
                .bind(c.to).bind(c.org_id).bind(c.score).bind(t).bind(community).bind(issue).bind(c.from)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            if let Some((kind, text)) = &c.evidence {
                sqlx::query("INSERT INTO party_evidence (id, community_id, work_id, kind, text, recorded_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(new_id()).bind(community).bind(issue).bind(*kind).bind(text)
                    .bind(audit.account_id).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(issue)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }
}
