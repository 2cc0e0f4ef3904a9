//! Family-doctor teams, contracts and a year of hypertension and diabetes follow-ups for
//! the demo, shaped like seeds 000 and 001: 185 "1+2+1+N" teams spread over the
//! townships by their villages, about 80 % of the key population under contract, and
//! registers whose visits follow the national standard's rules, so the worklists and
//! the quality figures look like a county's.

use crate::rng::Rng;
use std::collections::HashMap;
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::chronic::{Disease, Reading, STANDARD};
use yigong_domain::family::{KeyGroup, MemberRole, Package, Term, age_on, derived_groups};
use yigong_store::Store;
use yigong_store::chronic::{NewFollowUp, NewRegister};
use yigong_store::family::{NewContract, NewTeam};
use yigong_store::screening::NewScreening;

/// Teams in the county (seed 001).
pub const TEAMS: usize = 185;

/// What the history added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    pub teams: usize,
    pub contracts: usize,
    pub registers: usize,
    pub visits: usize,
    pub screenings: usize,
    /// Suspicions from the last weeks' screenings, awaiting a decision.
    pub open_suspicions: usize,
}

/// Splits `total` over weights by the largest remainder.
fn apportion(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let mut shares: Vec<(usize, usize, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (i, total * w / sum, (total * w) % sum))
        .collect();
    let mut left = total - shares.iter().map(|s| s.1).sum::<usize>();
    shares.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    for s in shares.iter_mut() {
        if left == 0 {
            break;
        }
        s.1 += 1;
        left -= 1;
    }
    shares.sort_by_key(|s| s.0);
    shares.into_iter().map(|s| s.1).collect()
}

/// Share (per thousand) of residents on the register by age, from rural registers.
fn prevalence(disease: Disease, age: u32) -> u32 {
    match (disease, age) {
        (_, 0..=34) => 0,
        (Disease::Hypertension, 35..=44) => 60,
        (Disease::Hypertension, 45..=54) => 150,
        (Disease::Hypertension, 55..=64) => 250,
        (Disease::Hypertension, _) => 380,
        (Disease::Diabetes, 35..=44) => 20,
        (Disease::Diabetes, 45..=54) => 50,
        (Disease::Diabetes, 55..=64) => 80,
        (Disease::Diabetes, _) => 100,
    }
}

/// A year of visits for one register, each decided by the standard's rules; the patient
/// keeps to the date mostly, and sometimes comes late.
fn visits(
    rng: &mut Rng,
    disease: Disease,
    age: u32,
    from: Date,
    today: Date,
    control_pct: u32,
) -> Vec<NewFollowUp> {
    let mut out = Vec::new();
    let mut day = from + Duration::days(rng.below(20) as i64);
    let mut last_uncontrolled = false;
    while day <= today {
        let controlled = rng.percent(control_pct);
        let emergency = rng.percent(1);
        let reading = match disease {
            Disease::Hypertension => {
                let (s, d) = if emergency {
                    (182 + rng.below(20) as u16, 100 + rng.below(15) as u16)
                } else if controlled {
                    (118 + rng.below(21) as u16, 70 + rng.below(19) as u16)
                } else {
                    (142 + rng.below(30) as u16, 86 + rng.below(16) as u16)
                };
                Reading {
                    systolic: Some(s),
                    diastolic: Some(d),
                    ..Default::default()
                }
            }
            Disease::Diabetes => {
                let g = if emergency {
                    17.0 + rng.below(30) as f64 / 10.0
                } else if controlled {
                    5.0 + rng.below(19) as f64 / 10.0
                } else {
                    7.1 + rng.below(40) as f64 / 10.0
                };
                Reading {
                    glucose: Some(g),
                    ..Default::default()
                }
            }
        };
        let d = STANDARD.decide(disease, age, &reading, last_uncontrolled);
        last_uncontrolled = d.controlled == Some(false);
        let next_due = day + Duration::days(i64::from(d.next_in_days));
        out.push(NewFollowUp {
            visit_on: Some(day),
            systolic: reading.systolic.map(i32::from),
            diastolic: reading.diastolic.map(i32::from),
            glucose: reading.glucose.map(yigong_domain::measures::tenths),
            controlled: d.controlled,
            plan: d.plan.as_str(),
            next_due: Some(next_due),
            ..Default::default()
        });
        // Mostly on time; one visit in eight a few weeks late, and after a poor result
        // one in three (often the reason the result was poor).
        let lateness = if last_uncontrolled { 33 } else { 12 };
        let late = if rng.percent(lateness) {
            rng.below(45) as i64
        } else {
            rng.below(6) as i64 - 2
        };
        day = next_due + Duration::days(late);
    }
    out
}

