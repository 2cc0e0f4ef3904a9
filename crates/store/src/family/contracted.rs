//! The residents behind a clinic's contract coverage: its active residents with an active
//! contract, by name, as the coverage figure counts them.

use super::{CONTRACT_SELECT, Contract};
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

impl Store {
    /// A page of the active contracts of `clinic`'s active residents.
    pub async fn contracted_at(
        &self,
        community: Uuid,
        clinic: Uuid,
        page: PageRequest,
    ) -> Result<Page<Contract>> {
        let from = "WHERE c.community_id = $1 AND c.status = 'active' AND r.institution_id = $2 AND r.active = TRUE";
        let list = format!("{CONTRACT_SELECT} {from} ORDER BY r.name, c.id LIMIT $3 OFFSET $4");
        let count = format!(
            "SELECT COUNT(*) FROM family_contracts c JOIN residents r ON r.community_id = c.community_id AND r.id = c.resident_id {from}"
        );
        let (items, total) = on_db!(self, pool => {
            let items = sqlx::query_as::<_, Contract>(AssertSqlSafe(list.as_str()))
                .bind(community).bind(clinic).bind(page.per_page).bind(page.offset())
                .fetch_all(pool).await.store()?;
            let total: i64 = sqlx::query_scalar(AssertSqlSafe(count.as_str()))
                .bind(community).bind(clinic).fetch_one(pool).await.store()?;
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
