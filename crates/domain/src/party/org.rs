//! Party organisations bound to institutions, members' statuses, and the figures the
//! seeds count: the full-time party workers a hospital needs (at least 0.5 % of its
//! staff), and the shares of double-leader (双带头人) and one-shoulder (一肩挑) secretaries.

/// A level of party organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// 党委: a hospital's or the community's committee.
    Committee,
    /// 党总支.
    GeneralBranch,
    /// 党支部: built on a department or a clinic (支部建在连上).
    Branch,
}

crate::codes!(OrgKind { Committee => "committee", GeneralBranch => "general_branch", Branch => "branch" });

impl OrgKind {
    /// The kind an organisation of this kind may sit under.
    pub fn allowed_parent(self) -> Option<OrgKind> {
        match self {
            OrgKind::Committee => None,
            OrgKind::GeneralBranch => Some(OrgKind::Committee),
            OrgKind::Branch => Some(OrgKind::Committee),
        }
    }

    /// Whether `parent` may hold an organisation of this kind (a branch may also sit in
    /// a general branch).
    pub fn fits_under(self, parent: Option<OrgKind>) -> bool {
        match (self, parent) {
            (OrgKind::Committee, None) => true,
            (OrgKind::Branch, Some(OrgKind::GeneralBranch)) => true,
            (k, p) => p.is_some() && p == k.allowed_parent(),
        }
    }
}

/// Where a member stands on the way to and in membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MemberStatus {
    /// 入党申请人.
    Applicant,
    /// 入党积极分子.
    Activist,
    /// 发展对象.
    Candidate,
    /// 预备党员.
    Probationary,
    /// 正式党员.
    Full,
}

crate::codes!(MemberStatus {
    Applicant => "applicant",
    Activist => "activist",
    Candidate => "candidate",
    Probationary => "probationary",
    Full => "full"
});

impl MemberStatus {
    /// Counted as a party member (probationary members are).
    pub fn is_member(self) -> bool {
        matches!(self, MemberStatus::Probationary | MemberStatus::Full)
    }
}

/// The full-time party workers a unit needs: at least 0.5 % of its staff, rounded up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullTimeRule {
    pub staff: u32,
    pub workers: u32,
    pub required: u32,
}

impl FullTimeRule {
    pub fn of(staff: u32, workers: u32) -> Self {
        FullTimeRule {
            staff,
            workers,
            required: (staff * 5).div_ceil(1000),
        }
    }

    pub fn met(&self) -> bool {
        self.workers >= self.required
    }
}

/// `n` of `of` as a share, none of nothing.
pub fn share(n: u32, of: u32) -> Option<f64> {
    (of > 0).then(|| f64::from(n) / f64::from(of))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_time_workers_are_half_a_percent_of_staff_rounded_up() {
        // Seed 000: 24 full-time workers meet the rule for 4,800 staff, not for 4,801.
        assert_eq!(FullTimeRule::of(4800, 24).required, 24);
        assert!(FullTimeRule::of(4800, 24).met());
        assert_eq!(FullTimeRule::of(4801, 24).required, 25);
        assert!(!FullTimeRule::of(4801, 24).met());
        assert_eq!(FullTimeRule::of(150, 1).required, 1);
        assert_eq!(FullTimeRule::of(0, 0).required, 0);
        assert!(FullTimeRule::of(0, 0).met());
    }

    #[test]
    fn branches_sit_under_committees_or_general_branches() {
        assert!(OrgKind::Committee.fits_under(None));
        assert!(!OrgKind::Committee.fits_under(Some(OrgKind::Committee)));
        assert!(OrgKind::Branch.fits_under(Some(OrgKind::Committee)));
        assert!(OrgKind::Branch.fits_under(Some(OrgKind::GeneralBranch)));
        assert!(!OrgKind::Branch.fits_under(None));
        assert!(!OrgKind::GeneralBranch.fits_under(Some(OrgKind::Branch)));
    }

    #[test]
    fn shares_of_flagged_secretaries() {
        // Seed 000: double-leader secretaries in all 23 clinical branches.
        assert_eq!(share(23, 23), Some(1.0));
        assert_eq!(share(0, 0), None);
        assert!(MemberStatus::Probationary.is_member() && !MemberStatus::Candidate.is_member());
    }
}
