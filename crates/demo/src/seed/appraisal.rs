//! The demo's appraisal: a score sheet the way a lead hospital's management centres draw
//! one up (residents treated in the county, the insurance fund kept there, the
//! quality-control and insurance inspections), and the inspections'
//! points for the last finished quarter, so that its ranking is there to read and to
//! publish.

use super::outreach::demo_entry;
use crate::rng::Rng;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::appraisal::{ItemKind, ValidItem, last_quarter};
use yigong_store::Store;

/// (kind, indicator code or manual name, weight, target). Growth items wait for a
/// second year of encounters: with one year there is nothing to grow from.
const SHEET: &[(ItemKind, &str, i64, Option<f64>)] = &[
    (ItemKind::Indicator, "county_care_rate", 25, None),
    (ItemKind::Indicator, "ip_in_county_share", 20, None),
    (ItemKind::Indicator, "fund_in_county_share", 15, Some(85.0)),
    (ItemKind::Manual, "医疗质量与安全检查", 25, None),
    (ItemKind::Manual, "医保基金使用规范", 15, None),
];

/// Stores the sheet and last quarter's inspection points; how many points were given.
pub async fn add_sheet(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<usize> {
    let mut manual = Vec::new();
    for &(kind, what, weight, target) in SHEET {
        let (code, name) = match kind {
            ItemKind::Indicator => (what.to_string(), String::new()),
            ItemKind::Manual => (String::new(), what.to_string()),
        };
        let item = ValidItem {
            kind,
            code,
            name,
            weight,
            target,
        };
        let entry = demo_entry("appraisal.item.add", "appraisal");
        let id = store.add_appraisal_item(community, &item, &entry).await?;
        if kind == ItemKind::Manual {
            manual.push((id, what, weight));
        }
    }
    let quarter = last_quarter(today);
    let members: Vec<Uuid> = store
        .list_institutions(community)
        .await?
        .into_iter()
        .filter(|i| i.kind == "member" || i.kind == "township")
        .map(|i| i.id)
        .collect();
    let mut rng = Rng::new(seed ^ 0xa99a);
    let mut given = 0;
    for m in &members {
        for &(item, what, weight) in &manual {
            // Most members lose a few points at an inspection; none loses more than 30 %.
            let lost = rng.below(weight as u64 * 30 / 10 + 1) as f64 / 10.0;
            let points = ((weight as f64 - lost) * 10.0).round() / 10.0;
            let evidence = format!("{quarter} {what}现场检查记录（管理中心）");
            let entry = demo_entry("appraisal.score", "appraisal");
            store
                .set_manual_score(community, (&quarter, *m, item), (points, &evidence), &entry)
                .await?;
            given += 1;
        }
    }
    Ok(given)
}
