//! Contracts due for renewal, a page at a time, within the caller's reach.

use super::{CONTRACT_SELECT, Contract};
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::access::ResidentScope;

/// The filters of the contracts due: active, ending by `by`, of `teams`, and (for a
/// caller who reaches only some clinics) of their residents.
fn push_due_filters<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    by: Date,
    teams: &[Uuid],
    reach: Option<&[Uuid]>,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE c.community_id = ")
        .push_bind(community)
        .push(" AND c.status = 'active' AND c.end_date <= ")
        .push_bind(by);
    crate::push_in(qb, "c.team_id", teams);
    if let Some(ids) = reach {
        crate::push_in(qb, "r.institution_id", ids);
    }
}

impl Store {
    /// Active contracts of `teams` ending by `by`, soonest first, one page of them with
    /// the count of all.
    pub async fn contracts_due(
        &self,
        community: Uuid,
        teams: &[Uuid],
        residents: &ResidentScope,
        by: Date,
        page: PageRequest,
    ) -> Result<Page<Contract>> {
        // A team serves several villages: only the residents the caller reaches.
        let reach: Option<&[Uuid]> = match residents {
            ResidentScope::None => {
                return Ok(Page {
                    items: vec![],
                    total: 0,
                    page: page.page,
                    per_page: page.per_page,
                });
            }
            ResidentScope::All => None,
            ResidentScope::Institutions(ids) => Some(ids),
        };
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(CONTRACT_SELECT);
            push_due_filters(&mut qb, community, by, teams, reach);
            qb.push(" ORDER BY c.end_date, c.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Contract>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new(
                "SELECT COUNT(*) FROM family_contracts c JOIN residents r ON r.community_id = c.community_id AND r.id = c.resident_id");
            push_due_filters(&mut qc, community, by, teams, reach);
            let total: i64 = qc.build_query_scalar().fetch_one(pool).await.store()?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
