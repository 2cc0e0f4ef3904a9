//! Which rows a part of a figure counts, so that the list behind a number can be
//! fetched: encounters of some kinds at institutions of some levels, outside visits of
//! some kinds (only the referred ones, for a referral rate).

use super::encounter::Kind;
use super::formula::{Levels, Shape, Term};
use super::month::Span;
use super::tally::Measure;
use crate::referral::Direction;

/// The numerator or the denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Numerator,
    Denominator,
}

crate::codes!(Part {
    Numerator => "numerator",
    Denominator => "denominator"
});

/// The rows behind one part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub encounter_kinds: Vec<Kind>,
    /// The levels of the institutions whose encounters count (`None`: no encounter does).
    pub encounter_levels: Option<Levels>,
    pub outside_kinds: Vec<Kind>,
    pub referred_only: bool,
    /// Referral counters: each lists the accepted referrals at its end.
    pub referrals: Vec<Term>,
    /// ECG counters: each lists the reported ECGs it counts, at their senders.
    pub ecgs: Vec<Term>,
    /// Outreach counters: the held sessions, at their places.
    pub sessions: Vec<Term>,
    /// Teleconsultation counters: the answered ones, at the institutions that asked.
    pub consults: Vec<Term>,
    /// Green-channel counters: the admitted cases, at their senders.
    pub greens: Vec<Term>,
    /// Stocks (residents, posted physicians): listed from the figures of their year, not
    /// from stored rows.
    pub stocks: Vec<Term>,
    /// Chronic-care counters: the registers of their year.
    pub registers: Vec<Term>,
}

/// The referrals a referral counter counts: their direction, and whether they count at
/// the receiving end (`true`) or the sending one.
pub fn referral_end(m: Measure) -> Option<(Direction, bool)> {
    match m {
        Measure::RefUp => Some((Direction::Up, false)),
        Measure::RefUpIn => Some((Direction::Up, true)),
        Measure::RefDown => Some((Direction::Down, false)),
        _ => None,
    }
}

const VISITS: [Kind; 2] = [Kind::Outpatient, Kind::Emergency];
const EVERY: [Kind; 3] = [Kind::Outpatient, Kind::Emergency, Kind::Inpatient];