/// Adds the teams, contracts and registers with their year of visits, and counts the
/// registers in the indicators.
pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<Added> {
    let added = add_history_rows(store, community, seed, today).await?;
    store.recount_chronic(community).await?;
    Ok(added)
}

/// [`add_history`] without the indicators' counters (which a store migrated only to an
/// older version has no table for).
pub async fn add_history_rows(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<Added> {
    let mut rng = Rng::new(seed ^ 0x00fa_3117);
    let institutions = store.list_institutions(community).await?;
    let lead = institutions.iter().find(|i| i.kind == "lead").map(|i| i.id);
    let mut townships: Vec<(Uuid, String, Vec<Uuid>)> = institutions
        .iter()
        .filter(|i| i.kind == "township")
        .map(|t| {
            let villages = institutions
                .iter()
                .filter(|v| v.kind == "village" && v.parent_id == Some(t.id))
                .map(|v| v.id)
                .collect();
            (t.id, t.name.clone(), villages)
        })
        .collect();
    townships.retain(|t| !t.2.is_empty());
    let (Some(lead), false) = (lead, townships.is_empty()) else {
        return Ok(Added::default());
    };
    let mut staff = StaffByPlace::default();
    for (id, institution) in store.staff_places(community).await? {
        staff.0.entry(institution).or_default().push(id);
    }
    let teams = plan_teams(&townships, lead, &staff);
    let residents = store.resident_births(community).await?;
    let (registers, on_register) = plan_registers(&mut rng, &residents, &staff, today);
    let (mut contracts, contract_team) =
        plan_contracts(&mut rng, &residents, &teams, &on_register, today);
    // The teams get their ids as they are stored; contracts refer to them by index until then.
    let team_ids = store.bulk_load_teams(community, &teams.teams).await?;
    for (c, team) in contracts.iter_mut().zip(&contract_team) {
        c.team_id = team_ids[*team];
    }
    store.bulk_load_contracts(community, &contracts).await?;
    store.bulk_load_chronic(community, &registers).await?;
    let screenings = screenings(&mut rng, &residents, &on_register, today);
    store.bulk_load_screenings(community, &screenings).await?;
    Ok(Added {
        teams: teams.teams.len(),
        contracts: contracts.len(),
        registers: registers.len(),
        visits: registers.iter().map(|r| r.1.len()).sum(),
        screenings: screenings.len(),
        open_suspicions: screenings.iter().map(|s| s.suspect.len()).sum(),
    })
}

/// The staff of each place, by id.
#[derive(Default)]
struct StaffByPlace(HashMap<Uuid, Vec<Uuid>>);

impl StaffByPlace {
    /// The `k`th of the place's staff (round the list), if it has any.
    fn pick(&self, place: Uuid, k: usize) -> Option<Uuid> {
        self.0
            .get(&place)
            .filter(|s| !s.is_empty())
            .map(|s| s[k % s.len()])
    }
}

/// The teams, and which team (by index) serves each village and each township.
struct Teams {
    teams: Vec<NewTeam>,
    of_village: HashMap<Uuid, usize>,
    first_of_township: HashMap<Uuid, usize>,
}

/// Teams: 185 over the townships by their villages; each covers a run of villages.
fn plan_teams(townships: &[(Uuid, String, Vec<Uuid>)], lead: Uuid, staff: &StaffByPlace) -> Teams {
    let counts = apportion(
        TEAMS,
        &townships.iter().map(|t| t.2.len()).collect::<Vec<_>>(),
    );
    let mut out = Teams {
        teams: Vec::new(),
        of_village: HashMap::new(),
        first_of_township: HashMap::new(),
    };
    for ((town, name, villages), k) in townships.iter().zip(counts) {
        let k = k.clamp(1, villages.len());
        for j in 0..k {
            let (from, to) = (villages.len() * j / k, villages.len() * (j + 1) / k);
            let covered = villages[from..to].to_vec();
            let (Some(specialist), Some(clinician), Some(public_health), Some(village_doctor)) = (
                staff.pick(lead, out.teams.len()),
                staff.pick(*town, 3 * j),
                staff.pick(*town, 3 * j + 1),
                covered.iter().find_map(|v| staff.pick(*v, 0)),
            ) else {
                continue;
            };
            let mut members = vec![
                (specialist, MemberRole::Specialist.as_str()),
                (clinician, MemberRole::TownshipClinician.as_str()),
                (public_health, MemberRole::PublicHealth.as_str()),
                (village_doctor, MemberRole::VillageDoctor.as_str()),
            ];
            if let Some(nurse) = staff
                .pick(*town, 3 * j + 2)
                .filter(|n| members.iter().all(|(m, _)| m != n))
            {
                members.push((nurse, MemberRole::Nurse.as_str()));
            }
            members.dedup_by_key(|m| m.0);
            let index = out.teams.len();
            out.first_of_township.entry(*town).or_insert(index);
            for v in &covered {
                out.of_village.insert(*v, index);
            }
            out.teams.push(NewTeam {
                name: format!("{name}第{}家庭医生团队", j + 1),
                institution_id: *town,
                leader_staff_id: clinician,
                members,
                villages: covered,
            });
        }
    }
    out
}

type Registers = Vec<(NewRegister, Vec<NewFollowUp>)>;

/// Registers with a year of visits, at county prevalence by age; and each resident's
/// diseases on a register.
fn plan_registers(
    rng: &mut Rng,
    residents: &[(Uuid, Uuid, Date)],
    staff: &StaffByPlace,
    today: Date,
) -> (Registers, HashMap<Uuid, Vec<Disease>>) {
    let mut registers = Vec::new();
    let mut on_register: HashMap<Uuid, Vec<Disease>> = HashMap::new();
    for (resident, place, birth) in residents {
        let age = age_on(*birth, today);
        for disease in Disease::ALL {
            if !rng.per_mille(prevalence(disease, age)) {
                continue;
            }
            let enrolled = today - Duration::days(200 + rng.below(1400) as i64);
            let from = enrolled.max(today - Duration::days(365));
            // Most patients stay controlled visit after visit; the rest seldom are (county
            // control rates run about 60 % for hypertension and 50 % for diabetes).
            let well = match disease {
                Disease::Hypertension => 58,
                Disease::Diabetes => 48,
            };
            let control = if rng.percent(well) { 92 } else { 8 };
            let history = visits(rng, disease, age, from, today, control);
            registers.push((
                NewRegister {
                    resident_id: *resident,
                    disease: disease.as_str(),
                    institution_id: *place,
                    responsible_staff_id: staff.pick(*place, 0),
                    diagnosed_on: enrolled - Duration::days(rng.below(60) as i64),
                    enrolled_on: enrolled,
                    next_due: from,
                },
                history,
            ));
            on_register.entry(*resident).or_default().push(disease);
        }
    }
    (registers, on_register)
}

/// Contracts for about four in five of the key population and one in four of the others,
/// each with the index of its team.
fn plan_contracts(
    rng: &mut Rng,
    residents: &[(Uuid, Uuid, Date)],
    teams: &Teams,
    on_register: &HashMap<Uuid, Vec<Disease>>,
    today: Date,
) -> (Vec<NewContract>, Vec<usize>) {
    let mut contracts = Vec::new();
    let mut contract_team: Vec<usize> = Vec::new();
    for (resident, place, birth) in residents {
        let Some(&team) = teams
            .of_village
            .get(place)
            .or_else(|| teams.first_of_township.get(place))
        else {
            continue;
        };
        let diseases = on_register.get(resident).map(Vec::as_slice).unwrap_or(&[]);
        let mut groups = derived_groups(*birth, today, diseases);
        // The groups only the family doctor knows, at roughly county rates.
        for (group, per_mille) in HAND_TAGGED {
            if rng.per_mille(per_mille) {
                groups.push(group);
            }
        }
        groups.sort();
        let signs = if groups.is_empty() {
            rng.percent(25)
        } else {
            rng.percent(80)
        };
        if !signs {
            continue;
        }
        let term = Term::year_from(today - Duration::days(rng.below(365) as i64));
        contracts.push(NewContract {
            resident_id: *resident,
            team_id: Uuid::nil(),
            package: Package::default_for(&groups).as_str().into(),
            key_groups: groups
                .iter()
                .map(|g: &KeyGroup| g.as_str())
                .collect::<Vec<_>>()
                .join(","),
            start_date: term.start,
            end_date: term.end,
            created_by: None,
        });
        contract_team.push(team);
    }
    (contracts, contract_team)
}

/// Key groups set by hand, with how many residents in a thousand belong to them.
const HAND_TAGGED: [(KeyGroup, u32); 4] = [
    (KeyGroup::LowIncome, 20),
    (KeyGroup::Disabled, 15),
    (KeyGroup::SevereMental, 4),
    (KeyGroup::Tuberculosis, 1),
];

/// A year's opportunistic screening of adults 35 and over not on a register: blood
/// pressure always, fasting glucose for some, the COPD-SQ for a third of those 40 and
/// over. Only the last two months' findings are still awaiting a decision; older ones
/// were decided before the platform came.
fn screenings(
    rng: &mut Rng,
    residents: &[(Uuid, Uuid, Date)],
    on_register: &HashMap<Uuid, Vec<Disease>>,
    today: Date,
) -> Vec<NewScreening> {
    use yigong_domain::screening::{Breathlessness, COPD_SQ, CRITERIA, CopdAnswers, Measured, bmi};
    let mut out = Vec::new();
    for (resident, place, birth) in residents {
        let age = age_on(*birth, today);
        if age < 35 || on_register.contains_key(resident) || !rng.percent(10) {
            continue;
        }
        let on = today - Duration::days(rng.below(365) as i64);
        let raised = rng.percent(12);
        let (systolic, diastolic) = if raised {
            (140 + rng.below(30) as u16, 85 + rng.below(15) as u16)
        } else {
            (105 + rng.below(34) as u16, 65 + rng.below(24) as u16)
        };
        let glucose = rng.percent(40).then(|| {
            let spread = if rng.percent(10) { 45 } else { 20 };
            4.4 + rng.below(spread) as f64 / 10.0
        });
        let (weight, height) = (45.0 + rng.below(40) as f64, 150.0 + rng.below(30) as f64);
        let copd = (age >= 40 && rng.percent(33)).then(|| {
            let answers = CopdAnswers {
                pack_years: if rng.percent(35) {
                    rng.below(45) as f64
                } else {
                    0.0
                },
                cough: rng.percent(15),
                breathlessness: match rng.below(10) {
                    0 => Breathlessness::Walking,
                    1 | 2 => Breathlessness::OnExertion,
                    _ => Breathlessness::None,
                },
                biomass_fuel: rng.percent(40),
                family_history: rng.percent(8),
            };
            let score = COPD_SQ.score(age, bmi(weight, height).unwrap_or(22.0), &answers);
            (score, answers)
        });
        let measured = Measured {
            systolic: Some(systolic),
            diastolic: Some(diastolic),
            glucose,
        };
        let findings = CRITERIA.findings(&measured, copd.map(|c| c.0));
        let recent = (today - on).whole_days() <= 60;
        out.push(NewScreening {
            resident_id: *resident,
            institution_id: *place,
            home_institution_id: *place,
            screened_on: Some(on),
            systolic: Some(i32::from(systolic)),
            diastolic: Some(i32::from(diastolic)),
            glucose: glucose.map(yigong_domain::measures::tenths),
            weight_kg: Some(weight),
            height_cm: Some(height),
            copd_score: copd.map(|c| i32::from(c.0)),
            copd_answers: copd.map(|(_, a)| a.encode()).unwrap_or_default(),
            findings: findings
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(","),
            suspect: if recent {
                findings
                    .iter()
                    .filter_map(|f| f.condition())
                    .map(|c| c.as_str())
                    .collect()
            } else {
                Vec::new()
            },
            recorded_by: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_are_apportioned_by_villages_to_the_exact_total() {
        let split = apportion(185, &[14, 8, 8, 6, 7]);
        assert_eq!(split.iter().sum::<usize>(), 185);
        assert!(split[0] > split[1] && split[1].abs_diff(split[2]) <= 1);
        // Equal weights, equal shares but for the remainder.
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
    }

    #[test]
    fn a_year_of_visits_follows_the_rules() {
        let mut rng = Rng::new(3);
        let today = time::macros::date!(2026 - 11 - 22);
        let v = visits(
            &mut rng,
            Disease::Hypertension,
            60,
            today - Duration::days(365),
            today,
            70,
        );
        assert!(v.len() >= 3, "{} visits", v.len());
        for pair in v.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(b.visit_on >= a.visit_on);
            let gap = (b.visit_on.expect("day") - a.visit_on.expect("day")).whole_days();
            let planned = (a.next_due.expect("due") - a.visit_on.expect("day")).whole_days();
            assert!(
                gap >= planned - 2,
                "kept roughly to the plan: {gap} vs {planned}"
            );
        }
        assert!(v.iter().all(|f| f.visit_on <= Some(today)));
    }
}
