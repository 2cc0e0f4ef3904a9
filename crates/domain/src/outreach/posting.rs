//! Postings (派驻): staff placed at a grassroots site for a stretch of time, and the
//! official indicator: physicians of intermediate title or above posted for at least six
//! months in the year, counting only the posting's days inside the year, per 10,000
//! residents.

use time::{Date, Month};

/// How a posting is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A long-term placement (长期派驻).
    LongTerm,
    /// Support for a stretch (对口支援).
    Support,
    /// Rounds between sites (巡回).
    Rounds,
}

crate::codes!(Kind {
    LongTerm => "long_term",
    Support => "support",
    Rounds => "rounds"
});

/// Which way a posting goes: down to a grassroots site, or up to the lead hospital (the
/// second half of an exchange, 派一送一).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Down,
    Up,
}

crate::codes!(Direction {
    Down => "down",
    Up => "up"
});

/// `(physician, intermediate_or_above)` of a staff title code.
pub fn title_level(title: &str) -> (bool, bool) {
    match title {
        "chief_physician" | "associate_chief_physician" | "attending_physician" => (true, true),
        "resident_physician" | "assistant_physician" | "public_health_physician" => (true, false),
        _ => (false, false),
    }
}

/// A posting as the indicator reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub start: Date,
    /// The last day; none: still posted.
    pub end: Option<Date>,
    /// A physician (not a nurse or technician).
    pub physician: bool,
    /// Of intermediate title (主治医师) or above.
    pub intermediate_or_above: bool,
}

/// Six months, in days: half of a year of 365.
pub const SIX_MONTHS_DAYS: i64 = 183;

/// The posting's days inside `year` (both ends included), up to `today` for one still
/// running.
pub fn days_in_year(p: &Posting, year: i32, today: Date) -> i64 {
    let (Ok(first), Ok(last)) = (
        Date::from_calendar_date(year, Month::January, 1),
        Date::from_calendar_date(year, Month::December, 31),
    ) else {
        return 0;
    };
    let start = p.start.max(first);
    let end = p.end.unwrap_or(today).min(last);
    if end < start {
        0
    } else {
        (end - start).whole_days() + 1
    }
}

/// Whether a posting counts toward the indicator for `year`.
pub fn counts(p: &Posting, year: i32, today: Date) -> bool {
    p.physician && p.intermediate_or_above && days_in_year(p, year, today) >= SIX_MONTHS_DAYS
}

/// Physicians of intermediate title or above posted at least six months in `year`, per
/// 10,000 residents (each person counted once: `postings` pairs a person's id with a
/// posting); none without residents.
pub fn per_10000<Id: PartialEq>(
    postings: &[(Id, Posting)],
    year: i32,
    today: Date,
    residents: u64,
) -> Option<f64> {
    if residents == 0 {
        return None;
    }
    let mut people: Vec<&Id> = Vec::new();
    for (id, p) in postings {
        if counts(p, year, today) && !people.contains(&id) {
            people.push(id);
        }
    }
    Some(people.len() as f64 * 10_000.0 / residents as f64)
}

/// Where each physician counted for `year` counts: the site of their posting with the
/// most days inside the year (the later start, then the lesser site, on a tie), so that
/// a person is counted once.
pub fn site_of_each<P: Ord + Copy, S: Ord + Copy>(
    postings: &[(P, S, Posting)],
    year: i32,
    today: Date,
) -> std::collections::BTreeMap<P, S> {
    use std::cmp::Reverse;
    use std::collections::BTreeMap;
    let mut best: BTreeMap<P, (i64, Date, Reverse<S>)> = BTreeMap::new();
    for (person, site, p) in postings.iter().filter(|(_, _, p)| counts(p, year, today)) {
        let key = (days_in_year(p, year, today), p.start, Reverse(*site));
        let e = best.entry(*person).or_insert(key);
        if key > *e {
            *e = key;
        }
    }
    best.into_iter()
        .map(|(person, (_, _, Reverse(site)))| (person, site))
        .collect()
}

