//! Member points (党员积分制): rules that add or deduct, some capped per year, a ledger
//! per member where an entry that came from a platform event (an attended meeting, an
//! expert session at a township) is never counted twice, and a yearly ranking per branch.

use std::collections::HashMap;
use uuid::Uuid;

/// A rule of the points tree (`attendance`, `volunteer`, `deduction.absence`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct PointRule {
    pub code: String,
    /// The group it sits in, for the tree.
    pub parent: Option<String>,
    /// Points per occurrence; negative deducts.
    pub points: i32,
    /// The most (or, for deductions, the least) a member gets from it in a year.
    pub yearly_cap: Option<i32>,
}

/// The default tree (seeds 003 and 004 describe such schemes; regions publish their own,
/// so the committee may change each rule's points and cap): (code, group, points,
/// yearly cap). A group's rules share its prefix.
pub const DEFAULT_RULES: [(&str, &str, i32, Option<i32>); 8] = [
    ("attendance", "basic", 2, Some(60)),
    ("volunteer", "service", 3, Some(30)),
    ("outreach", "service", 5, Some(50)),
    ("mentoring", "service", 5, Some(20)),
    ("commendation", "honour", 10, None),
    ("innovation", "honour", 5, Some(20)),
    ("absence", "deduction", -2, Some(-20)),
    ("discipline", "deduction", -10, None),
];

/// The rules in force: the defaults, each replaced by the community's own setting of
/// (points, cap) where it has one.
pub fn effective_rules(overrides: &[(String, i32, Option<i32>)]) -> Vec<PointRule> {
    DEFAULT_RULES
        .iter()
        .map(|(code, group, points, cap)| {
            let own = overrides.iter().find(|(c, ..)| c == code);
            PointRule {
                code: code.to_string(),
                parent: Some(group.to_string()),
                points: own.map_or(*points, |o| o.1),
                yearly_cap: own.map_or(*cap, |o| o.2),
            }
        })
        .collect()
}

/// Why a rule's setting is refused: points of nothing, a sign that is not the rule's
/// kind (a deduction deducts), or a cap on the other side of zero from the points.
pub fn check_setting(code: &str, points: i32, cap: Option<i32>) -> Result<(), &'static str> {
    let deducts = DEFAULT_RULES
        .iter()
        .find(|r| r.0 == code)
        .ok_or("invalid_field")?
        .2
        < 0;
    if points == 0 || (points < 0) != deducts || points.abs() > 100 {
        return Err("points_invalid");
    }
    match cap {
        Some(c) if c.signum() != points.signum() || c.abs() < points.abs() => Err("cap_invalid"),
        _ => Ok(()),
    }
}

/// One line of a member's ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct PointEntry {
    pub member: Uuid,
    pub rule: String,
    pub points: i32,
    pub year: i32,
    /// The platform event it came from (`meeting:<id>`, `outreach:<id>`), if any.
    pub source: Option<String>,
}

/// Why an award is not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointsProblem {
    /// The member already has points for this event.
    Twice,
    /// The rule's yearly cap is reached.
    Capped,
}

impl PointsProblem {
    pub fn code(self) -> &'static str {
        match self {
            PointsProblem::Twice => "points_twice",
            PointsProblem::Capped => "points_capped",
        }
    }
}

/// The entry to write for one occurrence of `rule` for `member`, given the member's
/// ledger: never twice for one event, and cut to what the yearly cap leaves.
pub fn award(
    ledger: &[PointEntry],
    rule: &PointRule,
    member: Uuid,
    year: i32,
    source: Option<&str>,
) -> Result<PointEntry, PointsProblem> {
    let mine = ledger.iter().filter(|e| e.member == member);
    if let Some(src) = source
        && mine.clone().any(|e| e.source.as_deref() == Some(src))
    {
        return Err(PointsProblem::Twice);
    }
    let so_far: i32 = mine
        .filter(|e| e.rule == rule.code && e.year == year)
        .map(|e| e.points)
        .sum();
    let points = match rule.yearly_cap {
        Some(cap) if cap >= 0 => rule.points.min(cap - so_far),
        Some(cap) => rule.points.max(cap - so_far),
        None => rule.points,
    };
    if points == 0 || points.signum() != rule.points.signum() {
        return Err(PointsProblem::Capped);
    }
    Ok(PointEntry {
        member,
        rule: rule.code.clone(),
        points,
        year,
        source: source.map(str::to_string),
    })
}

