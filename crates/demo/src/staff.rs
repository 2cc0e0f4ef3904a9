//! Staff of every institution: department sizes, a realistic title pyramid, and ages
//! and sexes that fit each title.

use crate::departments::{self, Profile};
use crate::names;
use crate::people::{self, IdRegistry, RENHUAI};
use crate::places::{Plan, Site};
use crate::rng::Rng;
use crate::{DemoDepartment, DemoStaff};
use std::ops::Range;
use yigong_domain::identity::Sex;
use yigong_domain::registry::ValidStaff;

/// Occupation groups; each has its own title ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Physician,
    Nurse,
    Pharmacist,
    Technician,
    PublicHealth,
    Admin,
}

/// Where an institution sits decides how high its titles reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Hospital,
    Township,
}

type Ladder = &'static [(&'static str, u32)];

/// Titles by weight, highest first; the first entry is also the department head's.
fn ladder(role: Role, level: Level) -> Ladder {
    match (role, level) {
        (Role::Physician, Level::Hospital) => &[
            ("chief_physician", 3),
            ("associate_chief_physician", 14),
            ("attending_physician", 36),
            ("resident_physician", 35),
            ("assistant_physician", 12),
        ],
        (Role::Physician, Level::Township) => &[
            ("associate_chief_physician", 4),
            ("attending_physician", 30),
            ("resident_physician", 36),
            ("assistant_physician", 30),
        ],
        (Role::Nurse, Level::Hospital) => &[
            ("chief_nurse", 1),
            ("associate_chief_nurse", 5),
            ("supervising_nurse", 18),
            ("senior_nurse", 35),
            ("nurse", 41),
        ],
        (Role::Nurse, Level::Township) => &[
            ("supervising_nurse", 10),
            ("senior_nurse", 35),
            ("nurse", 55),
        ],
        (Role::Pharmacist, Level::Hospital) => &[
            ("chief_pharmacist", 3),
            ("associate_chief_pharmacist", 10),
            ("supervising_pharmacist", 30),
            ("pharmacist", 57),
        ],
        (Role::Pharmacist, Level::Township) => {
            &[("supervising_pharmacist", 25), ("pharmacist", 75)]
        }
        (Role::Technician, Level::Hospital) => &[
            ("chief_technician", 3),
            ("associate_chief_technician", 10),
            ("supervising_technician", 30),
            ("technician", 57),
        ],
        (Role::Technician, Level::Township) => {
            &[("supervising_technician", 25), ("technician", 75)]
        }
        (Role::PublicHealth, Level::Hospital) => &[
            ("chief_physician", 4),
            ("associate_chief_physician", 10),
            ("attending_physician", 22),
            ("public_health_physician", 64),
        ],
        (Role::PublicHealth, Level::Township) => &[
            ("attending_physician", 15),
            ("public_health_physician", 70),
            ("assistant_physician", 15),
        ],
        (Role::Admin, _) => &[("administrator", 85), ("other", 15)],
    }
}

/// The occupation of the `k`-th member of a department (the head comes first).
fn role(rng: &mut Rng, profile: Profile, k: usize) -> Role {
    match profile {
        Profile::Clinical(nurses) => {
            // The second member is the head nurse.
            if k == 1 || (k > 1 && rng.percent(nurses)) {
                Role::Nurse
            } else {
                Role::Physician
            }
        }
        Profile::Diagnostic => {
            if k == 0 || rng.percent(55) {
                Role::Physician
            } else {
                Role::Technician
            }
        }
        Profile::Technical => Role::Technician,
        Profile::Pharmacy => Role::Pharmacist,
        Profile::Nursing => Role::Nurse,
        Profile::Admin => Role::Admin,
        Profile::PublicHealth => Role::PublicHealth,
    }
}

/// Age bounds that fit a title.
fn age_range(title: &str) -> (u32, u32) {
    match title {
        t if t.starts_with("chief_") => (45, 62),
        t if t.starts_with("associate_chief_") => (38, 60),
        t if t.starts_with("supervising_") || t == "attending_physician" => (30, 56),
        "resident_physician" => (24, 40),
        "assistant_physician" => (23, 55),
        "senior_nurse" => (25, 50),
        "nurse" | "pharmacist" | "technician" => (22, 40),
        "village_doctor" => (28, 62),
        "public_health_physician" => (24, 58),
        "administrator" => (25, 60),
        _ => (22, 60),
    }
}

/// Share of men, in percent, by occupation.
fn male_share(role: Option<Role>) -> u32 {
    match role {
        Some(Role::Nurse) => 6,
        Some(Role::Physician) => 58,
        // Village doctors.
        None => 80,
        Some(_) => 45,
    }
}

