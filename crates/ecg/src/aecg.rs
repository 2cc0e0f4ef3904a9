//! HL7 v3 annotated ECG (aECG, `PORT_MT020001`) XML: the rhythm series of an
//! `AnnotatedECG` document. Each lead is a `sequence` coded `MDC_ECG_LEAD_*` whose value
//! is an `SLIST_PQ` (origin + scale × digit); the sampling interval is the increment of
//! the series' `TIME_ABSOLUTE` or `TIME_RELATIVE` sequence. Derived series
//! (representative beats) and annotations are skipped.

use crate::{FormatError, Lead, MAX_SAMPLES_PER_LEAD, Recording, leads};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Elements nested deeper than this are refused: no real aECG comes close.
const MAX_DEPTH: usize = 64;

fn bad(msg: impl Into<String>) -> FormatError {
    FormatError::Header(msg.into())
}

/// Is this the start of an aECG document? (It need not be a valid one.)
pub fn sniff(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(12).any(|w| w == b"AnnotatedECG")
}

/// One quantity of an `SLIST_PQ` or `GLIST` value: `value` in `unit`.
fn quantity(e: &BytesStart<'_>) -> Result<(f64, String), FormatError> {
    let value = attr(e, "value")
        .ok_or_else(|| bad(format!("<{}> without a value", name(e))))?
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| bad(format!("<{}> value is not a number", name(e))))?;
    Ok((value, attr(e, "unit").unwrap_or_default()))
}

fn name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// Millivolts per `unit`.
fn per_millivolt(unit: &str) -> Result<f64, FormatError> {
    match unit {
        "uV" | "µV" | "μV" => Ok(0.001),
        "mV" => Ok(1.0),
        "V" => Ok(1000.0),
        "nV" => Ok(1e-6),
        other => Err(FormatError::Unsupported(format!("voltage unit '{other}'"))),
    }
}

/// Seconds per `unit` of a time increment.
fn per_second(unit: &str) -> Result<f64, FormatError> {
    match unit {
        "s" | "" => Ok(1.0),
        "ms" => Ok(0.001),
        "us" | "µs" => Ok(1e-6),
        other => Err(FormatError::Unsupported(format!("time unit '{other}'"))),
    }
}

/// The sequence being read.
#[derive(Default)]
struct Sequence {
    code: String,
    origin: (f64, String),
    scale: Option<(f64, String)>,
    increment: Option<(f64, String)>,
    digits: Vec<f32>,
}

/// Reads the first rhythm series of an aECG document.
pub fn read(bytes: &[u8]) -> Result<Recording, FormatError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad("the XML is not UTF-8"))?;
    let mut reader = Reader::from_str(text);
    let mut p = Parser::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(format!("XML at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(ref e) => p.start(e, false)?,
            Event::Empty(ref e) => p.start(e, true)?,
            Event::Text(t) if p.in_digits => {
                if let Some(s) = p.sequence.as_mut() {
                    digits(&t, &mut s.digits)?;
                }
            }
            Event::End(_) => p.end()?,
            Event::Eof => break,
            _ => {}
        }
    }
    p.finish()
}

/// Where the reader is in the document, and what it has read so far.
#[derive(Default)]
struct Parser {
    stack: Vec<String>,
    seen_document: bool,
    /// Inside the first rhythm series (depth of its <series> element), once its code
    /// says so.
    series_depth: Option<usize>,
    series_is_rhythm: bool,
    series_done: bool,
    sequence: Option<Sequence>,
    in_digits: bool,
    interval: Option<f64>,
    out: Vec<Lead>,
}

impl Parser {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), FormatError> {
        let local = e.local_name().as_ref().to_string();
        if self.stack.is_empty() {
            if local != "AnnotatedECG" {
                return Err(bad("not an HL7 aECG document (no <AnnotatedECG>)"));
            }
            self.seen_document = true;
        }
        let depth = self.stack.len();
        let parent = self.stack.last().map(String::as_str);
        match local.as_str() {
            "series" if self.series_depth.is_none() && !self.series_done => {
                self.series_depth = Some(depth);
            }
            "derivedSeries" => {}
            "code" if self.series_depth == Some(depth.wrapping_sub(1)) => {
                self.series_is_rhythm = attr(e, "code").as_deref() == Some("RHYTHM");
            }
            "sequence" if self.series_is_rhythm && !inside(&self.stack, "derivedSeries") => {
                self.sequence = Some(Sequence::default());
            }
            "code" if parent == Some("sequence") => {
                if let Some(s) = self.sequence.as_mut() {
                    s.code = attr(e, "code").unwrap_or_default();
                }
            }
            "origin" | "scale" | "increment" if parent == Some("value") => {
                if let Some(s) = self.sequence.as_mut() {
                    let q = quantity(e)?;
                    match local.as_str() {
                        "origin" => s.origin = q,
                        "scale" => s.scale = Some(q),
                        _ => s.increment = Some(q),
                    }
                }
            }
            "digits" if self.sequence.is_some() && !empty => self.in_digits = true,
            _ => {}
        }
        if !empty {
            if self.stack.len() >= MAX_DEPTH {
                return Err(bad("elements nested too deeply"));
            }
            self.stack.push(local);
        }
        Ok(())
    }

    fn end(&mut self) -> Result<(), FormatError> {
        let local = self.stack.pop().unwrap_or_default();
        let depth = self.stack.len();
        match local.as_str() {
            "digits" => self.in_digits = false,
            "sequence" => {
                self.in_digits = false;
                if let Some(s) = self.sequence.take() {
                    finish(s, &mut self.interval, &mut self.out)?;
                }
            }
            "series" if self.series_depth == Some(depth) => {
                self.series_depth = None;
                if self.series_is_rhythm {
                    self.series_done = true;
                }
                self.series_is_rhythm = false;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self) -> Result<Recording, FormatError> {
        if !self.seen_document {
            return Err(bad("not an HL7 aECG document (no <AnnotatedECG>)"));
        }
        if !self.stack.is_empty() {
            return Err(bad("the XML ends before the document does"));
        }
        if self.out.is_empty() {
            return Err(FormatError::Data(
                "the document holds no rhythm waveform (no MDC_ECG_LEAD_* sequence)".into(),
            ));
        }
        let step = self
            .interval
            .ok_or_else(|| bad("the rhythm series has no time increment"))?;
        Ok(Recording {
            fs: 1.0 / step,
            leads: self.out,
        })
    }
}

fn inside(stack: &[String], element: &str) -> bool {
    stack.iter().any(|e| e == element)
}

/// Appends the whitespace-separated numbers of a `<digits>` text.
fn digits(text: &str, to: &mut Vec<f32>) -> Result<(), FormatError> {
    for word in text.split_ascii_whitespace() {
        if to.len() >= MAX_SAMPLES_PER_LEAD {
            return Err(FormatError::Data("a lead is too long".into()));
        }
        let v = word
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                FormatError::Data(format!(
                    "'{}' in <digits> is not a number",
                    word.chars().take(20).collect::<String>()
                ))
            })?;
        to.push(v);
    }
    Ok(())
}

