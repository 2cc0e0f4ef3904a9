//! Monthly tallies: the counters each indicator is summed from, kept per month and
//! institution as rows arrive (an encounter counts where it happened; care outside the
//! county counts at the resident's registered institution), so a dashboard reads a few
//! hundred numbers instead of millions of rows.

use super::encounter::{Kind, ValidEncounter};
use super::month::Month;
use super::outside::ValidOutside;
use crate::referral::Direction;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// One counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Outpatient and emergency visits in the county (stays excluded).
    Visits,
    /// Inpatient stays discharged in the county.
    Stays,
    /// Insurance fund paid in the county, fen.
    Fund,
    /// Total cost billed in the county, fen.
    Cost,
    /// Residents' outpatient and emergency visits outside the county.
    OutVisits,
    /// Residents' stays outside the county.
    OutStays,
    /// Insurance fund paid outside the county, fen.
    OutFund,
    /// Total cost billed outside the county, fen.
    OutCost,
    /// Outside visits and stays that came with a referral.
    OutReferred,
    /// Upward referrals accepted, at the institution that sent them.
    RefUp,
    /// Upward referrals accepted, at the institution that received them.
    RefUpIn,
    /// Downward referrals acknowledged, at the institution that sent them.
    RefDown,
    /// ECGs read remotely (reported), at the institution that sent them.
    EcgRead,
    /// Urgent and emergency ECGs among them.
    EcgUrgent,
    /// Urgent and emergency ECGs reported within [`ECG_URGENT_SECONDS`] of upload.
    EcgUrgentOnTime,
    /// Expert outreach sessions held, at the place they were held.
    OutreachHeld,
    /// The people those sessions served.
    OutreachServed,
    /// Teleconsultations answered by an expert, at the institution that asked.
    ConsultAnswered,
    /// Green-channel cases admitted, at the institution that sent them.
    GreenAdmitted,
    /// Of them, those admitted within the pathway's target in force when recorded.
    GreenOnTime,
    /// A stock, not a flow: the residents of a year (see [`Measure::is_stock`]).
    Residents,
    /// A stock: physicians of intermediate title or above posted at least six months in
    /// the year, at the site they were posted to.
    Posted,
    /// Stocks kept as intervals of years (see [`super::chronic`]), at the managing
    /// clinic: hypertension registers under management in the year, those whose year
    /// made the standard's visits, those whose year's last visit was controlled.
    HtnManaged,
    HtnStandard,
    HtnControlled,
    /// The same for type 2 diabetes.
    DmManaged,
    DmStandard,
    DmControlled,
}

impl Measure {
    /// A stock is one figure per year, kept at the year's January and never stored: a
    /// span reads the stock of the year of its last month, whatever its length. Flows
    /// are summed over the span's months.
    pub fn is_stock(self) -> bool {
        matches!(self, Measure::Residents | Measure::Posted) || self.is_kept_by_year()
    }

    /// A stock stored as intervals of years, read as the sum of its entries up to the
    /// year's January (the chronic-care counters).
    pub fn is_kept_by_year(self) -> bool {
        matches!(
            self,
            Measure::HtnManaged
                | Measure::HtnStandard
                | Measure::HtnControlled
                | Measure::DmManaged
                | Measure::DmStandard
                | Measure::DmControlled
        )
    }
}

crate::codes!(Measure {
    Visits => "visits",
    Stays => "stays",
    Fund => "fund",
    Cost => "cost",
    OutVisits => "out_visits",
    OutStays => "out_stays",
    OutFund => "out_fund",
    OutCost => "out_cost",
    OutReferred => "out_referred",
    RefUp => "ref_up",
    RefUpIn => "ref_up_in",
    RefDown => "ref_down",
    EcgRead => "ecg_read",
    EcgUrgent => "ecg_urgent",
    EcgUrgentOnTime => "ecg_urgent_on_time",
    OutreachHeld => "outreach_held",
    OutreachServed => "outreach_served",
    ConsultAnswered => "consult_answered",
    GreenAdmitted => "green_admitted",
    GreenOnTime => "green_on_time",
    Residents => "residents",
    Posted => "posted",
    HtnManaged => "htn_managed",
    HtnStandard => "htn_standard",
    HtnControlled => "htn_controlled",
    DmManaged => "dm_managed",
    DmStandard => "dm_standard",
    DmControlled => "dm_controlled"
});

