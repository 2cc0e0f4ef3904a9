//! The demo community (`yigong_demo::seed`), stored with this server's password hashing.

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
    yigong_demo::seed::load(
        store,
        seed,
        residents,
        &crate::passwords::hash_password,
        progress,
    )
    .await
}
