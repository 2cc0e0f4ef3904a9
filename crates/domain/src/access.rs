//! Roles and scope: who may see which residents, and who sees identifiers whole.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::registry::InstitutionKind;

/// 角色 — what an account does in the community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 医共体管理办公室
    Manager,
    /// 县级专家
    Specialist,
    /// 乡镇医生
    TownshipDoctor,
    /// 村医
    VillageDoctor,
    /// 党组织书记
    PartySecretary,
    /// 卫健局
    BureauViewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Manager,
        Role::Specialist,
        Role::TownshipDoctor,
        Role::VillageDoctor,
        Role::PartySecretary,
        Role::BureauViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Specialist => "specialist",
            Role::TownshipDoctor => "township_doctor",
            Role::VillageDoctor => "village_doctor",
            Role::PartySecretary => "party_secretary",
            Role::BureauViewer => "bureau_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Which residents this role may open, relative to the account's institution.
    pub fn resident_reach(self) -> Reach {
        match self {
            Role::Admin | Role::Manager | Role::Specialist => Reach::Community,
            Role::TownshipDoctor => Reach::InstitutionAndChildren,
            Role::VillageDoctor => Reach::Institution,
            Role::PartySecretary | Role::BureauViewer => Reach::Nothing,
        }
    }

    /// Whether the role registers and corrects identities and so sees them whole.
    pub fn sees_full_identifiers(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Whether the role sees a resident's phone number whole where it is shown for
    /// `at`. The office registers and corrects numbers; grassroots doctors phone the
    /// people on their call lists; everyone else gets the mask.
    pub fn sees_whole_phone(self, at: PhoneUse) -> bool {
        match self {
            Role::Admin | Role::Manager => true,
            Role::TownshipDoctor | Role::VillageDoctor => at == PhoneUse::CallList,
            Role::Specialist | Role::PartySecretary | Role::BureauViewer => false,
        }
    }

    /// Whether an ID number or phone typed by this role may be looked up exactly (an
    /// identifier probe): the roles that see them masked are throttled and audited.
    pub fn probes_identifiers(self) -> bool {
        !self.sees_full_identifiers()
    }

    /// Whether the role may create and edit residents (inside its reach).
    pub fn edits_residents(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::Manager | Role::TownshipDoctor | Role::VillageDoctor
        )
    }

    /// Whether the role sees patients (and so may record a screening, inside its reach).
    pub fn clinical(self) -> bool {
        matches!(
            self,
            Role::Specialist | Role::TownshipDoctor | Role::VillageDoctor
        )
    }

    /// Whether the role maintains institutions, departments and staff.
    pub fn edits_registry(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }

    /// Whether the role sees the community's figures across every institution (coverage,
    /// control, referral and contract figures): the office that runs the community and
    /// the county health bureau that it reports to.
    pub fn sees_figures(self) -> bool {
        matches!(self, Role::Admin | Role::Manager | Role::BureauViewer)
    }

    /// Whether the role's home shows the community's headline figures (referrals this
    /// month, green-channel timeliness, ECG turnaround, contract coverage, control): the
    /// office, the party secretary and the health bureau.
    pub fn reads_headlines(self) -> bool {
        matches!(
            self,
            Role::Manager | Role::PartySecretary | Role::BureauViewer
        )
    }

    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Admin)
    }

    pub fn manages_accounts(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// The institution kinds an account of this role may belong to.
    pub fn fits_institution(self, kind: InstitutionKind) -> bool {
        match self {
            Role::Admin | Role::Manager | Role::PartySecretary => {
                matches!(kind, InstitutionKind::Lead | InstitutionKind::Member)
            }
            Role::Specialist => matches!(kind, InstitutionKind::Lead | InstitutionKind::Member),
            Role::TownshipDoctor => kind == InstitutionKind::Township,
            Role::VillageDoctor => kind == InstitutionKind::Village,
            Role::BureauViewer => kind == InstitutionKind::Bureau,
        }
    }
}

/// Where a phone number is shown, which decides whether it is needed whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneUse {
    /// A list of people to phone: follow-ups due or overdue, findings awaiting a
    /// confirming visit.
    CallList,
    /// A record, search result, referral, report or any other place.
    Record,
}

/// How far a role reaches over resident records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Community,
    InstitutionAndChildren,
    Institution,
    Nothing,
}

/// The concrete set of institutions whose residents an account may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResidentScope {
    /// Every resident of the community.
    All,
    /// Residents registered to one of these institutions.
    Institutions(Vec<Uuid>),
    /// None at all.
    None,
}

impl ResidentScope {
    /// Resolves a role's reach for an account at `home`, given `children` of `home`.
    pub fn resolve(role: Role, home: Uuid, children: &[Uuid]) -> Self {
        match role.resident_reach() {
            Reach::Community => ResidentScope::All,
            Reach::InstitutionAndChildren => {
                let mut v = Vec::with_capacity(children.len() + 1);
                v.push(home);
                v.extend_from_slice(children);
                ResidentScope::Institutions(v)
            }
            Reach::Institution => ResidentScope::Institutions(vec![home]),
            Reach::Nothing => ResidentScope::None,
        }
    }

