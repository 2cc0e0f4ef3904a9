//! WFDB records (PhysioNet): a text header (`RECORD.hea`) naming the signals, and a
//! signal file in format 212 (two 12-bit samples in three bytes) or 16 (16-bit
//! little-endian), the channels interleaved frame by frame.

use crate::{FormatError, Lead, MAX_SAMPLES_PER_LEAD, Recording};

/// The parts of a header that reading the signals needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub record: String,
    pub fs: f64,
    /// Samples per signal (0 when the header does not say).
    pub samples: usize,
    pub signals: Vec<SignalSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    pub file: String,
    pub format: u16,
    /// ADC units per millivolt.
    pub gain: f64,
    pub baseline: i32,
    pub description: String,
}

fn bad(msg: impl Into<String>) -> FormatError {
    FormatError::Header(msg.into())
}

/// Parses a header (LF or CRLF line ends, `#` comments).
pub fn parse_header(text: &str) -> Result<Header, FormatError> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let record_line = lines.next().ok_or_else(|| bad("empty header"))?;
    let mut f = record_line.split_whitespace();
    let record = f.next().ok_or_else(|| bad("no record name"))?;
    if record.contains('/') {
        return Err(FormatError::Unsupported("multi-segment records".into()));
    }
    let nsig: usize = f
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| bad("number of signals missing or not a number"))?;
    if nsig == 0 || nsig > 64 {
        return Err(bad(format!("{nsig} signals (1 to 64 expected)")));
    }
    // "360", "360/2" (counter frequency) or "360(0)": the rate is the leading number.
    let fs = match f.next() {
        None => 250.0,
        Some(v) => v
            .split(['/', '('])
            .next()
            .and_then(|n| n.parse::<f64>().ok())
            .filter(|n| n.is_finite() && *n > 0.0 && *n <= 100_000.0)
            .ok_or_else(|| bad(format!("sampling frequency '{v}'")))?,
    };
    let samples = match f.next() {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| bad(format!("number of samples '{v}'")))?,
    };
    if samples > MAX_SAMPLES_PER_LEAD {
        return Err(bad(format!("{samples} samples per signal is too long")));
    }
    let mut signals = Vec::with_capacity(nsig);
    for i in 0..nsig {
        let line = lines
            .next()
            .ok_or_else(|| bad(format!("signal line {} missing", i + 1)))?;
        signals.push(parse_signal(line)?);
    }
    Ok(Header {
        record: record.to_string(),
        fs,
        samples,
        signals,
    })
}

fn parse_signal(line: &str) -> Result<SignalSpec, FormatError> {
    let mut f = line.split_whitespace();
    let file = f.next().ok_or_else(|| bad("signal file name missing"))?;
    let fmt_field = f.next().ok_or_else(|| bad("signal format missing"))?;
    // "212", "212x2" (samples per frame), "212:10" (skew), "212+24" (byte offset).
    let digits: String = fmt_field.chars().take_while(char::is_ascii_digit).collect();
    let format: u16 = digits
        .parse()
        .map_err(|_| bad(format!("signal format '{fmt_field}'")))?;
    if fmt_field.len() != digits.len() {
        return Err(FormatError::Unsupported(format!(
            "signal format '{fmt_field}' (skew, offset or several samples per frame)"
        )));
    }
    if !matches!(format, 212 | 16) {
        return Err(FormatError::Unsupported(format!(
            "signal format {format} (212 and 16 are read)"
        )));
    }
    // "200", "200(0)/mV", "200/mV"; 0 or missing means 200.
    let (gain, baseline, units) = match f.next() {
        None => (200.0, None, "mV".to_string()),
        Some(g) => {
            let (num, rest) = g.split_at(g.find(['(', '/']).unwrap_or(g.len()));
            let gain: f64 = num.parse().map_err(|_| bad(format!("signal gain '{g}'")))?;
            let mut baseline = None;
            let mut rest = rest;
            if let Some(r) = rest.strip_prefix('(') {
                let close = r
                    .find(')')
                    .ok_or_else(|| bad(format!("signal gain '{g}'")))?;
                baseline = Some(
                    r[..close]
                        .parse::<i32>()
                        .map_err(|_| bad(format!("baseline in '{g}'")))?,
                );
                rest = &r[close + 1..];
            }
            let units = rest.strip_prefix('/').unwrap_or("mV").to_string();
            let gain = if gain == 0.0 { 200.0 } else { gain };
            if !gain.is_finite() || gain < 0.0 {
                return Err(bad(format!("signal gain '{g}'")));
            }
            (gain, baseline, units)
        }
    };
    let gain = match units.as_str() {
        "mV" => gain,
        "uV" | "μV" => gain / 1000.0,
        "V" => gain * 1000.0,
        other => {
            return Err(FormatError::Unsupported(format!("signal units '{other}'")));
        }
    };
    let _adc_resolution = f.next();
    let adc_zero: i32 = match f.next() {
        None => 0,
        Some(z) => z.parse().map_err(|_| bad(format!("ADC zero '{z}'")))?,
    };
    // Initial value, checksum and block size are not needed to read the samples.
    let description: Vec<&str> = f.skip(3).collect();
    Ok(SignalSpec {
        file: file.to_string(),
        format,
        gain,
        baseline: baseline.unwrap_or(adc_zero),
        description: description.join(" "),
    })
}

