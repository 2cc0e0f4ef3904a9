//! The patients behind a quality figure: a clinic's managed registers of one disease, all
//! of them or those the figure counts as standardised or controlled, with the same
//! conditions as [`Store::chronic_quality`].

use super::DueRow;
use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

/// Which of the managed patients a figure stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Managed,
    /// Seen at least the standard's number of times since the start date.
    Standardised,
    /// Their latest visit since the start date was controlled.
    Controlled,
}

/// The conditions of a figure's patients.
pub struct FigureOf<'a> {
    pub institutions: &'a [Uuid],
    pub disease: &'a str,
    pub counted: Counted,
    pub since: Date,
    pub visits_needed: i64,
}

fn push_filter<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, community: Uuid, f: &FigureOf<'_>)
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE g.community_id = ")
        .push_bind(community)
        .push(" AND g.status = 'managed' AND g.disease = ")
        .push_bind(f.disease.to_string());
    crate::push_in(qb, "g.institution_id", f.institutions);
    match f.counted {
        Counted::Managed => {}
        Counted::Standardised => {
            qb.push(" AND (SELECT COUNT(*) FROM chronic_follow_ups v WHERE v.register_id = g.id AND v.visit_on >= ")
                .push_bind(f.since)
                .push(") >= ")
                .push_bind(f.visits_needed);
        }
        Counted::Controlled => {
            qb.push(" AND g.last_controlled = TRUE AND g.last_visit_on >= ")
                .push_bind(f.since);
        }
    }
}

impl Store {
    /// A page of the patients a quality figure counts, by name.
    pub async fn figure_patients(
        &self,
        community: Uuid,
        f: &FigureOf<'_>,
        page: PageRequest,
    ) -> Result<Page<DueRow>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(
                "SELECT g.id AS register_id, g.resident_id, r.name AS resident_name, r.phone, r.address,
                    i.name AS institution_name, g.disease, g.next_due, g.last_visit_on, g.last_controlled, g.last_plan,
                    g.visit_at_home
                 FROM chronic_registers g JOIN residents r ON r.community_id = g.community_id AND r.id = g.resident_id
                 JOIN institutions i ON i.community_id = g.community_id AND i.id = g.institution_id");
            push_filter(&mut qb, community, f);
            qb.push(" ORDER BY r.name, g.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<DueRow>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM chronic_registers g");
            push_filter(&mut qc, community, f);
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
