//! Ventricular fibrillation and flutter: stretches where the trace is one continuous
//! undulation with no isoelectric line between complexes. There are no QRS complexes to
//! count there, so the detector reports no beats inside them, and the measurement raises
//! an alert.
//!
//! Per 4-second window of the trace (averaged down to about 90 Hz, baseline removed):
//! - the share of samples above a fifth of the window's largest excursion (threshold
//!   crossing sample count): a normal trace spends most of its time near the baseline
//!   between narrow complexes, fibrillation almost none;
//! - how much of the 1–30 Hz power lies within ±1 Hz of the dominant frequency between
//!   2 and 9 Hz: fibrillation and flutter are close to one sine wave.
//!
//! Only windows that pass the first, cheap test are given the second.

/// Window length.
const WINDOW_S: f64 = 4.0;
/// Share of samples above a fifth of the largest excursion.
const MIN_BUSY: f64 = 0.48;
/// Share of the 1–30 Hz power around the dominant frequency.
const MIN_CONCENTRATION: f64 = 0.4;

/// Sample ranges `[start, end)` that look like ventricular fibrillation or flutter.
pub fn stretches(x: &[f32], fs: f64) -> Vec<(usize, usize)> {
    if !(fs.is_finite() && fs >= 50.0) {
        return Vec::new();
    }
    // Work at about 90 Hz: averaging blocks of samples is the smoothing, and everything
    // of interest lies under 30 Hz.
    let block = ((fs / 90.0).round() as usize).max(1);
    let rate = fs / block as f64;
    let z: Vec<f32> = x
        .chunks_exact(block)
        .map(|c| c.iter().sum::<f32>() / block as f32)
        .collect();
    let win = (WINDOW_S * rate) as usize;
    if z.len() < win || win < 16 {
        return Vec::new();
    }
    let y = detrended(&z, rate);
    let mut out: Vec<(usize, usize)> = Vec::new();
    for start in (0..=y.len() - win).step_by(win) {
        let w = &y[start..start + win];
        if busy_share(w) >= MIN_BUSY && concentration(w, rate) >= MIN_CONCENTRATION {
            let (lo, hi) = (start * block, (start + win) * block);
            match out.last_mut() {
                Some(last) if last.1 == lo => last.1 = hi,
                _ => out.push((lo, hi)),
            }
        }
    }
    out
}

/// The trace less its one-second moving mean.
fn detrended(z: &[f32], rate: f64) -> Vec<f32> {
    let n = z.len();
    let half = ((rate / 2.0) as usize).max(1);
    let mut prefix = Vec::with_capacity(n + 1);
    let mut acc = 0.0f64;
    prefix.push(0.0);
    for v in z {
        acc += f64::from(*v);
        prefix.push(acc);
    }
    (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(n));
            (f64::from(z[i]) - (prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

fn busy_share(w: &[f32]) -> f64 {
    let peak = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    if peak <= 0.0 {
        return 0.0;
    }
    let level = 0.2 * peak;
    w.iter().filter(|v| v.abs() > level).count() as f64 / w.len() as f64
}

/// Share of the 1–30 Hz power (Hann window, Goertzel at the window's resolution) lying
/// within ±1 Hz of the strongest frequency between 2 and 9 Hz.
fn concentration(w: &[f32], fs: f64) -> f64 {
    let n = w.len();
    let mean = w.iter().map(|v| f64::from(*v)).sum::<f64>() / n as f64;
    let tapered: Vec<f64> = w
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let hann = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (n - 1) as f64).cos();
            (f64::from(*v) - mean) * hann
        })
        .collect();
    let resolution = fs / n as f64;
    let bins: Vec<(f64, f64)> = (((1.0 / resolution).ceil() as usize)
        ..=((30.0 / resolution) as usize))
        .map(|k| {
            let f = k as f64 * resolution;
            let coeff = 2.0 * (2.0 * std::f64::consts::PI * k as f64 / n as f64).cos();
            let (mut s1, mut s2) = (0.0f64, 0.0f64);
            for v in &tapered {
                let s0 = v + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            (f, s1 * s1 + s2 * s2 - coeff * s1 * s2)
        })
        .collect();
    let total: f64 = bins.iter().map(|b| b.1).sum();
    let Some(dominant) = bins
        .iter()
        .filter(|b| (2.0..=9.0).contains(&b.0))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|b| b.0)
    else {
        return 0.0;
    };
    let near: f64 = bins
        .iter()
        .filter(|b| (b.0 - dominant).abs() <= 1.0)
        .map(|b| b.1)
        .sum();
    if total > 0.0 { near / total } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sine_like_undulation_is_fibrillation_and_a_beating_heart_is_not() {
        let fs = 250.0;
        let flutter: Vec<f32> = (0..(12.0 * fs) as usize)
            .map(|i| {
                let t = i as f64 / fs;
                (0.8 * (2.0 * std::f64::consts::PI * 4.5 * t).sin() + 0.05 * (7.0 * t).sin()) as f32
            })
            .collect();
        let found = stretches(&flutter, fs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0 == 0 && found[0].1 >= 2990, "{found:?}");
        // Narrow spikes once a second on a flat line.
        let beats: Vec<f32> = (0..(12.0 * fs) as usize)
            .map(|i| {
                let phase = (i as f64 / fs) % 1.0;
                (-(phase - 0.5).powi(2) / (2.0 * 0.01f64.powi(2))).exp() as f32
            })
            .collect();
        assert!(stretches(&beats, fs).is_empty());
        assert!(stretches(&[0.0; 3000], fs).is_empty());
        assert!(stretches(&[1.0; 10], fs).is_empty());
    }
}
