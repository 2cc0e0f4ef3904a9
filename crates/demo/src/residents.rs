//! Residents, generated household by household: a head, often a spouse, children,
//! grandchildren left with their grandparents, or an elderly parent; a rural age
//! structure with many elderly people and children.

use crate::people::{self, IdRegistry, RENHUAI};
use crate::places::{CITY, Plan, ROADS, Site};
use crate::rng::{Cumulative, Rng};
use crate::{DemoResident, names};
use yigong_domain::identity::{Phone, Sex};
use yigong_domain::registry::ValidResident;

/// Household sizes 1..=6 by weight.
const HOUSEHOLD_SIZES: [u32; 6] = [14, 25, 20, 18, 13, 10];

/// Age bands of household heads: (lowest, highest, weight).
const HEAD_AGES: [(u32, u32, u32); 4] = [(24, 44, 30), (45, 59, 30), (60, 74, 28), (75, 92, 12)];

/// Share of residents registered at a township centre rather than a village clinic.
const TOWNSHIP_PERCENT: u32 = 10;

/// Where a household lives.
struct Home {
    institution: usize,
    address: String,
    phone: Phone,
    surname: &'static str,
}

/// Relationship of a member to the household head.
#[derive(Clone, Copy)]
enum Relation {
    Head,
    Spouse,
    Child,
    Grandchild,
    Parent,
}

fn other(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

fn random_sex(rng: &mut Rng, male_percent: u32) -> Sex {
    if rng.percent(male_percent) {
        Sex::Male
    } else {
        Sex::Female
    }
}

/// The relation of the next dependant of a head of this age.
fn dependant(rng: &mut Rng, head_age: u32) -> Relation {
    match head_age {
        ..50 => Relation::Child,
        50..65 => match rng.weighted(&[50, 30, 20]) {
            0 => Relation::Child,
            1 => Relation::Grandchild,
            _ => Relation::Parent,
        },
        _ => {
            if rng.percent(60) {
                Relation::Grandchild
            } else {
                Relation::Child
            }
        }
    }
}

/// Age and sex of a member, given the head's age and sex.
fn age_and_sex(rng: &mut Rng, relation: Relation, head_age: u32, head_sex: Sex) -> (u32, Sex) {
    match relation {
        Relation::Head => (head_age, head_sex),
        Relation::Spouse => {
            let age = (head_age + rng.range(0, 10))
                .saturating_sub(5)
                .clamp(20, 98);
            (age, other(head_sex))
        }
        Relation::Child => {
            let oldest = head_age.saturating_sub(20);
            let youngest = head_age.saturating_sub(42);
            (rng.range(youngest, oldest), random_sex(rng, 52))
        }
        Relation::Grandchild => {
            let oldest = head_age.saturating_sub(40).min(17);
            (rng.range(0, oldest), random_sex(rng, 53))
        }
        Relation::Parent => {
            let age = (head_age + rng.range(20, 32)).min(100);
            // Widowed mothers outlive fathers.
            (age, random_sex(rng, 35))
        }
    }
}

fn home(
    rng: &mut Rng,
    sites: &[Site],
    villages: &(Vec<usize>, Cumulative),
    townships: &(Vec<usize>, Cumulative),
) -> Home {
    let at_township = villages.0.is_empty() || rng.percent(TOWNSHIP_PERCENT);
    let (list, table) = if at_township { townships } else { villages };
    let institution = list.get(table.draw(rng)).copied().unwrap_or(0);
    let site = sites.get(institution);
    let town = site.map_or("中枢街道", |s| s.town);
    let address = match site.and_then(|s| s.village) {
        Some(village) => {
            let group = rng.range(1, 12);
            let number = rng.range(1, 150);
            format!("{CITY}{town}{village}村{group}组{number}号")
        }
        None => {
            let road = rng.pick(ROADS);
            let number = rng.range(1, 300);
            format!("{CITY}{town}{road}{number}号")
        }
    };
    Home {
        institution,
        address,
        phone: people::mobile(rng),
        surname: names::surname(rng),
    }
}

/// Exactly `count` residents over the village clinics and township centres.
pub fn generate(
    rng: &mut Rng,
    sites: &[Site],
    count: usize,
    ids: &mut IdRegistry,
) -> Vec<DemoResident> {
    let mut village_list = Vec::new();
    let mut village_weights = Vec::new();
    let mut township_list = Vec::new();
    let mut township_weights = Vec::new();
    for (i, site) in sites.iter().enumerate() {
        match site.plan {
            Plan::Village => {
                village_list.push(i);
                village_weights.push(rng.range(60, 160));
            }
            Plan::Township => {
                township_list.push(i);
                township_weights.push(u32::try_from(site.staff).unwrap_or(1).max(1));
            }
            _ => {}
        }
    }
    let villages = (village_list, Cumulative::new(village_weights));
    let townships = (township_list, Cumulative::new(township_weights));

    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let home = home(rng, sites, &villages, &townships);
        let size = rng.weighted(&HOUSEHOLD_SIZES) + 1;
        let (lo, hi, _) = HEAD_AGES[rng.weighted(&HEAD_AGES.map(|b| b.2))];
        let head_age = rng.range(lo, hi);
        let head_sex = random_sex(rng, 80);
        let has_spouse = size > 1 && rng.percent(85);
        for k in 0..size.min(count - out.len()) {
            let relation = match k {
                0 => Relation::Head,
                1 if has_spouse => Relation::Spouse,
                _ => dependant(rng, head_age),
            };
            let (age, sex) = age_and_sex(rng, relation, head_age, head_sex);
            let keeps_surname = match relation {
                Relation::Head => true,
                Relation::Spouse => false,
                _ => head_sex == Sex::Male || rng.percent(50),
            };
            let surname = if keeps_surname {
                home.surname
            } else {
                names::surname(rng)
            };
            let birth = people::birth_date(rng, age);
            let id_number = ids.issue(rng, RENHUAI, birth, sex);
            let birth_date = id_number.birth_date();
            let given = names::given_name(rng, sex, birth_date.year());
            let phone = if (16..75).contains(&age) && rng.percent(75) {
                people::mobile(rng)
            } else {
                home.phone.clone()
            };
            out.push(DemoResident {
                institution: home.institution,
                resident: ValidResident {
                    name: format!("{surname}{given}"),
                    sex: id_number.sex(),
                    id_number,
                    birth_date,
                    phone,
                    address: home.address.clone(),
                },
            });
        }
    }
    out
}
