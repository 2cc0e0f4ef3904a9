//! Rosters: which expert sits at which township on which half-day. The office keeps
//! weekly templates (day, start, end, capacity) that expand into dated sessions, skipping
//! the holidays it lists; a planned session must not put the expert in two places, on
//! duty or on leave at the lead hospital, or over their weekly cap.

use time::{Date, Duration, Time, Weekday};

/// A weekly template of one expert at one township.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub weekday: Weekday,
    pub start: Time,
    pub end: Time,
    /// Patients the session takes.
    pub capacity: u16,
}

/// A dated session of one expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session<Place> {
    pub date: Date,
    pub start: Time,
    pub end: Time,
    pub place: Place,
}

impl<P> Session<P> {
    /// Whether two sessions overlap in time (touching ends do not).
    pub fn overlaps<Q>(&self, other: &Session<Q>) -> bool {
        self.date == other.date && self.start < other.end && other.start < self.end
    }
}

/// The dated sessions of `templates` from `from` to `to` (both included), skipping the
/// `holidays`, in date and time order.
pub fn expand(
    templates: &[Template],
    (from, to): (Date, Date),
    holidays: &[Date],
) -> Vec<(Date, Template)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        if !holidays.contains(&day) {
            let mut today: Vec<&Template> = templates
                .iter()
                .filter(|t| t.weekday == day.weekday())
                .collect();
            today.sort_by_key(|t| t.start);
            out.extend(today.into_iter().map(|t| (day, *t)));
        }
        match day.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}

/// What stands in the way of a planned session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict<Place> {
    /// The expert already sits elsewhere (or here) at that time.
    Elsewhere(Place),
    /// On duty at the lead hospital then.
    OnDuty,
    /// On leave that day.
    OnLeave,
    /// The week already holds `cap` sessions of the expert.
    WeeklyCap(u16),
}

impl<P> Conflict<P> {
    pub fn code(&self) -> &'static str {
        match self {
            Conflict::Elsewhere(_) => "expert_elsewhere",
            Conflict::OnDuty => "expert_on_duty",
            Conflict::OnLeave => "expert_on_leave",
            Conflict::WeeklyCap(_) => "expert_weekly_cap",
        }
    }
}

/// The expert's other commitments as the check reads them.
#[derive(Debug, Clone, Default)]
pub struct Commitments<Place> {
    pub sessions: Vec<Session<Place>>,
    /// Duty shifts at the lead hospital: (date, start, end).
    pub duties: Vec<(Date, Time, Time)>,
    pub leave: Vec<Date>,
    /// At most this many sessions in a Monday-to-Sunday week; none: no cap.
    pub weekly_cap: Option<u16>,
}

/// The Monday of a day's week.
pub fn week_of(d: Date) -> Date {
    d - Duration::days(i64::from(d.weekday().number_days_from_monday()))
}

/// Every conflict of `new` with the expert's commitments, in the order listed above.
pub fn conflicts<P: Clone>(new: &Session<P>, c: &Commitments<P>) -> Vec<Conflict<P>> {
    let mut out = Vec::new();
    if let Some(s) = c.sessions.iter().find(|s| s.overlaps(new)) {
        out.push(Conflict::Elsewhere(s.place.clone()));
    }
    if c.duties
        .iter()
        .any(|(d, start, end)| *d == new.date && *start < new.end && new.start < *end)
    {
        out.push(Conflict::OnDuty);
    }
    if c.leave.contains(&new.date) {
        out.push(Conflict::OnLeave);
    }
    if let Some(cap) = c.weekly_cap {
        let week = week_of(new.date);
        let held = c
            .sessions
            .iter()
            .filter(|s| week_of(s.date) == week)
            .count();
        if held >= usize::from(cap) {
            out.push(Conflict::WeeklyCap(cap));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    fn tuesday_morning() -> Template {
        Template {
            weekday: Weekday::Tuesday,
            start: time!(08:30),
            end: time!(11:30),
            capacity: 20,
        }
    }

    #[test]
    fn templates_expand_across_a_month_end_and_skip_holidays() {
        let friday = Template {
            weekday: Weekday::Friday,
            start: time!(14:00),
            end: time!(17:00),
            capacity: 15,
        };
        // Tuesday 29 September to Friday 9 October 2026: the National Day week is off.
        let holidays: Vec<Date> = (1..=7)
            .map(|d| date!(2026 - 10 - 01) + Duration::days(d - 1))
            .collect();
        let days: Vec<Date> = expand(
            &[friday, tuesday_morning()],
            (date!(2026 - 09 - 29), date!(2026 - 10 - 09)),
            &holidays,
        )
        .into_iter()
        .map(|(d, _)| d)
        .collect();
        assert_eq!(days, [date!(2026 - 09 - 29), date!(2026 - 10 - 09)]);
        // Without holidays the month end is crossed day by day.
        let all = expand(
            &[friday, tuesday_morning()],
            (date!(2026 - 09 - 29), date!(2026 - 10 - 09)),
            &[],
        );
        assert_eq!(all.len(), 4);
        assert_eq!(all[1].0, date!(2026 - 10 - 02));
        // Two templates on one day come in time order.
        let afternoon = Template {
            start: time!(14:00),
            end: time!(17:00),
            ..tuesday_morning()
        };
        let both = expand(
            &[afternoon, tuesday_morning()],
            (date!(2026 - 09 - 29), date!(2026 - 09 - 29)),
            &[],
        );
        assert_eq!(
            both.iter().map(|(_, t)| t.start).collect::<Vec<_>>(),
            [time!(08:30), time!(14:00)]
        );
    }

    #[test]
    fn a_plan_names_every_conflict() {
        let at = |d: Date, s: Time, e: Time, place: &'static str| Session {
            date: d,
            start: s,
            end: e,
            place,
        };
        let tue = date!(2026 - 12 - 01);
        let new = at(tue, time!(08:30), time!(11:30), "茅台镇");
        let mut c = Commitments {
            sessions: vec![at(tue, time!(11:30), time!(12:00), "坛厂镇")],
            duties: vec![(tue, time!(14:00), time!(18:00))],
            leave: vec![],
            weekly_cap: Some(3),
        };
        assert_eq!(conflicts(&new, &c), vec![]);
        c.sessions
            .push(at(tue, time!(09:00), time!(10:00), "坛厂镇"));
        c.duties.push((tue, time!(08:00), time!(09:00)));
        c.leave.push(tue);
        // Three sessions this week (Monday 30 November to Sunday 6 December) reach the cap.
        c.sessions.push(at(
            date!(2026 - 12 - 06),
            time!(08:30),
            time!(11:30),
            "坛厂镇",
        ));
        c.sessions.push(at(
            date!(2026 - 12 - 07),
            time!(08:30),
            time!(11:30),
            "坛厂镇",
        ));
        let found = conflicts(&new, &c);
        assert_eq!(
            found,
            vec![
                Conflict::Elsewhere("坛厂镇"),
                Conflict::OnDuty,
                Conflict::OnLeave,
                Conflict::WeeklyCap(3)
            ]
        );
        assert_eq!(found[3].code(), "expert_weekly_cap");
        assert_eq!(week_of(date!(2026 - 12 - 06)), date!(2026 - 11 - 30));
    }
}
