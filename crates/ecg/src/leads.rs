//! Lead names as the formats spell them, brought to one spelling (`I`, `II`, `III`,
//! `aVR`, `aVL`, `aVF`, `V1`…`V6`), and the limb leads a machine leaves out, derived
//! from I and II (Einthoven and Goldberger).

use crate::{Lead, Recording};

/// The twelve standard leads in the order a 12-lead ECG prints them.
pub const TWELVE: [&str; 12] = [
    "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
];

/// The standard spelling of a lead name: `MDC_ECG_LEAD_AVR` → `aVR`, `Lead V1` → `V1`,
/// `MLII` → `II`; anything else is kept as given.
pub fn standard_name(raw: &str) -> String {
    let s = raw.trim();
    let s = s.strip_prefix("MDC_ECG_LEAD_").unwrap_or(s);
    let s = s
        .strip_prefix("Lead ")
        .or_else(|| s.strip_prefix("lead "))
        .unwrap_or(s);
    // "Lead I (Einthoven)", "V1 chest": the first word names the lead.
    let word = s.split([' ', '(', ',']).next().unwrap_or(s);
    let upper = word.to_ascii_uppercase();
    match upper.as_str() {
        "I" | "II" | "III" | "V1" | "V2" | "V3" | "V4" | "V5" | "V6" => upper.clone(),
        "MLII" => "II".into(),
        "MLI" => "I".into(),
        "MLIII" => "III".into(),
        "AVR" => "aVR".into(),
        "AVL" => "aVL".into(),
        "AVF" => "aVF".into(),
        _ => s.to_string(),
    }
}

impl Recording {
    /// The lead called `name` (standard spelling), if recorded.
    pub fn lead(&self, name: &str) -> Option<&Lead> {
        self.leads.iter().find(|l| l.name == name)
    }

    /// Adds III, aVR, aVL and aVF where the recording has I and II but not them
    /// (many machines store eight leads and leave the other four to be computed).
    pub fn complete_limb_leads(&mut self) {
        let (Some(i), Some(ii)) = (self.lead("I"), self.lead("II")) else {
            return;
        };
        let (i, ii) = (i.samples.clone(), ii.samples.clone());
        let n = i.len().min(ii.len());
        type Derive = fn(f32, f32) -> f32;
        let derived: [(&str, Derive); 4] = [
            ("III", |i, ii| ii - i),
            ("aVR", |i, ii| -(i + ii) / 2.0),
            ("aVL", |i, ii| i - ii / 2.0),
            ("aVF", |i, ii| ii - i / 2.0),
        ];
        for (name, f) in derived {
            if self.lead(name).is_none() {
                self.leads.push(Lead {
                    name: name.into(),
                    samples: (0..n).map(|k| f(i[k], ii[k])).collect(),
                });
            }
        }
        let rank = |name: &str| {
            TWELVE
                .iter()
                .position(|t| *t == name)
                .unwrap_or(TWELVE.len())
        };
        self.leads.sort_by_key(|l| rank(&l.name));
    }

    /// Does the recording carry the twelve standard leads?
    pub fn is_twelve_lead(&self) -> bool {
        TWELVE.iter().all(|name| self.lead(name).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_brought_to_one_spelling() {
        assert_eq!(standard_name("MDC_ECG_LEAD_AVF"), "aVF");
        assert_eq!(standard_name("MDC_ECG_LEAD_III"), "III");
        assert_eq!(standard_name("Lead I (Einthoven)"), "I");
        assert_eq!(standard_name("Lead aVL"), "aVL");
        assert_eq!(standard_name("v5"), "V5");
        assert_eq!(standard_name("MLII"), "II");
        assert_eq!(standard_name("Pleth"), "Pleth");
    }

    #[test]
    fn missing_limb_leads_are_derived_from_i_and_ii() {
        let lead = |name: &str, v: f32| Lead {
            name: name.into(),
            samples: vec![v; 3],
        };
        let mut r = Recording {
            fs: 500.0,
            leads: vec![lead("V1", 0.3), lead("II", 1.0), lead("I", 0.4)],
        };
        r.complete_limb_leads();
        let names: Vec<&str> = r.leads.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["I", "II", "III", "aVR", "aVL", "aVF", "V1"]);
        let at = |n: &str| r.lead(n).expect("test data").samples[0];
        assert!((at("III") - 0.6).abs() < 1e-6);
        assert!((at("aVR") + 0.7).abs() < 1e-6);
        assert!((at("aVL") + 0.1).abs() < 1e-6);
        assert!((at("aVF") - 0.8).abs() < 1e-6);
        // Einthoven: I + III = II; Goldberger: aVR + aVL + aVF = 0.
        assert!((at("I") + at("III") - at("II")).abs() < 1e-6);
        assert!((at("aVR") + at("aVL") + at("aVF")).abs() < 1e-6);
    }
}
