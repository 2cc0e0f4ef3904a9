//! Party building in the store: organisations with their members, and the first-secretary
//! sites with their funds. A spending is recorded only if it fits what remains of its
//! site's budget, by one conditional update in the transaction that writes it.

mod attachments;
mod dues;
mod joint;
mod members;
mod moves;
mod pairing;
mod points;
mod report;
mod review;
mod sites;
mod stars;
mod tasks;
mod work;
pub use attachments::{Attachment, NewAttachment, Parent};
pub use dues::{DuesMember, DuesPaid, NewDues};
pub use joint::{Evidence, Issue, IssueChange, JointMeeting, NewIssue, NewJointMeeting};
pub use members::{Member, NewStep, Step};
pub use moves::{MoveLine, NewMove};
pub use pairing::{JointActivity, NewJointActivity, NewPairing, Pairing};
pub use points::{NewPoints, PointLine};
pub use report::PeriodCounts;
pub use review::ReviewItem;
pub use sites::{NewSite, NewSpending, Site, Spending};
pub use stars::{NewStarRating, StarCriterion, StarEvidence, StarRating};
pub use tasks::{Evaluation, NewEvaluation, NewReport, Outcomes, Report, SiteTask};
pub use work::{Meeting, MemberPoints, NewActivity, Presence, Work};

use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// A party organisation with its member count.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PartyOrg {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub name: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub double_leader: bool,
    pub secretary_is_director: bool,
    pub secretary_account_id: Option<Uuid>,
    /// Members counted as party members (probationary and full, not transferred out).
    pub members: i64,
    /// Of them, full-time party workers.
    pub full_time: i64,
}

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub parent_id: Option<Uuid>,
    pub kind: &'static str,
    pub name: String,
    pub institution_id: Uuid,
    pub double_leader: bool,
    pub secretary_is_director: bool,
    pub secretary_account_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub staff_id: Option<Uuid>,
    pub name: String,
    pub status: &'static str,
    pub status_since: Date,
    pub joined_on: Option<Date>,
    pub full_time: bool,
    /// `working`, `retired` or `fixed`, and the monthly after-tax pay the dues are from.
    pub dues_basis: &'static str,
    pub pay_fen: i64,
}

impl Store {
    /// Stores an organisation and its members in one transaction; its id.
    pub async fn insert_org(
        &self,
        community: Uuid,
        org: &NewOrg,
        members: &[NewMember],
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO party_orgs (id, community_id, parent_id, kind, name, institution_id, double_leader,
                    secretary_is_director, secretary_account_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id).bind(community).bind(org.parent_id).bind(org.kind).bind(&org.name).bind(org.institution_id)
                .bind(org.double_leader).bind(org.secretary_is_director).bind(org.secretary_account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            for m in members {
                sqlx::query("INSERT INTO party_members (id, community_id, org_id, staff_id, name, status, status_since,
                        joined_on, full_time, dues_basis, pay_fen, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                    .bind(new_id()).bind(community).bind(id).bind(m.staff_id).bind(&m.name).bind(m.status)
                    .bind(m.status_since).bind(m.joined_on).bind(m.full_time).bind(m.dues_basis).bind(m.pay_fen).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Every organisation of the community with its counts, committees first.
    pub async fn party_orgs(&self, community: Uuid) -> Result<Vec<PartyOrg>> {
        on_db!(self, pool => sqlx::query_as::<_, PartyOrg>(
            "SELECT o.id, o.parent_id, o.kind, o.name, o.institution_id, i.name AS institution_name, o.double_leader,
                o.secretary_is_director, o.secretary_account_id,
                (SELECT COUNT(*) FROM party_members m WHERE m.community_id = o.community_id AND m.org_id = o.id
                    AND m.status IN ('probationary', 'full') AND m.mobility <> 'transferred') AS members,
                (SELECT COUNT(*) FROM party_members m WHERE m.community_id = o.community_id AND m.org_id = o.id
                    AND m.full_time = TRUE AND m.mobility <> 'transferred') AS full_time
             FROM party_orgs o JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id
             WHERE o.community_id = $1
             ORDER BY CASE o.kind WHEN 'committee' THEN 0 WHEN 'general_branch' THEN 1 ELSE 2 END, o.name, o.id")
            .bind(community).fetch_all(pool).await.store())
    }
}
