//! The trace on standard ECG paper, as SVG: 25 mm/s, 10 mm/mV, a 1 mm grid with a
//! heavier line every 5 mm, and a 1 mV calibration pulse at the start of every row.
//! Coordinates are millimetres, so the drawing prints at true scale.
//!
//! Layouts: the 12-lead page (3 rows × 4 columns of 2.5 s each, I II III | aVR aVL aVF
//! | V1 V2 V3 | V4 V5 V6, and lead II as a 10 s rhythm strip beneath), or one lead at
//! full length in 10 s rows.

use crate::Recording;
use std::fmt::Write;

const MM_PER_S: f64 = 25.0;
const MM_PER_MV: f64 = 10.0;
const ROW_MM: f64 = 30.0;
const MARGIN_MM: f64 = 5.0;
/// The calibration pulse and the gap after it.
const PULSE_MM: f64 = 10.0;
/// One lead at full length draws at most this many 10 s rows (five minutes).
const MAX_ROWS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    TwelveLead,
    Lead(String),
}

/// The SVG, or `None` when the layout asks for a lead the recording lacks.
/// `beats` (sample indices) are marked above the rhythm strip or the lead.
pub fn svg(r: &Recording, layout: &Layout, beats: &[usize]) -> Option<String> {
    match layout {
        Layout::TwelveLead => twelve(r, beats),
        Layout::Lead(name) => one_lead(r, name, beats),
    }
}

fn twelve(r: &Recording, beats: &[usize]) -> Option<String> {
    let columns = [
        ["I", "II", "III"],
        ["aVR", "aVL", "aVF"],
        ["V1", "V2", "V3"],
        ["V4", "V5", "V6"],
    ];
    let n = r.len();
    let shown = n.min((10.0 * r.fs) as usize);
    let per_column = shown / 4;
    let strip_mm = shown as f64 / r.fs * MM_PER_S;
    let width = 2.0 * MARGIN_MM + PULSE_MM + strip_mm;
    let height = 2.0 * MARGIN_MM + 4.0 * ROW_MM;
    let mut out = paper(width, height);
    for row in 0..3 {
        let base = MARGIN_MM + ROW_MM * (row as f64 + 0.5);
        pulse(&mut out, MARGIN_MM, base);
        for (c, column) in columns.iter().enumerate() {
            let lead = r.lead(column[row])?;
            let from = c * per_column;
            let x0 = MARGIN_MM + PULSE_MM + from as f64 / r.fs * MM_PER_S;
            trace(
                &mut out,
                &lead.samples[from..from + per_column],
                r.fs,
                x0,
                base,
                ROW_MM / 2.0,
            );
            label(&mut out, x0 + 1.0, base - ROW_MM / 2.0 + 4.0, &lead.name);
            if c > 0 {
                let _ = write!(
                    out,
                    r##"<line x1="{x0:.2}" y1="{:.2}" x2="{x0:.2}" y2="{:.2}" stroke="#000" stroke-width="0.3"/>"##,
                    base - 3.0,
                    base + 3.0
                );
            }
        }
    }
    let base = MARGIN_MM + ROW_MM * 3.5;
    pulse(&mut out, MARGIN_MM, base);
    let ii = r.lead("II")?;
    trace(
        &mut out,
        &ii.samples[..shown],
        r.fs,
        MARGIN_MM + PULSE_MM,
        base,
        ROW_MM / 2.0,
    );
    label(
        &mut out,
        MARGIN_MM + PULSE_MM + 1.0,
        base - ROW_MM / 2.0 + 4.0,
        "II",
    );
    marks(
        &mut out,
        beats,
        0,
        shown,
        r.fs,
        MARGIN_MM + PULSE_MM,
        base - ROW_MM / 2.0 + 1.0,
    );
    out.push_str("</svg>");
    Some(out)
}

fn one_lead(r: &Recording, name: &str, beats: &[usize]) -> Option<String> {
    let lead = r.lead(name)?;
    let row_len = (10.0 * r.fs) as usize;
    let rows = lead.samples.len().div_ceil(row_len).clamp(1, MAX_ROWS);
    let width = 2.0 * MARGIN_MM + PULSE_MM + 10.0 * MM_PER_S;
    let height = 2.0 * MARGIN_MM + rows as f64 * ROW_MM;
    let mut out = paper(width, height);
    for row in 0..rows {
        let from = row * row_len;
        let to = (from + row_len).min(lead.samples.len());
        let base = MARGIN_MM + ROW_MM * (row as f64 + 0.5);
        pulse(&mut out, MARGIN_MM, base);
        trace(
            &mut out,
            &lead.samples[from..to],
            r.fs,
            MARGIN_MM + PULSE_MM,
            base,
            ROW_MM / 2.0,
        );
        let seconds = from as f64 / r.fs;
        label(
            &mut out,
            MARGIN_MM + PULSE_MM + 1.0,
            base - ROW_MM / 2.0 + 4.0,
            &format!("{} {seconds:.0} s", lead.name),
        );
        marks(
            &mut out,
            beats,
            from,
            to,
            r.fs,
            MARGIN_MM + PULSE_MM,
            base - ROW_MM / 2.0 + 1.0,
        );
    }
    out.push_str("</svg>");
    Some(out)
}

