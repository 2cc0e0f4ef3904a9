//! The referral an ECG report opens, finding by finding: how urgent, on which green
//! channel, with which ICD-10 code. A report with several findings takes the row of its
//! most urgent one (the first in [`RULES`] that it holds).

use crate::referral::{Direction, Pathway, Urgency};

/// One finding's referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub finding: &'static str,
    pub urgency: Urgency,
    pub pathway: Option<Pathway>,
    pub icd10: &'static str,
}

const fn emergency(finding: &'static str, icd10: &'static str) -> Rule {
    Rule {
        finding,
        urgency: Urgency::Emergency,
        pathway: Some(Pathway::ChestPain),
        icd10,
    }
}

const fn urgent(finding: &'static str, icd10: &'static str) -> Rule {
    Rule {
        finding,
        urgency: Urgency::Urgent,
        pathway: None,
        icd10,
    }
}

/// Most urgent first. Every critical finding opens an emergency on the chest-pain
/// channel (the chest-pain centre takes acute coronary syndromes and malignant
/// arrhythmias); the others an urgent referral with the code a cardiologist would start
/// from. Findings with no row (normal, sinus rhythm, paced, artefact) open an urgent
/// referral without a code.
pub const RULES: &[Rule] = &[
    emergency("vf", "I49.0"),
    emergency("vt", "I47.2"),
    emergency("stemi_anterior", "I21.0"),
    emergency("stemi_septal", "I21.0"),
    emergency("stemi_inferior", "I21.1"),
    emergency("stemi_lateral", "I21.2"),
    emergency("av_block_3", "I44.2"),
    emergency("av_block_2_2", "I44.1"),
    emergency("long_pause", "I49.5"),
    emergency("svt", "I47.1"),
    urgent("atrial_fibrillation", "I48.9"),
    urgent("atrial_flutter", "I48.9"),
    urgent("av_block_2_1", "I44.1"),
    urgent("long_qt", "I45.8"),
    urgent("st_depression", "I24.9"),
    urgent("lbbb", "I44.7"),
    urgent("av_block_1", "I44.0"),
    urgent("rbbb", "I45.1"),
    urgent("premature_ventricular", "I49.3"),
    urgent("premature_atrial", "I49.1"),
    urgent("lvh", "I51.7"),
    urgent("t_wave_change", "R94.3"),
    urgent("sinus_bradycardia", "R00.1"),
    urgent("sinus_tachycardia", "R00.0"),
];

/// What a referral opened from an ECG report starts with: up to the lead hospital's
/// cardiology, as its most urgent finding says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralDefaults {
    pub direction: Direction,
    pub urgency: Urgency,
    pub pathway: Option<Pathway>,
    pub icd10: Option<&'static str>,
    /// The lead hospital's department that receives it, by code.
    pub department: &'static str,
}

/// The defaults for a report with these comma-separated finding codes.
pub fn referral_defaults(findings: &str) -> ReferralDefaults {
    let held: Vec<&str> = findings.split(',').map(str::trim).collect();
    let rule = RULES.iter().find(|r| held.contains(&r.finding));
    ReferralDefaults {
        direction: Direction::Up,
        urgency: rule.map_or(Urgency::Urgent, |r| r.urgency),
        pathway: rule.and_then(|r| r.pathway),
        icd10: rule.map(|r| r.icd10),
        department: "cardiology",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecg::FINDINGS;

    /// Each finding on its own, as a cardiologist would code the referral.
    #[test]
    fn each_finding_opens_its_referral() {
        let expected: &[(&str, Urgency, Option<Pathway>, Option<&str>)] = &[
            (
                "stemi_anterior",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I21.0"),
            ),
            (
                "stemi_septal",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I21.0"),
            ),
            (
                "stemi_inferior",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I21.1"),
            ),
            (
                "stemi_lateral",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I21.2"),
            ),
            (
                "vt",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I47.2"),
            ),
            (
                "vf",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I49.0"),
            ),
            (
                "av_block_3",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I44.2"),
            ),
            (
                "av_block_2_2",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I44.1"),
            ),
            (
                "long_pause",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I49.5"),
            ),
            (
                "svt",
                Urgency::Emergency,
                Some(Pathway::ChestPain),
                Some("I47.1"),
            ),
            ("atrial_fibrillation", Urgency::Urgent, None, Some("I48.9")),
            ("av_block_1", Urgency::Urgent, None, Some("I44.0")),
            ("lbbb", Urgency::Urgent, None, Some("I44.7")),
            ("normal", Urgency::Urgent, None, None),
            ("paced", Urgency::Urgent, None, None),
        ];
        for (finding, urgency, pathway, icd10) in expected {
            let d = referral_defaults(finding);
            assert_eq!(
                (d.urgency, d.pathway, d.icd10),
                (*urgency, *pathway, *icd10),
                "{finding}"
            );
            assert_eq!((d.direction, d.department), (Direction::Up, "cardiology"));
        }
    }

    #[test]
    fn the_most_urgent_finding_decides() {
        let d = referral_defaults("sinus_tachycardia,premature_ventricular, vt");
        assert_eq!((d.urgency, d.icd10), (Urgency::Emergency, Some("I47.2")));
        let d = referral_defaults("atrial_fibrillation,stemi_inferior");
        assert_eq!(d.icd10, Some("I21.1"));
        assert_eq!(referral_defaults("").urgency, Urgency::Urgent);
        assert_eq!(referral_defaults("martian_rhythm").icd10, None);
    }

    #[test]
    fn every_critical_finding_is_an_emergency_and_every_row_a_known_finding() {
        for f in FINDINGS.iter().filter(|f| f.critical) {
            let d = referral_defaults(f.code);
            assert_eq!(d.urgency, Urgency::Emergency, "{}", f.code);
            assert!(d.pathway.is_some() && d.icd10.is_some(), "{}", f.code);
        }
        for r in RULES {
            assert!(crate::ecg::finding(r.finding).is_some(), "{}", r.finding);
            assert!(
                crate::icd10::name_of(r.icd10).is_some(),
                "{} has a name",
                r.icd10
            );
        }
    }
}