/// Reads the signals of `header` from the bytes of its one signal file.
pub fn read(header: &Header, data: &[u8]) -> Result<Recording, FormatError> {
    let first = &header.signals[0];
    if header.signals.iter().any(|s| s.file != first.file) {
        return Err(FormatError::Unsupported(
            "signals spread over several files".into(),
        ));
    }
    if header.signals.iter().any(|s| s.format != first.format) {
        return Err(FormatError::Unsupported("mixed signal formats".into()));
    }
    let n = header.signals.len();
    let raw = match first.format {
        212 => decode_212(data, n),
        _ => decode_16(data, n),
    }?;
    let frames = raw.len() / n;
    let frames = if header.samples > 0 {
        if frames < header.samples {
            return Err(FormatError::Data(format!(
                "the header announces {} samples per signal, the file holds {frames}",
                header.samples
            )));
        }
        header.samples
    } else {
        frames
    };
    if frames > MAX_SAMPLES_PER_LEAD {
        return Err(FormatError::Data(format!(
            "{frames} samples per signal is too long"
        )));
    }
    let leads = header
        .signals
        .iter()
        .enumerate()
        .map(|(k, s)| Lead {
            name: if s.description.is_empty() {
                format!("signal {k}")
            } else {
                s.description.clone()
            },
            samples: (0..frames)
                .map(|i| ((raw[i * n + k] - s.baseline) as f64 / s.gain) as f32)
                .collect(),
        })
        .collect();
    Ok(Recording {
        fs: header.fs,
        leads,
    })
}

/// Format 212: each pair of samples in three bytes; the low byte of the first, then the
/// high nibbles of both, then the low byte of the second. Samples are 12-bit two's
/// complement. Whole frames only.
fn decode_212(data: &[u8], channels: usize) -> Result<Vec<i32>, FormatError> {
    let total = data.len() / 3 * 2 + usize::from(data.len() % 3 == 2);
    let usable = total - total % channels;
    if usable / channels > MAX_SAMPLES_PER_LEAD {
        return Err(FormatError::Data("signal file too long".into()));
    }
    let mut out = Vec::with_capacity(usable);
    let sign = |v: i32| if v & 0x800 != 0 { v - 0x1000 } else { v };
    for chunk in data.chunks(3) {
        if out.len() >= usable {
            break;
        }
        if chunk.len() >= 2 {
            out.push(sign(
                i32::from(chunk[0]) | (i32::from(chunk[1] & 0x0f) << 8),
            ));
        }
        if chunk.len() == 3 && out.len() < usable {
            out.push(sign(
                i32::from(chunk[2]) | (i32::from(chunk[1] & 0xf0) << 4),
            ));
        }
    }
    out.truncate(usable);
    Ok(out)
}

