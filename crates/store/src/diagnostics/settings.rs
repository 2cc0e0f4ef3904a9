//! The community's settings of catalogue items (price, service levels, recognition).

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, now, on_db, on_db_write};
use uuid::Uuid;
use yigong_domain::diagnostics::settings::Stored;
use yigong_domain::registry::InstitutionKind;

#[derive(sqlx::FromRow)]
struct Row {
    item_code: String,
    price_fen: i64,
    routine_minutes: i64,
    routine_working: bool,
    urgent_minutes: i64,
    urgent_working: bool,
    window_days: Option<i64>,
    lowest_level: String,
    needs_eqa: bool,
}

impl Store {
    /// The items the community has set (the others keep the defaults).
    pub async fn item_settings(&self, community: Uuid) -> Result<Vec<Stored>> {
        let rows = on_db!(self, pool => sqlx::query_as::<_, Row>(
            "SELECT item_code, price_fen, routine_minutes, routine_working, urgent_minutes, urgent_working,
                window_days, lowest_level, needs_eqa
             FROM diag_item_settings WHERE community_id = $1 ORDER BY item_code")
            .bind(community).fetch_all(pool).await.store())?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(Stored {
                    lowest: InstitutionKind::parse(&r.lowest_level)?,
                    code: r.item_code,
                    price_fen: r.price_fen,
                    routine_minutes: r.routine_minutes,
                    routine_working: r.routine_working,
                    urgent_minutes: r.urgent_minutes,
                    urgent_working: r.urgent_working,
                    window_days: r.window_days.and_then(|d| u16::try_from(d).ok()),
                    needs_eqa: r.needs_eqa,
                })
            })
            .collect())
    }

    /// Stores an item's setting (replacing any), with its audit row.
    pub async fn save_item_setting(
        &self,
        community: Uuid,
        s: &Stored,
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO diag_item_settings (community_id, item_code, price_fen, routine_minutes,
                    routine_working, urgent_minutes, urgent_working, window_days, lowest_level, needs_eqa, updated_by,
                    updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (community_id, item_code) DO UPDATE SET price_fen = excluded.price_fen,
                    routine_minutes = excluded.routine_minutes, routine_working = excluded.routine_working,
                    urgent_minutes = excluded.urgent_minutes, urgent_working = excluded.urgent_working,
                    window_days = excluded.window_days, lowest_level = excluded.lowest_level,
                    needs_eqa = excluded.needs_eqa, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .bind(community).bind(&s.code).bind(s.price_fen).bind(s.routine_minutes).bind(s.routine_working)
                .bind(s.urgent_minutes).bind(s.urgent_working).bind(s.window_days.map(i64::from))
                .bind(s.lowest.as_str()).bind(s.needs_eqa).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
