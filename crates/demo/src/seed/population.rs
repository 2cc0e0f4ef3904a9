//! The demo's official population figures: last year's residents of each township as
//! the county statistics bureau would publish them, a few per cent above the residents
//! the platform registered there (not everyone is registered), so that the population
//! page shows both and last year's per-10,000 figures divide by the official ones.

use super::outreach::demo_entry;
use crate::rng::Rng;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;

pub const SOURCE: &str = "县统计局统计年鉴（演示数据）";

/// Enters last year's figure for every township; how many were entered.
pub async fn add_official(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<usize> {
    let mut rng = Rng::new(seed ^ 0x909);
    let institutions = store.list_institutions(community).await?;
    let registry: HashMap<Uuid, i64> = store
        .registry_counts(community)
        .await?
        .into_iter()
        .collect();
    let entry = demo_entry("indicator.population.set", "institution");
    let mut added = 0;
    for t in institutions
        .iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Township))
    {
        let registered: i64 = institutions
            .iter()
            .filter(|i| i.id == t.id || i.parent_id == Some(t.id))
            .filter_map(|i| registry.get(&i.id))
            .sum();
        if registered == 0 {
            continue;
        }
        // 102 % to 108 % of the registered residents, to the nearest ten.
        let share = i64::from(rng.range(102, 109));
        let official = (registered * share / 100 + 5) / 10 * 10;
        store
            .set_population(
                community,
                (t.id, today.year() - 1),
                Some((official.max(1), SOURCE)),
                &entry,
            )
            .await?;
        added += 1;
    }
    Ok(added)
}