/// Places where staff were first registered: mostly 仁怀 itself, the rest elsewhere in
/// Guizhou (遵义's districts and counties, 贵阳, 毕节).
const STAFF_REGIONS: &[(u32, u32)] = &[
    (RENHUAI, 70),
    (520_381, 4),
    (520_302, 5),
    (520_303, 5),
    (520_304, 5),
    (520_330, 4),
    (520_327, 1),
    (520_102, 3),
    (520_103, 1),
    (520_502, 2),
];

/// One staff member.
fn person(
    rng: &mut Rng,
    ids: &mut IdRegistry,
    title: &'static str,
    role: Option<Role>,
    specialty: &str,
) -> ValidStaff {
    let (lo, hi) = age_range(title);
    let age = rng.range(lo, hi);
    let sex = if rng.percent(male_share(role)) {
        Sex::Male
    } else {
        Sex::Female
    };
    let weights: Vec<u32> = STAFF_REGIONS.iter().map(|(_, w)| *w).collect();
    let region = STAFF_REGIONS[rng.weighted(&weights)].0;
    let birth = people::birth_date(rng, age);
    let id_number = ids.issue(rng, region, birth, sex);
    let name = names::full_name(rng, sex, id_number.birth_date().year());
    ValidStaff {
        name,
        id_number,
        sex,
        title,
        specialty: specialty.to_string(),
        phone: Some(people::mobile(rng)),
    }
}

/// The ladder rank of a department head (`None`: not a head). The first member heads
/// the department; in clinical departments the second is the head nurse. The lead
/// hospital's directors are chief physicians, the members' often associate chiefs;
/// in a township only the general practice head holds a senior title.
fn head_rank(rng: &mut Rng, plan: Plan, role: Role, k: usize, first_dept: bool) -> Option<usize> {
    match (k, role, plan) {
        (0, Role::Admin, _) | (0, _, Plan::Lead) => Some(0),
        (0, Role::Physician, Plan::Township) => Some(usize::from(!first_dept)),
        (0, _, Plan::Township) => Some(0),
        (0, ..) => Some(usize::from(!rng.percent(50))),
        (1, Role::Nurse, Plan::Township) => Some(0),
        (1, Role::Nurse, _) => Some(if rng.percent(40) { 1 } else { 2 }),
        _ => None,
    }
}

/// A title from the ladder; a head takes `head_rank` (0: the top title).
fn draw_title(rng: &mut Rng, ladder: Ladder, head: Option<usize>) -> &'static str {
    if let Some(rank) = head {
        let rank = rank.min(ladder.len().saturating_sub(1));
        return ladder.get(rank).map_or("other", |t| t.0);
    }
    let weights: Vec<u32> = ladder.iter().map(|t| t.1).collect();
    ladder.get(rng.weighted(&weights)).map_or("other", |t| t.0)
}

/// Staff of every institution, in institution order.
pub fn generate(
    rng: &mut Rng,
    sites: &[Site],
    departments: &[DemoDepartment],
    ranges: &[Range<usize>],
    ids: &mut IdRegistry,
) -> Vec<DemoStaff> {
    let mut out = Vec::new();
    for (institution, site) in sites.iter().enumerate() {
        match site.plan {
            Plan::Village => {
                // One village doctor, a second in about a quarter of the clinics.
                let count = if rng.percent(25) { 2 } else { 1 };
                for _ in 0..count {
                    let staff = person(rng, ids, "village_doctor", None, "全科");
                    out.push(DemoStaff {
                        institution,
                        department: None,
                        staff,
                    });
                }
            }
            Plan::Bureau => {
                for k in 0..site.staff {
                    let title = if k % 4 == 3 { "other" } else { "administrator" };
                    let staff = person(rng, ids, title, Some(Role::Admin), "卫生健康管理");
                    out.push(DemoStaff {
                        institution,
                        department: None,
                        staff,
                    });
                }
            }
            plan => {
                let level = if plan == Plan::Township {
                    Level::Township
                } else {
                    Level::Hospital
                };
                let defs = departments::defs(plan);
                let weights: Vec<u32> = defs.iter().map(|d| d.weight).collect();
                let counts = departments::apportion(site.staff, &weights, 2);
                let range = ranges.get(institution).cloned().unwrap_or(0..0);
                for (position, ((def, count), department)) in
                    defs.iter().zip(counts).zip(range).enumerate()
                {
                    let specialty = departments
                        .get(department)
                        .map_or(def.name, |d| d.name.as_str());
                    for k in 0..count {
                        let role = role(rng, def.profile, k);
                        let head = head_rank(rng, plan, role, k, position == 0);
                        let title = draw_title(rng, ladder(role, level), head);
                        let staff = person(rng, ids, title, Some(role), specialty);
                        out.push(DemoStaff {
                            institution,
                            department: Some(department),
                            staff,
                        });
                    }
                }
            }
        }
    }
    out
}
