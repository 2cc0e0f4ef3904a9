//! QRS detection: where the beats are, as sample indices of their R peaks.
//!
//! The classic chain (Pan & Tompkins 1985; Hamilton & Tompkins 1986), written for any
//! sampling rate and run over the whole recording:
//!
//! 1. band-pass 5–20 Hz (biquads), where QRS energy lies and baseline wander, most of
//!    the T wave and mains hum do not;
//! 2. the squared slope, integrated over a QRS-wide window (the feature);
//! 3. candidate peaks of the feature, at most one per refractory period (200 ms);
//! 4. adaptive signal and noise levels with a threshold between them, and search-back
//!    at half the threshold when a beat is overdue (1.66 × the mean RR);
//! 5. T-wave discrimination: a candidate within 360 ms of the previous beat whose slope
//!    is under half of that beat's is a T wave;
//! 6. the R mark: the largest deviation of the lead from its local median level near
//!    the candidate, so RR intervals start on the peak;
//! 7. no beats inside stretches of ventricular fibrillation or flutter.

/// Second-order IIR section, direct form I, f32.
#[derive(Debug, Clone, Copy)]
struct Biquad {
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
}

impl Biquad {
    /// Butterworth (Q = 1/√2) low-pass or high-pass by the bilinear transform.
    fn butterworth(fs: f64, cutoff: f64, high: bool) -> Self {
        let w = 2.0 * std::f64::consts::PI * cutoff / fs;
        let (sin, cos) = w.sin_cos();
        let alpha = sin / std::f64::consts::SQRT_2;
        let a0 = 1.0 + alpha;
        let (b0, b1) = if high {
            ((1.0 + cos) / 2.0, -(1.0 + cos))
        } else {
            ((1.0 - cos) / 2.0, 1.0 - cos)
        };
        Self {
            b0: (b0 / a0) as f32,
            b1: (b1 / a0) as f32,
            b2: (b0 / a0) as f32,
            a1: (-2.0 * cos / a0) as f32,
            a2: ((1.0 - alpha) / a0) as f32,
        }
    }
}

/// Milliseconds to samples at `fs`, at least 1.
fn samples(fs: f64, ms: f64) -> usize {
    ((ms * fs / 1000.0).round() as usize).max(1)
}

/// What the detector found in one lead.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detection {
    /// R peaks, 0-based sample indices, ascending.
    pub beats: Vec<usize>,
    /// Stretches `[start, end)` of ventricular fibrillation or flutter, where there are
    /// no beats to count (see [`crate::fibrillation`]).
    pub fibrillation: Vec<(usize, usize)>,
}

/// Detected R peaks (0-based sample indices, ascending) in one lead sampled at `fs` Hz.
/// Non-finite samples count as zero. Returns nothing for recordings under a second.
pub fn detect(signal: &[f32], fs: f64) -> Vec<usize> {
    detect_beats(signal, fs).beats
}

/// The beats of one lead, and where it shows fibrillation instead of beats.
pub fn detect_beats(signal: &[f32], fs: f64) -> Detection {
    if !(fs.is_finite() && fs >= 50.0) || signal.len() < fs as usize {
        return Detection::default();
    }
    let x: Vec<f32> = signal
        .iter()
        .map(|v| if v.is_finite() { *v } else { 0.0 })
        .collect();
    let n = x.len();

    // 1–2. Band-pass, slope and integrated squared slope.
    let win = samples(fs, 120.0);
    let (slope, feature) = features(&x, fs, win);

    // 3. Candidates: local maxima of the feature, the largest within ±refractory.
    let refractory = samples(fs, 200.0);
    let candidates = local_maxima(&feature, refractory);

    // 4–5. Adaptive thresholds with search-back and T-wave discrimination.
    let beats = classify(&candidates, &feature, &slope, fs);

    // 6. The R mark near each beat. The feature peaks at the end of the integration
    // window, after the filters' delay; the QRS lies before it.
    let delay = samples(fs, 20.0);
    let before = win + delay + samples(fs, 60.0);
    let after = samples(fs, 40.0);
    let mut peaks: Vec<usize> = beats
        .iter()
        .map(|&c| r_mark(&x, c.saturating_sub(before), (c + after).min(n - 1)))
        .collect();
    // Neighbouring search windows overlap: a mark may land before the previous one.
    peaks.sort_unstable();
    peaks.dedup();
    // Two marks closer than the refractory period are one beat: keep the larger.
    let mut out: Vec<usize> = Vec::with_capacity(peaks.len());
    for p in peaks {
        match out.last() {
            Some(&q) if p - q < refractory => {
                if prominence(&x, p, refractory) > prominence(&x, q, refractory) {
                    out.pop();
                    out.push(p);
                }
            }
            _ => out.push(p),
        }
    }
    let fibrillation = crate::fibrillation::stretches(&x, fs);
    if !fibrillation.is_empty() {
        out.retain(|p| !fibrillation.iter().any(|(lo, hi)| (*lo..*hi).contains(p)));
    }
    Detection {
        beats: out,
        fibrillation,
    }
}