/// The number of physicians counted for `year` per site (see [`site_of_each`]), ordered
/// by site.
pub fn counted_at<P: Ord + Copy, S: Ord + Copy>(
    postings: &[(P, S, Posting)],
    year: i32,
    today: Date,
) -> Vec<(S, i64)> {
    let mut per: std::collections::BTreeMap<S, i64> = std::collections::BTreeMap::new();
    for site in site_of_each(postings, year, today).into_values() {
        *per.entry(site).or_default() += 1;
    }
    per.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 30);

    fn posting(start: Date, end: Option<Date>) -> Posting {
        Posting {
            start,
            end,
            physician: true,
            intermediate_or_above: true,
        }
    }

    #[test]
    fn only_the_days_inside_the_year_count_toward_six_months() {
        // 1 August 2025 to 31 March 2026: 243 days, but only 90 in 2026 and 153 in 2025.
        let across = posting(date!(2025 - 08 - 01), Some(date!(2026 - 03 - 31)));
        assert_eq!(days_in_year(&across, 2026, TODAY), 90);
        assert_eq!(days_in_year(&across, 2025, TODAY), 153);
        assert!(!counts(&across, 2026, TODAY) && !counts(&across, 2025, TODAY));
        // 1 June to 30 November 2026 (still running today): 183 days, exactly six months.
        let running = posting(date!(2026 - 06 - 01), None);
        assert_eq!(days_in_year(&running, 2026, TODAY), 183);
        assert!(counts(&running, 2026, TODAY));
        assert!(!counts(&posting(date!(2026 - 06 - 02), None), 2026, TODAY));
        // Nurses and junior physicians do not count.
        assert!(!counts(
            &Posting {
                physician: false,
                ..running
            },
            2026,
            TODAY
        ));
        assert!(!counts(
            &Posting {
                intermediate_or_above: false,
                ..running
            },
            2026,
            TODAY
        ));
    }

    #[test]
    fn attending_physicians_and_above_are_of_intermediate_level() {
        assert_eq!(title_level("attending_physician"), (true, true));
        assert_eq!(title_level("chief_physician"), (true, true));
        assert_eq!(title_level("resident_physician"), (true, false));
        assert_eq!(title_level("supervising_nurse"), (false, false));
    }

    #[test]
    fn a_physician_counts_once_at_the_site_of_the_longest_posting() {
        // Physician 1: 200 days at site 20 and, overlapping, all year at site 10.
        // Physician 2: all year at site 20. Physician 3: 100 days only: not counted.
        // Physician 4: two postings of equal length starting the same day: site 10.
        let year = posting(date!(2026 - 01 - 01), Some(date!(2026 - 12 - 31)));
        let part = posting(date!(2026 - 01 - 01), Some(date!(2026 - 07 - 19)));
        let short = posting(date!(2026 - 08 - 01), Some(date!(2026 - 11 - 08)));
        let postings = [
            (1, 20, part),
            (1, 10, year),
            (2, 20, year),
            (3, 10, short),
            (4, 30, year),
            (4, 10, year),
        ];
        assert_eq!(days_in_year(&part, 2026, TODAY), 200);
        assert_eq!(counted_at(&postings, 2026, TODAY), vec![(10, 2), (20, 1)]);
        assert!(counted_at(&postings, 2025, TODAY).is_empty());
    }

    #[test]
    fn the_indicator_counts_each_physician_once_per_10000_residents() {
        let long = posting(date!(2026 - 01 - 01), Some(date!(2026 - 12 - 31)));
        let short = posting(date!(2026 - 10 - 01), None);
        let postings = [(1, long), (1, long), (2, long), (3, short)];
        // Two physicians among 40,000 residents: 0.5 per 10,000.
        assert_eq!(per_10000(&postings, 2026, TODAY, 40_000), Some(0.5));
        assert_eq!(per_10000(&postings, 2026, TODAY, 0), None);
    }
}
