//! Chronic-disease management ("两病": hypertension and type 2 diabetes) after the
//! national basic public-health service standard, 3rd edition (国家基本公共卫生服务规范
//! 第三版): whether a follow-up reading is controlled, whether it is an emergency, and
//! when the next visit is due. The thresholds are data ([`STANDARD`]); the functions
//! only apply them.

pub mod calls;
pub mod figures;

/// The diseases under register management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disease {
    Hypertension,
    Diabetes,
}

impl Disease {
    pub const ALL: [Disease; 2] = [Disease::Hypertension, Disease::Diabetes];

    pub fn as_str(self) -> &'static str {
        match self {
            Disease::Hypertension => "hypertension",
            Disease::Diabetes => "diabetes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Blood-pressure control: both values below the limits for the patient's age.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BpTarget {
    /// From this age (years) on…
    pub from_age: u32,
    /// …systolic must be below this (mmHg)…
    pub systolic_below: u16,
    /// …and diastolic below this (mmHg).
    pub diastolic_below: u16,
}

/// The thresholds and intervals of the standard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standard {
    /// Control targets, by the age they start at (the last that applies wins).
    pub bp_targets: [BpTarget; 2],
    /// Fasting glucose below this (mmol/L) is controlled.
    pub glucose_below: f64,
    /// Systolic at or above this, or diastolic at or above the next, is an emergency.
    pub emergency_systolic: u16,
    pub emergency_diastolic: u16,
    /// Fasting glucose at or above this, or at or below the next, is an emergency.
    pub emergency_glucose_high: f64,
    pub emergency_glucose_low: f64,
    /// Controlled, without adverse reaction or new complication: next visit within this.
    pub routine_days: u32,
    /// Anything else: next visit within this.
    pub recheck_days: u32,
    /// Face-to-face follow-ups a year for standardised management.
    pub visits_per_year: u32,
}

pub const STANDARD: Standard = Standard {
    bp_targets: [
        BpTarget {
            from_age: 0,
            systolic_below: 140,
            diastolic_below: 90,
        },
        BpTarget {
            from_age: 65,
            systolic_below: 150,
            diastolic_below: 90,
        },
    ],
    glucose_below: 7.0,
    emergency_systolic: 180,
    emergency_diastolic: 110,
    emergency_glucose_high: 16.7,
    emergency_glucose_low: 3.9,
    routine_days: 90,
    recheck_days: 14,
    visits_per_year: 4,
};

/// What a follow-up visit measured and found.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Reading {
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    /// Fasting glucose, mmol/L.
    pub glucose: Option<f64>,
    /// Danger symptoms the standard lists (altered consciousness, severe headache,
    /// chest pain, ketotic breath, …).
    pub danger_symptoms: bool,
    pub adverse_reaction: bool,
    /// A new complication, or an old one worse.
    pub new_complication: bool,
}

/// Why a reading is an emergency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emergency {
    BloodPressure,
    HighGlucose,
    LowGlucose,
    DangerSymptoms,
}

impl Emergency {
    pub fn as_str(self) -> &'static str {
        match self {
            Emergency::BloodPressure => "blood_pressure",
            Emergency::HighGlucose => "high_glucose",
            Emergency::LowGlucose => "low_glucose",
            Emergency::DangerSymptoms => "danger_symptoms",
        }
    }
}

/// What to do after a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Controlled, no adverse reaction, no new complication: the routine interval.
    Routine,
    /// First uncontrolled result or an adverse reaction: adjust treatment, see again
    /// within two weeks.
    Recheck,
    /// Uncontrolled twice in a row, or a new complication: refer upward and follow the
    /// referral up within two weeks.
    Refer,
    /// An emergency value or danger symptom: an emergency referral now, and a follow-up
    /// within two weeks.
    EmergencyReferral,
}

impl Plan {
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Routine => "routine",
            Plan::Recheck => "recheck",
            Plan::Refer => "refer",
            Plan::EmergencyReferral => "emergency_referral",
        }
    }

    pub const ALL: [Plan; 4] = [
        Plan::Routine,
        Plan::Recheck,
        Plan::Refer,
        Plan::EmergencyReferral,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Where a patient whose last visit ended with this plan comes in the worklist: 0
    /// first. A patient not yet visited comes at [`UNVISITED_RISK`].
    pub fn risk(self) -> u8 {
        match self {
            Plan::EmergencyReferral => 0,
            Plan::Refer => 1,
            Plan::Recheck => 2,
            Plan::Routine => 4,
        }
    }

    /// Days until the next visit is due.
    pub fn days(self, standard: &Standard) -> u32 {
        match self {
            Plan::Routine => standard.routine_days,
            Plan::Recheck | Plan::Refer | Plan::EmergencyReferral => standard.recheck_days,
        }
    }
}

