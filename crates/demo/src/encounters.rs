//! Encounters of a county's residents, generated month by month in the shape of a real
//! county: most outpatient visits at the village clinics and township centres, about
//! 14 stays per 100 residents a year of which about 90 % in the county, visits busier in
//! winter, primary care growing faster than the hospitals year on year. Pure and
//! deterministic: the demo, the independent check and the benchmark draw the same rows
//! from the same seed.

use crate::rng::Rng;
use time::{Date, Duration};
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::outside::Level;
use yigong_domain::registry::InstitutionKind;

/// An institution as the generator sees it.
#[derive(Debug, Clone)]
pub struct Place {
    pub kind: InstitutionKind,
    pub parent: Option<usize>,
    pub code: String,
}

/// One resident: the index of their registered institution.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub home: usize,
}

/// A visit or stay in the county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub place: usize,
    pub person: usize,
    pub visit_no: String,
    pub department: &'static str,
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub diagnoses: &'static str,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

/// A visit or stay outside the county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    pub person: usize,
    pub settlement_no: String,
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub hospital: &'static str,
    pub level: Level,
    pub total_fen: i64,
    pub insurance_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Visit(Visit),
    Away(Away),
}

/// Outpatient and emergency visits per resident a year, and stays per hundred.
pub const VISITS_PER_YEAR: u32 = 3;
pub const STAYS_PER_100: u32 = 14;

/// Busier in winter and spring: per-mille factors from January.
const SEASON: [u32; 12] = [
    1150, 1100, 1050, 980, 930, 900, 920, 950, 960, 1000, 1030, 1130,
];

const OUTSIDE: [(&str, Level); 4] = [
    ("遵义医科大学附属医院", Level::Municipal),
    ("贵州省人民医院", Level::Provincial),
    ("贵州医科大学附属医院", Level::Provincial),
    ("习水县人民医院", Level::OtherCounty),
];

const PRIMARY_DX: [&str; 8] = [
    "I10",
    "E11.9",
    "J06.9",
    "K29.7",
    "M54.5",
    "J20.9",
    "I10;E11.9",
    "R51",
];
const HOSPITAL_DX: [&str; 8] = [
    "I10", "I25.1", "E11.9", "J18.9", "N18.9", "K80.2", "M17.9", "J44.9",
];
const STAY_DX: [&str; 8] = [
    "J18.9",
    "I63.9",
    "I21.9",
    "K35.8",
    "O80",
    "S72.0",
    "J44.1",
    "E11.9;I10",
];

