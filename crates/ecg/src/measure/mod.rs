//! Automatic measurement of a recording: signal quality per lead, beats, heart rate, RR
//! intervals and their irregularity, pauses, and for 12-lead recordings the QRS
//! duration, QT/QTc and the ST level at J+60 ms per lead with the contiguous-lead
//! pattern of ST elevation. Computer suggestions for a reader to confirm, not diagnoses.

mod intervals;
use intervals::*;

mod rhythm;
use rhythm::*;

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
