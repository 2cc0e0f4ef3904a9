//! RR intervals: their statistics, and the irregularity that suggests atrial fibrillation
//! (successive differences, pattern and entropy over sliding windows).

use super::{AF_WINDOW, Irregularity, RrStats, median_of};

pub(super) fn rr_stats(rr: &[f64]) -> Option<RrStats> {
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
pub(super) fn window_figures(rr: &[f64]) -> (f64, f64, f64) {
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

pub(super) fn looks_like_af((successive, pattern, entropy): (f64, f64, f64)) -> bool {
    successive > 0.12 && pattern > 0.12 && entropy > 0.8
}

pub(super) fn irregularity(rr: &[f64]) -> Option<Irregularity> {
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
