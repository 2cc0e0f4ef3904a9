//! The intervals of the median beat (PR, QRS, QT and QTc) and the ST level per lead,
//! with elevation judged over contiguous leads.

use super::{Intervals, StElevation, StLevel, median_of};
use crate::Recording;

/// Contiguous lead pairs (Cabrera order for the limb leads) and their territory.
pub(super) const CONTIGUOUS: [(&str, &str, &str); 9] = [
    ("inferior", "II", "aVF"),
    ("inferior", "aVF", "III"),
    ("inferior", "II", "III"),
    ("septal", "V1", "V2"),
    ("anterior", "V2", "V3"),
    ("anterior", "V3", "V4"),
    ("anterior", "V4", "V5"),
    ("lateral", "I", "aVL"),
    ("lateral", "V5", "V6"),
];

/// ST elevation at the J point that counts (fourth universal definition of myocardial
/// infarction, without age and sex: the V2–V3 threshold for men over 40).
pub(super) fn st_threshold(lead: &str) -> f64 {
    if lead == "V2" || lead == "V3" {
        0.2
    } else {
        0.1
    }
}

/// Sample counts from milliseconds at a sampling rate.
#[derive(Clone, Copy)]
struct Samples(f64);

impl Samples {
    fn at(self, ms: f64) -> usize {
        (ms * self.0 / 1000.0).round() as usize
    }
}

/// The representative beat of each lead (the median of the aligned beats), and from
/// it the global QRS onset and offset, the T-wave end and the ST levels.
pub(super) fn intervals(
    r: &Recording,
    beats: &[usize],
    median_rr: Option<f64>,
) -> Option<Intervals> {
    let standard = crate::leads::TWELVE
        .iter()
        .filter(|name| r.lead(name).is_some())
        .count();
    let median_rr = median_rr?;
    if standard < 8 || beats.len() < 3 {
        return None;
    }
    let fs = r.fs;
    let s = Samples(fs);
    let pre = s.at(300.0).min(s.at(median_rr * 0.45));
    let post = s.at(600.0).min(s.at(median_rr * 0.9));
    let n = pre + post;
    let usable: Vec<usize> = beats
        .iter()
        .copied()
        .filter(|b| *b >= pre && b + post <= r.len())
        .collect();
    if usable.len() < 2 {
        return None;
    }
    let templates = median_beats(r, &usable, pre, n);
    let velocity = spatial_velocity(&templates, n, s.at(4.0).max(1));
    let (onset, offset) = qrs_bounds(&velocity, pre, n, s);
    let j60 = offset + s.at(60.0);
    if j60 >= n {
        return None;
    }
    let baseline = Baseline {
        lo: onset.saturating_sub(s.at(40.0)),
        hi: onset.saturating_sub(s.at(10.0)),
    };
    let st: Vec<StLevel> = templates
        .iter()
        .map(|(name, t)| {
            let base = baseline.of(t);
            StLevel {
                lead: name.to_string(),
                j_mv: t[offset] - base,
                j60_mv: t[j60] - base,
            }
        })
        .collect();
    let st_elevation = contiguous_elevation(&st);
    let t_end = t_wave_end(&templates, offset + s.at(80.0), n, baseline, s)?;
    let to_ms = |k: f64| k * 1000.0 / fs;
    let qt = to_ms(t_end - onset as f64);
    let rr_s = median_rr / 1000.0;
    Some(Intervals {
        qrs_ms: to_ms((offset - onset) as f64),
        qt_ms: qt,
        qtc_ms: qt / rr_s.sqrt(),
        qtc_fridericia_ms: qt / rr_s.cbrt(),
        st,
        st_elevation,
        qrs_onset_ms: to_ms(onset as f64),
        qrs_offset_ms: to_ms(offset as f64),
        t_end_ms: to_ms(t_end),
    })
}

/// Each standard lead's median beat: `n` samples from `pre` before each usable beat.
fn median_beats<'a>(
    r: &'a Recording,
    usable: &[usize],
    pre: usize,
    n: usize,
) -> Vec<(&'a str, Vec<f64>)> {
    let mut column = vec![0f64; usable.len()];
    let mut templates = Vec::new();
    for lead in r
        .leads
        .iter()
        .filter(|l| crate::leads::TWELVE.contains(&l.name.as_str()))
    {
        let mut t = Vec::with_capacity(n);
        for k in 0..n {
            for (c, b) in column.iter_mut().zip(usable) {
                *c = f64::from(lead.samples[b - pre + k]);
            }
            t.push(median_of(&mut column));
        }
        templates.push((lead.name.as_str(), t));
    }
    templates
}

