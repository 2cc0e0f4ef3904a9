//! Family-doctor teams and contracts (家庭医生签约): who makes a "1+2+1+N" team, which
//! key populations a resident belongs to, and the yearly contract term with its
//! renewal window.

use crate::chronic::Disease;
use crate::registry::InstitutionKind;
use time::{Date, Duration};

/// A member's part in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRole {
    /// The county specialist (the "1" from the lead or a member hospital).
    Specialist,
    /// The township clinician.
    TownshipClinician,
    /// The township public-health doctor.
    PublicHealth,
    /// The village doctor.
    VillageDoctor,
    Nurse,
    Pharmacist,
    Lab,
}

impl MemberRole {
    pub const ALL: [MemberRole; 7] = [
        MemberRole::Specialist,
        MemberRole::TownshipClinician,
        MemberRole::PublicHealth,
        MemberRole::VillageDoctor,
        MemberRole::Nurse,
        MemberRole::Pharmacist,
        MemberRole::Lab,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::Specialist => "specialist",
            MemberRole::TownshipClinician => "township_clinician",
            MemberRole::PublicHealth => "public_health",
            MemberRole::VillageDoctor => "village_doctor",
            MemberRole::Nurse => "nurse",
            MemberRole::Pharmacist => "pharmacist",
            MemberRole::Lab => "lab",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether someone working at an institution of `kind` can hold this role.
    pub fn fits(self, kind: InstitutionKind) -> bool {
        use InstitutionKind::*;
        match self {
            MemberRole::Specialist => matches!(kind, Lead | Member),
            MemberRole::TownshipClinician | MemberRole::PublicHealth => kind == Township,
            MemberRole::VillageDoctor => kind == Village,
            MemberRole::Nurse | MemberRole::Pharmacist | MemberRole::Lab => kind != Bureau,
        }
    }
}

/// Why a team cannot be formed as proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamProblem {
    /// A "1+2+1" role nobody fills.
    Missing(MemberRole),
    /// A member whose workplace does not fit the role.
    WrongLevel(MemberRole),
    /// The leader is not one of the members.
    LeaderNotMember,
    /// One person proposed for a second role (the role named is the second).
    Twice(MemberRole),
}

impl TeamProblem {
    pub fn code(self) -> &'static str {
        match self {
            TeamProblem::Missing(_) => "team_role_missing",
            TeamProblem::WrongLevel(_) => "team_role_wrong_level",
            TeamProblem::LeaderNotMember => "team_leader_not_member",
            TeamProblem::Twice(_) => "team_member_twice",
        }
    }
}

/// Checks a proposed team: members as (role, kind of their institution, person), and the
/// index of the leader among them. Each person holds one role.
pub fn check_team(
    members: &[(MemberRole, InstitutionKind, uuid::Uuid)],
    leader: usize,
) -> Result<(), TeamProblem> {
    for (i, (role, _, person)) in members.iter().enumerate() {
        if members[..i].iter().any(|m| m.2 == *person) {
            return Err(TeamProblem::Twice(*role));
        }
    }
    if let Some((role, _, _)) = members.iter().find(|(r, k, _)| !r.fits(*k)) {
        return Err(TeamProblem::WrongLevel(*role));
    }
    for required in [
        MemberRole::Specialist,
        MemberRole::TownshipClinician,
        MemberRole::PublicHealth,
        MemberRole::VillageDoctor,
    ] {
        if !members.iter().any(|(r, _, _)| *r == required) {
            return Err(TeamProblem::Missing(required));
        }
    }
    if leader >= members.len() {
        return Err(TeamProblem::LeaderNotMember);
    }
    Ok(())
}

/// Key populations (重点人群) of the contract service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyGroup {
    Elderly,
    Hypertension,
    Diabetes,
    Pregnant,
    Child,
    SevereMental,
    Tuberculosis,
    Disabled,
    LowIncome,
}

impl KeyGroup {
    pub const ALL: [KeyGroup; 9] = [
        KeyGroup::Elderly,
        KeyGroup::Hypertension,
        KeyGroup::Diabetes,
        KeyGroup::Pregnant,
        KeyGroup::Child,
        KeyGroup::SevereMental,
        KeyGroup::Tuberculosis,
        KeyGroup::Disabled,
        KeyGroup::LowIncome,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyGroup::Elderly => "elderly",
            KeyGroup::Hypertension => "hypertension",
            KeyGroup::Diabetes => "diabetes",
            KeyGroup::Pregnant => "pregnant",
            KeyGroup::Child => "child",
            KeyGroup::SevereMental => "severe_mental",
            KeyGroup::Tuberculosis => "tuberculosis",
            KeyGroup::Disabled => "disabled",
            KeyGroup::LowIncome => "low_income",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// Whether the registry and the registers decide this group (it cannot be set by hand).
    pub fn derived(self) -> bool {
        matches!(
            self,
            KeyGroup::Elderly | KeyGroup::Child | KeyGroup::Hypertension | KeyGroup::Diabetes
        )
    }
}

/// The service package a contract signs for (服务包). Stored and sent as its code; the
/// label is in the message files (`family.package.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Package {
    /// 基础包: for residents in no key group.
    Basic,
    /// 重点人群包: for residents in any key group.
    KeyPopulation,
    /// 老年人健康包
    Elderly,
    /// 慢病管理包
    Chronic,
    /// 母婴健康包
    MaternalChild,
}

