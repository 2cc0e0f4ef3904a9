//! What the party committee's report counts over a period, from the party tables: the
//! activities held and their attendance, points awarded, development steps, dues paid,
//! site spending, and the joint-meeting issues raised and closed.

use crate::{OrConflict, Result, Store, on_db};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A period's counts.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow, Serialize)]
pub struct PeriodCounts {
    pub activities: i64,
    /// Members present, and every attendance recorded, at those activities.
    pub present: i64,
    pub attendance: i64,
    pub points: i64,
    pub steps: i64,
    pub dues_fen: i64,
    pub spent_fen: i64,
    /// Joint-meeting issues raised in the period, and closed in it.
    pub issues_raised: i64,
    pub issues_closed: i64,
}

impl Store {
    /// The counts of the days `[first, last]`.
    pub async fn party_period(
        &self,
        community: Uuid,
        (first, last): (Date, Date),
    ) -> Result<PeriodCounts> {
        let (from, to) = (
            yigong_domain::clock::start_of(first),
            yigong_domain::clock::start_of(last.next_day().unwrap_or(last)),
        );
        on_db!(self, pool => sqlx::query_as::<_, PeriodCounts>(
            "SELECT
                (SELECT COUNT(*) FROM party_work w WHERE w.community_id = $1 AND w.kind = 'activity'
                    AND w.held_on >= $2 AND w.held_on <= $3) AS activities,
                (SELECT COUNT(*) FROM party_attendance a JOIN party_work w ON w.community_id = a.community_id
                    AND w.id = a.work_id WHERE a.community_id = $1 AND a.presence = 'present'
                    AND w.held_on >= $2 AND w.held_on <= $3) AS present,
                (SELECT COUNT(*) FROM party_attendance a JOIN party_work w ON w.community_id = a.community_id
                    AND w.id = a.work_id WHERE a.community_id = $1 AND w.held_on >= $2 AND w.held_on <= $3) AS attendance,
                (SELECT CAST(COALESCE(SUM(p.points), 0) AS BIGINT) FROM party_points p WHERE p.community_id = $1
                    AND p.created_at >= $4 AND p.created_at < $5) AS points,
                (SELECT COUNT(*) FROM party_member_steps s WHERE s.community_id = $1
                    AND s.decided_on >= $2 AND s.decided_on <= $3) AS steps,
                (SELECT CAST(COALESCE(SUM(d.amount_fen), 0) AS BIGINT) FROM party_dues d WHERE d.community_id = $1
                    AND d.paid_on >= $2 AND d.paid_on <= $3) AS dues_fen,
                (SELECT CAST(COALESCE(SUM(x.amount_fen), 0) AS BIGINT) FROM fs_spending x WHERE x.community_id = $1
                    AND x.spent_on >= $2 AND x.spent_on <= $3) AS spent_fen,
                (SELECT COUNT(*) FROM party_work w WHERE w.community_id = $1 AND w.kind = 'joint_issue'
                    AND w.created_at >= $4 AND w.created_at < $5) AS issues_raised,
                (SELECT COUNT(*) FROM party_work w WHERE w.community_id = $1 AND w.kind = 'joint_issue'
                    AND w.status = 'closed' AND w.updated_at >= $4 AND w.updated_at < $5) AS issues_closed")
            .bind(community).bind(first).bind(last).bind(from).bind(to)
            .fetch_one(pool).await.store())
    }
}
