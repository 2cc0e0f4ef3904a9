//! Indicators' rows: encounters imported from the county's systems, residents' care
//! outside the county, the monthly tallies kept as they arrive (and rebuilt from them),
//! the cases behind a figure, and the checkpoints of interrupted imports.

pub mod appraisal;
pub mod cases;
pub mod checkpoints;
pub mod corrections;
pub mod encounters;
pub(crate) mod lite;
pub mod outside;
pub mod population;
pub mod tallies;
pub mod visits;

use crate::OrConflict;

/// What storing a batch did with its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BatchOutcome {
    pub inserted: u64,
    /// Rows already stored under the same key with other values, now corrected.
    pub updated: u64,
    /// Rows already stored exactly so.
    pub unchanged: u64,
}

impl std::ops::AddAssign for BatchOutcome {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

impl crate::Store {
    /// After a bulk load of encounters or outside visits: PostgreSQL plans from statistics
    /// that a load leaves stale (on 61,000 fresh encounters a month's drill-down took
    /// 110 ms until analysed, 10 ms after). ANALYZE samples, so it stays quick on a large
    /// table. SQLite keeps no statistics unless asked and plans these queries well
    /// without them.
    pub async fn refresh_indicator_statistics(&self) -> crate::Result<()> {
        if let crate::Db::Postgres(pool) = &self.db {
            for sql in [
                "ANALYZE encounters",
                "ANALYZE outside_visits",
                "ANALYZE indicator_tallies",
            ] {
                sqlx::raw_sql(sql).execute(pool).await.store()?;
            }
        }
        Ok(())
    }
}