/// Spatial velocity: the summed absolute slope of all leads, each slope over ±`h` samples.
fn spatial_velocity(templates: &[(&str, Vec<f64>)], n: usize, h: usize) -> Vec<f64> {
    (0..n - 1)
        .map(|k| {
            let (a, b) = (k.saturating_sub(h), (k + h).min(n - 1));
            templates
                .iter()
                .map(|(_, t)| (t[b] - t[a]).abs())
                .sum::<f64>()
                / (b - a) as f64
        })
        .collect()
}

/// QRS onset and offset: walking out from the R peak (at `r_at`) until the velocity
/// stays below 2 % of its rise above the quiet level for 10 ms.
fn qrs_bounds(velocity: &[f64], r_at: usize, n: usize, s: Samples) -> (usize, usize) {
    let search = s.at(80.0);
    let peak = velocity[r_at.saturating_sub(search)..(r_at + search).min(n - 1)]
        .iter()
        .copied()
        .fold(0.0, f64::max);
    let floor = {
        let mut quiet: Vec<f64> = velocity[..r_at.saturating_sub(s.at(120.0)).max(1)].to_vec();
        median_of(&mut quiet)
    };
    let level = floor + 0.02 * (peak - floor);
    let hold = s.at(10.0).max(1);
    let mut onset = r_at.saturating_sub(search);
    for k in (hold..=r_at).rev() {
        if velocity[k - hold..k].iter().all(|v| *v < level) {
            onset = k;
            break;
        }
    }
    let mut offset = (r_at + s.at(100.0)).min(n - 2);
    for k in r_at..n - 1 - hold {
        if velocity[k..k + hold].iter().all(|v| *v < level) && k > r_at + s.at(20.0) {
            offset = k;
            break;
        }
    }
    (onset, offset)
}

/// The isoelectric level of a beat: the median of the PR segment before the QRS onset.
#[derive(Clone, Copy)]
struct Baseline {
    lo: usize,
    hi: usize,
}

impl Baseline {
    fn of(self, t: &[f64]) -> f64 {
        let mut seg = t[self.lo..self.hi.max(self.lo + 1)].to_vec();
        median_of(&mut seg)
    }
}

/// ST elevation in two contiguous leads, gathered per territory.
fn contiguous_elevation(st: &[StLevel]) -> Vec<StElevation> {
    let elevated = |lead: &str| {
        st.iter()
            .any(|s| s.lead == lead && s.j_mv >= st_threshold(lead))
    };
    let mut st_elevation: Vec<StElevation> = Vec::new();
    for (territory, a, b) in CONTIGUOUS {
        if elevated(a) && elevated(b) {
            match st_elevation.iter_mut().find(|e| e.territory == territory) {
                Some(e) => {
                    for lead in [a, b] {
                        if !e.leads.iter().any(|l| l == lead) {
                            e.leads.push(lead.to_string());
                        }
                    }
                }
                None => st_elevation.push(StElevation {
                    territory,
                    leads: vec![a.to_string(), b.to_string()],
                }),
            }
        }
    }
    st_elevation
}

/// T end, in samples: the tangent at the steepest point of the descending limb of the
/// largest T wave (searched from `t_from`), carried to the baseline.
fn t_wave_end(
    templates: &[(&str, Vec<f64>)],
    t_from: usize,
    n: usize,
    baseline: Baseline,
    s: Samples,
) -> Option<f64> {
    let t_to = n - 1;
    let mut t_end: Option<f64> = None;
    let mut best = 0.0;
    for (_, t) in templates {
        if t_from + 2 >= t_to {
            break;
        }
        let base = baseline.of(t);
        let (peak_at, amplitude) =
            (t_from..t_to)
                .map(|k| (k, t[k] - base))
                .fold((t_from, 0.0f64), |acc, (k, v)| {
                    if v.abs() > acc.1.abs() { (k, v) } else { acc }
                });
        if amplitude.abs() <= best || amplitude.abs() < 0.05 {
            continue;
        }
        // Slopes over ±5 ms: single-sample differences of a fast-sampled, quantised
        // trace are mostly noise.
        let h = s.at(5.0).max(1);
        let limb_end = (peak_at + s.at(200.0)).min(t_to.saturating_sub(h));
        let slope_at = |k: usize| (t[k + h] - t[k - h]) / (2 * h) as f64;
        let steepest = (peak_at.max(h)..limb_end)
            .map(|k| (k, slope_at(k) * -amplitude.signum()))
            .fold(
                (peak_at, 0.0f64),
                |acc, (k, s)| if s > acc.1 { (k, s) } else { acc },
            );
        if steepest.1 <= 0.0 {
            continue;
        }
        let slope = slope_at(steepest.0);
        let end = steepest.0 as f64 + (base - t[steepest.0]) / slope;
        if end > peak_at as f64 && end < n as f64 {
            best = amplitude.abs();
            t_end = Some(end);
        }
    }
    t_end
}
