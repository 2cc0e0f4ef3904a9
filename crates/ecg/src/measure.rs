//! Automatic measurement of a recording: signal quality per lead, beats, heart rate, RR
//! intervals and their irregularity, pauses, and for 12-lead recordings the QRS
//! duration, QT/QTc and the ST level at J+60 ms per lead with the contiguous-lead
//! pattern of ST elevation. Computer suggestions for a reader to confirm, not diagnoses.

use crate::{Recording, qrs};
use serde::Serialize;

/// What is wrong with a lead, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Good,
    /// No signal at all.
    Flat,
    /// Stretches of no signal: an electrode came off.
    LeadOff,
    /// The amplifier clipped.
    Saturated,
    /// Muscle or mains noise as large as the ECG's small waves.
    Noisy,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadQuality {
    pub lead: String,
    pub quality: Quality,
    /// Estimated high-frequency noise, mV (robust standard deviation).
    pub noise_mv: f64,
    /// Peak-to-peak amplitude, mV.
    pub range_mv: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RrStats {
    pub count: usize,
    pub mean_ms: f64,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub sdnn_ms: f64,
    pub rmssd_ms: f64,
}

/// How irregular the RR intervals are, and whether that looks like atrial fibrillation:
/// beat-to-beat changes large, not a repeating pattern (bigeminy, trigeminy), spread
/// over many values (Shannon entropy, as in Dash et al. 2009).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Irregularity {
    /// Median |RRᵢ − RRᵢ₋₁| over the median RR.
    pub successive_change: f64,
    /// The same against the interval two or three beats back (the smaller).
    pub pattern_change: f64,
    /// Shannon entropy of the RR histogram, 0–1.
    pub entropy: f64,
    /// Share of the analysed RR windows that look like atrial fibrillation.
    pub af_share: f64,
    pub af_suspected: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pause {
    pub at_s: f64,
    pub ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    ExtremeBradycardia,
    Bradycardia,
    Normal,
    Tachycardia,
    ExtremeTachycardia,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StLevel {
    pub lead: String,
    /// ST level at the J point (QRS end) against the PR segment, mV.
    pub j_mv: f64,
    /// ST level at J+60 ms against the PR segment, mV.
    pub j60_mv: f64,
}

/// A territory where two or more contiguous leads show ST elevation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StElevation {
    pub territory: &'static str,
    pub leads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Intervals {
    pub qrs_ms: f64,
    pub qt_ms: f64,
    /// Bazett.
    pub qtc_ms: f64,
    pub qtc_fridericia_ms: f64,
    pub st: Vec<StLevel>,
    pub st_elevation: Vec<StElevation>,
    /// Where the representative beat starts its QRS, ends it, and ends its T wave, in ms
    /// from the start of the representative beat (for drawing).
    pub qrs_onset_ms: f64,
    pub qrs_offset_ms: f64,
    pub t_end_ms: f64,
}

/// Why a study should be read before others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    StElevation,
    VentricularFibrillation,
    ExtremeRate,
    LongPause,
    AtrialFibrillation,
}

impl Alert {
    pub fn as_str(self) -> &'static str {
        match self {
            Alert::StElevation => "st_elevation",
            Alert::VentricularFibrillation => "ventricular_fibrillation",
            Alert::ExtremeRate => "extreme_rate",
            Alert::LongPause => "long_pause",
            Alert::AtrialFibrillation => "atrial_fibrillation",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurements {
    pub fs: f64,
    pub seconds: f64,
    pub quality: Vec<LeadQuality>,
    /// The lead the beats were found on.
    pub rhythm_lead: Option<String>,
    /// R peaks, sample indices.
    pub beats: Vec<usize>,
    pub heart_rate_bpm: Option<f64>,
    pub rate: Option<Rate>,
    pub rr: Option<RrStats>,
    pub irregularity: Option<Irregularity>,
    pub pauses: Vec<Pause>,
    /// Stretches of ventricular fibrillation or flutter on the rhythm lead, seconds.
    pub fibrillation_s: Vec<(f64, f64)>,
    pub intervals: Option<Intervals>,
    pub alerts: Vec<Alert>,
}

/// RR longer than this is a pause.
const PAUSE_MS: f64 = 2000.0;
/// A pause this long makes a study urgent.
const LONG_PAUSE_MS: f64 = 3000.0;
/// RR intervals per window of the atrial-fibrillation test (about a minute).
const AF_WINDOW: usize = 64;

pub fn measure(r: &Recording) -> Measurements {
    let quality: Vec<LeadQuality> = r
        .leads
        .iter()
        .map(|l| lead_quality(&l.name, &l.samples, r.fs))
        .collect();
    let usable = |name: &str| {
        quality
            .iter()
            .any(|q| q.lead == name && q.quality == Quality::Good)
    };
    let rhythm = r
        .leads
        .iter()
        .find(|l| l.name == "II" && usable("II"))
        .or_else(|| r.leads.iter().find(|l| usable(&l.name)))
        .or_else(|| {
            r.leads
                .iter()
                .zip(&quality)
                .find(|(_, q)| q.quality != Quality::Flat)
                .map(|(l, _)| l)
        });
    let qrs::Detection {
        beats,
        fibrillation,
    } = rhythm
        .map(|l| qrs::detect_beats(&l.samples, r.fs))
        .unwrap_or_default();
    let ms = |samples: usize| samples as f64 * 1000.0 / r.fs;
    let rr: Vec<f64> = beats.windows(2).map(|w| ms(w[1] - w[0])).collect();
    let rr_stats = rr_stats(&rr);
    let heart_rate_bpm = rr_stats.as_ref().map(|s| 60_000.0 / s.median_ms);
    let rate = heart_rate_bpm.map(|hr| match hr {
        hr if hr < 40.0 => Rate::ExtremeBradycardia,
        hr if hr < 60.0 => Rate::Bradycardia,
        hr if hr <= 100.0 => Rate::Normal,
        hr if hr <= 150.0 => Rate::Tachycardia,
        _ => Rate::ExtremeTachycardia,
    });
    let irregularity = irregularity(&rr);
    let pauses: Vec<Pause> = beats
        .windows(2)
        .filter(|w| ms(w[1] - w[0]) > PAUSE_MS)
        .map(|w| Pause {
            at_s: w[0] as f64 / r.fs,
            ms: ms(w[1] - w[0]),
        })
        .collect();
    let intervals = intervals(r, &beats, rr_stats.as_ref().map(|s| s.median_ms));
    let mut alerts = Vec::new();
    if intervals
        .as_ref()
        .is_some_and(|i| !i.st_elevation.is_empty())
    {
        alerts.push(Alert::StElevation);
    }
    if matches!(
        rate,
        Some(Rate::ExtremeBradycardia | Rate::ExtremeTachycardia)
    ) {
        alerts.push(Alert::ExtremeRate);
    }
    if pauses.iter().any(|p| p.ms >= LONG_PAUSE_MS) {
        alerts.push(Alert::LongPause);
    }
    if irregularity.as_ref().is_some_and(|i| i.af_suspected) {
        alerts.push(Alert::AtrialFibrillation);
    }
    Measurements {
        fs: r.fs,
        seconds: r.len() as f64 / r.fs,
        quality,
        rhythm_lead: rhythm.map(|l| l.name.clone()),
        beats,
        heart_rate_bpm,
        rate,
        rr: rr_stats,
        irregularity,
        pauses,
        fibrillation_s: fibrillation
            .iter()
            .map(|(a, b)| (*a as f64 / r.fs, *b as f64 / r.fs))
            .collect(),
        intervals,
        alerts,
    }
}

fn median_of(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f64::total_cmp).1
}

/// Quality of one lead from its range, its flat stretches, clipping plateaus and the
/// noise left in its first difference.
pub fn lead_quality(name: &str, x: &[f32], fs: f64) -> LeadQuality {
    let (lo, hi) = x
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let range = if x.is_empty() {
        0.0
    } else {
        f64::from(hi - lo)
    };
    let second = (fs.round() as usize).max(1);
    // Noise: the robust spread of the first difference. QRS complexes are a small share
    // of samples, so the median absolute deviation sees the baseline between them.
    let mut d: Vec<f64> = x.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
    let noise = if d.is_empty() {
        0.0
    } else {
        let m = median_of(&mut d.clone());
        for v in &mut d {
            *v = (*v - m).abs();
        }
        1.4826 * median_of(&mut d) / std::f64::consts::SQRT_2
    };
    let windows: Vec<f32> = x
        .chunks(second)
        .filter(|c| c.len() * 2 >= second)
        .map(|c| {
            let (lo, hi) = c
                .iter()
                .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            hi - lo
        })
        .collect();
    let flat_windows = windows.iter().filter(|p| **p < 0.02).count();
    // Clipping: runs of three or more samples pinned at the lead's extreme values.
    let pinned = |extreme: f32| {
        let mut count = 0;
        let mut run = 0;
        for v in x {
            if *v == extreme {
                run += 1;
            } else {
                if run >= 3 {
                    count += run;
                }
                run = 0;
            }
        }
        if run >= 3 { count + run } else { count }
    };
    let clipped = if range > 0.1 {
        pinned(hi) + pinned(lo)
    } else {
        0
    };
    let quality = if range < 0.03 {
        Quality::Flat
    } else if !windows.is_empty() && flat_windows * 5 >= windows.len() {
        Quality::LeadOff
    } else if clipped * 200 >= x.len() {
        Quality::Saturated
    } else if noise > 0.1 || noise > 0.15 * range {
        Quality::Noisy
    } else {
        Quality::Good
    };
    LeadQuality {
        lead: name.to_string(),
        quality,
        noise_mv: noise,
        range_mv: range,
    }
}

fn rr_stats(rr: &[f64]) -> Option<RrStats> {
    if rr.is_empty() {
        return None;
    }
    let n = rr.len() as f64;
    let mean = rr.iter().sum::<f64>() / n;
    let sdnn = (rr.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let rmssd = if rr.len() > 1 {
        (rr.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Some(RrStats {
        count: rr.len(),
        mean_ms: mean,
        median_ms: median_of(&mut rr.to_vec()),
        min_ms: rr.iter().copied().fold(f64::MAX, f64::min),
        max_ms: rr.iter().copied().fold(f64::MIN, f64::max),
        sdnn_ms: sdnn,
        rmssd_ms: rmssd,
    })
}

/// The irregularity figures of one RR window: (successive change, pattern change,
/// entropy), the first two relative to the median RR.
///
/// Successive change is the median of |RRᵢ − RRᵢ₋₁|: isolated ectopic beats move only a
/// few of those differences and leave the median low; fibrillation moves most of them.
/// Pattern change is the same against the interval two or three beats back: bigeminy
/// and trigeminy repeat with that period and score low, fibrillation does not.
fn window_figures(rr: &[f64]) -> (f64, f64, f64) {
    let median_rr = median_of(&mut rr.to_vec()).max(1.0);
    let lagged = |lag: usize| {
        let mut d: Vec<f64> = rr.windows(lag + 1).map(|w| (w[lag] - w[0]).abs()).collect();
        median_of(&mut d) / median_rr
    };
    let successive = lagged(1);
    let pattern = lagged(2).min(lagged(3));
    // Shannon entropy of a 16-bin histogram over the middle 90 % of the window's
    // intervals, normalised to 0–1.
    let mut sorted = rr.to_vec();
    sorted.sort_by(f64::total_cmp);
    let trim = rr.len() / 20;
    let (lo, hi) = (sorted[trim], sorted[rr.len() - 1 - trim]);
    let kept: Vec<f64> = rr
        .iter()
        .copied()
        .filter(|v| *v >= lo && *v <= hi)
        .collect();
    let mut bins = [0usize; 16];
    let span = (hi - lo).max(1e-9);
    for v in &kept {
        bins[(((v - lo) / span) * 15.999) as usize] += 1;
    }
    let n = kept.len() as f64;
    // Few intervals cannot fill sixteen bins: normalise by what they could fill.
    let most = (kept.len().min(16) as f64).ln().max(f64::MIN_POSITIVE);
    let entropy = -bins
        .iter()
        .filter(|b| **b > 0)
        .map(|b| {
            let p = *b as f64 / n;
            p * p.ln()
        })
        .sum::<f64>()
        / most;
    (successive, pattern, entropy)
}

fn looks_like_af((successive, pattern, entropy): (f64, f64, f64)) -> bool {
    successive > 0.12 && pattern > 0.12 && entropy > 0.8
}

fn irregularity(rr: &[f64]) -> Option<Irregularity> {
    if rr.len() < 8 {
        return None;
    }
    let whole = window_figures(rr);
    // About a minute of beats per window; a short strip is one window. A long recording
    // is suspected when two windows in a row look like fibrillation (two minutes or
    // more), so that one window of dense ectopy does not flag a whole Holter.
    let windows: Vec<bool> = if rr.len() <= AF_WINDOW * 3 / 2 {
        vec![looks_like_af(whole)]
    } else {
        let mut bounds: Vec<usize> = (0..rr.len()).step_by(AF_WINDOW).collect();
        if rr.len() - bounds[bounds.len() - 1] < AF_WINDOW / 2 {
            bounds.pop();
        }
        bounds
            .iter()
            .enumerate()
            .map(|(k, start)| {
                let end = bounds.get(k + 1).copied().unwrap_or(rr.len());
                looks_like_af(window_figures(&rr[*start..end]))
            })
            .collect()
    };
    let share = windows.iter().filter(|a| **a).count() as f64 / windows.len() as f64;
    let suspected = if windows.len() == 1 {
        windows[0]
    } else {
        windows.windows(2).any(|w| w[0] && w[1])
    };
    Some(Irregularity {
        successive_change: whole.0,
        pattern_change: whole.1,
        entropy: whole.2,
        af_share: share,
        af_suspected: suspected,
    })
}

/// Contiguous lead pairs (Cabrera order for the limb leads) and their territory.
const CONTIGUOUS: [(&str, &str, &str); 9] = [
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
fn st_threshold(lead: &str) -> f64 {
    if lead == "V2" || lead == "V3" {
        0.2
    } else {
        0.1
    }
}

/// The representative beat of each lead (the median of the aligned beats), and from
/// it the global QRS onset and offset, the T-wave end and the ST levels.
fn intervals(r: &Recording, beats: &[usize], median_rr: Option<f64>) -> Option<Intervals> {
    let standard = crate::leads::TWELVE
        .iter()
        .filter(|name| r.lead(name).is_some())
        .count();
    let median_rr = median_rr?;
    if standard < 8 || beats.len() < 3 {
        return None;
    }
    let fs = r.fs;
    let at = |ms: f64| (ms * fs / 1000.0).round() as usize;
    let pre = at(300.0).min(at(median_rr * 0.45));
    let post = at(600.0).min(at(median_rr * 0.9));
    let n = pre + post;
    let usable: Vec<usize> = beats
        .iter()
        .copied()
        .filter(|b| *b >= pre && b + post <= r.len())
        .collect();
    if usable.len() < 2 {
        return None;
    }
    let mut column = vec![0f64; usable.len()];
    let mut templates: Vec<(&str, Vec<f64>)> = Vec::new();
    for lead in r
        .leads
        .iter()
        .filter(|l| crate::leads::TWELVE.contains(&l.name.as_str()))
    {
        let mut t = Vec::with_capacity(n);
        for k in 0..n {
            for (c, b) in column.iter_mut().zip(&usable) {
                *c = f64::from(lead.samples[b - pre + k]);
            }
            t.push(median_of(&mut column));
        }
        templates.push((lead.name.as_str(), t));
    }
    // Spatial velocity: the summed absolute slope of all leads, each slope over ±4 ms.
    let h = at(4.0).max(1);
    let velocity: Vec<f64> = (0..n - 1)
        .map(|k| {
            let (a, b) = (k.saturating_sub(h), (k + h).min(n - 1));
            templates
                .iter()
                .map(|(_, t)| (t[b] - t[a]).abs())
                .sum::<f64>()
                / (b - a) as f64
        })
        .collect();
    let r_at = pre;
    let search = at(80.0);
    let peak = velocity[r_at.saturating_sub(search)..(r_at + search).min(n - 1)]
        .iter()
        .copied()
        .fold(0.0, f64::max);
    let floor = {
        let mut quiet: Vec<f64> = velocity[..r_at.saturating_sub(at(120.0)).max(1)].to_vec();
        median_of(&mut quiet)
    };
    let level = floor + 0.02 * (peak - floor);
    // Walk out from the R peak until the velocity stays below the level for 10 ms.
    let hold = at(10.0).max(1);
    let mut onset = r_at.saturating_sub(search);
    for k in (hold..=r_at).rev() {
        if velocity[k - hold..k].iter().all(|v| *v < level) {
            onset = k;
            break;
        }
    }
    let mut offset = (r_at + at(100.0)).min(n - 2);
    for k in r_at..n - 1 - hold {
        if velocity[k..k + hold].iter().all(|v| *v < level) && k > r_at + at(20.0) {
            offset = k;
            break;
        }
    }
    let j60 = offset + at(60.0);
    if j60 >= n {
        return None;
    }
    let baseline = |t: &[f64]| {
        let lo = onset.saturating_sub(at(40.0));
        let hi = onset.saturating_sub(at(10.0)).max(lo + 1);
        let mut seg = t[lo..hi].to_vec();
        median_of(&mut seg)
    };
    let st: Vec<StLevel> = templates
        .iter()
        .map(|(name, t)| {
            let base = baseline(t);
            StLevel {
                lead: name.to_string(),
                j_mv: t[offset] - base,
                j60_mv: t[j60] - base,
            }
        })
        .collect();
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
    // T end: tangent at the steepest point of the descending limb of the largest T
    // wave, carried to the baseline.
    let t_from = offset + at(80.0);
    let t_to = n - 1;
    let mut t_end: Option<f64> = None;
    let mut best = 0.0;
    for (_, t) in &templates {
        if t_from + 2 >= t_to {
            break;
        }
        let base = baseline(t);
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
        let h = at(5.0).max(1);
        let limb_end = (peak_at + at(200.0)).min(t_to.saturating_sub(h));
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
    let to_ms = |k: f64| k * 1000.0 / fs;
    let t_end = t_end?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lead;

    /// A synthetic 12-lead ECG: Gaussian P, QRS and T waves at `bpm`, with `st` mV
    /// added from J to the end of T in the leads named.
    pub(crate) fn synthetic(bpm: f64, seconds: f64, st: &[(&str, f64)]) -> Recording {
        let fs = 500.0;
        let n = (seconds * fs) as usize;
        let rr = 60.0 / bpm;
        let g = |t: f64, mu: f64, sigma: f64| (-(t - mu).powi(2) / (2.0 * sigma * sigma)).exp();
        let leads = crate::leads::TWELVE
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let gain = 0.6 + 0.1 * i as f64;
                let lift = st.iter().find(|(l, _)| l == name).map_or(0.0, |(_, v)| *v);
                let samples = (0..n)
                    .map(|k| {
                        let t = k as f64 / fs;
                        let phase = (t + 0.5 * rr) % rr - 0.5 * rr;
                        let v = 0.15 * g(phase, -0.16, 0.02)
                            + gain * (g(phase, 0.0, 0.012) - 0.25 * g(phase, 0.03, 0.01))
                            + 0.3 * g(phase, 0.28, 0.045)
                            + if (0.05..0.36).contains(&phase) {
                                lift
                            } else {
                                0.0
                            };
                        v as f32
                    })
                    .collect();
                Lead {
                    name: name.to_string(),
                    samples,
                }
            })
            .collect();
        Recording { fs, leads }
    }

    #[test]
    fn a_regular_rhythm_gives_its_rate_and_no_alert() {
        let m = measure(&synthetic(72.0, 10.0, &[]));
        assert_eq!(m.rhythm_lead.as_deref(), Some("II"));
        let hr = m.heart_rate_bpm.expect("rate");
        assert!((hr - 72.0).abs() < 1.0, "{hr}");
        assert_eq!(m.rate, Some(Rate::Normal));
        assert!(m.pauses.is_empty());
        assert!(m.alerts.is_empty(), "{:?}", m.alerts);
        assert!(
            m.quality.iter().all(|q| q.quality == Quality::Good),
            "{:?}",
            m.quality
        );
        let i = m.intervals.expect("12-lead intervals");
        assert!((60.0..=120.0).contains(&i.qrs_ms), "QRS {}", i.qrs_ms);
        assert!((300.0..=450.0).contains(&i.qt_ms), "QT {}", i.qt_ms);
        assert!(i.st.iter().all(|s| s.j60_mv.abs() < 0.05), "{:?}", i.st);
    }

    #[test]
    fn inferior_st_elevation_is_found_in_contiguous_leads_only() {
        let m = measure(&synthetic(
            80.0,
            10.0,
            &[("II", 0.25), ("III", 0.3), ("aVF", 0.28), ("V4", 0.3)],
        ));
        let i = m.intervals.expect("intervals");
        assert_eq!(i.st_elevation.len(), 1, "{:?}", i.st_elevation);
        assert_eq!(i.st_elevation[0].territory, "inferior");
        assert!(m.alerts.contains(&Alert::StElevation));
        // A single elevated lead (V4) is not a pattern.
        let lone = measure(&synthetic(80.0, 10.0, &[("V4", 0.3)]));
        assert!(lone.intervals.expect("intervals").st_elevation.is_empty());
    }

    #[test]
    fn extreme_rates_and_pauses_raise_alerts() {
        let slow = measure(&synthetic(35.0, 12.0, &[]));
        assert_eq!(slow.rate, Some(Rate::ExtremeBradycardia));
        assert!(slow.alerts.contains(&Alert::ExtremeRate));
        let mut paused = synthetic(75.0, 12.0, &[]);
        for lead in &mut paused.leads {
            let quiet = lead.samples[4000];
            for v in &mut lead.samples[2000..4000] {
                *v = quiet;
            }
        }
        let m = measure(&paused);
        assert!(m.pauses.iter().any(|p| p.ms > 3000.0), "{:?}", m.pauses);
        assert!(m.alerts.contains(&Alert::LongPause));
    }

    #[test]
    fn bad_leads_are_named_for_what_is_wrong() {
        let r = synthetic(70.0, 10.0, &[]);
        let clean = &r.leads[1].samples;
        let q = |x: &[f32]| lead_quality("II", x, 500.0).quality;
        assert_eq!(q(clean), Quality::Good);
        assert_eq!(q(&vec![0.01; 5000]), Quality::Flat);
        let mut off = clean.clone();
        off[1000..3000].iter_mut().for_each(|v| *v = 0.0);
        assert_eq!(q(&off), Quality::LeadOff);
        let clipped: Vec<f32> = clean.iter().map(|v| v.min(0.3)).collect();
        assert_eq!(q(&clipped), Quality::Saturated);
        let mut seed = 7u32;
        let noisy: Vec<f32> = clean
            .iter()
            .map(|v| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                v + ((seed >> 8) as f32 / (1 << 24) as f32 - 0.5) * 0.8
            })
            .collect();
        assert_eq!(q(&noisy), Quality::Noisy);
    }

    #[test]
    fn short_flat_and_empty_recordings_measure_without_panic() {
        for r in [
            Recording {
                fs: 500.0,
                leads: vec![],
            },
            Recording {
                fs: 500.0,
                leads: vec![Lead {
                    name: "II".into(),
                    samples: vec![0.0; 10],
                }],
            },
            Recording {
                fs: 500.0,
                leads: vec![Lead {
                    name: "II".into(),
                    samples: vec![0.0; 5000],
                }],
            },
        ] {
            let m = measure(&r);
            assert!(m.beats.is_empty());
            assert!(m.heart_rate_bpm.is_none());
        }
    }
}
