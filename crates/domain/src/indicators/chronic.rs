//! Chronic care as the monitoring indicators count it, per register and year: a register
//! is under management in a year when it was enrolled by the year's last day and not
//! ended before its first; its year is standardised when the year holds the standard's
//! face-to-face visits, and controlled when the year's last visit was controlled.
//!
//! All three are yearly stocks, read at the year's January (see
//! [`super::formula::stock_month`]), but a register under management in 2024 still is in
//! 2027 without anything written in between. So each is kept as an *interval of years*:
//! +1 at the January of its first year and −1 at the January after its last, and a
//! year's figure is the sum of every entry up to its January. A change to a register
//! (enrolled, ended, a visit recorded) takes back everything the register added before
//! and adds what it adds now.

use super::month::Month;
use super::tally::{Measure, Tally};
use crate::chronic::{Disease, Standard};
use time::Date;
use uuid::Uuid;

/// A register as the indicators need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub disease: Disease,
    /// Where it is counted: the clinic that manages it.
    pub institution: Uuid,
    pub enrolled_on: Date,
    /// The day management ended (moved away, died), if it has.
    pub ended_on: Option<Date>,
}

/// One follow-up as the indicators need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub on: Date,
    /// Whether the reading was controlled (unknown without a reading).
    pub controlled: Option<bool>,
    /// A clinic or home visit; a phone call is not face to face.
    pub face_to_face: bool,
}

/// The counters of one disease: under management, standardised, controlled.
pub fn measures(d: Disease) -> [Measure; 3] {
    match d {
        Disease::Hypertension => [
            Measure::HtnManaged,
            Measure::HtnStandard,
            Measure::HtnControlled,
        ],
        Disease::Diabetes => [
            Measure::DmManaged,
            Measure::DmStandard,
            Measure::DmControlled,
        ],
    }
}

/// The disease a chronic-care counter counts, and which of its three it is (under
/// management, standardised, controlled).
pub fn counter_of(m: Measure) -> Option<(Disease, usize)> {
    Disease::ALL.into_iter().find_map(|d| {
        let k = measures(d).iter().position(|x| *x == m)?;
        Some((d, k))
    })
}

/// Whether a register with these visits is, in `year`, under management, standardised
/// and controlled: what it adds to that year's counters.
pub fn in_year(r: &Register, visits: &[Visit], s: &Standard, year: i32) -> [bool; 3] {
    let mut t = Tally::default();
    add_register(&mut t, r, visits, s, 1);
    let m = measures(r.disease);
    let read = at_year(&t, &m, year);
    m.map(|m| read.get(Month { year, month: 1 }, r.institution, m) > 0)
}

/// Adds `sign` times an interval of years `first..=last` (open-ended without `last`).
fn interval(
    t: &mut Tally,
    institution: Uuid,
    m: Measure,
    (first, last): (i32, Option<i32>),
    sign: i64,
) {
    t.add(
        Month {
            year: first,
            month: 1,
        },
        institution,
        &[(m, 1)],
        sign,
    );
    if let Some(last) = last {
        let after = Month {
            year: last + 1,
            month: 1,
        };
        t.add(after, institution, &[(m, -1)], sign);
    }
}

/// The years whose visits make the standard, and those whose last visit was controlled
/// (of two visits on the year's last day, the controlled one counts).
pub fn years(visits: &[Visit], s: &Standard) -> (Vec<i32>, Vec<i32>) {
    // Two visits on one day: the controlled one is the day's last.
    let mut sorted = visits.to_vec();
    sorted.sort_by_key(|v| (v.on, v.controlled));
    let (mut standard, mut controlled) = (Vec::new(), Vec::new());
    for chunk in sorted.chunk_by(|a, b| a.on.year() == b.on.year()) {
        let year = chunk[0].on.year();
        let face = chunk.iter().filter(|v| v.face_to_face).count();
        if s.standardised(u32::try_from(face).unwrap_or(u32::MAX)) {
            standard.push(year);
        }
        if chunk.last().is_some_and(|v| v.controlled == Some(true)) {
            controlled.push(year);
        }
    }
    (standard, controlled)
}