/// What a held outreach session adds to its place's month (the month of its day).
pub fn of_session(people_served: i64) -> [(Measure, i64); 2] {
    [
        (Measure::OutreachHeld, 1),
        (Measure::OutreachServed, people_served),
    ]
}

/// Urgent and emergency ECGs are to be reported within ten minutes of upload.
pub const ECG_URGENT_SECONDS: i64 = 600;

/// What a reported ECG adds to its sending institution: counted in the month (China
/// time) of its report; urgent (urgency rank 0 or 1) and on time when reported within
/// [`ECG_URGENT_SECONDS`] whole seconds of upload.
pub fn of_ecg_report(
    urgency_rank: i32,
    uploaded: OffsetDateTime,
    reported: OffsetDateTime,
) -> (Month, [(Measure, i64); 3]) {
    let urgent = urgency_rank < 2;
    let on_time = urgent && (reported - uploaded).whole_seconds() <= ECG_URGENT_SECONDS;
    (
        Month::of(crate::clock::local_date(reported)),
        [
            (Measure::EcgRead, 1),
            (Measure::EcgUrgent, i64::from(urgent)),
            (Measure::EcgUrgentOnTime, i64::from(on_time)),
        ],
    )
}

/// What an answered teleconsultation adds to the asking institution: counted in the
/// month (China time) of the answer.
pub fn of_consult(answered: OffsetDateTime) -> (Month, [(Measure, i64); 1]) {
    (
        Month::of(crate::clock::local_date(answered)),
        [(Measure::ConsultAnswered, 1)],
    )
}

/// What a green-channel admission adds to its sender's month: the month of its day.
pub fn of_green(a: &crate::referral::Admission) -> (Month, [(Measure, i64); 2]) {
    (
        Month::of(a.day),
        [
            (Measure::GreenAdmitted, 1),
            (Measure::GreenOnTime, i64::from(a.on_time())),
        ],
    )
}

/// What one encounter adds to its institution's month.
pub fn of_encounter(e: &ValidEncounter) -> [(Measure, i64); 3] {
    let count = match e.kind {
        Kind::Inpatient => Measure::Stays,
        Kind::Outpatient | Kind::Emergency => Measure::Visits,
    };
    [
        (count, 1),
        (Measure::Fund, e.insurance_fen),
        (Measure::Cost, e.total_fen),
    ]
}

/// What one outside visit adds to its resident's institution's month.
pub fn of_outside(o: &ValidOutside, referred: bool) -> [(Measure, i64); 4] {
    let count = match o.kind {
        Kind::Inpatient => Measure::OutStays,
        Kind::Outpatient | Kind::Emergency => Measure::OutVisits,
    };
    [
        (count, 1),
        (Measure::OutFund, o.insurance_fen),
        (Measure::OutCost, o.total_fen),
        (Measure::OutReferred, i64::from(referred)),
    ]
}

/// What an accepted referral adds to its month: an upward one counts at both ends (sent
/// by one institution, received by another), a downward one at the hospital that sent it.
pub fn of_acceptance(direction: Direction, from: Uuid, to: Uuid) -> Vec<(Uuid, Measure)> {
    match direction {
        Direction::Up => vec![(from, Measure::RefUp), (to, Measure::RefUpIn)],
        Direction::Down => vec![(from, Measure::RefDown)],
    }
}

/// Counters by month, institution and measure; zero entries are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(BTreeMap<(Measure, Month, Uuid), i64>);

impl Tally {
    /// Adds `sign` (1 or −1) times each contribution.
    pub fn add(&mut self, month: Month, institution: Uuid, parts: &[(Measure, i64)], sign: i64) {
        for &(m, v) in parts {
            if v == 0 {
                continue;
            }
            let e = self.0.entry((m, month, institution)).or_default();
            *e += sign * v;
            if *e == 0 {
                self.0.remove(&(m, month, institution));
            }
        }
    }

    /// Adds `count` referrals of one direction between `from` and `to`, accepted in
    /// `month` (see [`of_acceptance`]).
    pub fn add_acceptances(
        &mut self,
        month: Month,
        direction: Direction,
        (from, to): (Uuid, Uuid),
        count: i64,
    ) {
        for (i, m) in of_acceptance(direction, from, to) {
            self.add(month, i, &[(m, count)], 1);
        }
    }

