//! Sterile supply in the store: batches with their indicator, and their packs as they go
//! out to members, are used on patients and come back.

use crate::audit::{AuditEntry, insert_audit};
use crate::{
    OrConflict, Page, PageRequest, Result, Store, StoreError, new_id, now, on_db, on_db_write,
};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::diagnostics::sterile::{Indicator, Method, PackState};

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Batch {
    pub id: Uuid,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub method: Method,
    pub cycle_no: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub sterilised_at: OffsetDateTime,
    #[sqlx(try_from = "String")]
    pub indicator: Indicator,
    #[serde(with = "time::serde::rfc3339::option")]
    pub indicator_at: Option<OffsetDateTime>,
    pub indicator_note: String,
    pub packs: i64,
    pub out: i64,
    pub used: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Pack {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub batch_code: String,
    #[sqlx(try_from = "String")]
    pub indicator: Indicator,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub state: PackState,
    pub institution_id: Option<Uuid>,
    pub institution_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub dispatched_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    pub resident_id: Option<Uuid>,
    pub resident_name: Option<String>,
    pub procedure_text: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub returned_at: Option<OffsetDateTime>,
    #[serde(skip)]
    pub version: i64,
}

/// A batch as the unit records it, with how many packs of each kind.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub code: String,
    pub method: Method,
    pub cycle_no: i64,
    pub sterilised_at: OffsetDateTime,
    pub packs: Vec<(String, i64)>,
}

/// The columns a pack step changes.
#[derive(Debug, Clone)]
pub struct PackChange {
    pub state: PackState,
    pub institution_id: Option<Uuid>,
    pub dispatched_at: Option<OffsetDateTime>,
    pub used_at: Option<OffsetDateTime>,
    pub resident_id: Option<Uuid>,
    pub procedure_text: String,
    pub returned_at: Option<OffsetDateTime>,
}

const BATCH: &str = "SELECT b.id, b.code, b.method, b.cycle_no, b.sterilised_at, b.indicator, b.indicator_at,
    b.indicator_note,
    (SELECT COUNT(*) FROM sterile_packs p WHERE p.community_id = b.community_id AND p.batch_id = b.id) AS packs,
    (SELECT COUNT(*) FROM sterile_packs p WHERE p.community_id = b.community_id AND p.batch_id = b.id
        AND p.state = 'dispatched') AS out,
    (SELECT COUNT(*) FROM sterile_packs p WHERE p.community_id = b.community_id AND p.batch_id = b.id
        AND p.state = 'used') AS used
    FROM sterile_batches b";

const PACK: &str = "SELECT p.id, p.batch_id, b.code AS batch_code, b.indicator, p.kind, p.state, p.institution_id,
    i.name AS institution_name, p.dispatched_at, p.used_at, p.resident_id, r.name AS resident_name, p.procedure_text,
    p.returned_at, p.version
    FROM sterile_packs p JOIN sterile_batches b ON b.community_id = p.community_id AND b.id = p.batch_id
    LEFT JOIN institutions i ON i.community_id = p.community_id AND i.id = p.institution_id
    LEFT JOIN residents r ON r.community_id = p.community_id AND r.id = p.resident_id";

/// A batch of the past with its packs as they went (the demo).
#[derive(Debug, Clone)]
pub struct PastBatch {
    pub batch: NewBatch,
    pub indicator: Indicator,
    pub indicator_at: Option<OffsetDateTime>,
    pub note: String,
    pub packs: Vec<(String, PackChange)>,
}

/// Which packs a list holds: every pack, or those at these institutions.
#[derive(Debug, Clone)]
pub enum PackFilter {
    All,
    At(Vec<Uuid>),
}

fn push_packs<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    filter: &PackFilter,
    state: Option<PackState>,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(" WHERE p.community_id = ").push_bind(community);
    if let PackFilter::At(ids) = filter {
        crate::push_in(qb, "p.institution_id", ids);
    }
    if let Some(s) = state {
        qb.push(" AND p.state = ").push_bind(s.as_str().to_string());
    }
}