/// Generates `months` months from `first` (none after `last_day`), telling `emit` each row.
pub fn generate(
    seed: u64,
    places: &[Place],
    people: &[Person],
    first: Month,
    months: u32,
    last_day: Date,
    emit: &mut dyn FnMut(Row),
) {
    let mut rng = Rng::new(seed ^ 0x656e_636f_756e_7465);
    let lead = places.iter().position(|p| p.kind == InstitutionKind::Lead);
    let members: Vec<usize> = (0..places.len())
        .filter(|&i| places[i].kind == InstitutionKind::Member)
        .collect();
    let (Some(lead), false) = (lead, people.is_empty()) else {
        return;
    };
    let mut serial = vec![0u32; places.len()];
    let mut settlement = 0u32;
    let mut month = first;
    for step in 0..months {
        let season = SEASON[usize::from(month.month) - 1];
        // Primary care grows 10 % a year over the hospitals' 3 %.
        let years = step / 12;
        let grow = |base: u32, pct: u32| base * (100 + pct * years) / 100;
        let days = days_in(month);
        let visits = people.len() as u64 * u64::from(VISITS_PER_YEAR) * u64::from(season) / 12_000;
        let stays = people.len() as u64 * u64::from(STAYS_PER_100) * u64::from(season) / 1_200_000;
        let day_of =
            |rng: &mut Rng| month.first_day() + Duration::days(rng.below(u64::from(days)) as i64);
        for n in 0..visits + stays {
            let person = rng.index(people.len());
            let home = people[person].home;
            let (village, township) = match places[home].kind {
                InstitutionKind::Village => (Some(home), places[home].parent.unwrap_or(lead)),
                _ => (None, home),
            };
            let started = day_of(&mut rng);
            if started > last_day {
                continue;
            }
            let stay = n >= visits;
            let row = if stay {
                stay_at(
                    &mut rng,
                    [lead, township],
                    &members,
                    started,
                    [grow(20, 10), grow(70, 3)],
                )
            } else {
                visit_at(
                    &mut rng,
                    [lead, township],
                    village,
                    &members,
                    started,
                    [grow(32, 10), grow(30, 10), grow(35, 3)],
                )
            };
            match row {
                Ok(mut v) => {
                    if v.ended_on.is_some_and(|e| e > last_day) {
                        continue;
                    }
                    serial[v.place] += 1;
                    v.person = person;
                    v.visit_no = format!(
                        "{}-{}-{:07}",
                        places[v.place].code,
                        month.key(),
                        serial[v.place]
                    );
                    emit(Row::Visit(v));
                }
                Err(mut a) => {
                    if a.ended_on.is_some_and(|e| e > last_day) {
                        continue;
                    }
                    settlement += 1;
                    a.person = person;
                    a.settlement_no =
                        format!("YB{}{:08}", month.key().replace('-', ""), settlement);
                    emit(Row::Away(a));
                }
            }
        }
        month = month.next();
    }
}

fn days_in(m: Month) -> u32 {
    (m.next().first_day() - m.first_day()).whole_days() as u32
}

fn amount(rng: &mut Rng, lo: u32, hi: u32) -> i64 {
    i64::from(rng.range(lo, hi)) * 100
}

fn paid(rng: &mut Rng, total: i64, lo: u32, hi: u32) -> i64 {
    total * i64::from(rng.range(lo, hi)) / 100
}

/// An outpatient or emergency visit: at the village clinic, the township, the lead or a
/// member hospital, or (3 in 100) outside the county.
fn visit_at(
    rng: &mut Rng,
    [lead, township]: [usize; 2],
    village: Option<usize>,
    members: &[usize],
    day: Date,
    [w_village, w_township, w_hospital]: [u32; 3],
) -> Result<Visit, Away> {
    let emergency = rng.percent(5);
    let kind = if emergency {
        Kind::Emergency
    } else {
        Kind::Outpatient
    };
    let pick = rng.weighted(&[
        if village.is_some() { w_village } else { 0 },
        w_township,
        w_hospital,
        3,
    ]);
    if pick == 3 {
        return Err(away(rng, (kind, day, None), [200, 1500], [30, 50]));
    }
    let (place, department, dx, total) = match pick {
        0 => (
            village.unwrap_or(township),
            "全科",
            rng.pick(&PRIMARY_DX),
            amount(rng, 20, 80),
        ),
        1 => (
            township,
            rng.pick(&["全科", "中医科"]),
            rng.pick(&PRIMARY_DX),
            amount(rng, 40, 180),
        ),
        _ => {
            let place = if members.is_empty() || rng.percent(75) {
                lead
            } else {
                rng.pick(members)
            };
            let dept = if emergency {
                "急诊科"
            } else {
                rng.pick(&["内科", "外科", "儿科", "妇产科"])
            };
            (place, dept, rng.pick(&HOSPITAL_DX), amount(rng, 120, 600))
        }
    };
    Ok(visit(
        rng,
        (kind, day, None),
        (place, department, dx, total),
        [40, 60],
    ))
}