    pub fn get(&self, month: Month, institution: Uuid, m: Measure) -> i64 {
        self.0.get(&(m, month, institution)).copied().unwrap_or(0)
    }

    pub fn entries(&self) -> impl Iterator<Item = (Month, Uuid, Measure, i64)> + '_ {
        self.0.iter().map(|(&(m, mo, i), &v)| (mo, i, m, v))
    }

    /// One counter's entries from month `first` to `last`, per institution and month: a
    /// range of the map, not a scan of it (entries are ordered by counter, then month).
    pub fn of_measure(
        &self,
        m: Measure,
        (first, last): (Month, Month),
    ) -> impl Iterator<Item = (Uuid, i64)> + '_ {
        let low = (m, first, Uuid::nil());
        let high = (m, last, Uuid::from_u128(u128::MAX));
        self.0.range(low..=high).map(|(&(_, _, i), &v)| (i, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every entry of `more`.
    pub fn merge(&mut self, more: &Tally) {
        for (&(m, mo, i), &v) in &more.0 {
            self.add(mo, i, &[(m, v)], 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::encounter::{EncounterInput, validate};
    use time::macros::date;

    #[test]
    fn a_visit_and_a_stay_add_to_their_months_and_taking_one_back_leaves_nothing() {
        let visit = validate(
            &EncounterInput {
                visit_no: "1".into(),
                department: "全科".into(),
                id_number: "11010519491231002X".into(),
                kind: "急诊".into(),
                started_on: "2026-03-31".into(),
                ended_on: String::new(),
                diagnoses: "J06.9".into(),
                total_fen: "5000".into(),
                insurance_fen: "3000".into(),
            },
            date!(2026 - 12 - 31),
        )
        .expect("valid");
        let stay = ValidEncounter {
            kind: Kind::Inpatient,
            ended_on: Some(date!(2026 - 04 - 02)),
            total_fen: 300_000,
            insurance_fen: 210_000,
            ..visit.clone()
        };
        let at = Uuid::from_u128(7);
        let mut t = Tally::default();
        t.add(visit.month(), at, &of_encounter(&visit), 1);
        t.add(stay.month(), at, &of_encounter(&stay), 1);
        let march = Month::parse("2026-03").expect("valid");
        let april = Month::parse("2026-04").expect("valid");
        assert_eq!(t.get(march, at, Measure::Visits), 1);
        assert_eq!(t.get(march, at, Measure::Fund), 3000);
        assert_eq!(t.get(april, at, Measure::Stays), 1);
        assert_eq!(t.get(april, at, Measure::Cost), 300_000);
        assert_eq!(t.get(march, at, Measure::Stays), 0);
        t.add(visit.month(), at, &of_encounter(&visit), -1);
        t.add(stay.month(), at, &of_encounter(&stay), -1);
        assert!(t.is_empty());
    }

    #[test]
    fn an_urgent_ecg_is_on_time_within_ten_minutes_and_counts_in_its_report_month() {
        use time::macros::datetime;
        let up = datetime!(2026-03-31 15:52 UTC);
        // Ten minutes exactly: on time; reported at 00:02 on 1 April in China.
        let (m, parts) = of_ecg_report(1, up, datetime!(2026-03-31 16:02 UTC));
        assert_eq!(m.key(), "2026-04");
        assert_eq!(parts.map(|p| p.1), [1, 1, 1]);
        // A second more is late; a routine one is neither urgent nor on time.
        let (m, parts) = of_ecg_report(0, up, datetime!(2026-03-31 16:02:01 UTC));
        assert_eq!((m.key(), parts.map(|p| p.1)), ("2026-04".into(), [1, 1, 0]));
        let (m, parts) = of_ecg_report(2, up, datetime!(2026-03-31 15:55 UTC));
        assert_eq!((m.key(), parts.map(|p| p.1)), ("2026-03".into(), [1, 0, 0]));
    }

    #[test]
    fn an_upward_referral_counts_at_both_ends_and_a_downward_one_at_its_sender() {
        let (township, lead) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(
            of_acceptance(Direction::Up, township, lead),
            vec![(township, Measure::RefUp), (lead, Measure::RefUpIn)]
        );
        assert_eq!(
            of_acceptance(Direction::Down, lead, township),
            vec![(lead, Measure::RefDown)]
        );
    }
}