impl Store {
    /// Records a batch and its packs (in stock), with the audit row; its id (a conflict
    /// when its code is taken).
    pub async fn add_batch(
        &self,
        community: Uuid,
        n: &NewBatch,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let (id, t) = (new_id(), now());
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO sterile_batches (id, community_id, code, method, cycle_no, sterilised_at, indicator,
                    created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)")
                .bind(id).bind(community).bind(&n.code).bind(n.method.as_str()).bind(n.cycle_no).bind(n.sterilised_at)
                .bind(audit.account_id).bind(t)
                .execute(&mut *tx).await.store()?;
            let kinds: Vec<&str> = n.packs.iter().flat_map(|(k, count)| (0..*count).map(move |_| k.as_str())).collect();
            for part in kinds.chunks(200) {
                let mut qb = QueryBuilder::new("INSERT INTO sterile_packs (id, community_id, batch_id, kind, state) ");
                qb.push_values(part, |mut b, kind| {
                    b.push_bind(new_id()).push_bind(community).push_bind(id).push_bind(kind.to_string()).push_bind("in_stock");
                });
                qb.build().execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// A page of batches, the latest first.
    pub async fn batches(&self, community: Uuid, page: PageRequest) -> Result<Page<Batch>> {
        let sql = format!(
            "{BATCH} WHERE b.community_id = $1 ORDER BY b.sterilised_at DESC, b.id DESC LIMIT $2 OFFSET $3"
        );
        let (items, total) = on_db!(self, pool => {
            let items = sqlx::query_as::<_, Batch>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(community).bind(page.per_page).bind(page.offset()).fetch_all(pool).await.store()?;
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sterile_batches WHERE community_id = $1")
                .bind(community).fetch_one(pool).await.store()?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    pub async fn get_batch(&self, community: Uuid, id: Uuid) -> Result<Batch> {
        let sql = format!("{BATCH} WHERE b.community_id = $1 AND b.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Batch>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// Every pack of a batch, by kind.
    pub async fn batch_packs(&self, community: Uuid, batch: Uuid) -> Result<Vec<Pack>> {
        let sql =
            format!("{PACK} WHERE p.community_id = $1 AND p.batch_id = $2 ORDER BY p.kind, p.id");
        on_db!(self, pool => sqlx::query_as::<_, Pack>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(batch).fetch_all(pool).await.store())
    }

    pub async fn get_pack(&self, community: Uuid, id: Uuid) -> Result<Pack> {
        let sql = format!("{PACK} WHERE p.community_id = $1 AND p.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Pack>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    /// A page of packs out at members (`At`) or anywhere, in a state if asked, the latest
    /// dispatched first.
    pub async fn packs(
        &self,
        community: Uuid,
        (filter, state): (&PackFilter, Option<PackState>),
        page: PageRequest,
    ) -> Result<Page<Pack>> {
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new(PACK);
            push_packs(&mut qb, community, filter, state);
            qb.push(" ORDER BY p.dispatched_at DESC, p.id LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            let items = qb.build_query_as::<Pack>().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM sterile_packs p");
            push_packs(&mut qc, community, filter, state);
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

    /// Records a batch's indicator result, once (from pending); `Ok(false)` when it was
    /// already recorded.
    pub async fn set_indicator(
        &self,
        community: Uuid,
        (batch, indicator, note): (Uuid, Indicator, &str),
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE sterile_batches SET indicator = $3, indicator_at = $4, indicator_note = $5
                 WHERE community_id = $1 AND id = $2 AND indicator = 'pending'")
                .bind(community).bind(batch).bind(indicator.as_str()).bind(now()).bind(note)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(batch)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Applies a pack step decided on the pack at `version`, with the audit row;
    /// `Ok(false)` when the pack moved on meanwhile.
    pub async fn change_pack(
        &self,
        community: Uuid,
        (id, version): (Uuid, i64),
        c: &PackChange,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query("UPDATE sterile_packs SET state = $3, institution_id = $4, dispatched_at = $5,
                    used_at = $6, resident_id = $7, procedure_text = $8, returned_at = $9, version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $10")
                .bind(community).bind(id).bind(c.state.as_str()).bind(c.institution_id).bind(c.dispatched_at)
                .bind(c.used_at).bind(c.resident_id).bind(&c.procedure_text).bind(c.returned_at).bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Loads past batches with their packs at once (the demo).
    pub async fn bulk_load_sterile(&self, community: Uuid, rows: &[PastBatch]) -> Result<()> {
        for chunk in rows.chunks(100) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                let ids: Vec<Uuid> = chunk.iter().map(|_| new_id()).collect();
                let mut qb = QueryBuilder::new("INSERT INTO sterile_batches (id, community_id, code, method, cycle_no,
                    sterilised_at, indicator, indicator_at, indicator_note, created_at) ");
                qb.push_values(chunk.iter().zip(&ids), |mut b, (r, id)| {
                    b.push_bind(*id).push_bind(community).push_bind(r.batch.code.clone()).push_bind(r.batch.method.as_str())
                        .push_bind(r.batch.cycle_no).push_bind(r.batch.sterilised_at).push_bind(r.indicator.as_str())
                        .push_bind(r.indicator_at).push_bind(r.note.clone()).push_bind(r.batch.sterilised_at);
                });
                qb.build().execute(&mut *tx).await.store()?;
                let packs: Vec<(Uuid, &(String, PackChange))> =
                    chunk.iter().zip(&ids).flat_map(|(r, id)| r.packs.iter().map(move |p| (*id, p))).collect();
                for part in packs.chunks(200) {
                    let mut qp = QueryBuilder::new("INSERT INTO sterile_packs (id, community_id, batch_id, kind, state,
                        institution_id, dispatched_at, used_at, resident_id, procedure_text, returned_at) ");
                    qp.push_values(part, |mut b, (batch, (kind, c))| {
                        b.push_bind(new_id()).push_bind(community).push_bind(*batch).push_bind(kind.clone())
                            .push_bind(c.state.as_str()).push_bind(c.institution_id).push_bind(c.dispatched_at)
                            .push_bind(c.used_at).push_bind(c.resident_id).push_bind(c.procedure_text.clone())
                            .push_bind(c.returned_at);
                    });
                    qp.build().execute(&mut *tx).await.store()?;
                }
                tx.commit().await.store()?;
            });
        }
        Ok(())
    }
}
