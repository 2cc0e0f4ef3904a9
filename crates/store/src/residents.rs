//! Residents (居民): the master patient index across the community's institutions.
//!
//! Search uses index range scans only: name and given-name prefixes, pinyin-initial
//! prefixes, and ID-number prefixes or suffixes (through a reversed copy).

use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
    one_row,
};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::ResidentScope;
use yigong_domain::registry::ValidResident;
use yigong_domain::text::{SearchTerm, given_name, pinyin_initials, prefix_upper_bound, reversed};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Resident {
    pub id: Uuid,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub name: String,
    pub sex: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub birth_date: Date,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Filters of a resident list.
#[derive(Debug, Clone, Default)]
pub struct ResidentQuery {
    pub q: Option<String>,
    pub institution: Option<Uuid>,
    pub include_inactive: bool,
}

/// The shortest ID-number fragment also searched as the end of a number.
pub const SUFFIX_MIN: usize = 4;

/// A search counts its matches up to this many; past it the total reads "more than".
pub const COUNT_CAP: i64 = 1000;

/// Rows per INSERT statement: 15 parameters each stays far below SQLite's limit.
pub const STATEMENT_ROWS: usize = 500;

const SELECT: &str =
    "SELECT r.id, r.institution_id, i.name AS institution_name, r.name, r.sex, r.birth_date,
    r.id_number, r.phone, r.address, r.active, r.created_at, r.updated_at
    FROM residents r JOIN institutions i ON i.community_id = r.community_id AND i.id = r.institution_id";

/// How a search term is answered: index ranges (`column` starts with `prefix`) and the
/// order of results, which each range's index can deliver without sorting.
struct Plan {
    ranges: Vec<(&'static str, String)>,
    order: &'static str,
}

fn plan(q: Option<&str>) -> Plan {
    match q.and_then(SearchTerm::parse) {
        None => Plan {
            ranges: vec![],
            order: "r.name, r.id",
        },
        Some(SearchTerm::Name(q)) => Plan {
            ranges: vec![("name", q.clone()), ("name_given", q)],
            order: "r.name, r.id",
        },
        Some(SearchTerm::Initials(q)) => Plan {
            ranges: vec![("initials", q)],
            order: "r.initials, r.name, r.id",
        },
        // The end of a number is searched from four characters on (the "last four" a
        // patient quotes): a shorter end matches a tenth of the county or more and
        // would have to be sorted whole.
        Some(SearchTerm::IdFragment(q)) if q.len() < SUFFIX_MIN => Plan {
            ranges: vec![("id_number", q)],
            order: "r.id_number",
        },
        Some(SearchTerm::IdFragment(q)) => Plan {
            ranges: vec![("id_number", q.clone()), ("id_rev", reversed(&q))],
            order: "r.id_number",
        },
    }
}

/// Pushes the conditions every branch shares: community, scope, institution, status.
fn push_common<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    scope: &ResidentScope,
    query: &ResidentQuery,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE r.community_id = ").push_bind(community);
    if let ResidentScope::Institutions(ids) = scope {
        qb.push(" AND r.institution_id IN (");
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        qb.push(")");
    }
    if let Some(inst) = query.institution {
        qb.push(" AND r.institution_id = ").push_bind(inst);
    }
    if !query.include_inactive {
        qb.push(" AND r.active = TRUE");
    }
}

fn push_range<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, column: &str, prefix: &str)
where
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND r.{column} >= "))
        .push_bind(prefix.to_string());
    qb.push(format!(" AND r.{column} < "))
        .push_bind(prefix_upper_bound(prefix));
}

/// Pushes the ids matching any range, each branch cut to its first `limit`: in the
/// plan's order for a page, in any order for a count (`ordered`).
fn push_matching_ids<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    scope: &ResidentScope,
    query: &ResidentQuery,
    plan: &Plan,
    limit: i64,
    ordered: bool,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    for (n, (column, prefix)) in plan.ranges.iter().enumerate() {
        if n > 0 {
            qb.push(" UNION ");
        }
        qb.push("SELECT id FROM (SELECT r.id FROM residents r");
        push_common(qb, community, scope, query);
        push_range(qb, column, prefix);
        if ordered {
            qb.push(format!(" ORDER BY {}", plan.order));
        }
        qb.push(" LIMIT ").push_bind(limit);
        qb.push(format!(") b{n}"));
    }
}

