//! Reading referrals back: the filtered, paged lists of each side, the stalled ones, the
//! event facts the counts are computed from, and the green-channel targets.

use super::{Referral, SELECT};
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db, on_db_write};
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::access::ReferralScope;
use yigong_domain::referral::{Direction, Pathway, Status, Urgency};
use yigong_domain::text::prefix_upper_bound;

/// Filters of a referral list.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    /// Only referrals sent to this institution that are still open (the incoming worklist).
    pub incoming_to: Option<Uuid>,
    pub incoming_department: Option<Uuid>,
    pub direction: Option<Direction>,
    /// Any of these statuses (none: any status).
    pub statuses: Vec<Status>,
    pub urgency: Option<Urgency>,
    pub resident_id: Option<Uuid>,
    pub open_only: bool,
    /// Sent at or after this instant.
    pub created_from: Option<OffsetDateTime>,
    /// Sent before this instant.
    pub created_before: Option<OffsetDateTime>,
    /// The start of the resident's name or pinyin initials, or of the ICD-10 code.
    pub text: Option<String>,
    /// The order asked for; `None`: the list's own (worklists urgency then oldest).
    pub sort: Option<ReferralSort>,
    /// Sent by this institution.
    pub from_institution: Option<Uuid>,
    /// Sent to this institution.
    pub to_institution: Option<Uuid>,
}

/// Orders a referral list may be sorted by, each ascending unless `desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralSort {
    /// Shortest waiting first (newest sent first); `desc`: longest waiting first.
    Waiting { desc: bool },
    /// Emergencies first; `desc`: routine first.
    Urgency { desc: bool },
}

impl ReferralSort {
    fn sql(self) -> &'static str {
        match self {
            ReferralSort::Waiting { desc: false } => " ORDER BY f.created_at DESC, f.id DESC",
            ReferralSort::Waiting { desc: true } => " ORDER BY f.created_at, f.id",
            ReferralSort::Urgency { desc: false } => {
                " ORDER BY f.urgency_rank, f.created_at DESC, f.id DESC"
            }
            ReferralSort::Urgency { desc: true } => {
                " ORDER BY f.urgency_rank DESC, f.created_at DESC, f.id DESC"
            }
        }
    }
}

fn push_filters<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    scope: &ReferralScope,
    (f, named): (&ReferralFilter, Option<&[Uuid]>),
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    OffsetDateTime: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE f.community_id = ").push_bind(community);
    match scope {
        ReferralScope::All => {}
        ReferralScope::Institutions(ids) => {
            qb.push(" AND (f.from_institution_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push(") OR f.to_institution_id IN (");
            let mut sep = qb.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            qb.push("))");
        }
        ReferralScope::Receiving {
            institution,
            department,
        } => {
            qb.push(" AND (f.from_institution_id = ")
                .push_bind(*institution);
            qb.push(" OR (f.to_institution_id = ")
                .push_bind(*institution);
            if let Some(d) = department {
                qb.push(" AND (f.to_department_id IS NULL OR f.to_department_id = ")
                    .push_bind(*d)
                    .push(")");
            }
            qb.push("))");
        }
        ReferralScope::None => {
            qb.push(" AND 1 = 0");
        }
    }
    if let Some(i) = f.incoming_to {
        qb.push(" AND f.to_institution_id = ")
            .push_bind(i)
            .push(" AND f.open = ")
            .push_bind(true);
    }
    if let Some(d) = f.incoming_department {
        qb.push(" AND f.to_department_id = ").push_bind(d);
    }
    if let Some(d) = f.direction {
        qb.push(" AND f.direction = ")
            .push_bind(d.as_str().to_string());
    }
    if !f.statuses.is_empty() {
        qb.push(" AND f.status IN (");
        let mut sep = qb.separated(", ");
        for s in &f.statuses {
            sep.push_bind(s.as_str().to_string());
        }
        qb.push(")");
    }
    if let Some(u) = f.urgency {
        qb.push(" AND f.urgency = ")
            .push_bind(u.as_str().to_string());
    }
    if let Some(r) = f.resident_id {
        qb.push(" AND f.resident_id = ").push_bind(r);
    }
    if f.open_only {
        qb.push(" AND f.open = ").push_bind(true);
    }
    if let Some(i) = f.from_institution {
        qb.push(" AND f.from_institution_id = ").push_bind(i);
    }
    if let Some(i) = f.to_institution {
        qb.push(" AND f.to_institution_id = ").push_bind(i);
    }
    if let Some(t) = f.created_from {
        qb.push(" AND f.created_at >= ").push_bind(t);
    }
    if let Some(t) = f.created_before {
        qb.push(" AND f.created_at < ").push_bind(t);
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        match named {
            Some(ids) => crate::push_in(qb, "f.resident_id", ids),
            None => push_code(qb, text),
        }
    }
}

/// Whether a search is for an ICD-10 code (it holds a digit) rather than a name.
fn is_code(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// An ICD-10 code that starts with `text`.
fn push_code<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, text: &str)
where
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let code = text.to_ascii_uppercase();
    qb.push(" AND f.icd10_code >= ")
        .push_bind(code.clone())
        .push(" AND f.icd10_code < ")
        .push_bind(prefix_upper_bound(&code));
}

