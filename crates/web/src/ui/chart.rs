//! A line chart as inline SVG, drawn on the server: dated points per series, a dashed
//! target line, a value axis with ticks and a time axis with dates (the year shown
//! where it changes), each point titled with its value so that the chart and the table
//! beside it say the same. No script, no external library.

use std::fmt::Write as _;
use time::Date;

/// One line: its label, its colour, and its (day, value) points in any order.
pub struct Series<'a> {
    pub label: &'a str,
    pub colour: &'a str,
    pub points: Vec<(Date, f64)>,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// Where values and days fall on the drawing.
struct Frame {
    first: Date,
    days: f64,
    lo: f64,
    hi: f64,
    step: f64,
}

impl Frame {
    fn x(&self, d: Date) -> f64 {
        LEFT + (d - self.first).whole_days() as f64 / self.days * (W - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        TOP + (self.hi - v) / (self.hi - self.lo) * (H - TOP - BOTTOM)
    }
}

/// The chart, or `None` when there is nothing to draw. `targets` are dashed horizontal
/// lines (a blood-pressure or glucose goal), each with its label.
pub fn line_chart(
    title: &str,
    unit: &str,
    series: &[Series],
    targets: &[(f64, &str)],
) -> Option<String> {
    let all: Vec<(Date, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let first = all.iter().map(|p| p.0).min()?;
    let last = all.iter().map(|p| p.0).max()?;
    let values = all.iter().map(|p| p.1).chain(targets.iter().map(|t| t.0));
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi, step) = nice_range(lo, hi);
    let f = Frame {
        first,
        days: ((last - first).whole_days()).max(1) as f64,
        lo,
        hi,
        step,
    };
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    value_axis(&mut svg, &f, unit);
    for (value, label) in targets {
        let y = f.y(*value);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#b42318\" stroke-dasharray=\"4 3\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#b42318\">{}</text>",
            W - RIGHT,
            W - RIGHT,
            y - 3.0,
            escape(label),
        );
    }
    time_axis(&mut svg, &f, &all);
    for s in series {
        line(&mut svg, &f, s);
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// A line and a label at each step of the value axis, and the unit on top.
fn value_axis(svg: &mut String, f: &Frame, unit: &str) {
    let mut v = f.lo;
    while v <= f.hi + f.step / 2.0 {
        let y = f.y(v);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e3e8ef\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#5d6b7a\">{}</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            trim(v),
        );
        v += f.step;
    }
    let _ = write!(
        svg,
        "<text x=\"{LEFT}\" y=\"{}\" font-size=\"11\" fill=\"#5d6b7a\">{}</text>",
        TOP - 2.0,
        escape(unit)
    );
}

/// The days of the points where they fit (about six), the year written where it starts
/// and where it changes.
fn time_axis(svg: &mut String, f: &Frame, all: &[(Date, f64)]) {
    let mut ticks: Vec<Date> = all.iter().map(|p| p.0).collect();
    ticks.sort();
    ticks.dedup();
    let every = (ticks.len() / 6).max(1);
    let mut shown_year = None;
    for (i, d) in ticks.iter().enumerate() {
        if i % every != 0 && i + 1 != ticks.len() {
            continue;
        }
        let label = if shown_year == Some(d.year()) {
            format!("{:02}-{:02}", u8::from(d.month()), d.day())
        } else {
            shown_year = Some(d.year());
            d.to_string()
        };
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5d6b7a\">{label}</text>",
            f.x(*d),
            H - BOTTOM + 16.0
        );
    }
}

/// One series: its line, and each point titled with its day and value.
fn line(svg: &mut String, f: &Frame, s: &Series) {
    let mut points = s.points.clone();
    points.sort_by_key(|p| p.0);
    let path: Vec<String> = points
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", f.x(*d), f.y(*v)))
        .collect();
    let _ = write!(
        svg,
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
        s.colour,
        path.join(" ")
    );
    for (d, v) in &points {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>{} {d} {}</title></circle>",
            f.x(*d),
            f.y(*v),
            s.colour,
            escape(s.label),
            trim(*v)
        );
    }
}

/// A range around `lo..hi` with round ends and a round step (about five lines).
fn nice_range(lo: f64, hi: f64) -> (f64, f64, f64) {
    let span = (hi - lo).max(1.0);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let lo = (lo / step).floor() * step;
    let mut hi = (hi / step).ceil() * step;
    if hi <= lo {
        hi = lo + step;
    }
    (lo, hi, step)
}

/// `7` for 7.0, `6.5` for 6.5.
fn trim(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_chart_draws_every_point_with_its_value_and_round_axes() {
        let s = [Series {
            label: "收缩压",
            colour: "#1f5fa8",
            points: vec![
                (date!(2026 - 03 - 01), 152.0),
                (date!(2025 - 12 - 01), 138.0),
            ],
        }];
        let svg = line_chart("血压趋势", "mmHg", &s, &[(140.0, "140")]).expect("a chart");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(
            svg.contains("<title>收缩压 2026-03-01 152</title>"),
            "{svg}"
        );
        // The year is written where it starts and again where it changes.
        assert!(
            svg.contains(">2025-12-01<") && svg.contains(">2026-03-01<"),
            "{svg}"
        );
        assert_eq!(nice_range(138.0, 152.0), (135.0, 155.0, 5.0));
        assert_eq!(nice_range(5.8, 9.4), (5.0, 10.0, 1.0));
        assert!(line_chart("x", "", &[], &[]).is_none());
        assert_eq!(trim(7.0), "7");
        assert_eq!(trim(6.54), "6.5");
    }
}