impl Store {
    /// The residents whose name or pinyin initials start with `text` (at most `cap`), by
    /// two index ranges: what a list's search box narrows to before the list's own query,
    /// so that query can walk its resident index instead of testing every row.
    pub async fn residents_named(
        &self,
        community: Uuid,
        text: &str,
        cap: i64,
    ) -> Result<Vec<Uuid>> {
        let initials = text.to_ascii_lowercase();
        on_db!(self, pool => sqlx::query_scalar::<_, Uuid>(
            "SELECT id FROM residents WHERE community_id = $1
               AND ((name >= $2 AND name < $3) OR (initials >= $4 AND initials < $5)) LIMIT $6")
            .bind(community).bind(text).bind(prefix_upper_bound(text))
            .bind(&initials).bind(prefix_upper_bound(&initials)).bind(cap)
            .fetch_all(pool).await.store())
    }

    /// One page of residents within `scope`.
    pub async fn search_residents(
        &self,
        community: Uuid,
        scope: &ResidentScope,
        query: &ResidentQuery,
        page: PageRequest,
    ) -> Result<Page<Resident>> {
        if *scope == ResidentScope::None {
            return Ok(Page {
                items: vec![],
                total: 0,
                page: page.page,
                per_page: page.per_page,
            });
        }
        let plan = plan(query.q.as_deref());
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            if plan.ranges.is_empty() {
                push_common(&mut qb, community, scope, query);
            } else {
                qb.push(" WHERE r.id IN (");
                push_matching_ids(&mut qb, community, scope, query, &plan, page.offset().saturating_add(page.per_page), true);
                qb.push(")");
            }
            qb.push(format!(" ORDER BY {} LIMIT ", plan.order)).push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Resident>().fetch_all(pool).await.store()?;
            // Counting stops past the cap: a broad term ("5", a common surname) must not
            // cost a scan of every match on every request.
            let total: i64 = if page.page == 1 && (items.len() as i64) < page.per_page {
                items.len() as i64
            } else if plan.ranges.is_empty() {
                let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM (SELECT r.id FROM residents r");
                push_common(&mut qc, community, scope, query);
                qc.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(") m");
                qc.build_query_scalar().fetch_one(pool).await.store()?
            } else {
                let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM (");
                push_matching_ids(&mut qc, community, scope, query, &plan, COUNT_CAP + 1, false);
                qc.push(") m");
                qc.build_query_scalar().fetch_one(pool).await.store()?
            };
            let total = total.min(COUNT_CAP + 1);
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// A resident by id if it lies inside `scope`: nothing outside the reach is read.
    pub async fn get_resident_in(
        &self,
        community: Uuid,
        scope: &ResidentScope,
        id: Uuid,
    ) -> Result<Option<Resident>> {
        if *scope == ResidentScope::None {
            return Ok(None);
        }
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new(SELECT);
            push_common(&mut qb, community, scope, &ResidentQuery { include_inactive: true, ..Default::default() });
            qb.push(" AND r.id = ").push_bind(id);
            qb.build_query_as::<Resident>().fetch_optional(pool).await.store()
        })
    }

    /// A resident by id, whatever the scope: callers check scope with [`ResidentScope::allows`].
    pub async fn get_resident(&self, community: Uuid, id: Uuid) -> Result<Resident> {
        let sql = format!("{SELECT} WHERE r.community_id = $1 AND r.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Resident>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    pub async fn find_resident_by_id_number(
        &self,
        community: Uuid,
        id_number: &str,
    ) -> Result<Option<Resident>> {
        let sql = format!("{SELECT} WHERE r.community_id = $1 AND r.id_number = $2");
        on_db!(self, pool => sqlx::query_as::<_, Resident>(AssertSqlSafe(sql.as_str())).bind(community).bind(id_number)
            .fetch_optional(pool).await.store())
    }

    pub async fn insert_resident(
        &self,
        community: Uuid,
        institution: Uuid,
        r: &ValidResident,
    ) -> Result<Uuid> {
        let id = new_id();
        let t = now();
        on_db_write!(self, pool => sqlx::query(
            "INSERT INTO residents (id, community_id, institution_id, name, name_given, initials, sex, birth_date,
                id_number, id_rev, phone, address, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, TRUE, $13, $13)")
            .bind(id).bind(community).bind(institution)
            .bind(&r.name).bind(given_name(&r.name)).bind(pinyin_initials(&r.name))
            .bind(r.sex.as_str()).bind(r.birth_date)
            .bind(r.id_number.as_str()).bind(reversed(r.id_number.as_str()))
            .bind(r.phone.as_str()).bind(&r.address).bind(t)
            .execute(pool).await.store().map(|_| ()))?;
        Ok(id)
    }

    pub async fn update_resident(
        &self,
        community: Uuid,
        id: Uuid,
        institution: Uuid,
        r: &ValidResident,
    ) -> Result<()> {
        one_row(on_db_write!(self, pool => sqlx::query(
            "UPDATE residents SET institution_id = $3, name = $4, name_given = $5, initials = $6, sex = $7,
                birth_date = $8, id_number = $9, id_rev = $10, phone = $11, address = $12, updated_at = $13
             WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).bind(institution)
            .bind(&r.name).bind(given_name(&r.name)).bind(pinyin_initials(&r.name))
            .bind(r.sex.as_str()).bind(r.birth_date)
            .bind(r.id_number.as_str()).bind(reversed(r.id_number.as_str()))
            .bind(r.phone.as_str()).bind(&r.address).bind(now())
            .execute(pool).await.store().map(|r| r.rows_affected()))?)
    }

    /// Inserts or updates (by ID number) a batch of residents in one transaction.
    /// Returns `(inserted, updated)`. ID numbers must be unique within the batch.
    pub async fn upsert_residents(
        &self,
        community: Uuid,
        rows: &[(Uuid, ValidResident)],
    ) -> Result<(u64, u64)> {
        if rows.is_empty() {
            return Ok((0, 0));
        }
        let t = now();
        let inserted: i64 = on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let count = "SELECT COUNT(*) FROM residents WHERE community_id = $1";
            let before: i64 = sqlx::query_scalar(count).bind(community).fetch_one(&mut *tx).await.store()?;
            for chunk in rows.chunks(STATEMENT_ROWS) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO residents (id, community_id, institution_id, name, name_given, initials, sex, birth_date,
                        id_number, id_rev, phone, address, active, created_at, updated_at) ");
                qb.push_values(chunk, |mut b, (inst, r)| {
                    b.push_bind(new_id()).push_bind(community).push_bind(*inst)
                        .push_bind(r.name.as_str()).push_bind(given_name(&r.name)).push_bind(pinyin_initials(&r.name))
                        .push_bind(r.sex.as_str()).push_bind(r.birth_date)
                        .push_bind(r.id_number.as_str()).push_bind(reversed(r.id_number.as_str()))
                        .push_bind(r.phone.as_str()).push_bind(r.address.as_str())
                        .push("TRUE").push_bind(t).push_bind(t);
                });
                qb.push(" ON CONFLICT (community_id, id_number) DO UPDATE SET institution_id = excluded.institution_id,
                    name = excluded.name, name_given = excluded.name_given, initials = excluded.initials,
                    sex = excluded.sex, birth_date = excluded.birth_date, phone = excluded.phone,
                    address = excluded.address, updated_at = excluded.updated_at");
                qb.build().execute(&mut *tx).await.store()?;
            }
            let after: i64 = sqlx::query_scalar(count).bind(community).fetch_one(&mut *tx).await.store()?;
            tx.commit().await.store()?;
            after - before
        });
        let inserted = inserted.max(0) as u64;
        Ok((inserted, rows.len() as u64 - inserted))
    }

    /// `(resident, institution)` pairs, a deterministic sample of active residents.
    pub async fn resident_sample(&self, community: Uuid, limit: i64) -> Result<Vec<(Uuid, Uuid)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, Uuid)>(
            "SELECT id, institution_id FROM residents WHERE community_id = $1 AND active = TRUE ORDER BY id_rev LIMIT $2")
            .bind(community).bind(limit).fetch_all(pool).await.store())
    }

    /// Every active resident as (id, institution, birth date), for generating histories.
    pub async fn resident_births(&self, community: Uuid) -> Result<Vec<(Uuid, Uuid, Date)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, Uuid, Date)>(
            "SELECT id, institution_id, birth_date FROM residents WHERE community_id = $1 AND active = TRUE ORDER BY id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Staff of the community as (id, institution), ordered by institution and name.
    pub async fn staff_places(&self, community: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
        on_db!(self, pool => sqlx::query_as::<_, (Uuid, Uuid)>(
            "SELECT id, institution_id FROM staff WHERE community_id = $1 AND active = TRUE ORDER BY institution_id, name, id")
            .bind(community).fetch_all(pool).await.store())
    }

    pub async fn count_residents(&self, community: Uuid) -> Result<i64> {
        on_db!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM residents WHERE community_id = $1")
            .bind(community).fetch_one(pool).await.store())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_id_fragments_search_the_start_only() {
        let columns = |q: &str| -> Vec<&'static str> {
            plan(Some(q)).ranges.into_iter().map(|(c, _)| c).collect()
        };
        assert_eq!(columns("5"), ["id_number"]);
        assert_eq!(columns("520"), ["id_number"]);
        assert_eq!(columns("002X"), ["id_number", "id_rev"]);
        assert_eq!(plan(Some("002X")).ranges[1].1, "X200");
        assert_eq!(columns("王"), ["name", "name_given"]);
    }
}
