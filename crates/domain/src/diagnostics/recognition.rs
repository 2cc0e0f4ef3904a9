//! Result recognition (结果互认): when a doctor orders an item, an earlier result of the
//! same item for the same patient, from any member of the community, is offered instead
//! of a new test if it is still within the item's window, was issued at a level the item
//! recognises, and came from a laboratory that passed external quality assessment where
//! the item asks for it. Provinces publish their own lists, so the catalogue is data; the
//! defaults here are ours and are documented as defaults.

use crate::registry::InstitutionKind;
use time::Date;

/// How an institution's results rank: a village clinic's below a township's, below a
/// member hospital's, below the lead hospital's. The bureau issues none.
pub fn rank(kind: InstitutionKind) -> Option<u8> {
    match kind {
        InstitutionKind::Village => Some(1),
        InstitutionKind::Township => Some(2),
        InstitutionKind::Member => Some(3),
        InstitutionKind::Lead => Some(4),
        InstitutionKind::Bureau => None,
    }
}

/// An item of the recognition catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognisedItem {
    pub code: &'static str,
    /// A result is offered up to this many days after it was reported (that day included).
    pub window_days: u16,
    /// The lowest level whose results are recognised.
    pub lowest: InstitutionKind,
    /// Whether the issuing laboratory must have passed external quality assessment.
    pub needs_eqa: bool,
}

/// Our default catalogue: (code, window in days, lowest issuing level, EQA required).
/// Laboratory items need EQA; imaging is recognised from a township's machine upward.
pub const DEFAULT_ITEMS: [RecognisedItem; 8] = [
    item("blood_routine", 7, InstitutionKind::Township, true),
    item("liver_function", 14, InstitutionKind::Township, true),
    item("renal_function", 14, InstitutionKind::Township, true),
    item("hba1c", 90, InstitutionKind::Township, true),
    item("xray_chest", 30, InstitutionKind::Township, false),
    item("ultrasound_abdomen", 30, InstitutionKind::Township, false),
    item("ct_head", 30, InstitutionKind::Member, false),
    item("mr_head", 60, InstitutionKind::Member, false),
];

const fn item(
    code: &'static str,
    window_days: u16,
    lowest: InstitutionKind,
    needs_eqa: bool,
) -> RecognisedItem {
    RecognisedItem {
        code,
        window_days,
        lowest,
        needs_eqa,
    }
}

/// An earlier result of the patient, as recognition looks at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierResult<Id> {
    pub id: Id,
    pub item: String,
    pub reported_on: Date,
    pub issuer: InstitutionKind,
    /// The issuing laboratory passed its latest external quality assessment.
    pub issuer_passed_eqa: bool,
}

/// Whether one earlier result may stand for a new order of `item` on `today`.
pub fn recognised<Id>(item: &RecognisedItem, r: &EarlierResult<Id>, today: Date) -> bool {
    let age = (today - r.reported_on).whole_days();
    let level_ok = match (rank(r.issuer), rank(item.lowest)) {
        (Some(issued), Some(lowest)) => issued >= lowest,
        _ => false,
    };
    r.item == item.code
        && (0..=i64::from(item.window_days)).contains(&age)
        && level_ok
        && (r.issuer_passed_eqa || !item.needs_eqa)
}

/// The result to offer for a new order of `item`: the most recent one recognised.
pub fn offer<'a, Id>(
    item: &RecognisedItem,
    results: &'a [EarlierResult<Id>],
    today: Date,
) -> Option<&'a EarlierResult<Id>> {
    results
        .iter()
        .filter(|r| recognised(item, r, today))
        .max_by_key(|r| r.reported_on)
}

/// Why a doctor orders again although an earlier result is offered (the official reasons
/// for not recognising one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatReason {
    ConditionChanged,
    /// The value changes fast (potassium, troponin, …).
    FastChanging,
    /// Before surgery or a transfusion.
    BeforeSurgery,
    Emergency,
    Forensic,
    PatientRequest,
    /// The issuing laboratory failed external quality assessment.
    EqaFailed,
    WindowExpired,
    DoctorJudgement,
}

