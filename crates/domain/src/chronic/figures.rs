//! The control figure month by month, as the quality table counts it: at each month's
//! end, the registers enrolled by then, and of them those whose last visit in the year
//! before that end was controlled. Pure: the store hands over the registers and a span
//! of visits, this counts.

use time::Date;

/// A register as the figure needs it: an index into the visits, its disease, its
/// enrolment.
#[derive(Debug, Clone, Copy)]
pub struct Enrolled<'a> {
    pub disease: &'a str,
    pub enrolled_on: Date,
}

/// One month's figure for one disease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigure {
    /// Index of the month: `bounds[month]..bounds[month + 1]`.
    pub month: usize,
    pub disease: String,
    pub managed: i64,
    pub controlled: i64,
}

/// `bounds` are the first days of consecutive months (13 give 12 months); `visits[i]`
/// are register `i`'s (day, controlled) in any order. Months in order, diseases by name.
pub fn monthly_control(
    registers: &[Enrolled],
    visits: &mut [Vec<(Date, Option<bool>)>],
    bounds: &[Date],
) -> Vec<MonthFigure> {
    for v in visits.iter_mut() {
        v.sort_by_key(|x| x.0);
    }
    let mut out: Vec<MonthFigure> = Vec::new();
    for (month, end) in bounds.iter().enumerate().skip(1).map(|(k, e)| (k - 1, *e)) {
        let start = end.replace_year(end.year() - 1).unwrap_or(end);
        let first_of_month = out.len();
        for (i, r) in registers.iter().enumerate() {
            if r.enrolled_on >= end {
                continue;
            }
            let seen = visits.get(i).map(Vec::as_slice).unwrap_or(&[]);
            // The last visit before the end, if it falls within the year.
            let before = seen.partition_point(|x| x.0 < end);
            let controlled = before > 0 && {
                let last = seen[before - 1];
                last.0 >= start && last.1 == Some(true)
            };
            let at = match out[first_of_month..]
                .iter()
                .position(|f| f.disease == r.disease)
            {
                Some(p) => first_of_month + p,
                None => {
                    out.push(MonthFigure {
                        month,
                        disease: r.disease.to_string(),
                        managed: 0,
                        controlled: 0,
                    });
                    out.len() - 1
                }
            };
            out[at].managed += 1;
            out[at].controlled += i64::from(controlled);
        }
        out[first_of_month..].sort_by(|a, b| a.disease.cmp(&b.disease));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_months_end_counts_the_last_visit_of_the_year_before() {
        let bounds = [
            date!(2026 - 01 - 01),
            date!(2026 - 02 - 01),
            date!(2026 - 03 - 01),
        ];
        let registers = [
            // Controlled in December, uncontrolled on 10 February.
            Enrolled {
                disease: "hypertension",
                enrolled_on: date!(2025 - 06 - 01),
            },
            // Enrolled in February: not counted at January's end.
            Enrolled {
                disease: "hypertension",
                enrolled_on: date!(2026 - 02 - 03),
            },
            // Last seen controlled over a year before: not controlled now.
            Enrolled {
                disease: "diabetes",
                enrolled_on: date!(2024 - 01 - 01),
            },
        ];
        let mut visits = vec![
            vec![
                (date!(2026 - 02 - 10), Some(false)),
                (date!(2025 - 12 - 05), Some(true)),
            ],
            vec![(date!(2026 - 02 - 20), Some(true))],
            vec![(date!(2024 - 12 - 31), Some(true))],
        ];
        let figures = monthly_control(&registers, &mut visits, &bounds);
        let f = |month: usize, disease: &str| {
            figures
                .iter()
                .find(|x| x.month == month && x.disease == disease)
                .map(|x| (x.managed, x.controlled))
        };
        // January's end: one hypertension patient, controlled; the diabetes patient was
        // last seen before the year that ends then (it starts 2025-02-01).
        assert_eq!(f(0, "hypertension"), Some((1, 1)));
        assert_eq!(f(0, "diabetes"), Some((1, 0)));
        // February's end: two hypertension patients, the second one controlled.
        assert_eq!(f(1, "hypertension"), Some((2, 1)));
        assert_eq!(figures.len(), 4);
        assert_eq!(
            figures[0].disease, "diabetes",
            "diseases by name within a month"
        );
    }
}
