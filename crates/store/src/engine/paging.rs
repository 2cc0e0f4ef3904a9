//! Pages of a list, and the `IN (…)` helper lists are filtered with.

use uuid::Uuid;

/// One page of a list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A page request, clamped to sane bounds: a page number, or (for FHIR's `_offset`) any
/// number of rows to skip.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
    skip: i64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: i64 = 200;
    /// Pages past this are past the end of any list (and keep the offset from overflowing).
    pub const MAX_PAGE: i64 = 1_000_000;

    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        let page = page.unwrap_or(1).clamp(1, Self::MAX_PAGE);
        let per_page = per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE);
        Self {
            page,
            per_page,
            skip: (page - 1) * per_page,
        }
    }

    /// The rows an Excel export takes at most, in one read.
    pub const EXPORT_ROWS: i64 = 50_000;

    /// The first [`Self::EXPORT_ROWS`] rows of a list, for an export of what it shows.
    pub fn export() -> Self {
        Self {
            page: 1,
            per_page: Self::EXPORT_ROWS,
            skip: 0,
        }
    }

    /// `count` rows after skipping `offset` (which need not be a whole number of pages).
    pub fn at_offset(offset: i64, count: i64) -> Self {
        let per_page = count.clamp(1, Self::MAX_PER_PAGE);
        let skip = offset.clamp(0, (Self::MAX_PAGE - 1) * per_page);
        Self {
            page: skip / per_page + 1,
            per_page,
            skip,
        }
    }

    pub fn offset(&self) -> i64 {
        self.skip
    }
}

/// Appends ` AND {column} IN (…ids)` (an empty list matches nothing).
pub(crate) fn push_in<DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<DB>,
    column: &str,
    ids: &[Uuid],
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} IN ("));
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    if ids.is_empty() {
        sep.push("NULL");
    }
    qb.push(")");
}

#[cfg(test)]
mod tests {
    use super::PageRequest;

    #[test]
    fn pages_and_offsets() {
        let p = PageRequest::new(Some(3), Some(10));
        assert_eq!((p.page, p.per_page, p.offset()), (3, 10, 20));
        let p = PageRequest::at_offset(7, 5);
        assert_eq!((p.page, p.per_page, p.offset()), (2, 5, 7));
        let p = PageRequest::at_offset(-4, 0);
        assert_eq!((p.page, p.per_page, p.offset()), (1, 1, 0));
        let p = PageRequest::new(Some(i64::MAX), Some(i64::MAX));
        assert_eq!(p.offset(), (PageRequest::MAX_PAGE - 1) * 200);
    }
}