/// The most residents a name search narrows to (a family name of a whole county).
const NAMED_CAP: i64 = 5_000;

impl Store {
    /// A page of referrals in scope: incoming worklists urgency first then oldest first;
    /// other lists newest first.
    pub async fn list_referrals(
        &self,
        community: Uuid,
        scope: &ReferralScope,
        filter: &ReferralFilter,
        page: PageRequest,
    ) -> Result<Page<Referral>> {
        let order = if let Some(sort) = filter.sort {
            sort.sql()
        } else if filter.incoming_to.is_some() {
            " ORDER BY f.urgency_rank, f.created_at, f.id"
        } else {
            " ORDER BY f.created_at DESC, f.id DESC"
        };
        // A name search first finds its residents (two index ranges), so the list walks
        // its resident index for them instead of testing every referral.
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let named = match text {
            Some(t) if !is_code(t) => Some(self.residents_named(community, t, NAMED_CAP).await?),
            _ => None,
        };
        let args = (filter, named.as_deref());
        // Page the ids on `referrals` alone (an index walk in order), then join names for
        // just that page: joining every candidate first is what made large worklists slow.
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(format!("{SELECT} JOIN (SELECT f.community_id, f.id FROM referrals f"));
            push_filters(&mut qb, community, scope, args);
            qb.push(order).push(" LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            qb.push(") page ON page.community_id = f.community_id AND page.id = f.id").push(order);
            let items = qb.build_query_as::<Referral>().fetch_all(pool).await.store()?;
            let total: i64 = if page.page == 1 && (items.len() as i64) < page.per_page {
                items.len() as i64
            } else {
                let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM referrals f");
                push_filters(&mut qc, community, scope, args);
                qc.build_query_scalar().fetch_one(pool).await.store()?
            };
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Open referrals created before `requested_before` still waiting for acceptance, or
    /// arrived before `arrived_before` with no outcome: the "needs attention" list.
    pub async fn stalled_referrals(
        &self,
        community: Uuid,
        requested_before: OffsetDateTime,
        arrived_before: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<Referral>> {
        let sql = format!(
            "{SELECT} WHERE f.community_id = $1 AND f.open = $2 AND
               ((f.status = 'requested' AND f.created_at < $3) OR (f.status = 'arrived' AND f.arrived_at < $4))
             ORDER BY f.urgency_rank, f.created_at LIMIT $5"
        );
        on_db!(self, pool => sqlx::query_as::<_, Referral>(AssertSqlSafe(sql.as_str()))
            .bind(community).bind(true).bind(requested_before).bind(arrived_before).bind(limit)
            .fetch_all(pool).await.store())
    }

    /// Events (status changes and milestones) of referrals created in `[from, to)`, with
    /// the referral's routing, for the counts page.
    pub async fn referral_facts(
        &self,
        community: Uuid,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<ReferralFact>> {
        on_db!(self, pool => sqlx::query_as::<_, ReferralFact>(
            "SELECT f.id AS referral_id, f.direction, f.urgency, f.pathway, f.from_institution_id, f.to_institution_id,
                    f.to_department_id, f.created_at, e.at, e.kind, e.status_to, e.milestone
             FROM referrals f JOIN referral_events e ON e.referral_id = f.id
             WHERE f.community_id = $1 AND f.created_at >= $2 AND f.created_at < $3
             ORDER BY f.id, e.at")
            .bind(community).bind(from).bind(to).fetch_all(pool).await.store())
    }

    /// Targets set for this community's pathways (others use the default).
    pub async fn pathway_targets(&self, community: Uuid) -> Result<Vec<(String, i32)>> {
        on_db!(self, pool => sqlx::query_as::<_, (String, i32)>(
            "SELECT pathway, target_minutes FROM pathway_targets WHERE community_id = $1")
            .bind(community).fetch_all(pool).await.store())
    }

    pub async fn set_pathway_target(
        &self,
        community: Uuid,
        pathway: Pathway,
        minutes: i32,
    ) -> Result<()> {
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO pathway_targets (community_id, pathway, target_minutes) VALUES ($1, $2, $3)
             ON CONFLICT (community_id, pathway) DO UPDATE SET target_minutes = excluded.target_minutes")
            .bind(community).bind(pathway.as_str()).bind(minutes).execute(pool).await.store().map(|_| ()))?;
        Ok(())
    }

    pub async fn count_referrals(&self, community: Uuid) -> Result<i64> {
        on_db!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM referrals WHERE community_id = $1")
            .bind(community).fetch_one(pool).await.store())
    }
}

/// An event row with its referral's routing, for computing counts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralFact {
    pub referral_id: Uuid,
    pub direction: String,
    pub urgency: String,
    pub pathway: Option<String>,
    pub from_institution_id: Uuid,
    pub to_institution_id: Uuid,
    pub to_department_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub at: OffsetDateTime,
    pub kind: String,
    pub status_to: Option<String>,
    pub milestone: Option<String>,
}
