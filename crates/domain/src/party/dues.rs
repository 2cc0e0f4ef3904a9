//! Party dues (党费): a share of monthly after-tax pay by bracket, in fen. In work: up to
//! 3,000 yuan 0.5 %, up to 5,000 yuan 1 %, up to 10,000 yuan 1.5 %, above that 2 %;
//! retired: up to 5,000 yuan 0.5 %, above that 1 %; students, farmers without pay and
//! those living on relief pay a fixed 0.2 yuan. Each bracket includes its upper bound.

/// Whose pay the bracket reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuesBasis {
    Working,
    Retired,
    /// Students, farmers without pay, the unemployed, those living on relief.
    Fixed,
}

crate::codes!(DuesBasis { Working => "working", Retired => "retired", Fixed => "fixed" });

/// The fixed monthly dues, in fen.
pub const FIXED_FEN: i64 = 20;

/// The rate in per mille for a monthly after-tax pay in fen.
pub fn rate_per_mille(basis: DuesBasis, pay_fen: i64) -> i64 {
    let yuan = |y: i64| y * 100;
    match basis {
        DuesBasis::Working if pay_fen <= yuan(3_000) => 5,
        DuesBasis::Working if pay_fen <= yuan(5_000) => 10,
        DuesBasis::Working if pay_fen <= yuan(10_000) => 15,
        DuesBasis::Working => 20,
        DuesBasis::Retired if pay_fen <= yuan(5_000) => 5,
        DuesBasis::Retired => 10,
        DuesBasis::Fixed => 0,
    }
}

/// The monthly dues in fen, rounded half up to the fen.
pub fn monthly_fen(basis: DuesBasis, pay_fen: i64) -> i64 {
    match basis {
        DuesBasis::Fixed => FIXED_FEN,
        _ => (pay_fen.max(0) * rate_per_mille(basis, pay_fen) + 500) / 1000,
    }
}

/// A day's month index: year × 12 + month (January 2026 is 24,313).
pub fn month_index(day: time::Date) -> i32 {
    day.year() * 12 + day.month() as i32
}

/// The (year, month) of a month index.
fn year_month(index: i32) -> (i32, u8) {
    (
        (index - 1).div_euclid(12),
        ((index - 1).rem_euclid(12) + 1) as u8,
    )
}

/// `2026-11` for a month index.
pub fn month_text(index: i32) -> String {
    let (year, month) = year_month(index);
    format!("{year}-{month:02}")
}

/// A day of the month of an index (`None` past the month's end).
pub fn month_day(index: i32, day: u8) -> Option<time::Date> {
    let (year, month) = year_month(index);
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Months a member has not paid: those from `first` (a month index, year × 12 + month)
/// to `current` not in `paid`.
pub fn unpaid_months(first: i32, current: i32, paid: &[i32]) -> Vec<i32> {
    (first..=current).filter(|m| !paid.contains(m)).collect()
}

/// Six months unpaid in a row is flagged (the rules treat it as leaving the party).
pub fn six_months_unpaid(unpaid: &[i32]) -> bool {
    let mut run = 0;
    let mut last = None;
    for m in unpaid {
        run = if last == Some(m - 1) { run + 1 } else { 1 };
        if run >= 6 {
            return true;
        }
        last = Some(*m);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_include_their_upper_bound() {
        let w = |yuan: i64| monthly_fen(DuesBasis::Working, yuan * 100);
        assert_eq!(w(3_000), 1_500, "0.5 % of 3,000 yuan is 15 yuan");
        assert_eq!(w(3_001), 3_001, "1 % from above 3,000");
        assert_eq!(w(5_000), 5_000);
        assert_eq!(
            w(5_001),
            7_502,
            "1.5 % of 5,001 is 75.015, rounded to 75.02"
        );
        assert_eq!(w(10_000), 15_000);
        assert_eq!(w(12_000), 24_000, "2 % above 10,000");
        let r = |yuan: i64| monthly_fen(DuesBasis::Retired, yuan * 100);
        assert_eq!(r(5_000), 2_500);
        assert_eq!(r(6_000), 6_000);
        assert_eq!(monthly_fen(DuesBasis::Fixed, 0), 20);
        assert_eq!(monthly_fen(DuesBasis::Working, 0), 0);
        // A pay in fen: 4,321.37 yuan at 1 % is 43.2137, 43.21 yuan.
        assert_eq!(monthly_fen(DuesBasis::Working, 432_137), 4_321);
    }

    #[test]
    fn months_are_indexed_and_written_back() {
        use time::macros::date;
        assert_eq!(month_index(date!(2026 - 01 - 31)), 24_313);
        assert_eq!(month_index(date!(2026 - 11 - 29)), 24_323);
        assert_eq!(month_text(24_313), "2026-01");
        assert_eq!(month_text(24_324), "2026-12");
        assert_eq!(month_text(24_325), "2027-01");
        assert_eq!(month_day(24_314, 10), Some(date!(2026 - 02 - 10)));
        assert_eq!(month_day(24_314, 30), None);
    }

    #[test]
    fn six_months_in_a_row_unpaid_is_flagged() {
        let jan = 2026 * 12;
        let unpaid = unpaid_months(jan, jan + 11, &[jan, jan + 1, jan + 7]);
        assert_eq!(unpaid.len(), 9);
        // February paid breaks nothing: March to July is five, September to December four.
        assert!(!six_months_unpaid(&unpaid));
        let unpaid = unpaid_months(jan, jan + 11, &[jan]);
        assert!(six_months_unpaid(&unpaid));
        assert!(!six_months_unpaid(&[]));
    }
}
