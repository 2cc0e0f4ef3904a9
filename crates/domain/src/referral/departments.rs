//! Which departments a referral may be addressed to.

/// Department codes that never receive a referred patient: services that work for the
/// clinical departments (anaesthesia, diagnostics, laboratory, pharmacy, sterile supply),
/// nursing and administration offices, and public-health units. A referral chooses a
/// clinical specialty; every other department does.
pub const NOT_RECEIVING: &[&str] = &[
    "anesthesiology",
    "ecg",
    "imaging",
    "ultrasound",
    "laboratory",
    "pathology",
    "medical-technology",
    "pharmacy",
    "sterile-supply",
    "nursing",
    "medical-affairs",
    "office",
    "public-health",
];

/// Whether a department of this code receives referred patients.
pub fn receives_referrals(department_code: &str) -> bool {
    !NOT_RECEIVING.contains(&department_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrals_go_to_clinical_departments() {
        for clinical in [
            "cardiology",
            "emergency",
            "tcm-internal",
            "obstetrics",
            "pediatrics",
        ] {
            assert!(receives_referrals(clinical), "{clinical}");
        }
        for service in [
            "anesthesiology",
            "sterile-supply",
            "laboratory",
            "ecg",
            "nursing",
        ] {
            assert!(!receives_referrals(service), "{service}");
        }
    }
}
