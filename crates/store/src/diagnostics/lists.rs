//! Lists of orders: a centre's worklist (urgent first, then the longest waiting), a
//! clinic's orders, everything; narrowed by status, item, period or patient.

use super::{Order, SELECT};
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::Centre;
use yigong_domain::diagnostics::order::Status;

/// Which orders a list holds.
#[derive(Debug, Clone)]
pub enum OrderFilter {
    /// A centre's worklist: its orders not yet reported or cancelled.
    Worklist(Centre),
    /// Every order to a centre.
    Centre(Centre),
    /// Orders placed by these institutions.
    Orderers(Vec<Uuid>),
    All,
}

/// What narrows a list further.
#[derive(Debug, Clone, Default)]
pub struct OrderNarrowing {
    pub resident: Option<Uuid>,
    pub status: Option<Status>,
    pub item: Option<String>,
    /// Critical results not yet acknowledged.
    pub unacknowledged: bool,
    /// Placed at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Placed before this instant.
    pub before: Option<OffsetDateTime>,
}

fn push_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    filter: &OrderFilter,
    n: &OrderNarrowing,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    OffsetDateTime: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE o.community_id = ").push_bind(community);
    match filter {
        OrderFilter::Worklist(c) => {
            qb.push(" AND o.centre = ")
                .push_bind(c.as_str().to_string())
                .push(" AND o.status IN ('ordered', 'received')");
        }
        OrderFilter::Centre(c) => {
            qb.push(" AND o.centre = ")
                .push_bind(c.as_str().to_string());
        }
        OrderFilter::Orderers(ids) => crate::push_in(qb, "o.from_institution_id", ids),
        OrderFilter::All => {}
    }
    if let Some(r) = n.resident {
        qb.push(" AND o.resident_id = ").push_bind(r);
    }
    if let Some(s) = n.status {
        qb.push(" AND o.status = ")
            .push_bind(s.as_str().to_string());
    }
    if let Some(i) = &n.item {
        qb.push(" AND o.item_code = ").push_bind(i.clone());
    }
    if n.unacknowledged {
        qb.push(" AND o.critical = ")
            .push_bind(true)
            .push(" AND o.acknowledged_at IS NULL");
    }
    if let Some(t) = n.from {
        qb.push(" AND o.created_at >= ").push_bind(t);
    }
    if let Some(t) = n.before {
        qb.push(" AND o.created_at < ").push_bind(t);
    }
}

impl Store {
    /// A page of orders of a list, narrowed as asked: a worklist urgent first and then
    /// the longest waiting, any other list the newest first.
    pub async fn find_orders(
        &self,
        community: Uuid,
        filter: &OrderFilter,
        n: &OrderNarrowing,
        page: PageRequest,
    ) -> Result<Page<Order>> {
        let order = match filter {
            OrderFilter::Worklist(_) => {
                " ORDER BY CASE o.urgency WHEN 'urgent' THEN 0 ELSE 1 END, o.created_at, o.id"
            }
            _ => " ORDER BY o.created_at DESC, o.id DESC",
        };
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_filter(&mut qb, community, filter, n);
            qb.push(order).push(" LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Order>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM diag_orders o");
            push_filter(&mut qc, community, filter, n);
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