impl Package {
    pub const ALL: [Package; 5] = [
        Package::Basic,
        Package::KeyPopulation,
        Package::Elderly,
        Package::Chronic,
        Package::MaternalChild,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Package::Basic => "basic",
            Package::KeyPopulation => "key_population",
            Package::Elderly => "elderly",
            Package::Chronic => "chronic",
            Package::MaternalChild => "maternal_child",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The package a contract gets when none is chosen: the key-population package for
    /// a resident in any key group, the basic one otherwise.
    pub fn default_for(groups: &[KeyGroup]) -> Self {
        if groups.is_empty() {
            Package::Basic
        } else {
            Package::KeyPopulation
        }
    }
}

/// Whole years from `birth` to `on`.
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// From this age on, a resident is in the elderly key group (老年人).
pub const ELDERLY_FROM_AGE: u32 = 65;
/// Below this age, a resident is in the children's key group (0–6 岁儿童).
pub const CHILD_BELOW_AGE: u32 = 7;

/// The same age rules as birth dates on a day, for queries that select by birth date:
/// elderly when born on or before `elderly_born_by`, a child when born after
/// `child_born_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeBounds {
    pub elderly_born_by: Date,
    pub child_born_after: Date,
}

pub fn age_bounds(on: Date) -> AgeBounds {
    let years_before = |n: u32| on.replace_year(on.year() - n as i32).unwrap_or(on);
    AgeBounds {
        elderly_born_by: years_before(ELDERLY_FROM_AGE),
        child_born_after: years_before(CHILD_BELOW_AGE),
    }
}

/// The groups the registry and the registers put a resident in: 65 and over, children
/// under 7 (0–6), and the diseases on register.
pub fn derived_groups(birth: Date, on: Date, registers: &[Disease]) -> Vec<KeyGroup> {
    let age = age_on(birth, on);
    let mut out = Vec::new();
    if age >= ELDERLY_FROM_AGE {
        out.push(KeyGroup::Elderly);
    }
    if age < CHILD_BELOW_AGE {
        out.push(KeyGroup::Child);
    }
    if registers.contains(&Disease::Hypertension) {
        out.push(KeyGroup::Hypertension);
    }
    if registers.contains(&Disease::Diabetes) {
        out.push(KeyGroup::Diabetes);
    }
    out
}

/// A contract's year: from `start` to `end`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub start: Date,
    pub end: Date,
}

/// Days before the end of a term from which a contract is due for renewal.
pub const RENEWAL_WINDOW_DAYS: i64 = 30;

impl Term {
    /// One year from `start` (29 February starts end on 28 February).
    pub fn year_from(start: Date) -> Term {
        let next = start.replace_year(start.year() + 1).unwrap_or_else(|_| {
            Date::from_calendar_date(start.year() + 1, time::Month::March, 1).unwrap_or(start)
        });
        Term {
            start,
            end: next - Duration::days(1),
        }
    }

    /// The year after this one.
    pub fn renewed(self) -> Term {
        Term::year_from(self.end + Duration::days(1))
    }

    pub fn covers(self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }

    /// Due for renewal on `day`: within the window before the end, or past the end.
    pub fn renewal_due(self, day: Date) -> bool {
        day >= self.end - Duration::days(RENEWAL_WINDOW_DAYS)
    }
}

/// Why a contract ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The resident moved away.
    Moved,
    Deceased,
    /// The resident declined to continue.
    Declined,
    /// Moved to another team.
    Transferred,
    /// The year ran out without renewal.
    Expired,
}

