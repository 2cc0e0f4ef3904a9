//! Indicators (监测指标): the figures a community reports upward every month, computed
//! from raw rows — visits and stays from the hospitals' and townships' systems
//! (`encounter`), residents' care outside the county (`outside`) — through monthly
//! tallies kept per institution (`tally`). Each indicator's definition is data
//! (`catalog`): its texts, version and source can be corrected without a release, and
//! its formula is a sum of tallies over a period and a set of institution levels
//! (`formula`). Members are appraised on a weighted sheet of indicators and manual
//! items per quarter (`appraisal`). Per-10,000 figures divide by the residents of a year
//! (`population`); chronic care per register and year (`chronic`).

pub mod appraisal;
pub mod cases;
pub mod catalog;
pub mod chronic;
pub mod encounter;
pub mod formula;
pub mod month;
pub mod outside;
pub mod population;
pub mod tally;