/// Adds `sign` times everything a register with these visits adds to the counters.
/// Visits outside its management (before enrolment, after its end) count for nothing.
pub fn add_register(t: &mut Tally, r: &Register, visits: &[Visit], s: &Standard, sign: i64) {
    let [managed, standard, controlled] = measures(r.disease);
    let (first, last) = (r.enrolled_on.year(), r.ended_on.map(|e| e.year()));
    if last.is_some_and(|l| l < first) {
        return;
    }
    interval(t, r.institution, managed, (first, last), sign);
    let inside: Vec<Visit> = visits
        .iter()
        .filter(|v| v.on >= r.enrolled_on && r.ended_on.is_none_or(|e| v.on <= e))
        .copied()
        .collect();
    let (standard_years, controlled_years) = years(&inside, s);
    for y in standard_years {
        interval(t, r.institution, standard, (y, Some(y)), sign);
    }
    for y in controlled_years {
        interval(t, r.institution, controlled, (y, Some(y)), sign);
    }
}

/// A year's value of counters kept as intervals: every entry up to its January, per
/// institution and counter, laid at that January (where a stock is read).
pub fn at_year(kept: &Tally, measures: &[Measure], year: i32) -> Tally {
    let january = Month { year, month: 1 };
    let mut out = Tally::default();
    for &m in measures {
        let since = Month {
            year: i32::MIN,
            month: 1,
        };
        for (i, v) in kept.of_measure(m, (since, january)) {
            out.add(january, i, &[(m, v)], 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chronic::STANDARD;
    use time::macros::date;

    fn visit(on: Date, controlled: Option<bool>) -> Visit {
        Visit {
            on,
            controlled,
            face_to_face: true,
        }
    }

    fn clinic() -> Uuid {
        Uuid::from_u128(7)
    }

    fn register(enrolled_on: Date, ended_on: Option<Date>) -> Register {
        Register {
            disease: Disease::Hypertension,
            institution: clinic(),
            enrolled_on,
            ended_on,
        }
    }

    /// The three hypertension counters of `year`, read as a page reads them.
    fn year_of(t: &Tally, year: i32) -> [i64; 3] {
        let m = measures(Disease::Hypertension);
        let read = at_year(t, &m, year);
        m.map(|m| read.get(Month { year, month: 1 }, clinic(), m))
    }

    #[test]
    fn a_register_is_managed_from_its_enrolment_year_through_its_end_year() {
        let mut t = Tally::default();
        let r = register(date!(2024 - 06 - 10), Some(date!(2026 - 03 - 01)));
        add_register(&mut t, &r, &[], &STANDARD, 1);
        let managed: Vec<i64> = (2023..=2027).map(|y| year_of(&t, y)[0]).collect();
        assert_eq!(managed, [0, 1, 1, 1, 0]);
        // Still managed: every later year too, with nothing written.
        let mut t = Tally::default();
        add_register(
            &mut t,
            &register(date!(2024 - 06 - 10), None),
            &[],
            &STANDARD,
            1,
        );
        assert_eq!(year_of(&t, 2030)[0], 1);
        // Enrolled and ended in one year: that year alone.
        let mut t = Tally::default();
        let r = register(date!(2025 - 02 - 01), Some(date!(2025 - 11 - 30)));
        add_register(&mut t, &r, &[], &STANDARD, 1);
        let managed: Vec<i64> = (2024..=2026).map(|y| year_of(&t, y)[0]).collect();
        assert_eq!(managed, [0, 1, 0]);
    }

    #[test]
    fn four_face_to_face_visits_make_a_year_standard_and_the_last_decides_control() {
        let r = register(date!(2024 - 01 - 05), None);
        let mut visits = vec![
            // 2025: four face-to-face visits, the last controlled → standard, controlled.
            visit(date!(2025 - 02 - 01), Some(false)),
            visit(date!(2025 - 05 - 01), Some(true)),
            visit(date!(2025 - 08 - 01), Some(false)),
            visit(date!(2025 - 11 - 20), Some(true)),
            // 2026: three visits and a phone call, the last (by day) uncontrolled.
            visit(date!(2026 - 12 - 01), Some(false)),
            visit(date!(2026 - 02 - 01), Some(true)),
            visit(date!(2026 - 05 - 01), Some(true)),
            visit(date!(2026 - 08 - 01), Some(true)),
        ];
        visits[7].face_to_face = false;
        let mut t = Tally::default();
        add_register(&mut t, &r, &visits, &STANDARD, 1);
        assert_eq!(year_of(&t, 2024), [1, 0, 0]);
        assert_eq!(year_of(&t, 2025), [1, 1, 1]);
        assert_eq!(year_of(&t, 2026), [1, 0, 0]);
        assert_eq!(year_of(&t, 2027), [1, 0, 0]);
    }

    #[test]
    fn a_change_takes_back_what_the_register_added_before() {
        let r = register(date!(2025 - 01 - 05), None);
        let before = [visit(date!(2025 - 03 - 01), Some(false))];
        let mut t = Tally::default();
        add_register(&mut t, &r, &before, &STANDARD, 1);
        assert_eq!(year_of(&t, 2025), [1, 0, 0]);
        // A controlled visit later in the year, and the register ended in 2026.
        let after = [before[0], visit(date!(2025 - 09 - 01), Some(true))];
        let ended = register(date!(2025 - 01 - 05), Some(date!(2026 - 04 - 01)));
        add_register(&mut t, &r, &before, &STANDARD, -1);
        add_register(&mut t, &ended, &after, &STANDARD, 1);
        assert_eq!(year_of(&t, 2025), [1, 0, 1]);
        assert_eq!(year_of(&t, 2027), [0, 0, 0]);
        // Taking the last state back leaves nothing at all.
        add_register(&mut t, &ended, &after, &STANDARD, -1);
        assert!(t.is_empty());
    }

    #[test]
    fn visits_outside_management_count_for_nothing() {
        // Enrolled in June 2025: the controlled visit of March is not the year's last
        // under management; the uncontrolled one of July is.
        let r = register(date!(2025 - 06 - 01), None);
        let visits = [
            visit(date!(2025 - 03 - 01), Some(true)),
            visit(date!(2025 - 07 - 01), Some(false)),
        ];
        let mut t = Tally::default();
        add_register(&mut t, &r, &visits, &STANDARD, 1);
        assert_eq!(year_of(&t, 2025), [1, 0, 0]);
        // Ended before enrolled (a wrong date): nothing.
        let wrong = register(date!(2025 - 06 - 01), Some(date!(2024 - 01 - 01)));
        let mut t = Tally::default();
        add_register(&mut t, &wrong, &visits, &STANDARD, 1);
        assert!(t.is_empty());
    }

    #[test]
    fn a_register_tells_what_it_is_in_a_year() {
        let r = register(date!(2025 - 06 - 01), Some(date!(2026 - 02 - 01)));
        let visits = [visit(date!(2025 - 09 - 01), Some(true))];
        assert_eq!(in_year(&r, &visits, &STANDARD, 2024), [false; 3]);
        assert_eq!(in_year(&r, &visits, &STANDARD, 2025), [true, false, true]);
        assert_eq!(in_year(&r, &visits, &STANDARD, 2026), [true, false, false]);
        assert_eq!(
            counter_of(Measure::DmControlled),
            Some((Disease::Diabetes, 2))
        );
        assert_eq!(
            counter_of(Measure::HtnManaged),
            Some((Disease::Hypertension, 0))
        );
        assert_eq!(counter_of(Measure::Visits), None);
    }

    #[test]
    fn diabetes_keeps_its_own_counters() {
        let mut r = register(date!(2025 - 01 - 05), None);
        r.disease = Disease::Diabetes;
        let mut t = Tally::default();
        add_register(
            &mut t,
            &r,
            &[visit(date!(2025 - 04 - 01), Some(true))],
            &STANDARD,
            1,
        );
        assert_eq!(year_of(&t, 2025), [0, 0, 0]);
        let m = measures(Disease::Diabetes);
        let read = at_year(&t, &m, 2025);
        let jan = Month {
            year: 2025,
            month: 1,
        };
        assert_eq!(m.map(|m| read.get(jan, clinic(), m)), [1, 0, 1]);
    }
}