/// Format 16: 16-bit little-endian two's complement. Whole frames only.
fn decode_16(data: &[u8], channels: usize) -> Result<Vec<i32>, FormatError> {
    let total = data.len() / 2;
    let usable = total - total % channels;
    if usable / channels > MAX_SAMPLES_PER_LEAD {
        return Err(FormatError::Data("signal file too long".into()));
    }
    Ok(data
        .chunks_exact(2)
        .take(usable)
        .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]])))
        .collect())
}

/// One annotation of a WFDB annotation file (`.atr`): a beat label, a rhythm change
/// (code 28, with the rhythm in `aux`, e.g. `(AFIB`), noise, and so on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub sample: u64,
    pub code: u8,
    pub aux: String,
}

/// Annotation code of a rhythm change.
pub const RHYTHM: u8 = 28;

impl Annotation {
    /// Does this annotation label a beat (N L R B A a J S V r F e j n E / f Q ?)?
    pub fn is_beat(&self) -> bool {
        matches!(self.code, 1..=13 | 25 | 30 | 34 | 35 | 38 | 41)
    }
}

/// Reads a WFDB annotation file in MIT format: 16-bit words of a 6-bit code and a 10-bit
/// time step, with SKIP (long steps), AUX (text) and the NUM/SUB/CHN modifiers.
pub fn read_annotations(bytes: &[u8]) -> Result<Vec<Annotation>, FormatError> {
    let word = |at: usize| -> Result<u16, FormatError> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| FormatError::Data("the annotation file ends inside a word".into()))
    };
    let mut out: Vec<Annotation> = Vec::new();
    let (mut at, mut time) = (0usize, 0u64);
    while at + 1 < bytes.len() {
        let w = word(at)?;
        at += 2;
        let (code, step) = ((w >> 10) as u8, u64::from(w & 0x3ff));
        match code {
            0 if step == 0 => break,
            59 => {
                let high = u64::from(word(at)?);
                let low = u64::from(word(at + 2)?);
                at += 4;
                time = time.saturating_add((high << 16) | low);
            }
            60..=62 => {}
            63 => {
                let len = step as usize;
                let text = bytes.get(at..at + len).ok_or_else(|| {
                    FormatError::Data("the annotation file ends inside a note".into())
                })?;
                if let Some(last) = out.last_mut() {
                    last.aux = String::from_utf8_lossy(text)
                        .trim_end_matches('\0')
                        .to_string();
                }
                at += len + len % 2;
            }
            _ => {
                time += step;
                out.push(Annotation {
                    sample: time,
                    code,
                    aux: String::new(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_crlf_header_with_comments() {
        let h = parse_header(
            "101 2 360 650000\r\n101.dat 212 200 11 1024 955 29832 0 MLII\r\n101.dat 212 200 11 1024 992 19589 0 V1\r\n# 75 F\r\n",
        )
        .expect("header");
        assert_eq!(
            (h.record.as_str(), h.fs, h.samples),
            ("101", 360.0, 650_000)
        );
        assert_eq!(h.signals[1].description, "V1");
        assert_eq!((h.signals[0].gain, h.signals[0].baseline), (200.0, 1024));
    }

    #[test]
    fn decodes_212_pairs_with_sign() {
        // 0x123 and 0xFFE (-2): low bytes 0x23, 0xFE; nibbles 0xF (second) and 0x1 (first).
        let v = decode_212(&[0x23, 0xF1, 0xFE], 2).expect("decode");
        assert_eq!(v, vec![0x123, -2]);
    }

    #[test]
    fn garbage_headers_are_errors() {
        for h in [
            "",
            "x",
            "r 0 360",
            "r 2 abc 10\nf 212\n",
            "r 1 360 10\n",
            "r 1 360 10\nf 999 200\n",
            "r 1 360 99999999999\nf 16\n",
        ] {
            assert!(parse_header(h).is_err(), "{h:?}");
        }
    }

    #[test]
    fn a_short_file_is_an_error_not_a_panic() {
        let h =
            parse_header("r 2 360 100\nr.dat 16 200 16 0\nr.dat 16 200 16 0\n").expect("header");
        assert!(matches!(
            read(&h, &[1, 2, 3, 4, 5]),
            Err(FormatError::Data(_))
        ));
    }
}
