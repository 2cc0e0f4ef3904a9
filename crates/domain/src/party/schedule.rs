//! The organisational life each branch owes (三会一课, theme days, …): how often each kind
//! must be held, and whether a branch is behind: nothing held since the start of the last
//! complete period.

use time::{Date, Month};

/// How often a kind of activity is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

crate::codes!(Frequency {
    Monthly => "monthly",
    Quarterly => "quarterly",
    HalfYearly => "half_yearly",
    Yearly => "yearly"
});

impl Frequency {
    fn months(self) -> u8 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::Yearly => 12,
        }
    }

    /// The first day of the period `day` falls in.
    pub fn period_start(self, day: Date) -> Date {
        let n = self.months();
        let m0 = (u8::from(day.month()) - 1) / n * n + 1;
        let month = Month::try_from(m0).unwrap_or(Month::January);
        Date::from_calendar_date(day.year(), month, 1).unwrap_or(day)
    }

    /// The first day of the last complete period before the one `today` falls in.
    pub fn previous_start(self, today: Date) -> Date {
        let this = self.period_start(today);
        this.previous_day()
            .map_or(this, |last_day| self.period_start(last_day))
    }
}

/// The kinds of organisational life (三会一课 and the rest) and how often a branch owes
/// each by default: the members' meeting and the party lecture each quarter, the branch
/// committee and the party group each month, the theme day each month, the organisational
/// life meeting and the democratic appraisal each year.
pub const ACTIVITIES: [(&str, Frequency); 7] = [
    ("members_meeting", Frequency::Quarterly),
    ("committee_meeting", Frequency::Monthly),
    ("group_meeting", Frequency::Monthly),
    ("party_lecture", Frequency::Quarterly),
    ("theme_day", Frequency::Monthly),
    ("life_meeting", Frequency::Yearly),
    ("appraisal", Frequency::Yearly),
];

/// Whether a branch is behind on a kind of activity last held on `last_held`.
pub fn behind(frequency: Frequency, last_held: Option<Date>, today: Date) -> bool {
    last_held.is_none_or(|d| d < frequency.previous_start(today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_start_where_the_calendar_says() {
        let d = date!(2026 - 08 - 20);
        assert_eq!(Frequency::Monthly.period_start(d), date!(2026 - 08 - 01));
        assert_eq!(Frequency::Quarterly.period_start(d), date!(2026 - 07 - 01));
        assert_eq!(Frequency::HalfYearly.period_start(d), date!(2026 - 07 - 01));
        assert_eq!(Frequency::Yearly.period_start(d), date!(2026 - 01 - 01));
        assert_eq!(
            Frequency::Quarterly.previous_start(d),
            date!(2026 - 04 - 01)
        );
        assert_eq!(
            Frequency::Monthly.previous_start(date!(2026 - 01 - 15)),
            date!(2025 - 12 - 01)
        );
    }

    #[test]
    fn a_branch_is_behind_when_the_last_complete_period_passed_without_one() {
        let today = date!(2026 - 08 - 20);
        // A committee meeting is monthly: one in July keeps the branch on time in August.
        assert!(!behind(
            Frequency::Monthly,
            Some(date!(2026 - 07 - 03)),
            today
        ));
        assert!(behind(
            Frequency::Monthly,
            Some(date!(2026 - 06 - 30)),
            today
        ));
        // A members' meeting is quarterly: the last in May is in the last complete quarter.
        assert!(!behind(
            Frequency::Quarterly,
            Some(date!(2026 - 05 - 12)),
            today
        ));
        assert!(behind(
            Frequency::Quarterly,
            Some(date!(2026 - 03 - 31)),
            today
        ));
        assert!(behind(Frequency::Yearly, None, today));
    }
}