/// Independent stretches of the recording filtered side by side: the recurrences of one
/// stretch wait on their own previous outputs, so eight stretches keep the processor's
/// vector units busy where one would leave them idle.
const LANES: usize = 8;

/// The band-passed slope `|y[i] − y[i−2]|` and its square integrated over `win` samples,
/// for every sample.
///
/// Band-pass 5–20 Hz: two high-pass and two low-pass Butterworth sections. The
/// recording is cut into [`LANES`] stretches, each started 1.5 s early so that the
/// filters and the integration window have settled when its own samples begin (the
/// slowest section, 5 Hz, decays within about 0.2 s); the first stretch starts at the
/// first sample, at that sample's level, so a DC offset does not ring. A lane's warm-up
/// outputs land on samples that the lane before it writes again later, settled.
fn features(x: &[f32], fs: f64, win: usize) -> (Vec<f32>, Vec<f32>) {
    let n = x.len();
    let sections = [
        Biquad::butterworth(fs, 5.0, true),
        Biquad::butterworth(fs, 5.0, true),
        Biquad::butterworth(fs, 20.0, false),
        Biquad::butterworth(fs, 20.0, false),
    ];
    let warm = samples(fs, 1500.0).max(win + 2);
    let chunk = n.div_ceil(LANES);
    // Too short to split (a lane's warm-up must end before the lane behind it catches
    // up): every lane runs the whole recording and they agree.
    let split = chunk > 2 * warm;
    let begin: [usize; LANES] = std::array::from_fn(|l| {
        if split {
            (l * chunk).saturating_sub(warm)
        } else {
            0
        }
    });
    let steps = if split { chunk + warm } else { n };
    let total = begin[LANES - 1] + steps;
    let mut slope = vec![0.0f32; total];
    let mut feature = vec![0.0f32; total];
    // Per section: the previous two inputs and outputs of every lane.
    let mut state = [[[0.0f32; LANES]; 4]; 4];
    for l in 0..LANES {
        state[0][0][l] = x[begin[l].min(n - 1)];
        state[0][1][l] = state[0][0][l];
    }
    let (mut prev1, mut prev2) = ([0.0f32; LANES], [0.0f32; LANES]);
    let mut ring = vec![[0.0f32; LANES]; win];
    let mut at = 0;
    let mut sum = [0.0f64; LANES];
    let scale = 1.0 / win as f64;
    for k in 0..steps {
        let mut v: [f32; LANES] = std::array::from_fn(|l| x[(begin[l] + k).min(n - 1)]);
        for (q, s) in sections.iter().zip(state.iter_mut()) {
            let y: [f32; LANES] = std::array::from_fn(|l| {
                q.b0 * v[l] + q.b1 * s[0][l] + q.b2 * s[1][l] - q.a1 * s[2][l] - q.a2 * s[3][l]
            });
            s[1] = s[0];
            s[0] = v;
            s[3] = s[2];
            s[2] = y;
            v = y;
        }
        let d: [f32; LANES] = std::array::from_fn(|l| v[l] - prev2[l]);
        prev2 = prev1;
        prev1 = v;
        let e: [f32; LANES] = std::array::from_fn(|l| d[l] * d[l]);
        let old = std::mem::replace(&mut ring[at], e);
        at = if at + 1 == win { 0 } else { at + 1 };
        for l in 0..LANES {
            sum[l] += f64::from(e[l]) - f64::from(old[l]);
            slope[begin[l] + k] = d[l].abs();
            feature[begin[l] + k] = (sum[l].max(0.0) * scale) as f32;
        }
    }
    slope.truncate(n);
    feature.truncate(n);
    (slope, feature)
}

