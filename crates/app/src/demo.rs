//! The demo community (`yigong_demo::seed`), stored with this server's password hashing.

use crate::i18n::Lang;
pub use yigong_demo::seed::{
    DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_SEED, DemoPlaces, add_referral_history,
};
use yigong_store::{Community, Store};

/// Generates and stores a community with `residents` residents and the demo accounts;
/// `progress` is told how many residents are stored so far.
pub async fn load(
    store: &Store,
    seed: u64,
    residents: usize,
    progress: &mut (dyn FnMut(usize) + Send),
) -> anyhow::Result<(Community, DemoPlaces)> {
    let (community, places) = yigong_demo::seed::load(
        store,
        seed,
        residents,
        &crate::passwords::hash_password,
        progress,
    )
    .await?;
    yigong_demo::seed::party::add_programme(store, community.id, &places, seed).await?;
    Ok((community, places))
}

/// Adds the ECG network's history from the sample recordings in `dir`; the demo readers
/// write their conclusions in Chinese.
pub async fn add_ecg_history(
    store: &Store,
    community: uuid::Uuid,
    dir: &std::path::Path,
    seed: u64,
) -> anyhow::Result<usize> {
    let label = |code: &str| Lang::Zh.finding(code).to_string();
    yigong_demo::seed::ecg::add_history(store, community, dir, seed, &label).await
}
