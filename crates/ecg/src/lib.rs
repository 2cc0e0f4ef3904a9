//! ECG recordings: reading the formats ECG machines write, finding the beats and
//! measuring them. Pure computation, no I/O beyond the bytes handed in.

pub mod qrs;
pub mod wfdb;

/// One lead of a recording, in millivolts.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    pub name: String,
    pub samples: Vec<f32>,
}

/// A multi-lead recording at one sampling rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// Samples per second.
    pub fs: f64,
    pub leads: Vec<Lead>,
}

impl Recording {
    /// Samples per lead (the shortest lead, if they differ).
    pub fn len(&self) -> usize {
        self.leads
            .iter()
            .map(|l| l.samples.len())
            .min()
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a file could not be read: said so that the person uploading it can act.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("header: {0}")]
    Header(String),
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("signal data: {0}")]
    Data(String),
}

/// Recordings longer than this (per lead) are refused rather than allocated:
/// 24 hours at 1,000 Hz.
pub const MAX_SAMPLES_PER_LEAD: usize = 24 * 3600 * 1000;