/// Indices `i` where `f[i]` is the largest value within `radius` on each side (the first
/// of equal values wins).
fn local_maxima(f: &[f32], radius: usize) -> Vec<usize> {
    let n = f.len();
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < n {
        if f[i] > f[i - 1] && f[i] >= f[i + 1] {
            let lo = i.saturating_sub(radius);
            let hi = (i + radius).min(n - 1);
            let v = f[i];
            let left_ok = f[lo..i].iter().all(|&u| u < v);
            let right_ok = f[i + 1..=hi].iter().all(|&u| u <= v);
            if left_ok && right_ok {
                out.push(i);
                i += radius;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The beats among the candidates (Hamilton–Tompkins rules).
fn classify(candidates: &[usize], feature: &[f32], slope: &[f32], fs: f64) -> Vec<usize> {
    let slope_window = samples(fs, 120.0);
    let max_slope = |c: usize| {
        slope[c.saturating_sub(slope_window)..=c]
            .iter()
            .fold(0.0f32, |a, &b| a.max(b))
    };
    // Learning: signal level from the first 2 s, noise level a fraction of it.
    let learn = (2.0 * fs) as usize;
    let first_max = feature[..learn.min(feature.len())]
        .iter()
        .fold(0.0f32, |a, &b| a.max(b));
    let mut spk = first_max * 0.5;
    let mut npk = first_max * 0.05;
    let threshold = |spk: f32, npk: f32| npk + 0.1 * (spk - npk);

    let mut beats: Vec<usize> = Vec::new();
    let mut rr_mean = 0.8 * fs;
    let mut last_slope = 0.0f32;
    // Candidates seen since the last beat that fell under the threshold, for search-back.
    let mut skipped: Vec<usize> = Vec::new();
    let t_window = samples(fs, 360.0);

    for &c in candidates {
        let v = feature[c];
        // Search-back: a beat is overdue; take the largest skipped candidate above half
        // the threshold.
        if let Some(&last) = beats.last()
            && (c - last) as f64 > 1.66 * rr_mean
        {
            let th = threshold(spk, npk);
            if let Some(&best) = skipped
                .iter()
                .filter(|&&s| feature[s] > th * 0.5 && s - last > samples(fs, 200.0))
                .max_by(|&&a, &&b| feature[a].total_cmp(&feature[b]))
            {
                spk = 0.25 * feature[best] + 0.75 * spk;
                push_beat(&mut beats, &mut rr_mean, best);
                last_slope = max_slope(best);
            }
            skipped.clear();
        }
        let th = threshold(spk, npk);
        if v > th {
            let s = max_slope(c);
            let is_t = beats
                .last()
                .is_some_and(|&last| c - last < t_window && s < 0.5 * last_slope);
            if is_t {
                npk = 0.125 * v + 0.875 * npk;
                continue;
            }
            spk = 0.125 * v + 0.875 * spk;
            push_beat(&mut beats, &mut rr_mean, c);
            last_slope = s;
            skipped.clear();
        } else {
            npk = 0.125 * v + 0.875 * npk;
            skipped.push(c);
        }
    }
    beats
}

fn push_beat(beats: &mut Vec<usize>, rr_mean: &mut f64, c: usize) {
    if let Some(&last) = beats.last()
        && c > last
    {
        let rr = (c - last) as f64;
        // Ignore gaps from missed stretches when learning the rhythm.
        if rr < 3.0 * *rr_mean {
            *rr_mean = 0.875 * *rr_mean + 0.125 * rr;
        }
    }
    match beats.last() {
        Some(&last) if c < last => {
            let at = beats.partition_point(|&b| b < c);
            beats.insert(at, c);
        }
        _ => beats.push(c),
    }
}

/// The median of `w` (which must not be empty).
fn median(w: &[f32]) -> f32 {
    let mut v: Vec<f32> = w.to_vec();
    let mid = v.len() / 2;
    *v.select_nth_unstable_by(mid, f32::total_cmp).1
}

/// How far `x[i]` stands from the median level around it (± `radius`).
fn prominence(x: &[f32], i: usize, radius: usize) -> f32 {
    let w = &x[i.saturating_sub(radius)..(i + radius + 1).min(x.len())];
    (x[i] - median(w)).abs()
}

/// The sample in `[lo, hi]` farthest from the window's median level: the window's
/// median is the local baseline, so drift does not move the mark.
fn r_mark(x: &[f32], lo: usize, hi: usize) -> usize {
    let w = &x[lo..=hi];
    let mid = median(w);
    let mut best = 0;
    let mut best_v = -1.0f32;
    for (i, &v) in w.iter().enumerate() {
        let d = (v - mid).abs();
        if d > best_v {
            best_v = d;
            best = i;
        }
    }
    lo + best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic rhythm: narrow Gaussian R waves on a wandering baseline with T waves.
    fn synthetic(fs: f64, beats: &[f64], len_s: f64) -> Vec<f32> {
        let n = (len_s * fs) as usize;
        (0..n)
            .map(|i| {
                let t = i as f64 / fs;
                let mut v = 0.3 * (2.0 * std::f64::consts::PI * 0.2 * t).sin();
                for &b in beats {
                    let d = t - b;
                    v += 1.2 * (-(d / 0.012).powi(2)).exp();
                    let dt = t - b - 0.28;
                    v += 0.3 * (-(dt / 0.06).powi(2)).exp();
                }
                v as f32
            })
            .collect()
    }

    #[test]
    fn finds_every_beat_of_a_clean_rhythm_on_its_peak() {
        for fs in [250.0, 360.0, 500.0, 1000.0] {
            let beats: Vec<f64> = (0..20).map(|k| 0.5 + k as f64 * 0.8).collect();
            let x = synthetic(fs, &beats, 17.0);
            let found = detect(&x, fs);
            assert_eq!(found.len(), beats.len(), "fs {fs}: {found:?}");
            for (f, b) in found.iter().zip(&beats) {
                let err_ms = (*f as f64 / fs - b).abs() * 1000.0;
                assert!(err_ms <= 4.0, "fs {fs}: off by {err_ms} ms");
            }
        }
    }

    #[test]
    fn flat_short_and_garbage_input_give_no_beats_and_no_panic() {
        assert!(detect(&[], 360.0).is_empty());
        assert!(detect(&[0.0; 100], 360.0).is_empty());
        assert!(detect(&vec![0.0; 3600], 360.0).is_empty());
        assert!(detect(&vec![f32::NAN; 3600], 360.0).is_empty());
        assert!(detect(&[1.0; 10], f64::NAN).is_empty());
    }
}
