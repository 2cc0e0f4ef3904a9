//! The demo's year of encounters and care outside the county (this month and the twelve
//! before, so that this month has its twin a year earlier), drawn by
//! [`crate::encounters`] for the stored residents and stored as an import would store
//! them (each batch with its tallies), so every indicator shows real-looking figures.

use crate::encounters::{Away, Person, Place, Row, generate};
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::ValidEncounter;
use yigong_domain::indicators::month::Month;
use yigong_domain::indicators::outside::ValidOutside;
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::indicators::encounters::EncounterAt;
use yigong_store::indicators::outside::NewOutside;
use yigong_store::institutions::Institution;

/// Months of history up to this one.
pub const MONTHS: u32 = 13;
const BATCH: usize = 5000;

/// A generated visit outside the county as the register stores it, for the resident and
/// their registered institution.
pub fn away_row(a: Away, (resident_id, institution_id): (Uuid, Uuid)) -> NewOutside {
    NewOutside {
        resident_id,
        institution_id,
        visit: ValidOutside {
            settlement_no: a.settlement_no,
            kind: a.kind,
            started_on: a.started_on,
            ended_on: a.ended_on,
            hospital: a.hospital.to_string(),
            level: a.level,
            total_fen: a.total_fen,
            insurance_fen: a.insurance_fen,
        },
        referral_id: None,
        source: "import",
    }
}

/// A stored community as the generator sees it: its institutions as places (`index`
/// gives an institution's position), and its residents whose home is one of them as
/// people, a person at the same position as their resident.
pub struct County {
    pub institutions: Vec<Institution>,
    pub index: HashMap<Uuid, usize>,
    pub places: Vec<Place>,
    /// (id, ID number, home) of each person.
    pub residents: Vec<(Uuid, String, Uuid)>,
    pub people: Vec<Person>,
}

/// Reads the community's institutions and residents for the generator.
pub async fn county(store: &Store, community: Uuid) -> yigong_store::Result<County> {
    let institutions = store.list_institutions(community).await?;
    let index: HashMap<Uuid, usize> = institutions
        .iter()
        .enumerate()
        .map(|(n, i)| (i.id, n))
        .collect();
    let places: Vec<Place> = institutions
        .iter()
        .map(|i| Place {
            kind: InstitutionKind::parse(&i.kind).unwrap_or(InstitutionKind::Bureau),
            parent: i.parent_id.and_then(|p| index.get(&p).copied()),
            code: i.code.clone(),
        })
        .collect();
    let residents: Vec<_> = store
        .resident_keys(community)
        .await?
        .into_iter()
        .filter(|(_, _, home)| index.contains_key(home))
        .collect();
    let people: Vec<Person> = residents
        .iter()
        .map(|(_, _, home)| Person { home: index[home] })
        .collect();
    Ok(County {
        institutions,
        index,
        places,
        residents,
        people,
    })
}

/// Stores the history; how many encounters and outside visits.
pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<(usize, usize)> {
    let County {
        institutions,
        places,
        residents,
        people,
        ..
    } = county(store, community).await?;
    let mut first = Month::of(today);
    for _ in 1..MONTHS {
        first = first.previous();
    }
    let mut visits: Vec<EncounterAt> = Vec::new();
    let mut away: Vec<NewOutside> = Vec::new();
    generate(
        seed,
        &places,
        &people,
        first,
        MONTHS,
        today,
        &mut |row| match row {
            Row::Visit(v) => visits.push((
                institutions[v.place].id,
                ValidEncounter {
                    visit_no: v.visit_no,
                    department: v.department.to_string(),
                    id_number: residents[v.person].1.clone(),
                    kind: v.kind,
                    started_on: v.started_on,
                    ended_on: v.ended_on,
                    diagnoses: v.diagnoses.split(';').map(str::to_string).collect(),
                    total_fen: v.total_fen,
                    insurance_fen: v.insurance_fen,
                },
            )),
            Row::Away(a) => {
                let (id, _, home) = residents[a.person];
                away.push(away_row(a, (id, home)));
            }
        },
    );
    let audit = super::outreach::demo_entry("encounter.import", "encounter");
    for chunk in visits.chunks(BATCH) {
        store.store_encounters(community, chunk, &audit).await?;
    }
    let audit = super::outreach::demo_entry("outside.add", "outside_visit");
    for chunk in away.chunks(BATCH) {
        store.add_outside_visits(community, chunk, &audit).await?;
    }
    store.refresh_indicator_statistics().await?;
    Ok((visits.len(), away.len()))
}
