//! What a clinic measures on a visit or a screening, and the range each value must fall
//! in to be believed: outside it is a typing slip (a systolic of 1400), not a patient.

use crate::registry::FieldError;

/// The plausible range of one measured value, named by its field.
#[derive(Debug, Clone, Copy)]
pub struct Range<T> {
    pub field: &'static str,
    pub lo: T,
    pub hi: T,
}

pub const SYSTOLIC: Range<u16> = Range {
    field: "systolic",
    lo: 50,
    hi: 300,
};
pub const DIASTOLIC: Range<u16> = Range {
    field: "diastolic",
    lo: 30,
    hi: 200,
};
/// Venous plasma glucose, mmol/L.
pub const GLUCOSE: Range<f64> = Range {
    field: "glucose",
    lo: 1.0,
    hi: 40.0,
};
pub const WEIGHT_KG: Range<f64> = Range {
    field: "weight_kg",
    lo: 2.0,
    hi: 300.0,
};
pub const HEIGHT_CM: Range<f64> = Range {
    field: "height_cm",
    lo: 40.0,
    hi: 250.0,
};
/// Cigarette pack-years in the COPD questionnaire.
pub const PACK_YEARS: Range<f64> = Range {
    field: "pack_years",
    lo: 0.0,
    hi: 200.0,
};

/// Glucose, weight, height and pack-years are written to one decimal place: what is
/// entered is kept to that resolution, so 8.6 is stored, sent and shown as 8.6.
pub fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A decimal as people type it: a point or a comma (also full-width) as the decimal
/// mark, spaces around it ignored; kept to one decimal place. `None` for anything that
/// is not a finite number.
pub fn decimal(raw: &str) -> Option<f64> {
    let normal: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            ',' | '，' | '．' | '。' => '.',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    let x: f64 = normal.parse().ok()?;
    x.is_finite().then(|| tenths(x))
}

impl<T: PartialOrd + Copy> Range<T> {
    /// Refuses a value outside `lo..=hi` (a NaN included); no value is fine.
    pub fn check(&self, v: Option<T>) -> Result<(), FieldError> {
        match v {
            Some(x) if !(x >= self.lo && x <= self.hi) => {
                Err(FieldError::new(self.field, "out_of_range"))
            }
            _ => Ok(()),
        }
    }
}

/// The values of one visit or screening, each optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct Measured {
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    pub glucose: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
}

impl Measured {
    /// Each value in its plausible range, and blood pressure as a pair: the first problem.
    pub fn check(&self) -> Result<(), FieldError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem, one per field, in the order of the form.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out: Vec<FieldError> = [
            SYSTOLIC.check(self.systolic),
            DIASTOLIC.check(self.diastolic),
            GLUCOSE.check(self.glucose),
            WEIGHT_KG.check(self.weight_kg),
            HEIGHT_CM.check(self.height_cm),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        match (self.systolic, self.diastolic) {
            (Some(_), None) => out.push(FieldError::new("diastolic", "required")),
            (None, Some(_)) => out.push(FieldError::new("systolic", "required")),
            _ => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_kept_as_written() {
        assert_eq!(decimal("8.6"), Some(8.6));
        assert_eq!(decimal(" 8,6 "), Some(8.6));
        assert_eq!(decimal("１０．９"), Some(10.9));
        assert_eq!(decimal("7"), Some(7.0));
        assert_eq!(decimal("5.55"), Some(5.6));
        assert_eq!(decimal("8.6.1"), None);
        assert_eq!(decimal("NaN"), None);
        assert_eq!(decimal("inf"), None);
        assert_eq!(decimal(""), None);
        // What an f32 made of 10.9 on its way in is put back to 10.9.
        assert_eq!(tenths(f64::from(10.9f32)), 10.9);
        assert_eq!(tenths(f64::from(8.6f32)).to_string(), "8.6");
    }

    #[test]
    fn every_implausible_value_is_named() {
        let m = Measured {
            systolic: Some(400),
            diastolic: None,
            glucose: Some(99.0),
            weight_kg: Some(1.0),
            height_cm: Some(170.0),
        };
        let named: Vec<(&str, &str)> = m.problems().iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            named,
            [
                ("systolic", "out_of_range"),
                ("glucose", "out_of_range"),
                ("weight_kg", "out_of_range"),
                ("diastolic", "required"),
            ]
        );
    }

    fn refused(m: Measured) -> (&'static str, &'static str) {
        let e = m.check().expect_err("refused");
        (e.field, e.code)
    }

    #[test]
    fn values_at_the_edges_pass_and_beyond_them_are_refused() {
        let bp = |s, d| Measured {
            systolic: Some(s),
            diastolic: Some(d),
            ..Default::default()
        };
        assert!(bp(50, 30).check().is_ok());
        assert!(bp(300, 200).check().is_ok());
        assert_eq!(refused(bp(49, 80)), ("systolic", "out_of_range"));
        assert_eq!(refused(bp(301, 80)), ("systolic", "out_of_range"));
        assert_eq!(refused(bp(120, 201)), ("diastolic", "out_of_range"));
        let glucose = |g| Measured {
            glucose: Some(g),
            ..Default::default()
        };
        assert!(glucose(40.0).check().is_ok());
        assert_eq!(refused(glucose(40.1)), ("glucose", "out_of_range"));
        assert_eq!(refused(glucose(f64::NAN)), ("glucose", "out_of_range"));
        let body = |w, h| Measured {
            weight_kg: Some(w),
            height_cm: Some(h),
            ..Default::default()
        };
        assert!(body(2.0, 250.0).check().is_ok());
        assert_eq!(refused(body(1.9, 170.0)), ("weight_kg", "out_of_range"));
        assert_eq!(refused(body(60.0, 39.0)), ("height_cm", "out_of_range"));
        assert!(PACK_YEARS.check(Some(200.0)).is_ok());
        assert!(PACK_YEARS.check(Some(-1.0)).is_err());
        assert!(
            Measured::default().check().is_ok(),
            "nothing measured is no error here"
        );
    }

    #[test]
    fn blood_pressure_comes_as_a_pair() {
        let only_systolic = Measured {
            systolic: Some(130),
            ..Default::default()
        };
        assert_eq!(refused(only_systolic), ("diastolic", "required"));
        let only_diastolic = Measured {
            diastolic: Some(80),
            ..Default::default()
        };
        assert_eq!(refused(only_diastolic), ("systolic", "required"));
    }
}
