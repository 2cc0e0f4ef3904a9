//! DICOM waveforms (12-lead ECG, General ECG, Ambulatory ECG Waveform Storage): the
//! first multiplex group of the Waveform Sequence (5400,0100), its channel definitions
//! (label, sensitivity and its unit, correction factor, baseline) and its interleaved
//! samples. Little-endian transfer syntaxes, explicit or implicit VR.

use crate::{FormatError, Lead, MAX_SAMPLES_PER_LEAD, Recording, leads};

type Tag = (u16, u16);

const ITEM: Tag = (0xFFFE, 0xE000);
const ITEM_END: Tag = (0xFFFE, 0xE00D);
const SEQUENCE_END: Tag = (0xFFFE, 0xE0DD);
const TRANSFER_SYNTAX: Tag = (0x0002, 0x0010);
const WAVEFORM_SEQUENCE: Tag = (0x5400, 0x0100);
const MULTIPLEX_GROUP_LABEL: Tag = (0x003A, 0x0020);
const CHANNEL_COUNT: Tag = (0x003A, 0x0005);
const SAMPLE_COUNT: Tag = (0x003A, 0x0010);
const SAMPLING_FREQUENCY: Tag = (0x003A, 0x001A);
const CHANNEL_DEFINITIONS: Tag = (0x003A, 0x0200);
const CHANNEL_SOURCE: Tag = (0x003A, 0x0208);
const CHANNEL_LABEL: Tag = (0x003A, 0x0203);
const CHANNEL_SENSITIVITY: Tag = (0x003A, 0x0210);
const SENSITIVITY_UNITS: Tag = (0x003A, 0x0211);
const CORRECTION_FACTOR: Tag = (0x003A, 0x0212);
const CHANNEL_BASELINE: Tag = (0x003A, 0x0213);
const CODE_VALUE: Tag = (0x0008, 0x0100);
const CODE_MEANING: Tag = (0x0008, 0x0104);
const BITS_ALLOCATED: Tag = (0x5400, 0x1004);
const SAMPLE_INTERPRETATION: Tag = (0x5400, 0x1006);
const WAVEFORM_DATA: Tag = (0x5400, 0x1010);

/// Sequences this reader may meet in implicit-VR files, where nothing else says so.
const KNOWN_SEQUENCES: [Tag; 4] = [
    WAVEFORM_SEQUENCE,
    CHANNEL_DEFINITIONS,
    CHANNEL_SOURCE,
    SENSITIVITY_UNITS,
];

/// Nested sequences deeper than this are refused (guards the stack against crafted files).
const MAX_DEPTH: usize = 16;

fn bad(msg: impl Into<String>) -> FormatError {
    FormatError::Header(msg.into())
}

/// Is this a DICOM Part 10 file?
pub fn sniff(bytes: &[u8]) -> bool {
    bytes.len() >= 132 && &bytes[128..132] == b"DICM"
}

/// One data element: raw value bytes, or the items of a sequence.
#[derive(Debug)]
enum Value<'a> {
    Bytes(&'a [u8]),
    Items(Vec<DataSet<'a>>),
}

#[derive(Debug, Default)]
struct DataSet<'a> {
    elements: Vec<(Tag, Value<'a>)>,
}

impl<'a> DataSet<'a> {
    fn get(&self, tag: Tag) -> Option<&Value<'a>> {
        self.elements
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| v)
    }

    fn bytes(&self, tag: Tag) -> Option<&'a [u8]> {
        match self.get(tag) {
            Some(Value::Bytes(b)) => Some(b),
            _ => None,
        }
    }

    fn items(&self, tag: Tag) -> &[DataSet<'a>] {
        match self.get(tag) {
            Some(Value::Items(items)) => items,
            _ => &[],
        }
    }

    fn text(&self, tag: Tag) -> Option<String> {
        self.bytes(tag).map(|b| {
            String::from_utf8_lossy(b)
                .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                .to_string()
        })
    }

    /// A decimal string (DS), its first value.
    fn decimal(&self, tag: Tag) -> Option<f64> {
        self.text(tag)?
            .split('\\')
            .next()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    }

    fn u16(&self, tag: Tag) -> Option<u16> {
        let b = self.bytes(tag)?;
        Some(u16::from_le_bytes(b.get(..2)?.try_into().ok()?))
    }

    fn u32(&self, tag: Tag) -> Option<u32> {
        let b = self.bytes(tag)?;
        Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?))
    }
}