    pub fn allows(&self, institution: Uuid) -> bool {
        match self {
            ResidentScope::All => true,
            ResidentScope::Institutions(v) => v.contains(&institution),
            ResidentScope::None => false,
        }
    }
}

/// Whether an account acts for `institution`'s side of a referral: the office for every
/// side, anyone for their own institution, a township doctor also for the village clinics
/// under the township.
pub fn acts_for(role: Role, home: Uuid, scope: &ResidentScope, institution: Uuid) -> bool {
    role.edits_registry()
        || institution == home
        || (role == Role::TownshipDoctor && scope.allows(institution))
}

/// Which referrals an account sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralScope {
    /// The community office and administrators: every referral.
    All,
    /// Grassroots: referrals sent from or to any of these institutions.
    Institutions(Vec<Uuid>),
    /// A hospital: referrals it sent, and those sent to it (to the department, if the
    /// account belongs to one).
    Receiving {
        institution: Uuid,
        department: Option<Uuid>,
    },
    None,
}

impl ReferralScope {
    pub fn resolve(role: Role, home: Uuid, department: Option<Uuid>, children: &[Uuid]) -> Self {
        match role {
            Role::Admin | Role::Manager => ReferralScope::All,
            Role::Specialist => ReferralScope::Receiving {
                institution: home,
                department,
            },
            Role::TownshipDoctor | Role::VillageDoctor => {
                match ResidentScope::resolve(role, home, children) {
                    ResidentScope::Institutions(v) => ReferralScope::Institutions(v),
                    _ => ReferralScope::None,
                }
            }
            Role::PartySecretary | Role::BureauViewer => ReferralScope::None,
        }
    }

    /// Whether a referral between these places is visible.
    pub fn allows(&self, from: Uuid, to: Uuid, to_department: Option<Uuid>) -> bool {
        match self {
            ReferralScope::All => true,
            ReferralScope::Institutions(v) => v.contains(&from) || v.contains(&to),
            ReferralScope::Receiving {
                institution,
                department,
            } => {
                from == *institution
                    || (to == *institution
                        && (department.is_none()
                            || to_department.is_none()
                            || to_department == *department))
            }
            ReferralScope::None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn the_office_and_the_bureau_see_the_figures() {
        let seeing: Vec<Role> = Role::ALL.into_iter().filter(|r| r.sees_figures()).collect();
        assert_eq!(seeing, [Role::Admin, Role::Manager, Role::BureauViewer]);
    }

    #[test]
    fn the_office_the_party_and_the_bureau_read_the_headlines() {
        let reading: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.reads_headlines())
            .collect();
        assert_eq!(
            reading,
            [Role::Manager, Role::PartySecretary, Role::BureauViewer]
        );
    }

    #[test]
    fn scopes() {
        let town = Uuid::now_v7();
        let v1 = Uuid::now_v7();
        let v2 = Uuid::now_v7();
        let s = ResidentScope::resolve(Role::TownshipDoctor, town, &[v1, v2]);
        assert!(s.allows(town) && s.allows(v1) && s.allows(v2));
        let s = ResidentScope::resolve(Role::VillageDoctor, v1, &[]);
        assert!(s.allows(v1) && !s.allows(v2) && !s.allows(town));
        assert!(ResidentScope::resolve(Role::Specialist, town, &[]).allows(v2));
        assert!(!ResidentScope::resolve(Role::BureauViewer, town, &[]).allows(town));
    }

    #[test]
    fn referral_scopes() {
        let (lead, card, neuro, town, v1, other) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let spec = ReferralScope::resolve(Role::Specialist, lead, Some(card), &[]);
        assert!(
            spec.allows(town, lead, Some(card))
                && !spec.allows(town, lead, Some(neuro))
                && spec.allows(lead, town, None)
        );
        let township = ReferralScope::resolve(Role::TownshipDoctor, town, None, &[v1]);
        assert!(
            township.allows(v1, lead, None)
                && township.allows(lead, town, None)
                && !township.allows(other, lead, None)
        );
        assert!(
            !ReferralScope::resolve(Role::BureauViewer, lead, None, &[]).allows(town, lead, None)
        );
    }

    #[test]
    fn whole_phones_only_where_someone_calls() {
        let whole = |at| -> Vec<Role> {
            Role::ALL
                .into_iter()
                .filter(|r| r.sees_whole_phone(at))
                .collect()
        };
        assert_eq!(whole(PhoneUse::Record), vec![Role::Admin, Role::Manager]);
        assert_eq!(
            whole(PhoneUse::CallList),
            vec![
                Role::Admin,
                Role::Manager,
                Role::TownshipDoctor,
                Role::VillageDoctor
            ]
        );
    }

    #[test]
    fn only_registrars_see_identifiers_whole() {
        let whole: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_full_identifiers())
            .collect();
        assert_eq!(whole, vec![Role::Admin, Role::Manager]);
    }
}