fn add(kinds: &mut Vec<Kind>, more: &[Kind]) {
    for k in more {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
}

/// The plan for a list of terms (terms of one part share their levels in every
/// definition; the widest wins if they did not).
pub fn plan(terms: &[Term]) -> Plan {
    let mut p = Plan::default();
    for t in terms {
        let (inside, kinds): (bool, &[Kind]) = match t.measure {
            Measure::Visits => (true, &VISITS),
            Measure::Stays => (true, &[Kind::Inpatient]),
            Measure::Fund | Measure::Cost => (true, &EVERY),
            Measure::OutVisits => (false, &VISITS),
            Measure::OutStays => (false, &[Kind::Inpatient]),
            Measure::OutFund | Measure::OutCost => (false, &EVERY),
            Measure::OutReferred => {
                p.referred_only = true;
                (false, &EVERY)
            }
            Measure::RefUp | Measure::RefUpIn | Measure::RefDown => {
                p.referrals.push(*t);
                continue;
            }
            Measure::EcgRead | Measure::EcgUrgent | Measure::EcgUrgentOnTime => {
                p.ecgs.push(*t);
                continue;
            }
            Measure::OutreachHeld | Measure::OutreachServed => {
                p.sessions.push(*t);
                continue;
            }
            Measure::ConsultAnswered => {
                p.consults.push(*t);
                continue;
            }
            Measure::GreenAdmitted | Measure::GreenOnTime => {
                p.greens.push(*t);
                continue;
            }
            Measure::Residents | Measure::Posted => {
                p.stocks.push(*t);
                continue;
            }
            Measure::HtnManaged
            | Measure::HtnStandard
            | Measure::HtnControlled
            | Measure::DmManaged
            | Measure::DmStandard
            | Measure::DmControlled => {
                p.registers.push(*t);
                continue;
            }
        };
        if inside {
            add(&mut p.encounter_kinds, kinds);
            p.encounter_levels = match (p.encounter_levels, t.levels) {
                (None, l) => Some(l),
                (Some(a), b) if a == b => Some(a),
                _ => Some(Levels::All),
            };
        } else {
            add(&mut p.outside_kinds, kinds);
        }
    }
    p
}

/// The months a part covers: the year before for a growth's denominator.
pub fn span_of(shape: Shape, part: Part, span: Span) -> Span {
    match (shape, part) {
        (Shape::Growth, Part::Denominator) => span.year_before(),
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::catalog::find;
    use crate::indicators::formula::{all, lead};

    fn parts(code: &str) -> (Plan, Plan) {
        let f = find(code).expect("listed").formula;
        (plan(f.numerator), plan(f.denominator))
    }

    #[test]
    fn each_part_lists_the_rows_it_counts() {
        let (n, d) = parts("primary_visit_share");
        assert_eq!(
            (n.encounter_kinds.clone(), n.encounter_levels),
            (VISITS.to_vec(), Some(Levels::Primary))
        );
        assert!(n.outside_kinds.is_empty());
        assert_eq!(d.encounter_levels, Some(Levels::All));
        let (n, d) = parts("ip_in_county_share");
        assert_eq!(
            (n.encounter_kinds, n.outside_kinds),
            (vec![Kind::Inpatient], vec![])
        );
        assert_eq!(
            (d.encounter_kinds, d.outside_kinds),
            (vec![Kind::Inpatient], vec![Kind::Inpatient])
        );
        let (n, d) = parts("ordered_referral_rate");
        assert!(n.referred_only && n.encounter_levels.is_none());
        assert!(!d.referred_only);
        assert_eq!(d.outside_kinds, EVERY.to_vec());
        let (n, _) = parts("fund_primary_share");
        assert_eq!(
            (n.encounter_kinds, n.encounter_levels),
            (EVERY.to_vec(), Some(Levels::Primary))
        );
    }

    #[test]
    fn referral_parts_list_referrals_at_their_end_and_nothing_else() {
        let (n, d) = parts("lead_down_share");
        assert_eq!(n.referrals, vec![lead(Measure::RefDown)]);
        assert_eq!(
            d.referrals,
            vec![lead(Measure::RefDown), lead(Measure::RefUpIn)]
        );
        assert!(n.encounter_levels.is_none() && n.outside_kinds.is_empty());
        let (n, d) = parts("referrals_up");
        assert_eq!(n.referrals, vec![all(Measure::RefUp)]);
        assert_eq!(d, Plan::default(), "a count has no denominator");
        assert_eq!(referral_end(Measure::RefUpIn), Some((Direction::Up, true)));
        assert_eq!(
            referral_end(Measure::RefDown),
            Some((Direction::Down, false))
        );
        assert_eq!(referral_end(Measure::Visits), None);
    }

    #[test]
    fn a_per_10000_figure_lists_its_stocks_apart_from_stored_rows() {
        let (n, d) = parts("remote_diagnoses_per_10k");
        assert_eq!(n.ecgs, vec![all(Measure::EcgRead)]);
        assert_eq!(n.consults, vec![all(Measure::ConsultAnswered)]);
        assert_eq!(d.stocks, vec![all(Measure::Residents)]);
        assert!(d.ecgs.is_empty() && d.encounter_levels.is_none());
        let (n, _) = parts("posted_physicians_per_10k");
        assert_eq!(
            n.stocks,
            vec![crate::indicators::formula::primary(Measure::Posted)]
        );
    }

    #[test]
    fn a_growth_denominator_is_the_year_before() {
        let may = Span::parse("2026-05").expect("a month");
        assert_eq!(
            span_of(Shape::Growth, Part::Denominator, may).first.key(),
            "2025-05"
        );
        assert_eq!(span_of(Shape::Growth, Part::Numerator, may), may);
        assert_eq!(span_of(Shape::Percent, Part::Denominator, may), may);
    }
}