/// A cursor over the bytes of a data set.
struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    explicit: bool,
}

impl<'a> Parser<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| {
                FormatError::Data(format!(
                    "the file ends inside an element (byte {})",
                    self.at
                ))
            })?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, FormatError> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn tag(&mut self) -> Result<Tag, FormatError> {
        Ok((self.u16()?, self.u16()?))
    }

    /// Elements until `end` bytes, or until the delimiter `until` (undefined lengths).
    fn data_set(
        &mut self,
        end: usize,
        until: Option<Tag>,
        depth: usize,
    ) -> Result<DataSet<'a>, FormatError> {
        if depth > MAX_DEPTH {
            return Err(FormatError::Data("sequences nested too deeply".into()));
        }
        let mut set = DataSet::default();
        while self.at < end {
            let tag = self.tag()?;
            if Some(tag) == until {
                self.u32()?;
                return Ok(set);
            }
            let (vr, len) = self.header(tag)?;
            let value = if vr == *b"SQ" || (len == u32::MAX && tag != ITEM) {
                Value::Items(self.sequence(len, depth + 1)?)
            } else if len == u32::MAX {
                return Err(FormatError::Unsupported(
                    "encapsulated (compressed) data elements".into(),
                ));
            } else {
                Value::Bytes(self.take(len as usize)?)
            };
            set.elements.push((tag, value));
        }
        if until.is_some() {
            return Err(FormatError::Data("an item is not closed".into()));
        }
        Ok(set)
    }

    /// The VR (if the syntax spells it, else a guess from the tag) and the value length.
    fn header(&mut self, tag: Tag) -> Result<([u8; 2], u32), FormatError> {
        if self.explicit && tag.0 != 0xFFFE {
            let vr: [u8; 2] = self.take(2)?.try_into().expect("2 bytes");
            let long = matches!(
                &vr,
                b"OB"
                    | b"OD"
                    | b"OF"
                    | b"OL"
                    | b"OV"
                    | b"OW"
                    | b"SQ"
                    | b"SV"
                    | b"UC"
                    | b"UN"
                    | b"UR"
                    | b"UT"
                    | b"UV"
            );
            let len = if long {
                self.take(2)?;
                self.u32()?
            } else {
                self.u16()? as u32
            };
            Ok((vr, len))
        } else {
            let vr = if KNOWN_SEQUENCES.contains(&tag) {
                *b"SQ"
            } else {
                *b"UN"
            };
            Ok((vr, self.u32()?))
        }
    }

    fn sequence(&mut self, len: u32, depth: usize) -> Result<Vec<DataSet<'a>>, FormatError> {
        let end = if len == u32::MAX {
            self.bytes.len()
        } else {
            self.at
                .checked_add(len as usize)
                .filter(|e| *e <= self.bytes.len())
                .ok_or_else(|| {
                    FormatError::Data("a sequence runs past the end of the file".into())
                })?
        };
        let mut items = Vec::new();
        while self.at < end {
            let tag = self.tag()?;
            let item_len = self.u32()?;
            match tag {
                SEQUENCE_END if len == u32::MAX => return Ok(items),
                ITEM if item_len == u32::MAX => {
                    items.push(self.data_set(self.bytes.len(), Some(ITEM_END), depth)?);
                }
                ITEM => {
                    let item_end = self
                        .at
                        .checked_add(item_len as usize)
                        .filter(|e| *e <= end)
                        .ok_or_else(|| {
                            FormatError::Data("an item runs past its sequence".into())
                        })?;
                    items.push(self.data_set(item_end, None, depth)?);
                    if self.at != item_end {
                        return Err(FormatError::Data("an element runs past its item".into()));
                    }
                }
                other => {
                    return Err(FormatError::Data(format!(
                        "({:04X},{:04X}) where a sequence item was expected",
                        other.0, other.1
                    )));
                }
            }
        }
        if len == u32::MAX {
            return Err(FormatError::Data("a sequence is not closed".into()));
        }
        Ok(items)
    }
}

