//! ECG recordings: reading the formats ECG machines write, finding the beats and
//! measuring them. Pure computation, no I/O beyond the bytes handed in.

pub mod aecg;
pub mod csv;
pub mod dicom;
pub mod fibrillation;
pub mod leads;
pub mod measure;
pub mod qrs;
pub mod render;
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

    /// What every reader's result must satisfy before anything measures it: a sane
    /// rate, at least one lead, and every sample a finite voltage (a huge gain or
    /// scale can overflow single precision).
    pub fn check(&self) -> Result<(), FormatError> {
        if !(self.fs.is_finite() && self.fs > 0.0 && self.fs <= 100_000.0) {
            return Err(FormatError::Header(format!("sampling rate {} Hz", self.fs)));
        }
        if self.is_empty() {
            return Err(FormatError::Data("the recording holds no samples".into()));
        }
        if let Some(lead) = self
            .leads
            .iter()
            .find(|l| l.samples.iter().any(|v| !v.is_finite()))
        {
            return Err(FormatError::Data(format!(
                "lead {} holds values out of range (check its gain or scale)",
                lead.name
            )));
        }
        Ok(())
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

/// The formats an upload may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Wfdb,
    Aecg,
    Dicom,
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Wfdb => "wfdb",
            Format::Aecg => "hl7-aecg",
            Format::Dicom => "dicom",
            Format::Csv => "csv",
        }
    }
}

/// Reads an upload: one file (HL7 aECG XML, DICOM waveform, CSV) or a WFDB pair
/// (`.hea` header and its signal file). `fs` is the sampling rate declared for a CSV.
/// Limb leads the machine left out are derived from I and II.
pub fn read_upload(
    files: &[(&str, &[u8])],
    fs: Option<f64>,
) -> Result<(Format, Recording), FormatError> {
    let (format, mut recording) = match files {
        [] => return Err(FormatError::Unsupported("no file".into())),
        [(_, bytes)] if dicom::sniff(bytes) => (Format::Dicom, dicom::read(bytes)?),
        [(_, bytes)] if aecg::sniff(bytes) => (Format::Aecg, aecg::read(bytes)?),
        [(name, _)] if has_extension(name, "hea") || has_extension(name, "dat") => {
            return Err(FormatError::Unsupported(
                "a WFDB record needs both its .hea header and its signal file".into(),
            ));
        }
        [(name, bytes)] if has_extension(name, "csv") || has_extension(name, "txt") => {
            (Format::Csv, csv::read(bytes, fs)?)
        }
        [(name, _)] => {
            return Err(FormatError::Unsupported(format!(
                "'{name}' is not an ECG file this system reads (HL7 aECG, DICOM, WFDB, CSV)"
            )));
        }
        [a, b] => {
            let (hea, dat) = if has_extension(a.0, "hea") {
                (a, b)
            } else {
                (b, a)
            };
            if !has_extension(hea.0, "hea") {
                return Err(FormatError::Unsupported(
                    "two files are read only as a WFDB record (.hea and .dat)".into(),
                ));
            }
            let text = std::str::from_utf8(hea.1)
                .map_err(|_| FormatError::Header("the .hea header is not text".into()))?;
            let header = wfdb::parse_header(text)?;
            (Format::Wfdb, wfdb::read(&header, dat.1)?)
        }
        _ => {
            return Err(FormatError::Unsupported(
                "one recording per upload: one file, or a .hea with its .dat".into(),
            ));
        }
    };
    for lead in &mut recording.leads {
        lead.name = leads::standard_name(&lead.name);
    }
    recording.check()?;
    recording.complete_limb_leads();
    Ok((format, recording))
}

fn has_extension(name: &str, ext: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}