/// How regularly the patient takes the medicines (服药依从性), as the visit form asks.
pub const ADHERENCE: [&str; 3] = ["regular", "intermittent", "none"];

/// How a follow-up was made: at the clinic, at the patient's home, or by phone.
pub const VISIT_TYPES: [&str; 3] = ["clinic", "home", "phone"];

/// Lifestyle advice the visit form offers (生活方式指导): salt, smoking, alcohol,
/// exercise, diet, weight, mood.
pub const LIFESTYLE: [&str; 7] = [
    "salt", "smoking", "alcohol", "exercise", "diet", "weight", "mood",
];

/// Worklist place of a patient enrolled but not yet visited: after the uncontrolled,
/// before the controlled.
pub const UNVISITED_RISK: u8 = 3;

/// The outcome of a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `None` when the reading lacks the value that decides control.
    pub controlled: Option<bool>,
    pub emergencies: Vec<Emergency>,
    pub plan: Plan,
    pub next_in_days: u32,
}

impl Standard {
    /// The blood-pressure target at `age`.
    pub fn bp_target(&self, age: u32) -> BpTarget {
        self.bp_targets
            .iter()
            .copied()
            .rfind(|t| age >= t.from_age)
            .unwrap_or(self.bp_targets[0])
    }

    /// Whether a reading is controlled for `disease` at `age`.
    pub fn controlled(&self, disease: Disease, age: u32, r: &Reading) -> Option<bool> {
        match disease {
            Disease::Hypertension => {
                let t = self.bp_target(age);
                Some(r.systolic? < t.systolic_below && r.diastolic? < t.diastolic_below)
            }
            Disease::Diabetes => Some(r.glucose? < self.glucose_below),
        }
    }

    /// The emergency values and symptoms in a reading (any disease).
    pub fn emergencies(&self, r: &Reading) -> Vec<Emergency> {
        let mut out = Vec::new();
        if r.systolic.is_some_and(|s| s >= self.emergency_systolic)
            || r.diastolic.is_some_and(|d| d >= self.emergency_diastolic)
        {
            out.push(Emergency::BloodPressure);
        }
        if r.glucose.is_some_and(|g| g >= self.emergency_glucose_high) {
            out.push(Emergency::HighGlucose);
        }
        if r.glucose.is_some_and(|g| g <= self.emergency_glucose_low) {
            out.push(Emergency::LowGlucose);
        }
        if r.danger_symptoms {
            out.push(Emergency::DangerSymptoms);
        }
        out
    }

    /// What follows a visit: `previous_uncontrolled` says whether the visit before this
    /// one, for the same disease, was uncontrolled.
    pub fn decide(
        &self,
        disease: Disease,
        age: u32,
        r: &Reading,
        previous_uncontrolled: bool,
    ) -> Decision {
        let controlled = self.controlled(disease, age, r);
        let emergencies = self.emergencies(r);
        let uncontrolled = controlled == Some(false);
        let plan = if !emergencies.is_empty() {
            Plan::EmergencyReferral
        } else if r.new_complication || (uncontrolled && previous_uncontrolled) {
            Plan::Refer
        } else if uncontrolled || r.adverse_reaction || controlled.is_none() {
            Plan::Recheck
        } else {
            Plan::Routine
        };
        Decision {
            controlled,
            emergencies,
            next_in_days: plan.days(self),
            plan,
        }
    }