/// The SVG header and the grid.
fn paper(width: f64, height: f64) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.1}mm" height="{height:.1}mm" viewBox="0 0 {width:.2} {height:.2}" class="ecg-paper" role="img"><defs><pattern id="ecg-minor" width="1" height="1" patternUnits="userSpaceOnUse"><path d="M1 0H0V1" fill="none" stroke="#f4c7c3" stroke-width="0.05"/></pattern><pattern id="ecg-major" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="url(#ecg-minor)"/><path d="M5 0H0V5" fill="none" stroke="#e58c84" stroke-width="0.15"/></pattern></defs><rect width="{width:.2}" height="{height:.2}" fill="#fff"/><rect width="{width:.2}" height="{height:.2}" fill="url(#ecg-major)"/>"##
    );
    out
}

/// The 1 mV, 200 ms calibration pulse.
fn pulse(out: &mut String, x: f64, base: f64) {
    let _ = write!(
        out,
        r##"<path d="M{x:.2} {base:.2}h1v{:.2}h5v{:.2}h1" fill="none" stroke="#000" stroke-width="0.25"/>"##,
        -MM_PER_MV, MM_PER_MV
    );
}

fn label(out: &mut String, x: f64, y: f64, text: &str) {
    let text = text.replace('&', "&amp;").replace('<', "&lt;");
    let _ = write!(
        out,
        r#"<text x="{x:.2}" y="{y:.2}" font-size="3" font-family="sans-serif">{text}</text>"#
    );
}

/// One stretch of samples as a polyline, baseline at `base`, clipped to ±`half` mm. At
/// most two points per 0.2 mm (the lowest and the highest, in their order), so peaks
/// survive and the drawing stays small.
fn trace(out: &mut String, samples: &[f32], fs: f64, x0: f64, base: f64, half: f64) {
    if samples.is_empty() {
        return;
    }
    let per_bin = ((0.2 / MM_PER_S * fs) as usize).max(1);
    let level = {
        let mut sorted: Vec<f32> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f32::total_cmp);
        sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
    };
    let y = |v: f32| (base - f64::from(v - level) * MM_PER_MV).clamp(base - half, base + half);
    let x = |i: usize| x0 + i as f64 / fs * MM_PER_S;
    out.push_str(r##"<polyline fill="none" stroke="#111" stroke-width="0.2" stroke-linejoin="round" points=""##);
    for (b, chunk) in samples.chunks(per_bin).enumerate() {
        let start = b * per_bin;
        let (mut lo, mut hi) = (0, 0);
        for (k, v) in chunk.iter().enumerate() {
            if *v < chunk[lo] {
                lo = k;
            }
            if *v > chunk[hi] {
                hi = k;
            }
        }
        let (first, second) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let _ = write!(out, "{:.2},{:.2} ", x(start + first), y(chunk[first]));
        if second != first {
            let _ = write!(out, "{:.2},{:.2} ", x(start + second), y(chunk[second]));
        }
    }
    out.push_str(r#""/>"#);
}

/// Beats in `[from, to)` as small ticks at height `y`.
fn marks(out: &mut String, beats: &[usize], from: usize, to: usize, fs: f64, x0: f64, y: f64) {
    out.push_str(r##"<g class="ecg-beats" stroke="#1f6feb" stroke-width="0.3">"##);
    for b in beats.iter().filter(|b| (from..to).contains(*b)) {
        let x = x0 + (b - from) as f64 / fs * MM_PER_S;
        let _ = write!(
            out,
            r#"<line x1="{x:.2}" y1="{y:.2}" x2="{x:.2}" y2="{:.2}"/>"#,
            y + 2.0
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lead;

    fn recording(names: &[&str], seconds: f64) -> Recording {
        let fs = 500.0;
        Recording {
            fs,
            leads: names
                .iter()
                .map(|n| Lead {
                    name: n.to_string(),
                    samples: (0..(seconds * fs) as usize)
                        .map(|i| if i % 500 == 250 { 1.0 } else { 0.0 })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn twelve_leads_draw_on_true_scale_paper() {
        let r = recording(&crate::leads::TWELVE, 10.0);
        let svg = svg(&r, &Layout::TwelveLead, &[250, 750]).expect("12-lead");
        // 10 s at 25 mm/s plus margins and the pulse: 270 mm wide.
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"width="270.0mm""#), "{}", &svg[..200]);
        assert_eq!(svg.matches("<polyline").count(), 13);
        for name in crate::leads::TWELVE {
            assert!(svg.contains(&format!(">{name}</text>")), "{name}");
        }
        assert_eq!(
            svg.matches("<line x1").count() - 9,
            2,
            "two beat marks beside nine column bars"
        );
        // A 1 mV spike in the first row (baseline at 20 mm) reaches 10 mm.
        assert!(svg.contains(",10.00 "));
    }

    #[test]
    fn one_lead_runs_in_ten_second_rows_and_missing_leads_are_none() {
        let r = recording(&["II"], 25.0);
        let svg = svg(&r, &Layout::Lead("II".into()), &[]).expect("lead");
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains(">II 20 s</text>"));
        assert!(super::svg(&r, &Layout::Lead("V9".into()), &[]).is_none());
        assert!(super::svg(&r, &Layout::TwelveLead, &[]).is_none());
    }
}