/// Reads the first waveform multiplex group of a DICOM file.
pub fn read(bytes: &[u8]) -> Result<Recording, FormatError> {
    if !sniff(bytes) {
        return Err(bad("not a DICOM file (no DICM marker at byte 128)"));
    }
    // The file meta group is always explicit VR little endian.
    let mut p = Parser {
        bytes,
        at: 132,
        explicit: true,
    };
    let mut syntax = String::new();
    while p.at + 4 <= bytes.len() && bytes[p.at] == 0x02 && bytes[p.at + 1] == 0x00 {
        let tag = p.tag()?;
        let (_, len) = p.header(tag)?;
        if len == u32::MAX {
            return Err(bad("undefined length in the file meta group"));
        }
        let value = p.take(len as usize)?;
        if tag == TRANSFER_SYNTAX {
            syntax = String::from_utf8_lossy(value)
                .trim_matches(|c: char| c == '\0' || c == ' ')
                .to_string();
        }
    }
    p.explicit = match syntax.as_str() {
        "1.2.840.10008.1.2" => false,
        "1.2.840.10008.1.2.1" | "" => true,
        "1.2.840.10008.1.2.2" => {
            return Err(FormatError::Unsupported("big-endian DICOM".into()));
        }
        other => {
            return Err(FormatError::Unsupported(format!(
                "DICOM transfer syntax {other}"
            )));
        }
    };
    let set = p.data_set(bytes.len(), None, 0)?;
    let groups = set.items(WAVEFORM_SEQUENCE);
    let group = groups
        .iter()
        .find(|g| g.text(MULTIPLEX_GROUP_LABEL).as_deref() == Some("RHYTHM"))
        .or(groups.first())
        .ok_or_else(|| {
            FormatError::Data("the file holds no waveform (no Waveform Sequence)".into())
        })?;
    waveform(group)
}