    /// Standardised management in a year: at least the required number of visits.
    pub fn standardised(&self, visits_in_year: u32) -> bool {
        visits_in_year >= self.visits_per_year
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(s: u16, d: u16) -> Reading {
        Reading {
            systolic: Some(s),
            diastolic: Some(d),
            ..Default::default()
        }
    }

    fn glucose(g: f64) -> Reading {
        Reading {
            glucose: Some(g),
            ..Default::default()
        }
    }

    const H: Disease = Disease::Hypertension;
    const D: Disease = Disease::Diabetes;

    #[test]
    fn blood_pressure_control_has_its_boundaries_by_age() {
        let s = STANDARD;
        assert_eq!(s.controlled(H, 50, &bp(139, 89)), Some(true));
        assert_eq!(s.controlled(H, 50, &bp(140, 89)), Some(false));
        assert_eq!(s.controlled(H, 50, &bp(139, 90)), Some(false));
        assert_eq!(s.controlled(H, 50, &bp(140, 90)), Some(false));
        // At 65 and over the systolic target is 150.
        assert_eq!(s.controlled(H, 65, &bp(149, 89)), Some(true));
        assert_eq!(s.controlled(H, 64, &bp(149, 89)), Some(false));
        assert_eq!(s.controlled(H, 80, &bp(150, 89)), Some(false));
        assert_eq!(s.controlled(H, 80, &bp(149, 90)), Some(false));
        assert_eq!(s.controlled(H, 50, &Reading::default()), None);
    }

    #[test]
    fn glucose_control_is_below_seven() {
        let s = STANDARD;
        assert_eq!(s.controlled(D, 50, &glucose(6.9)), Some(true));
        assert_eq!(s.controlled(D, 50, &glucose(7.0)), Some(false));
        assert_eq!(s.controlled(D, 50, &bp(120, 80)), None);
    }

    #[test]
    fn emergency_values_include_their_boundaries() {
        let s = STANDARD;
        assert_eq!(s.emergencies(&bp(180, 100)), vec![Emergency::BloodPressure]);
        assert_eq!(s.emergencies(&bp(170, 110)), vec![Emergency::BloodPressure]);
        assert!(s.emergencies(&bp(179, 109)).is_empty());
        assert_eq!(s.emergencies(&glucose(16.7)), vec![Emergency::HighGlucose]);
        assert!(s.emergencies(&glucose(16.6)).is_empty());
        assert_eq!(s.emergencies(&glucose(3.9)), vec![Emergency::LowGlucose]);
        assert!(s.emergencies(&glucose(4.0)).is_empty());
        let symptoms = Reading {
            danger_symptoms: true,
            ..bp(120, 80)
        };
        assert_eq!(s.emergencies(&symptoms), vec![Emergency::DangerSymptoms]);
    }

    #[test]
    fn the_next_visit_follows_from_the_result() {
        let s = STANDARD;
        // Controlled and well: three months.
        let d = s.decide(H, 50, &bp(128, 82), false);
        assert_eq!(
            (d.plan, d.next_in_days, d.controlled),
            (Plan::Routine, 90, Some(true))
        );
        // First uncontrolled: two weeks.
        let d = s.decide(H, 50, &bp(150, 95), false);
        assert_eq!((d.plan, d.next_in_days), (Plan::Recheck, 14));
        // Controlled but an adverse reaction: two weeks.
        let adverse = Reading {
            adverse_reaction: true,
            ..bp(128, 82)
        };
        assert_eq!(s.decide(H, 50, &adverse, false).plan, Plan::Recheck);
        // Two consecutive uncontrolled: refer upward, follow up in two weeks.
        let d = s.decide(H, 50, &bp(150, 95), true);
        assert_eq!((d.plan, d.next_in_days), (Plan::Refer, 14));
        // Controlled after an uncontrolled visit: back to routine.
        assert_eq!(s.decide(H, 50, &bp(130, 80), true).plan, Plan::Routine);
        // A new complication: refer, even when controlled.
        let complication = Reading {
            new_complication: true,
            ..bp(128, 82)
        };
        assert_eq!(s.decide(H, 50, &complication, false).plan, Plan::Refer);
        // Emergency values come first.
        let d = s.decide(H, 50, &bp(182, 112), true);
        assert_eq!((d.plan, d.next_in_days), (Plan::EmergencyReferral, 14));
        assert_eq!(
            s.decide(D, 50, &glucose(3.9), false).plan,
            Plan::EmergencyReferral
        );
        assert_eq!(
            s.decide(D, 50, &glucose(16.7), false).plan,
            Plan::EmergencyReferral
        );
        // Diabetes: 7.0 is uncontrolled, 6.9 controlled.
        assert_eq!(s.decide(D, 50, &glucose(7.0), false).plan, Plan::Recheck);
        assert_eq!(s.decide(D, 50, &glucose(7.0), true).plan, Plan::Refer);
        assert_eq!(s.decide(D, 50, &glucose(6.9), false).plan, Plan::Routine);
        // 149/89 at 65 is controlled; at 60 it is not.
        assert_eq!(s.decide(H, 65, &bp(149, 89), false).plan, Plan::Routine);
        assert_eq!(s.decide(H, 60, &bp(149, 89), false).plan, Plan::Recheck);
        // Without the deciding value, see the patient again soon.
        assert_eq!(s.decide(D, 50, &bp(120, 80), false).plan, Plan::Recheck);
    }

    #[test]
    fn four_visits_a_year_make_standardised_management() {
        assert!(!STANDARD.standardised(3));
        assert!(STANDARD.standardised(4));
        for d in Disease::ALL {
            assert_eq!(Disease::parse(d.as_str()), Some(d));
        }
        for p in Plan::ALL {
            assert_eq!(Plan::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn the_worklist_puts_the_riskiest_first() {
        let mut order: Vec<u8> = Plan::ALL.iter().map(|p| p.risk()).collect();
        order.push(UNVISITED_RISK);
        order.sort();
        order.dedup();
        assert_eq!(order.len(), 5, "every place is distinct");
        assert!(Plan::EmergencyReferral.risk() < Plan::Refer.risk());
        assert!(Plan::Refer.risk() < Plan::Recheck.risk());
        assert!(Plan::Recheck.risk() < UNVISITED_RISK);
        assert!(UNVISITED_RISK < Plan::Routine.risk());
    }
}