/// Files a finished sequence: the time axis sets the interval, a lead becomes a lead.
fn finish(s: Sequence, interval: &mut Option<f64>, out: &mut Vec<Lead>) -> Result<(), FormatError> {
    if s.code == "TIME_ABSOLUTE" || s.code == "TIME_RELATIVE" {
        let (step, unit) = s
            .increment
            .ok_or_else(|| bad(format!("{} sequence without an increment", s.code)))?;
        let step = step * per_second(&unit)?;
        if !(1e-5..=0.1).contains(&step) {
            return Err(FormatError::Unsupported(format!(
                "a sampling interval of {step} s"
            )));
        }
        *interval = Some(step);
        return Ok(());
    }
    let Some(lead) = s.code.strip_prefix("MDC_ECG_LEAD_") else {
        return Ok(());
    };
    let (scale, unit) = s
        .scale
        .ok_or_else(|| bad(format!("lead {lead} has no scale")))?;
    let origin = s.origin.0
        * per_millivolt(if s.origin.1.is_empty() {
            &unit
        } else {
            &s.origin.1
        })?;
    let scale = scale * per_millivolt(&unit)?;
    if s.digits.is_empty() {
        return Err(FormatError::Data(format!("lead {lead} has no samples")));
    }
    out.push(Lead {
        name: leads::standard_name(lead),
        samples: s
            .digits
            .iter()
            .map(|&d| (origin + scale * d as f64) as f32)
            .collect(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"<AnnotatedECG xmlns="urn:hl7-org:v3"><component><series>
        <code code="RHYTHM"/>
        <component><sequenceSet>
          <component><sequence><code code="TIME_RELATIVE"/>
            <value><head value="0" unit="s"/><increment value="2" unit="ms"/></value></sequence></component>
          <component><sequence><code code="MDC_ECG_LEAD_AVR"/>
            <value><origin value="0" unit="uV"/><scale value="5" unit="uV"/><digits>1 -2
            200</digits></value></sequence></component>
        </sequenceSet></component>
        <derivation><derivedSeries><code code="REPRESENTATIVE_BEAT"/><component><sequenceSet>
          <component><sequence><code code="MDC_ECG_LEAD_I"/>
            <value><origin value="0" unit="uV"/><scale value="5" unit="uV"/><digits>9 9</digits></value>
          </sequence></component></sequenceSet></component></derivedSeries></derivation>
      </series></component></AnnotatedECG>"#;

    #[test]
    fn reads_the_rhythm_series_and_skips_derived_beats() {
        let r = read(MINIMAL.as_bytes()).expect("test data");
        assert_eq!(r.fs, 500.0);
        assert_eq!(r.leads.len(), 1);
        assert_eq!(r.leads[0].name, "aVR");
        assert_eq!(r.leads[0].samples, vec![0.005, -0.01, 1.0]);
    }

    #[test]
    fn says_what_is_wrong() {
        let cut = &MINIMAL[..MINIMAL.len() / 2];
        assert!(read(cut.as_bytes()).is_err());
        assert!(
            read(b"<html></html>")
                .expect_err("refused")
                .to_string()
                .contains("aECG")
        );
        let words = MINIMAL.replace("200", "2x0");
        assert!(
            read(words.as_bytes())
                .expect_err("refused")
                .to_string()
                .contains("2x0")
        );
        let volts = MINIMAL.replace(
            r#"scale value="5" unit="uV""#,
            r#"scale value="5" unit="furlong""#,
        );
        assert!(matches!(
            read(volts.as_bytes()),
            Err(FormatError::Unsupported(_))
        ));
        let no_time = MINIMAL.replace("TIME_RELATIVE", "SOMETHING");
        assert!(
            read(no_time.as_bytes())
                .expect_err("refused")
                .to_string()
                .contains("increment")
        );
        assert!(read(&[0xff, 0xfe, 0x00]).is_err());
        // Found by the fuzzer: a sequence closed inside another's digits.
        let nested = MINIMAL.replace("1 -2", "1 <sequence></sequence> -2");
        assert!(read(nested.as_bytes()).is_err());
    }
}
