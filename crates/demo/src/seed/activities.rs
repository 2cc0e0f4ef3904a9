//! The demo's year of organisational life: every branch holds each kind of activity in
//! each complete period of the last twelve months, as its frequency asks, except about
//! one period in twenty that it let slip (which the "behind schedule" list then shows,
//! where the slip is the last period). The last month's wait for the committee's review.

use crate::rng::Rng;
use time::Duration;
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::schedule::ACTIVITIES;
use yigong_store::Store;

pub async fn add_year(store: &Store, community: Uuid, seed: u64) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0xac71);
    let today = clock::today();
    let year_ago = today - Duration::days(365);
    let mut held = Vec::new();
    for org in store.party_orgs(community).await? {
        if org.kind != "branch" {
            continue;
        }
        for (subject, frequency) in ACTIVITIES {
            // Each complete period, newest first, back a year.
            let mut start = frequency.previous_start(today);
            while start >= year_ago {
                if !rng.percent(5) {
                    let day = start + Duration::days(i64::from(rng.range(2, 20)));
                    let title = format!("{}年{}月", day.year(), day.month() as u8);
                    held.push((org.id, subject, title, day));
                }
                start = frequency.previous_start(start);
            }
        }
    }
    // The committee has reviewed what was held more than a month ago.
    store
        .insert_held(community, &held, today - Duration::days(30))
        .await?;
    Ok(())
}