/// A stay: at the township, the lead or a member hospital, or (10 in 100) outside.
fn stay_at(
    rng: &mut Rng,
    [lead, township]: [usize; 2],
    members: &[usize],
    day: Date,
    [w_township, w_hospital]: [u32; 2],
) -> Result<Visit, Away> {
    let days = i64::from(rng.range(2, 14));
    let ended = Some(day + Duration::days(days));
    let dx = rng.pick(&STAY_DX);
    let pick = rng.weighted(&[w_township, w_hospital, 10]);
    if pick == 2 {
        let when = (Kind::Inpatient, day, ended);
        return Err(away(rng, when, [15_000, 60_000], [45, 60]));
    }
    let (place, department, total) = if pick == 0 {
        (township, "住院部", amount(rng, 1_500, 4_500))
    } else if members.is_empty() || rng.percent(80) {
        (
            lead,
            rng.pick(&["内科", "外科", "妇产科", "神经内科"]),
            amount(rng, 5_000, 25_000),
        )
    } else {
        (rng.pick(members), "内科", amount(rng, 3_000, 9_000))
    };
    let when = (Kind::Inpatient, day, ended);
    Ok(visit(rng, when, (place, department, dx, total), [60, 75]))
}

/// The kind of a row, its first day and its last (stays).
type When = (Kind, Date, Option<Date>);

/// A row outside the county: a hospital picked, the bill and the share insurance paid
/// drawn from their ranges; person and settlement number are filled in by the caller.
fn away(rng: &mut Rng, (kind, started_on, ended_on): When, bill: [u32; 2], pct: [u32; 2]) -> Away {
    let (hospital, level) = rng.pick(&OUTSIDE);
    let total = amount(rng, bill[0], bill[1]);
    Away {
        person: 0,
        settlement_no: String::new(),
        kind,
        started_on,
        ended_on,
        hospital,
        level,
        total_fen: total,
        insurance_fen: paid(rng, total, pct[0], pct[1]),
    }
}

/// A row in the county at `place`; person and visit number are filled in by the caller.
fn visit(
    rng: &mut Rng,
    (kind, started_on, ended_on): When,
    (place, department, diagnoses, total): (usize, &'static str, &'static str, i64),
    pct: [u32; 2],
) -> Visit {
    Visit {
        place,
        person: 0,
        visit_no: String::new(),
        department,
        kind,
        started_on,
        ended_on,
        diagnoses,
        total_fen: total,
        insurance_fen: paid(rng, total, pct[0], pct[1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn county() -> (Vec<Place>, Vec<Person>) {
        let c = crate::generate(7, 5_000);
        let places = c
            .institutions
            .iter()
            .map(|i| Place {
                kind: i.kind,
                parent: i.parent,
                code: i.code.clone(),
            })
            .collect();
        let people = c
            .residents
            .iter()
            .map(|r| Person {
                home: r.institution,
            })
            .collect();
        (places, people)
    }

    #[test]
    fn a_year_has_the_shape_of_a_county() {
        let (places, people) = county();
        let (mut visits, mut primary, mut stays, mut away_stays) = (0u64, 0u64, 0u64, 0u64);
        let mut keys = std::collections::HashSet::new();
        let first = Month::parse("2025-01").expect("a month");
        generate(
            1,
            &places,
            &people,
            first,
            12,
            date!(2025 - 12 - 31),
            &mut |r| match r {
                Row::Visit(v) => {
                    assert!(
                        keys.insert((v.place, v.visit_no.clone())),
                        "visit numbers are unique"
                    );
                    assert!(v.insurance_fen <= v.total_fen);
                    if v.kind == Kind::Inpatient {
                        stays += 1;
                    } else {
                        visits += 1;
                        primary += u64::from(places[v.place].kind.is_primary());
                    }
                }
                Row::Away(a) => away_stays += u64::from(a.kind == Kind::Inpatient),
            },
        );
        // About 3 visits and 0.14 stays per resident, most visits at the grassroots and
        // about 90 % of stays in the county.
        assert!((13_000..16_000).contains(&visits), "{visits}");
        let primary_share = primary * 100 / visits;
        assert!((55..=70).contains(&primary_share), "{primary_share}");
        let in_county = stays * 100 / (stays + away_stays);
        assert!((85..=95).contains(&in_county), "{in_county}");
    }
}
