//! Encounters read back one at a time or by search (what FHIR `Encounter` serves),
//! always within a reach: the institutions whose visits, or whose residents' visits, the
//! reader may see.

use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::access::ResidentScope;
use yigong_domain::indicators::encounter::Kind;

/// A stored encounter with its institution.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Visit {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub institution_code: String,
    pub institution_name: String,
    pub visit_no: String,
    pub department: String,
    pub resident_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// ICD-10 codes joined by `;`.
    pub diagnoses: String,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

/// What a search asks for; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub resident: Option<Uuid>,
    pub institution: Option<Uuid>,
    /// The institution's code and its visit number.
    pub institution_code: Option<String>,
    pub visit_no: Option<String>,
    pub kinds: Vec<Kind>,
}

const SELECT: &str = "SELECT e.id, e.institution_id, i.code AS institution_code,
        i.name AS institution_name, e.visit_no, e.department, e.resident_id, e.kind,
        e.started_on, e.ended_on, e.diagnoses, e.total_fen, e.insurance_fen
    FROM encounters e JOIN institutions i ON i.community_id = e.community_id AND i.id = e.institution_id
    LEFT JOIN residents r ON r.community_id = e.community_id AND r.id = e.resident_id
    WHERE e.community_id = ";

/// The reach: every encounter, or those at the scope's institutions or of residents
/// registered there.
fn push_reach<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, scope: &ResidentScope)
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    match scope {
        ResidentScope::All => {}
        ResidentScope::None => {
            qb.push(" AND 1 = 0");
        }
        ResidentScope::Institutions(ids) => {
            qb.push(" AND (1 = 0");
            for column in ["e.institution_id", "r.institution_id"] {
                qb.push(format!(" OR {column} IN ("));
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(*id);
                }
                if ids.is_empty() {
                    sep.push("NULL");
                }
                qb.push(")");
            }
            qb.push(")");
        }
    }
}

fn push_filter<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    scope: &ResidentScope,
    f: &VisitFilter,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(SELECT).push_bind(community);
    push_reach(qb, scope);
    if let Some(r) = f.resident {
        qb.push(" AND e.resident_id = ").push_bind(r);
    }
    if let Some(i) = f.institution {
        qb.push(" AND e.institution_id = ").push_bind(i);
    }
    if let Some(c) = &f.institution_code {
        qb.push(" AND i.code = ").push_bind(c.clone());
    }
    if let Some(v) = &f.visit_no {
        qb.push(" AND e.visit_no = ").push_bind(v.clone());
    }
    if !f.kinds.is_empty() {
        qb.push(" AND e.kind IN (");
        let mut sep = qb.separated(", ");
        for k in &f.kinds {
            sep.push_bind(k.as_str().to_string());
        }
        qb.push(")");
    }
}

impl Store {
    /// One encounter, if it is in `scope`'s reach.
    pub async fn visit_in(
        &self,
        community: Uuid,
        scope: &ResidentScope,
        id: Uuid,
    ) -> Result<Option<Visit>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("");
            push_filter(&mut qb, community, scope, &VisitFilter::default());
            qb.push(" AND e.id = ").push_bind(id);
            qb.build_query_as().fetch_optional(pool).await.store()
        })
    }

    /// The encounter an institution filed under a visit number, whatever the reach (the
    /// caller has checked the institution).
    pub async fn visit_by_number(
        &self,
        community: Uuid,
        institution: Uuid,
        visit_no: &str,
    ) -> Result<Option<Visit>> {
        let f = VisitFilter {
            institution: Some(institution),
            visit_no: Some(visit_no.to_string()),
            ..Default::default()
        };
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("");
            push_filter(&mut qb, community, &ResidentScope::All, &f);
            qb.build_query_as().fetch_optional(pool).await.store()
        })
    }

    /// One page of the encounters in reach that match, newest first.
    pub async fn search_visits(
        &self,
        community: Uuid,
        scope: &ResidentScope,
        f: &VisitFilter,
        page: PageRequest,
    ) -> Result<Page<Visit>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new("");
            push_filter(&mut qb, community, scope, f);
            qb.push(" ORDER BY e.started_on DESC, e.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items: Vec<Visit> = qb.build_query_as().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM (");
            push_filter(&mut qc, community, scope, f);
            qc.push(") c");
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