/// Members of a branch by their points in `year`, most first (ties by id, so the order
/// is stable); a member with no entry has 0.
pub fn ranking(ledger: &[PointEntry], members: &[Uuid], year: i32) -> Vec<(Uuid, i32)> {
    let mut totals: HashMap<Uuid, i32> = members.iter().map(|m| (*m, 0)).collect();
    for e in ledger.iter().filter(|e| e.year == year) {
        if let Some(t) = totals.get_mut(&e.member) {
            *t += e.points;
        }
    }
    let mut out: Vec<(Uuid, i32)> = totals.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(code: &str, points: i32, cap: Option<i32>) -> PointRule {
        PointRule {
            code: code.into(),
            parent: None,
            points,
            yearly_cap: cap,
        }
    }

    #[test]
    fn the_communitys_setting_replaces_a_default_and_is_checked() {
        let rules = effective_rules(&[("volunteer".into(), 4, Some(40))]);
        assert_eq!(rules.len(), DEFAULT_RULES.len());
        let v = rules
            .iter()
            .find(|r| r.code == "volunteer")
            .expect("volunteer");
        assert_eq!(
            (v.points, v.yearly_cap, v.parent.as_deref()),
            (4, Some(40), Some("service"))
        );
        let a = rules
            .iter()
            .find(|r| r.code == "attendance")
            .expect("attendance");
        assert_eq!(
            (a.points, a.yearly_cap),
            (2, Some(60)),
            "the default where none is set"
        );
        assert_eq!(check_setting("volunteer", 4, Some(40)), Ok(()));
        assert_eq!(check_setting("volunteer", 4, None), Ok(()));
        assert_eq!(
            check_setting("volunteer", -4, None),
            Err("points_invalid"),
            "a service adds"
        );
        assert_eq!(
            check_setting("absence", 3, None),
            Err("points_invalid"),
            "a deduction deducts"
        );
        assert_eq!(check_setting("absence", -3, Some(-30)), Ok(()));
        assert_eq!(check_setting("volunteer", 0, None), Err("points_invalid"));
        assert_eq!(
            check_setting("volunteer", 5, Some(3)),
            Err("cap_invalid"),
            "below one award"
        );
        assert_eq!(check_setting("volunteer", 5, Some(-10)), Err("cap_invalid"));
        assert_eq!(check_setting("luck", 5, None), Err("invalid_field"));
    }

    #[test]
    fn an_event_never_counts_twice() {
        let m = Uuid::from_u128(1);
        let attend = rule("attendance", 2, None);
        let first = award(&[], &attend, m, 2026, Some("meeting:7")).expect("points");
        assert_eq!(first.points, 2);
        let ledger = vec![first];
        assert_eq!(
            award(&ledger, &attend, m, 2026, Some("meeting:7")),
            Err(PointsProblem::Twice)
        );
        // Another member at the same meeting, or the same member at the next one, count.
        assert!(
            award(
                &ledger,
                &attend,
                Uuid::from_u128(2),
                2026,
                Some("meeting:7")
            )
            .is_ok()
        );
        assert!(award(&ledger, &attend, m, 2026, Some("meeting:8")).is_ok());
        // Hand-entered points carry no event and are not deduplicated.
        assert!(award(&ledger, &attend, m, 2026, None).is_ok());
    }

    #[test]
    fn a_yearly_cap_cuts_the_last_award_and_then_refuses() {
        let m = Uuid::from_u128(1);
        let volunteer = rule("volunteer", 3, Some(10));
        let mut ledger = Vec::new();
        for _ in 0..3 {
            ledger.push(award(&ledger, &volunteer, m, 2026, None).expect("under the cap"));
        }
        let last = award(&ledger, &volunteer, m, 2026, None).expect("what the cap leaves");
        assert_eq!(last.points, 1, "9 so far, cap 10");
        ledger.push(last);
        assert_eq!(
            award(&ledger, &volunteer, m, 2026, None),
            Err(PointsProblem::Capped)
        );
        assert_eq!(
            award(&ledger, &volunteer, m, 2027, None).map(|e| e.points),
            Ok(3)
        );
        // A deduction capped at -6 a year.
        let absence = rule("deduction.absence", -4, Some(-6));
        let d1 = award(&[], &absence, m, 2026, None).expect("deducted");
        let d2 = award(std::slice::from_ref(&d1), &absence, m, 2026, None).expect("to the cap");
        assert_eq!((d1.points, d2.points), (-4, -2));
    }

    #[test]
    fn a_branch_ranks_its_members_by_the_year() {
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let e = |member, points, year| PointEntry {
            member,
            rule: "attendance".into(),
            points,
            year,
            source: None,
        };
        let ledger = vec![e(a, 5, 2026), e(b, 9, 2026), e(a, 6, 2026), e(c, 30, 2025)];
        assert_eq!(
            ranking(&ledger, &[a, b, c], 2026),
            vec![(a, 11), (b, 9), (c, 0)]
        );
    }
}
