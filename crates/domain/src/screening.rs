//! Screening before the registers: what a blood pressure, a fasting glucose and the COPD
//! screening questionnaire (COPD-SQ) say about a resident, and whether the screenings so
//! far meet the diagnostic criteria a doctor confirms before enrolment. Like the
//! follow-up rules, every threshold is data ([`CRITERIA`], [`COPD_SQ`]).

use crate::chronic::Disease;
use time::Date;

/// What a screening can find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    /// Blood pressure at or above 140/90 mmHg: hypertension to be confirmed.
    SuspectedHypertension,
    /// Fasting glucose at or above 7.0 mmol/L: diabetes to be confirmed.
    SuspectedDiabetes,
    /// Fasting glucose 6.1–6.9 mmol/L: impaired fasting glucose (空腹血糖受损), advice
    /// and a yearly recheck, not a register.
    ImpairedFastingGlucose,
    /// COPD-SQ score at or above the cut-off: spirometry to be arranged (usually upward).
    CopdHighRisk,
}

impl Finding {
    pub const ALL: [Finding; 4] = [
        Finding::SuspectedHypertension,
        Finding::SuspectedDiabetes,
        Finding::ImpairedFastingGlucose,
        Finding::CopdHighRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Finding::SuspectedHypertension => "suspected_hypertension",
            Finding::SuspectedDiabetes => "suspected_diabetes",
            Finding::ImpairedFastingGlucose => "impaired_fasting_glucose",
            Finding::CopdHighRisk => "copd_high_risk",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The condition a doctor confirms or excludes after this finding, if any.
    pub fn condition(self) -> Option<Condition> {
        match self {
            Finding::SuspectedHypertension => Some(Condition::Hypertension),
            Finding::SuspectedDiabetes => Some(Condition::Diabetes),
            Finding::CopdHighRisk => Some(Condition::Copd),
            Finding::ImpairedFastingGlucose => None,
        }
    }
}

/// A condition screened for: the two register diseases and COPD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    Hypertension,
    Diabetes,
    Copd,
}

impl Condition {
    pub const ALL: [Condition; 3] = [
        Condition::Hypertension,
        Condition::Diabetes,
        Condition::Copd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Hypertension => "hypertension",
            Condition::Diabetes => "diabetes",
            Condition::Copd => "copd",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The register a confirmed diagnosis enrols into (COPD has none here).
    pub fn register(self) -> Option<Disease> {
        match self {
            Condition::Hypertension => Some(Disease::Hypertension),
            Condition::Diabetes => Some(Disease::Diabetes),
            Condition::Copd => None,
        }
    }
}

/// Screening thresholds and the diagnostic criteria (readings on separate days).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Criteria {
    pub suspect_systolic: u16,
    pub suspect_diastolic: u16,
    pub suspect_glucose: f64,
    pub impaired_glucose_from: f64,
    /// Hypertension: raised office readings on this many separate days.
    pub hypertension_days: u32,
    /// Diabetes: raised fasting glucose on this many separate days.
    pub diabetes_days: u32,
}

pub const CRITERIA: Criteria = Criteria {
    suspect_systolic: 140,
    suspect_diastolic: 90,
    suspect_glucose: 7.0,
    impaired_glucose_from: 6.1,
    hypertension_days: 3,
    diabetes_days: 2,
};

/// The values one screening measured.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Measured {
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    /// Fasting glucose, mmol/L.
    pub glucose: Option<f64>,
}

impl Criteria {
    pub fn raised_bp(&self, m: &Measured) -> bool {
        m.systolic.is_some_and(|s| s >= self.suspect_systolic)
            || m.diastolic.is_some_and(|d| d >= self.suspect_diastolic)
    }

    pub fn raised_glucose(&self, m: &Measured) -> bool {
        m.glucose.is_some_and(|g| g >= self.suspect_glucose)
    }

