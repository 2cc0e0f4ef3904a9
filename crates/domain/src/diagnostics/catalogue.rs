//! The items the shared centres perform (检查检验项目): which centre, the specimen or body
//! site, the price, the LOINC code where one fits, the service level for routine and
//! urgent orders, and for laboratory items the values they report with units (UCUM),
//! reference ranges and critical limits (危急值). Our defaults; a community adjusts the
//! recognition settings and targets as data.

use super::turnaround::{Clock, EMERGENCY_CT_MR, OUTPATIENT_CT_MR, PLAIN_XRAY, Target};

/// A shared centre of the lead hospital (the ECG centre has its own context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Centre {
    Laboratory,
    Imaging,
    Pathology,
}

crate::codes!(Centre {
    Laboratory => "laboratory",
    Imaging => "imaging",
    Pathology => "pathology"
});

impl Centre {
    /// The centre whose staff work in a department of this code at the lead hospital.
    pub fn of_department(code: &str) -> Option<Centre> {
        Centre::parse(code)
    }
}

/// How soon an order is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Routine,
    Urgent,
}

crate::codes!(Urgency {
    Routine => "routine",
    Urgent => "urgent"
});

/// A value a laboratory item reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Analyte {
    pub code: &'static str,
    pub loinc: &'static str,
    /// UCUM.
    pub unit: &'static str,
    pub low: f64,
    pub high: f64,
    pub critical_low: Option<f64>,
    pub critical_high: Option<f64>,
}

/// An item of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    pub code: &'static str,
    pub centre: Centre,
    /// The specimen (laboratory, pathology) or body site (imaging), as a code.
    pub site: &'static str,
    pub price_fen: i64,
    pub loinc: Option<&'static str>,
    pub routine: Target,
    pub urgent: Target,
    pub analytes: &'static [Analyte],
}

impl Item {
    pub fn target(&self, urgency: Urgency) -> Target {
        match urgency {
            Urgency::Routine => self.routine,
            Urgency::Urgent => self.urgent,
        }
    }
}

const fn wall(minutes: i64) -> Target {
    Target {
        minutes,
        clock: Clock::Wall,
    }
}

const fn working(minutes: i64) -> Target {
    Target {
        minutes,
        clock: Clock::Working,
    }
}

const fn value(
    code: &'static str,
    loinc: &'static str,
    unit: &'static str,
    (low, high): (f64, f64),
    (critical_low, critical_high): (Option<f64>, Option<f64>),
) -> Analyte {
    Analyte {
        code,
        loinc,
        unit,
        low,
        high,
        critical_low,
        critical_high,
    }
}

const BLOOD_ROUTINE: [Analyte; 3] = [
    value(
        "wbc",
        "6690-2",
        "10*9/L",
        (3.5, 9.5),
        (Some(1.5), Some(30.0)),
    ),
    value("hgb", "718-7", "g/L", (115.0, 175.0), (Some(60.0), None)),
    value(
        "plt",
        "777-3",
        "10*9/L",
        (125.0, 350.0),
        (Some(30.0), Some(1000.0)),
    ),
];
const LIVER: [Analyte; 3] = [
    value("alt", "1742-6", "U/L", (9.0, 50.0), (None, None)),
    value("ast", "1920-8", "U/L", (15.0, 40.0), (None, None)),
    value("tbil", "1975-2", "umol/L", (3.4, 20.5), (None, Some(340.0))),
];
const RENAL: [Analyte; 3] = [
    value(
        "crea",
        "2160-0",
        "umol/L",
        (41.0, 111.0),
        (None, Some(707.0)),
    ),
    value("urea", "3091-6", "mmol/L", (3.1, 8.0), (None, None)),
    value("ua", "3084-1", "umol/L", (208.0, 428.0), (None, None)),
];
const ELECTROLYTES: [Analyte; 3] = [
    value("k", "2823-3", "mmol/L", (3.5, 5.3), (Some(2.8), Some(6.2))),
    value(
        "na",
        "2951-2",
        "mmol/L",
        (137.0, 147.0),
        (Some(120.0), Some(160.0)),
    ),
    value("cl", "2075-0", "mmol/L", (99.0, 110.0), (None, None)),
];
const HBA1C: [Analyte; 1] = [value("hba1c", "4548-4", "%", (4.0, 6.0), (None, None))];

/// Our default catalogue. Laboratory items: 4 working hours routine, 1 hour urgent;
/// CT and MR and plain X-rays on the targets of [`super::turnaround`]; ultrasound as a
/// laboratory item; histology in five working days, a frozen section in 30 minutes.
pub const ITEMS: [Item; 11] = [
    lab("blood_routine", "blood", 2000, None, &BLOOD_ROUTINE),
    lab("liver_function", "serum", 6000, None, &LIVER),
    lab("renal_function", "serum", 4500, None, &RENAL),
    lab("electrolytes", "serum", 3000, None, &ELECTROLYTES),
    lab("hba1c", "blood", 6000, Some("4548-4"), &HBA1C),
    imaging(
        "xray_chest",
        "chest",
        6000,
        "36643-5",
        (PLAIN_XRAY, wall(30)),
    ),
    imaging(
        "ultrasound_abdomen",
        "abdomen",
        10000,
        "24558-9",
        (working(240), wall(60)),
    ),
    imaging(
        "ct_head",
        "head",
        20000,
        "30799-1",
        (OUTPATIENT_CT_MR, EMERGENCY_CT_MR),
    ),
    imaging(
        "ct_chest",
        "chest",
        25000,
        "29252-4",
        (OUTPATIENT_CT_MR, EMERGENCY_CT_MR),
    ),
    imaging(
        "mr_head",
        "head",
        50000,
        "24590-2",
        (OUTPATIENT_CT_MR, EMERGENCY_CT_MR),
    ),
    Item {
        code: "histology",
        centre: Centre::Pathology,
        site: "tissue",
        price_fen: 30000,
        loinc: Some("22634-0"),
        routine: working(5 * 450),
        urgent: wall(30),
        analytes: &[],
    },
];