impl EndReason {
    pub const ALL: [EndReason; 5] = [
        EndReason::Moved,
        EndReason::Deceased,
        EndReason::Declined,
        EndReason::Transferred,
        EndReason::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Moved => "moved",
            EndReason::Deceased => "deceased",
            EndReason::Declined => "declined",
            EndReason::Transferred => "transferred",
            EndReason::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InstitutionKind::*;
    use time::macros::date;

    fn person(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn full_team() -> Vec<(MemberRole, InstitutionKind, uuid::Uuid)> {
        vec![
            (MemberRole::Specialist, Lead, person(1)),
            (MemberRole::TownshipClinician, Township, person(2)),
            (MemberRole::PublicHealth, Township, person(3)),
            (MemberRole::VillageDoctor, Village, person(4)),
            (MemberRole::Nurse, Township, person(5)),
        ]
    }

    #[test]
    fn a_team_is_one_two_one_and_n_at_the_right_levels() {
        assert_eq!(check_team(&full_team(), 1), Ok(()));
        let mut no_village = full_team();
        no_village.retain(|(r, _, _)| *r != MemberRole::VillageDoctor);
        assert_eq!(
            check_team(&no_village, 0),
            Err(TeamProblem::Missing(MemberRole::VillageDoctor))
        );
        let mut wrong = full_team();
        wrong[0] = (MemberRole::Specialist, Village, person(1));
        assert_eq!(
            check_team(&wrong, 0),
            Err(TeamProblem::WrongLevel(MemberRole::Specialist))
        );
        // The township clinician proposed again as the team's nurse.
        let mut twice = full_team();
        twice[4].2 = person(2);
        assert_eq!(
            check_team(&twice, 0),
            Err(TeamProblem::Twice(MemberRole::Nurse))
        );
        assert_eq!(
            check_team(&full_team(), 9),
            Err(TeamProblem::LeaderNotMember)
        );
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
            assert!(!r.fits(Bureau));
        }
    }

    #[test]
    fn a_key_group_chooses_the_key_population_package() {
        assert_eq!(Package::default_for(&[]), Package::Basic);
        assert_eq!(
            Package::default_for(&[KeyGroup::Pregnant]),
            Package::KeyPopulation
        );
        for p in Package::ALL {
            assert_eq!(Package::parse(p.as_str()), Some(p));
        }
        assert_eq!(Package::parse("基础包"), None, "codes, not labels");
    }

    #[test]
    fn birth_date_bounds_agree_with_ages() {
        let on = date!(2026 - 11 - 29);
        let b = age_bounds(on);
        assert_eq!(b.elderly_born_by, date!(1961 - 11 - 29));
        assert_eq!(b.child_born_after, date!(2019 - 11 - 29));
        // A day either side of each bound: the dates say what the ages say.
        for birth in [
            date!(1961 - 11 - 28),
            date!(1961 - 11 - 29),
            date!(1961 - 11 - 30),
            date!(2019 - 11 - 28),
            date!(2019 - 11 - 29),
            date!(2019 - 11 - 30),
        ] {
            let groups = derived_groups(birth, on, &[]);
            assert_eq!(
                birth <= b.elderly_born_by,
                groups.contains(&KeyGroup::Elderly),
                "{birth}"
            );
            assert_eq!(
                birth > b.child_born_after,
                groups.contains(&KeyGroup::Child),
                "{birth}"
            );
        }
    }

    #[test]
    fn groups_follow_age_and_registers() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(age_on(date!(1961 - 11 - 22), today), 65);
        assert_eq!(age_on(date!(1961 - 11 - 23), today), 64);
        assert_eq!(
            derived_groups(date!(1961 - 11 - 22), today, &[]),
            vec![KeyGroup::Elderly]
        );
        assert!(derived_groups(date!(1961 - 11 - 23), today, &[]).is_empty());
        assert_eq!(
            derived_groups(date!(2019 - 11 - 23), today, &[]),
            vec![KeyGroup::Child]
        );
        assert!(
            derived_groups(date!(2019 - 11 - 22), today, &[]).is_empty(),
            "7 today"
        );
        assert_eq!(
            derived_groups(
                date!(1970 - 01 - 01),
                today,
                &[Disease::Diabetes, Disease::Hypertension]
            ),
            vec![KeyGroup::Hypertension, KeyGroup::Diabetes]
        );
        assert!(KeyGroup::Elderly.derived() && !KeyGroup::LowIncome.derived());
        for g in KeyGroup::ALL {
            assert_eq!(KeyGroup::parse(g.as_str()), Some(g));
        }
    }

    #[test]
    fn a_contract_runs_a_year_and_is_due_for_renewal_in_its_last_month() {
        let t = Term::year_from(date!(2026 - 01 - 15));
        assert_eq!(t.end, date!(2027 - 01 - 14));
        assert!(t.covers(date!(2026 - 01 - 15)) && t.covers(date!(2027 - 01 - 14)));
        assert!(!t.covers(date!(2027 - 01 - 15)));
        assert!(!t.renewal_due(date!(2026 - 12 - 14)));
        assert!(t.renewal_due(date!(2026 - 12 - 15)));
        assert!(t.renewal_due(date!(2027 - 02 - 01)), "past the end");
        assert_eq!(
            t.renewed(),
            Term {
                start: date!(2027 - 01 - 15),
                end: date!(2028 - 01 - 14)
            }
        );
        let leap = Term::year_from(date!(2028 - 02 - 29));
        assert_eq!(leap.end, date!(2029 - 02 - 28));
        for r in EndReason::ALL {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
        }
    }
}
