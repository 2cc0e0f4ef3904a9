//! The demo's year of sterile supply (seed 000's central unit): two steam cycles each
//! working day and a plasma cycle a week, each batch's packs dispatched to the townships,
//! villages and member hospitals, used there and brought back; this week's still out; and
//! one batch, forty days ago, whose biological indicator failed: recalled, with some of
//! its packs already used on patients and some still out to take back.

use crate::rng::Rng;
use time::{Duration, OffsetDateTime, Weekday};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::diagnostics::sterile::{Indicator, Method, PACK_KINDS, PackState};
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::diagnostics::{NewBatch, PackChange, PastBatch};

/// How many packs of each kind a cycle holds at most.
const PER_KIND: u32 = 4;
/// The procedures a pack of each kind is opened for.
fn procedure(kind: &str) -> &'static str {
    match kind {
        "suture" => "清创缝合术",
        "dressing" => "伤口换药",
        "debridement" => "清创术",
        "delivery" => "自然分娩接生",
        "iud" => "宫内节育器放置",
        _ => "体表肿物切除术",
    }
}

/// A pack's journey from the unit, as of `now`.
fn journey(
    rng: &mut Rng,
    (kind, sterilised, now): (&str, OffsetDateTime, OffsetDateTime),
    (place, resident): (Uuid, Option<Uuid>),
) -> PackChange {
    let dispatched = sterilised + Duration::hours(i64::from(rng.range(4, 30)));
    let used = dispatched + Duration::hours(i64::from(rng.range(12, 24 * 10)));
    let returned = used + Duration::hours(i64::from(rng.range(4, 48)));
    let mut c = PackChange {
        state: PackState::InStock,
        institution_id: None,
        dispatched_at: None,
        used_at: None,
        resident_id: None,
        procedure_text: String::new(),
        returned_at: None,
    };
    if dispatched > now {
        return c;
    }
    c.state = PackState::Dispatched;
    c.institution_id = Some(place);
    c.dispatched_at = Some(dispatched);
    if used > now || rng.percent(10) {
        return c;
    }
    c.state = PackState::Used;
    c.used_at = Some(used);
    c.resident_id = resident.filter(|_| rng.percent(70));
    c.procedure_text = procedure(kind).to_string();
    if returned < now {
        c.state = PackState::Returned;
        c.returned_at = Some(returned);
    }
    c
}

/// Adds the year; the number of batches and packs.
pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
) -> anyhow::Result<(usize, usize)> {
    let mut rng = Rng::new(seed ^ 0x55d0);
    let institutions = store.list_institutions(community).await?;
    let places: Vec<Uuid> = institutions
        .iter()
        .filter(|i| {
            matches!(
                i.kind(),
                Some(
                    InstitutionKind::Township | InstitutionKind::Member | InstitutionKind::Village
                )
            )
        })
        .map(|i| i.id)
        .collect();
    let people = store.resident_sample(community, 5000).await?;
    if places.is_empty() || people.is_empty() {
        return Ok((0, 0));
    }
    let (now, today) = (OffsetDateTime::now_utc(), clock::today());
    let recalled_day = today - Duration::days(40);
    let mut rows = Vec::new();
    for back in (0..365).rev() {
        let day = today - Duration::days(back);
        if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            continue;
        }
        let mut cycles = vec![(1, Method::Steam, 8), (2, Method::Steam, 14)];
        if day.weekday() == Weekday::Wednesday {
            cycles.push((3, Method::Plasma, 10));
        }
        for (cycle, method, hour) in cycles {
            let sterilised = clock::start_of(day) + Duration::hours(hour);
            if sterilised > now {
                continue;
            }
            let failed = day == recalled_day && cycle == 1;
            let mut packs = Vec::new();
            for kind in PACK_KINDS {
                for _ in 0..rng.range(1, PER_KIND) {
                    let place = rng.pick(&places);
                    let resident = people.iter().find(|(_, i)| *i == place).map(|(r, _)| *r);
                    packs.push((
                        kind.to_string(),
                        journey(&mut rng, (kind, sterilised, now), (place, resident)),
                    ));
                }
            }
            let read_at = sterilised + Duration::hours(3);
            rows.push(PastBatch {
                batch: NewBatch {
                    code: format!(
                        "{}{:02}{:02}-{cycle:02}",
                        day.year(),
                        u8::from(day.month()),
                        day.day()
                    ),
                    method,
                    cycle_no: cycle,
                    sterilised_at: sterilised,
                    packs: Vec::new(),
                },
                indicator: match (failed, read_at < now) {
                    (true, _) => Indicator::Failed,
                    (false, true) => Indicator::Passed,
                    (false, false) => Indicator::Pending,
                },
                indicator_at: (read_at < now).then_some(read_at),
                note: if failed {
                    "生物监测阳性，已启动召回".into()
                } else {
                    String::new()
                },
                packs,
            });
        }
    }
    let packs = rows.iter().map(|r| r.packs.len()).sum();
    store.bulk_load_sterile(community, &rows).await?;
    Ok((rows.len(), packs))
}