const fn lab(
    code: &'static str,
    site: &'static str,
    price_fen: i64,
    loinc: Option<&'static str>,
    analytes: &'static [Analyte],
) -> Item {
    Item {
        code,
        centre: Centre::Laboratory,
        site,
        price_fen,
        loinc,
        routine: working(240),
        urgent: wall(60),
        analytes,
    }
}

const fn imaging(
    code: &'static str,
    site: &'static str,
    price_fen: i64,
    loinc: &'static str,
    (routine, urgent): (Target, Target),
) -> Item {
    Item {
        code,
        centre: Centre::Imaging,
        site,
        price_fen,
        loinc: Some(loinc),
        routine,
        urgent,
        analytes: &[],
    }
}

/// A UCUM unit as a report prints it (`10*9/L` is ×10⁹/L, `umol/L` is μmol/L).
pub fn unit_text(ucum: &str) -> String {
    ucum.replace("10*9", "×10⁹").replace("umol", "μmol")
}

/// The catalogue's item of this code.
pub fn item(code: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.code == code)
}

/// How a reported value stands against its ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Flag {
    #[serde(rename = "N")]
    Normal,
    #[serde(rename = "L")]
    Low,
    #[serde(rename = "H")]
    High,
    #[serde(rename = "LL")]
    CriticalLow,
    #[serde(rename = "HH")]
    CriticalHigh,
}

crate::codes!(Flag {
    Normal => "N",
    Low => "L",
    High => "H",
    CriticalLow => "LL",
    CriticalHigh => "HH"
});

impl Flag {
    pub fn abnormal(self) -> bool {
        self != Flag::Normal
    }

    pub fn critical(self) -> bool {
        matches!(self, Flag::CriticalLow | Flag::CriticalHigh)
    }
}

/// The flag of `v` for `a`: a critical limit is reached at its value, a reference range
/// holds its ends.
pub fn flag(a: &Analyte, v: f64) -> Flag {
    if a.critical_low.is_some_and(|l| v <= l) {
        Flag::CriticalLow
    } else if a.critical_high.is_some_and(|h| v >= h) {
        Flag::CriticalHigh
    } else if v < a.low {
        Flag::Low
    } else if v > a.high {
        Flag::High
    } else {
        Flag::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn potassium() -> Analyte {
        *item("electrolytes")
            .and_then(|i| i.analytes.iter().find(|a| a.code == "k"))
            .expect("k")
    }

    #[test]
    fn potassium_is_flagged_against_its_range_and_its_critical_limits() {
        let k = potassium();
        for (v, f) in [
            (2.7, Flag::CriticalLow),
            (2.8, Flag::CriticalLow),
            (3.0, Flag::Low),
            (3.5, Flag::Normal),
            (5.3, Flag::Normal),
            (5.8, Flag::High),
            (6.2, Flag::CriticalHigh),
            (6.8, Flag::CriticalHigh),
        ] {
            assert_eq!(flag(&k, v), f, "{v}");
        }
        assert!(flag(&k, 6.8).critical() && flag(&k, 6.8).abnormal());
        assert!(!flag(&k, 5.8).critical() && flag(&k, 5.8).abnormal());
    }

    #[test]
    fn every_item_is_unique_and_laboratory_items_report_values() {
        for (n, i) in ITEMS.iter().enumerate() {
            assert!(
                ITEMS[n + 1..].iter().all(|j| j.code != i.code),
                "{}",
                i.code
            );
            assert_eq!(
                i.centre == Centre::Laboratory,
                !i.analytes.is_empty(),
                "{}",
                i.code
            );
            for a in i.analytes {
                assert!(a.low < a.high, "{}", a.code);
                assert!(a.critical_low.is_none_or(|l| l < a.low), "{}", a.code);
                assert!(a.critical_high.is_none_or(|h| h > a.high), "{}", a.code);
            }
        }
        // Every recognised item is in the catalogue.
        for r in super::super::recognition::DEFAULT_ITEMS {
            assert!(item(r.code).is_some(), "{}", r.code);
        }
    }

    #[test]
    fn an_emergency_ct_has_its_hour_and_an_outpatient_one_four_working_hours() {
        let ct = item("ct_head").expect("ct");
        assert_eq!(ct.target(Urgency::Urgent), EMERGENCY_CT_MR);
        assert_eq!(ct.target(Urgency::Routine).minutes, 240);
        assert_eq!(ct.target(Urgency::Routine).clock, Clock::Working);
        assert_eq!(item("xray_chest").map(|i| i.routine), Some(PLAIN_XRAY));
        assert_eq!(item("ct_head").map(|i| i.price_fen), Some(20000));
        assert_eq!(unit_text("10*9/L"), "×10⁹/L");
        assert_eq!(unit_text("umol/L"), "μmol/L");
        assert_eq!(unit_text("mmol/L"), "mmol/L");
    }
}
