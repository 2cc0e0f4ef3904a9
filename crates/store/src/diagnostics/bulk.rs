//! Historical orders loaded in bulk with their results (the demo, the tests' earlier
//! results and the recognition benchmark).

use super::{NewOrder, NewResult};
use crate::{OrConflict, Result, Store, new_id, on_db_write};
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

/// An order of the past, reported when `reported` says.
#[derive(Debug, Clone)]
pub struct PastOrder {
    pub order: NewOrder,
    pub ordered_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    /// When the specimen or study was received (the report's time when not given).
    pub received_at: Option<OffsetDateTime>,
    /// When, by whom, and the result.
    pub reported: Option<(OffsetDateTime, Option<Uuid>, NewResult)>,
    pub acknowledged: Option<(OffsetDateTime, Uuid)>,
}

impl Store {
    /// Loads many past orders with their values at once; their ids in order.
    pub async fn bulk_load_orders(&self, community: Uuid, rows: &[PastOrder]) -> Result<Vec<Uuid>> {
        let ids: Vec<Uuid> = rows.iter().map(|_| new_id()).collect();
        for (chunk, chunk_ids) in rows.chunks(2000).zip(ids.chunks(2000)) {
            on_db_write!(self, pool => {
                let mut tx = pool.begin().await.store()?;
                for (part, part_ids) in chunk.chunks(100).zip(chunk_ids.chunks(100)) {
                    let mut qb = QueryBuilder::new(
                        "INSERT INTO diag_orders (id, community_id, resident_id, item_code, centre, from_institution_id,
                            performer_id, ordered_by, urgency, question, status, repeat_reason, repeat_of, price_fen,
                            received_at, reported_at, reported_by, findings, impression, critical, acknowledged_at,
                            acknowledged_by, created_at, updated_at) ");
                    qb.push_values(part.iter().zip(part_ids), |mut b, (p, id)| {
                        let n = &p.order;
                        let r = p.reported.as_ref();
                        let received = p.received_at.or(r.map(|r| r.0));
                        let status = match (r, received) {
                            (Some(_), _) => "reported",
                            (None, Some(_)) => "received",
                            (None, None) => "ordered",
                        };
                        b.push_bind(*id).push_bind(community).push_bind(n.resident_id).push_bind(n.item_code.clone())
                            .push_bind(n.centre.as_str()).push_bind(n.from_institution_id).push_bind(n.performer_id)
                            .push_bind(p.ordered_by).push_bind(n.urgency.as_str()).push_bind(n.question.clone())
                            .push_bind(status).push_bind(n.repeat.map(|x| x.0.as_str())).push_bind(n.repeat.map(|x| x.1))
                            .push_bind(n.price_fen).push_bind(received).push_bind(r.map(|r| r.0))
                            .push_bind(r.and_then(|r| r.1)).push_bind(r.map_or(String::new(), |r| r.2.findings.clone()))
                            .push_bind(r.map_or(String::new(), |r| r.2.impression.clone()))
                            .push_bind(r.is_some_and(|r| r.2.critical)).push_bind(p.acknowledged.map(|a| a.0))
                            .push_bind(p.acknowledged.map(|a| a.1)).push_bind(p.created_at)
                            .push_bind(r.map_or(p.created_at, |r| r.0));
                    });
                    qb.build().execute(&mut *tx).await.store()?;
                    let values: Vec<_> = part.iter().zip(part_ids)
                        .flat_map(|(p, id)| p.reported.iter().flat_map(move |r| r.2.values.iter().enumerate().map(move |v| (*id, v))))
                        .collect();
                    for vs in values.chunks(300) {
                        let mut qv = QueryBuilder::new(
                            "INSERT INTO diag_values (community_id, order_id, analyte, position, value, unit, ref_low, ref_high, flag) ");
                        qv.push_values(vs, |mut b, (id, (n, v))| {
                            b.push_bind(community).push_bind(*id).push_bind(v.analyte.clone()).push_bind(*n as i64)
                                .push_bind(v.value).push_bind(v.unit.clone()).push_bind(v.ref_low).push_bind(v.ref_high)
                                .push_bind(v.flag.as_str());
                        });
                        qv.build().execute(&mut *tx).await.store()?;
                    }
                }
                tx.commit().await.store()?;
            });
        }
        Ok(ids)
    }

    /// Loads past reuses of earlier results at once.
    pub async fn bulk_load_reuses(&self, community: Uuid, rows: &[PastReuse]) -> Result<()> {
        for chunk in rows.chunks(200) {
            on_db_write!(self, pool => {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO diag_reuses (id, community_id, resident_id, item_code, result_id, institution_id,
                        reused_by, price_fen, created_at) ");
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(new_id()).push_bind(community).push_bind(r.resident_id).push_bind(r.item_code.clone())
                        .push_bind(r.result_id).push_bind(r.institution_id).push_bind(r.reused_by)
                        .push_bind(r.price_fen).push_bind(r.at);
                });
                qb.build().execute(pool).await.store()?;
            });
        }
        Ok(())
    }
}

/// An earlier result reused in the past.
#[derive(Debug, Clone)]
pub struct PastReuse {
    pub resident_id: Uuid,
    pub item_code: String,
    pub result_id: Uuid,
    pub institution_id: Uuid,
    pub reused_by: Option<Uuid>,
    pub price_fen: i64,
    pub at: OffsetDateTime,
}