crate::codes!(RepeatReason {
    ConditionChanged => "condition_changed",
    FastChanging => "fast_changing",
    BeforeSurgery => "before_surgery",
    Emergency => "emergency",
    Forensic => "forensic",
    PatientRequest => "patient_request",
    EqaFailed => "eqa_failed",
    WindowExpired => "window_expired",
    DoctorJudgement => "doctor_judgement"
});

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 29);

    fn ct() -> RecognisedItem {
        DEFAULT_ITEMS
            .iter()
            .find(|i| i.code == "ct_head")
            .cloned()
            .expect("ct")
    }

    fn result(
        id: u8,
        item: &str,
        days_ago: i64,
        issuer: InstitutionKind,
        eqa: bool,
    ) -> EarlierResult<u8> {
        EarlierResult {
            id,
            item: item.into(),
            reported_on: TODAY - Duration::days(days_ago),
            issuer,
            issuer_passed_eqa: eqa,
        }
    }

    #[test]
    fn a_result_is_offered_through_the_last_day_of_its_window() {
        let ct = ct();
        assert_eq!(ct.window_days, 30);
        // Reported 29 days ago: a day inside; 30: the last day; 31: a day outside.
        for (days, offered) in [(29, true), (30, true), (31, false), (0, true), (-1, false)] {
            let r = result(1, "ct_head", days, InstitutionKind::Member, true);
            assert_eq!(recognised(&ct, &r, TODAY), offered, "{days} days ago");
        }
    }

    #[test]
    fn the_scope_and_the_quality_assessment_decide_whose_results_stand() {
        let ct = ct();
        // A CT is recognised from a member hospital upward, not from a township.
        assert!(recognised(
            &ct,
            &result(1, "ct_head", 10, InstitutionKind::Lead, false),
            TODAY
        ));
        assert!(!recognised(
            &ct,
            &result(1, "ct_head", 10, InstitutionKind::Township, true),
            TODAY
        ));
        // A laboratory item needs a laboratory that passed its assessment.
        let hba1c = DEFAULT_ITEMS
            .iter()
            .find(|i| i.code == "hba1c")
            .expect("hba1c");
        assert!(recognised(
            hba1c,
            &result(1, "hba1c", 60, InstitutionKind::Township, true),
            TODAY
        ));
        assert!(!recognised(
            hba1c,
            &result(1, "hba1c", 60, InstitutionKind::Lead, false),
            TODAY
        ));
        assert!(!recognised(
            hba1c,
            &result(1, "hba1c", 60, InstitutionKind::Village, true),
            TODAY
        ));
        // Another item's result never stands for this one.
        assert!(!recognised(
            &ct,
            &result(1, "mr_head", 10, InstitutionKind::Lead, true),
            TODAY
        ));
    }

    #[test]
    fn the_most_recent_recognised_result_is_offered() {
        let ct = ct();
        let results = [
            result(1, "ct_head", 25, InstitutionKind::Lead, true),
            result(2, "ct_head", 10, InstitutionKind::Member, true),
            result(3, "ct_head", 2, InstitutionKind::Township, true),
            result(4, "ct_head", 40, InstitutionKind::Lead, true),
        ];
        // The township's CT two days ago does not count; the member's ten days ago does.
        assert_eq!(offer(&ct, &results, TODAY).map(|r| r.id), Some(2));
        assert_eq!(offer(&ct, &results[3..], TODAY), None);
    }

    #[test]
    fn the_repeat_reasons_are_the_official_nine() {
        assert_eq!(RepeatReason::ALL.len(), 9);
        assert_eq!(
            RepeatReason::parse("before_surgery"),
            Some(RepeatReason::BeforeSurgery)
        );
        assert_eq!(RepeatReason::parse("boredom"), None);
    }
}