    /// What a screening found, COPD-SQ score included when the questionnaire was asked.
    pub fn findings(&self, m: &Measured, copd_score: Option<u8>) -> Vec<Finding> {
        let mut out = Vec::new();
        if self.raised_bp(m) {
            out.push(Finding::SuspectedHypertension);
        }
        if self.raised_glucose(m) {
            out.push(Finding::SuspectedDiabetes);
        } else if m.glucose.is_some_and(|g| g >= self.impaired_glucose_from) {
            out.push(Finding::ImpairedFastingGlucose);
        }
        if copd_score.is_some_and(|s| s >= COPD_SQ.high_risk_from) {
            out.push(Finding::CopdHighRisk);
        }
        out
    }

    /// How far the screenings go towards the diagnostic criteria of `disease`: the
    /// separate days with a raised value, and how many the criteria ask for.
    pub fn support(&self, disease: Disease, screenings: &[(Date, Measured)]) -> Support {
        let (needed, raised): (u32, &dyn Fn(&Measured) -> bool) = match disease {
            Disease::Hypertension => (self.hypertension_days, &|m| self.raised_bp(m)),
            Disease::Diabetes => (self.diabetes_days, &|m| self.raised_glucose(m)),
        };
        let mut days: Vec<Date> = screenings
            .iter()
            .filter(|(_, m)| raised(m))
            .map(|(d, _)| *d)
            .collect();
        days.sort();
        days.dedup();
        Support {
            days: days.len() as u32,
            needed,
        }
    }
}

/// Raised readings on separate days against what the criteria ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    pub days: u32,
    pub needed: u32,
}

impl Support {
    pub fn met(self) -> bool {
        self.days >= self.needed
    }
}

/// Body-mass index (kg/m²), one decimal, from weight and height.
pub fn bmi(weight_kg: f64, height_cm: f64) -> Option<f64> {
    let valid = |v: f64| v.is_finite() && v > 0.0;
    if !(valid(weight_kg) && valid(height_cm)) {
        return None;
    }
    let m = height_cm / 100.0;
    Some((weight_kg / (m * m) * 10.0).round() / 10.0)
}

/// Shortness of breath, as the questionnaire asks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Breathlessness {
    #[default]
    None,
    /// When hurrying on the level or walking up a slight hill.
    OnExertion,
    /// When walking at an ordinary pace on the level.
    Walking,
}

impl Breathlessness {
    pub fn as_str(self) -> &'static str {
        match self {
            Breathlessness::None => "none",
            Breathlessness::OnExertion => "on_exertion",
            Breathlessness::Walking => "walking",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Breathlessness::None,
            Breathlessness::OnExertion,
            Breathlessness::Walking,
        ]
        .into_iter()
        .find(|b| b.as_str() == s)
    }
}

/// The COPD-SQ answers besides age and BMI, which come from the record and the scale.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CopdAnswers {
    /// Packs a day times years smoked.
    pub pack_years: f64,
    /// Coughs often without a cold.
    pub cough: bool,
    pub breathlessness: Breathlessness,
    /// Cooks or heats with coal or biomass (柴草) now.
    pub biomass_fuel: bool,
    /// Parents, siblings or children with asthma, chronic bronchitis, emphysema or COPD.
    pub family_history: bool,
}

impl CopdAnswers {
    /// The answers as stored: `key=value` pairs separated by `;`.
    pub fn encode(&self) -> String {
        format!(
            "pack_years={};cough={};breath={};biomass={};family={}",
            self.pack_years,
            u8::from(self.cough),
            self.breathlessness.as_str(),
            u8::from(self.biomass_fuel),
            u8::from(self.family_history)
        )
    }
}

/// The COPD screening questionnaire (COPD-SQ, Zhou et al. 2013), as the county COPD
/// screening consensus (中国县域慢阻肺筛查专家共识, 2020) recommends it: points per
/// answer, high risk from 16.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopdSq {
    /// (from this age, points): the last that applies wins.
    pub age: [(u32, u8); 4],
    /// (from these pack-years, points).
    pub pack_years: [(f64, u8); 3],
    /// (BMI below this, points); at or above the last bound, `bmi_above`.
    pub bmi: [(f64, u8); 3],
    pub bmi_above: u8,
    pub cough: u8,
    pub breath_on_exertion: u8,
    pub breath_walking: u8,
    pub biomass_fuel: u8,
    pub family_history: u8,
    pub high_risk_from: u8,
}

