//! Indicators' rows: encounters imported from the county's systems, residents' care
//! outside the county, the monthly tallies kept as they arrive (and rebuilt from them),
//! the cases behind a figure, and the checkpoints of interrupted imports.

pub mod cases;
pub mod checkpoints;
pub mod encounters;
mod lite;
pub mod outside;
pub mod tallies;
pub mod visits;

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
