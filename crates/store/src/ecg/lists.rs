//! Lists of studies: the reading worklist, a sender's studies, everything, each narrowed
//! by status, urgency, period or patient and sorted as the reader asks.

use super::{SELECT, Study};
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::ecg::Status;

/// Which studies a list holds.
#[derive(Debug, Clone)]
pub enum StudyFilter {
    /// The reading worklist: studies not yet reported, most urgent first, then the
    /// longest waiting.
    Worklist,
    /// Studies sent from these institutions, newest first.
    Senders(Vec<Uuid>),
    /// Every study, newest first.
    All,
}

/// What narrows a list further, as its user asked.
#[derive(Debug, Clone, Default)]
pub struct StudyNarrowing {
    pub resident: Option<Uuid>,
    /// Sent by this institution.
    pub institution: Option<Uuid>,
    pub status: Option<Status>,
    /// Only studies reported critical.
    pub critical: bool,
    /// Uploaded at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Uploaded before this instant.
    pub before: Option<OffsetDateTime>,
    /// The start of the resident's name or pinyin initials.
    pub text: Option<String>,
    /// `None`: the list's own order.
    pub sort: Option<StudySort>,
}

/// Orders a study list may be sorted by, ascending unless `desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudySort {
    /// Shortest waiting (newest) first; `desc`: longest waiting first.
    Waiting { desc: bool },
    /// Most urgent first; `desc`: least urgent first.
    Urgency { desc: bool },
}

impl StudySort {
    fn sql(self) -> &'static str {
        match self {
            StudySort::Waiting { desc: false } => " ORDER BY s.created_at DESC, s.id DESC",
            StudySort::Waiting { desc: true } => " ORDER BY s.created_at, s.id",
            StudySort::Urgency { desc: false } => {
                " ORDER BY s.urgency_rank, s.created_at DESC, s.id DESC"
            }
            StudySort::Urgency { desc: true } => {
                " ORDER BY s.urgency_rank DESC, s.created_at DESC, s.id DESC"
            }
        }
    }
}

fn push_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    filter: &StudyFilter,
    (n, named): (&StudyNarrowing, Option<&[Uuid]>),
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    OffsetDateTime: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE s.community_id = ").push_bind(community);
    match filter {
        StudyFilter::Worklist => {
            qb.push(" AND s.open = TRUE");
        }
        StudyFilter::Senders(ids) => {
            crate::push_in(qb, "s.from_institution_id", ids);
        }
        StudyFilter::All => {}
    }
    if let Some(r) = n.resident {
        qb.push(" AND s.resident_id = ").push_bind(r);
    }
    if let Some(i) = n.institution {
        qb.push(" AND s.from_institution_id = ").push_bind(i);
    }
    if let Some(st) = n.status {
        qb.push(" AND s.status = ")
            .push_bind(st.as_str().to_string());
    }
    if n.critical {
        qb.push(" AND s.critical = ").push_bind(true);
    }
    if let Some(t) = n.from {
        qb.push(" AND s.created_at >= ").push_bind(t);
    }
    if let Some(t) = n.before {
        qb.push(" AND s.created_at < ").push_bind(t);
    }
    if let Some(ids) = named {
        crate::push_in(qb, "s.resident_id", ids);
    }
}

impl Store {
    /// A page of studies; `resident` keeps one patient's.
    pub async fn list_studies(
        &self,
        community: Uuid,
        filter: &StudyFilter,
        resident: Option<Uuid>,
        page: PageRequest,
    ) -> Result<Page<Study>> {
        let n = StudyNarrowing {
            resident,
            ..StudyNarrowing::default()
        };
        self.find_studies(community, filter, &n, page).await
    }

    /// A page of studies of a list, narrowed and sorted as asked.
    pub async fn find_studies(
        &self,
        community: Uuid,
        filter: &StudyFilter,
        n: &StudyNarrowing,
        page: PageRequest,
    ) -> Result<Page<Study>> {
        let order = match (n.sort, filter) {
            (Some(sort), _) => sort.sql(),
            (None, StudyFilter::Worklist) => " ORDER BY s.urgency_rank, s.created_at, s.id",
            (None, _) => " ORDER BY s.created_at DESC, s.id DESC",
        };
        // A name search first finds its residents, so the list walks its resident index.
        let named = match n.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => Some(self.residents_named(community, t, 5_000).await?),
            None => None,
        };
        let args = (n, named.as_deref());
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_filter(&mut qb, community, filter, args);
            qb.push(order).push(" LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Study>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM ecg_studies s");
            push_filter(&mut qc, community, filter, args);
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