fn waveform(group: &DataSet<'_>) -> Result<Recording, FormatError> {
    let channels = group
        .u16(CHANNEL_COUNT)
        .filter(|n| (1..=64).contains(n))
        .ok_or_else(|| bad("number of waveform channels missing or out of range"))?
        as usize;
    let samples = group
        .u32(SAMPLE_COUNT)
        .ok_or_else(|| bad("number of waveform samples missing"))? as usize;
    if samples == 0 || samples > MAX_SAMPLES_PER_LEAD {
        return Err(FormatError::Data(format!("{samples} samples per channel")));
    }
    let fs = group
        .decimal(SAMPLING_FREQUENCY)
        .filter(|f| *f > 0.0 && *f <= 100_000.0)
        .ok_or_else(|| bad("sampling frequency missing or out of range"))?;
    let bits = group.u16(BITS_ALLOCATED).unwrap_or(16);
    let interpretation = group
        .text(SAMPLE_INTERPRETATION)
        .unwrap_or_else(|| "SS".into());
    let width = match (bits, interpretation.as_str()) {
        (16, "SS" | "US") | (8, "SB" | "UB") | (32, "SL" | "UL") => bits as usize / 8,
        _ => {
            return Err(FormatError::Unsupported(format!(
                "{bits}-bit {interpretation} waveform samples"
            )));
        }
    };
    let data = group
        .bytes(WAVEFORM_DATA)
        .ok_or_else(|| FormatError::Data("no Waveform Data".into()))?;
    if data.len() < channels * samples * width {
        return Err(FormatError::Data(format!(
            "{channels} channels of {samples} samples need {} bytes, the file holds {}",
            channels * samples * width,
            data.len()
        )));
    }
    let definitions = group.items(CHANNEL_DEFINITIONS);
    if definitions.len() != channels {
        return Err(bad(format!(
            "{channels} channels but {} channel definitions",
            definitions.len()
        )));
    }
    let mut leads = Vec::with_capacity(channels);
    for (k, def) in definitions.iter().enumerate() {
        let source = def.items(CHANNEL_SOURCE).first();
        let label = source
            .and_then(|s| s.text(CODE_MEANING))
            .or_else(|| def.text(CHANNEL_LABEL))
            .unwrap_or_else(|| format!("channel {}", k + 1));
        let unit = def
            .items(SENSITIVITY_UNITS)
            .first()
            .and_then(|u| u.text(CODE_VALUE))
            .unwrap_or_else(|| "uV".into());
        let per_mv = match unit.as_str() {
            "uV" => 0.001,
            "mV" => 1.0,
            "V" => 1000.0,
            other => {
                return Err(FormatError::Unsupported(format!(
                    "channel sensitivity in '{other}'"
                )));
            }
        };
        let sensitivity = def.decimal(CHANNEL_SENSITIVITY).unwrap_or(1.0);
        let correction = def.decimal(CORRECTION_FACTOR).unwrap_or(1.0);
        let baseline = def.decimal(CHANNEL_BASELINE).unwrap_or(0.0);
        let factor = sensitivity * correction * per_mv;
        let sample = |i: usize| -> f64 {
            let at = (i * channels + k) * width;
            let b = &data[at..at + width];
            match interpretation.as_str() {
                "SS" => i16::from_le_bytes([b[0], b[1]]) as f64,
                "US" => u16::from_le_bytes([b[0], b[1]]) as f64,
                "SB" => b[0] as i8 as f64,
                "UB" => b[0] as f64,
                "SL" => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
                _ => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            }
        };
        leads.push(Lead {
            name: leads::standard_name(&label),
            samples: (0..samples)
                .map(|i| ((sample(i) + baseline) * factor) as f32)
                .collect(),
        });
    }
    Ok(Recording { fs, leads })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An explicit-VR element.
    fn el(out: &mut Vec<u8>, tag: Tag, vr: &[u8; 2], value: &[u8]) {
        out.extend_from_slice(&tag.0.to_le_bytes());
        out.extend_from_slice(&tag.1.to_le_bytes());
        out.extend_from_slice(vr);
        if matches!(vr, b"OW" | b"OB" | b"SQ") {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        } else {
            out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        }
        out.extend_from_slice(value);
    }

    fn item(body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFE, 0xFF, 0x00, 0xE0];
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        out
    }

    /// A two-channel waveform file built element by element.
    fn two_channels() -> Vec<u8> {
        let mut f = vec![0u8; 128];
        f.extend_from_slice(b"DICM");
        el(&mut f, TRANSFER_SYNTAX, b"UI", b"1.2.840.10008.1.2.1\0");
        let mut channels = Vec::new();
        for (name, sens) in [("Lead II", "2.5 "), ("Lead V1", "5")] {
            let mut source = Vec::new();
            el(&mut source, CODE_MEANING, b"LO", name.as_bytes());
            let mut unit = Vec::new();
            el(&mut unit, CODE_VALUE, b"SH", b"uV");
            let mut def = Vec::new();
            el(&mut def, CHANNEL_SOURCE, b"SQ", &item(&source));
            el(&mut def, CHANNEL_SENSITIVITY, b"DS", sens.as_bytes());
            el(&mut def, SENSITIVITY_UNITS, b"SQ", &item(&unit));
            el(&mut def, CHANNEL_BASELINE, b"DS", b"0 ");
            channels.extend(item(&def));
        }
        let mut group = Vec::new();
        el(&mut group, CHANNEL_COUNT, b"US", &2u16.to_le_bytes());
        el(&mut group, SAMPLE_COUNT, b"UL", &3u32.to_le_bytes());
        el(&mut group, SAMPLING_FREQUENCY, b"DS", b"500 ");
        el(&mut group, CHANNEL_DEFINITIONS, b"SQ", &channels);
        el(&mut group, BITS_ALLOCATED, b"US", &16u16.to_le_bytes());
        el(&mut group, SAMPLE_INTERPRETATION, b"CS", b"SS");
        let data: Vec<u8> = [400i16, 200, -400, -200, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        el(&mut group, WAVEFORM_DATA, b"OW", &data);
        el(&mut f, WAVEFORM_SEQUENCE, b"SQ", &item(&group));
        f
    }

    #[test]
    fn reads_channels_with_their_sensitivity() {
        let r = read(&two_channels()).expect("test data");
        assert_eq!(r.fs, 500.0);
        assert_eq!(r.leads[0].name, "II");
        assert_eq!(r.leads[1].name, "V1");
        assert_eq!(r.leads[0].samples, vec![1.0, -1.0, 0.0]);
        assert_eq!(r.leads[1].samples, vec![1.0, -1.0, 0.0]);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let f = two_channels();
        for cut in 0..f.len() {
            assert!(read(&f[..cut]).is_err(), "cut at {cut}");
        }
    }
}