pub const COPD_SQ: CopdSq = CopdSq {
    age: [(0, 0), (50, 4), (60, 8), (70, 11)],
    pack_years: [(0.0, 0), (15.0, 1), (30.0, 2)],
    bmi: [(18.5, 7), (24.0, 4), (28.0, 1)],
    bmi_above: 0,
    cough: 5,
    breath_on_exertion: 2,
    breath_walking: 3,
    biomass_fuel: 1,
    family_history: 3,
    high_risk_from: 16,
};

impl CopdSq {
    /// The questionnaire's score at `age` with `bmi` (kg/m²).
    pub fn score(&self, age: u32, bmi: f64, a: &CopdAnswers) -> u8 {
        let age_points = self
            .age
            .iter()
            .rfind(|(from, _)| age >= *from)
            .map_or(0, |p| p.1);
        let smoking = self
            .pack_years
            .iter()
            .rfind(|(from, _)| a.pack_years >= *from)
            .map_or(0, |p| p.1);
        let weight = self
            .bmi
            .iter()
            .find(|(below, _)| bmi < *below)
            .map_or(self.bmi_above, |p| p.1);
        let breath = match a.breathlessness {
            Breathlessness::None => 0,
            Breathlessness::OnExertion => self.breath_on_exertion,
            Breathlessness::Walking => self.breath_walking,
        };
        age_points
            + smoking
            + weight
            + breath
            + if a.cough { self.cough } else { 0 }
            + if a.biomass_fuel { self.biomass_fuel } else { 0 }
            + if a.family_history {
                self.family_history
            } else {
                0
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn bp(s: u16, d: u16) -> Measured {
        Measured {
            systolic: Some(s),
            diastolic: Some(d),
            glucose: None,
        }
    }

    fn fpg(g: f64) -> Measured {
        Measured {
            glucose: Some(g),
            ..Default::default()
        }
    }

    #[test]
    fn screening_thresholds_include_their_boundaries() {
        let c = CRITERIA;
        assert!(c.findings(&bp(139, 89), None).is_empty());
        assert_eq!(
            c.findings(&bp(140, 80), None),
            vec![Finding::SuspectedHypertension]
        );
        assert_eq!(
            c.findings(&bp(130, 90), None),
            vec![Finding::SuspectedHypertension]
        );
        assert!(c.findings(&fpg(6.0), None).is_empty());
        assert_eq!(
            c.findings(&fpg(6.1), None),
            vec![Finding::ImpairedFastingGlucose]
        );
        assert_eq!(
            c.findings(&fpg(6.9), None),
            vec![Finding::ImpairedFastingGlucose]
        );
        assert_eq!(
            c.findings(&fpg(7.0), None),
            vec![Finding::SuspectedDiabetes]
        );
        assert!(c.findings(&Measured::default(), Some(15)).is_empty());
        assert_eq!(
            c.findings(&Measured::default(), Some(16)),
            vec![Finding::CopdHighRisk]
        );
    }

    #[test]
    fn a_diagnosis_needs_raised_values_on_separate_days() {
        let c = CRITERIA;
        let h = Disease::Hypertension;
        // Two raised readings on one day count once.
        let same_day = [
            (date!(2026 - 03 - 01), bp(150, 95)),
            (date!(2026 - 03 - 01), bp(148, 92)),
            (date!(2026 - 03 - 08), bp(146, 90)),
        ];
        assert_eq!(c.support(h, &same_day), Support { days: 2, needed: 3 });
        assert!(!c.support(h, &same_day).met());
        let three = [
            (date!(2026 - 03 - 01), bp(150, 95)),
            (date!(2026 - 03 - 08), bp(139, 89)),
            (date!(2026 - 03 - 15), bp(142, 85)),
            (date!(2026 - 03 - 22), bp(135, 91)),
        ];
        assert!(c.support(h, &three).met());
        let d = Disease::Diabetes;
        let glucose = [
            (date!(2026 - 03 - 01), fpg(7.0)),
            (date!(2026 - 03 - 09), fpg(6.9)),
        ];
        assert_eq!(c.support(d, &glucose), Support { days: 1, needed: 2 });
        let twice = [
            (date!(2026 - 03 - 01), fpg(7.2)),
            (date!(2026 - 03 - 09), fpg(8.1)),
        ];
        assert!(c.support(d, &twice).met());
    }

    #[test]
    fn copd_sq_scores_each_answer_and_high_risk_starts_at_sixteen() {
        let q = COPD_SQ;
        let none = CopdAnswers::default();
        // Age bands.
        assert_eq!(q.score(49, 25.0, &none), 1);
        assert_eq!(q.score(50, 25.0, &none), 5);
        assert_eq!(q.score(69, 25.0, &none), 9);
        assert_eq!(q.score(70, 25.0, &none), 12);
        // BMI bands (at 40, no other points).
        assert_eq!(q.score(40, 18.4, &none), 7);
        assert_eq!(q.score(40, 18.5, &none), 4);
        assert_eq!(q.score(40, 23.9, &none), 4);
        assert_eq!(q.score(40, 24.0, &none), 1);
        assert_eq!(q.score(40, 28.0, &none), 0);
        // Pack-years.
        let smoker = |pack_years| CopdAnswers { pack_years, ..none };
        assert_eq!(q.score(40, 30.0, &smoker(14.9)), 0);
        assert_eq!(q.score(40, 30.0, &smoker(15.0)), 1);
        assert_eq!(q.score(40, 30.0, &smoker(30.0)), 2);
        // A 62-year-old smoker of 20 pack-years, BMI 22, who coughs and is short of
        // breath when hurrying: 8 + 1 + 4 + 5 + 2 = 20, high risk.
        let farmer = CopdAnswers {
            pack_years: 20.0,
            cough: true,
            breathlessness: Breathlessness::OnExertion,
            ..none
        };
        assert_eq!(q.score(62, 22.0, &farmer), 20);
        // A 55-year-old non-smoker who cooks on wood, BMI 23: 4 + 4 + 1 = 9; with a
        // family history and breathless when walking: 15, not yet high risk.
        let cook = CopdAnswers {
            biomass_fuel: true,
            ..none
        };
        assert_eq!(q.score(55, 23.0, &cook), 9);
        let worse = CopdAnswers {
            family_history: true,
            breathlessness: Breathlessness::Walking,
            ..cook
        };
        assert_eq!(q.score(55, 23.0, &worse), 15);
        assert!(q.score(55, 23.0, &worse) < q.high_risk_from);
        // Everything at its highest: 11 + 2 + 7 + 5 + 3 + 1 + 3 = 32.
        let all = CopdAnswers {
            pack_years: 40.0,
            cough: true,
            breathlessness: Breathlessness::Walking,
            biomass_fuel: true,
            family_history: true,
        };
        assert_eq!(q.score(75, 17.0, &all), 32);
    }

    #[test]
    fn bmi_is_weight_over_height_squared() {
        assert_eq!(bmi(70.0, 175.0), Some(22.9));
        assert_eq!(bmi(70.0, 0.0), None);
        assert_eq!(bmi(f64::NAN, 170.0), None);
    }

    #[test]
    fn codes_read_back() {
        for f in Finding::ALL {
            assert_eq!(Finding::parse(f.as_str()), Some(f));
        }
        for c in Condition::ALL {
            assert_eq!(Condition::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            Breathlessness::parse("walking"),
            Some(Breathlessness::Walking)
        );
        assert_eq!(Condition::Copd.register(), None);
        assert_eq!(
            Finding::SuspectedDiabetes
                .condition()
                .and_then(Condition::register),
            Some(Disease::Diabetes)
        );
    }
}
