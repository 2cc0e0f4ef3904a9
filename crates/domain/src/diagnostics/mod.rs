//! The shared diagnostic centres (seed 000's laboratory, imaging, pathology and sterile
//! supply beside the ECG centre) and mutual recognition of results (seed 002's
//! 检查结果互通互认): the rules that need no storage.

pub mod catalogue;
pub mod consult;
pub mod order;
pub mod recognition;
pub mod settings;
pub mod sterile;
pub mod turnaround;
