//! What every handler shares: the store, the community this server serves, settings.

use std::sync::Arc;
use yigong_store::{Community, Store};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub community: Community,
    /// Demo mode: the login page lists the demo accounts.
    pub demo: bool,
    /// Mark session cookies `Secure` (serve behind TLS).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store, community: Community, demo: bool, secure_cookies: bool) -> Self {
        Self(Arc::new(Inner {
            store,
            community,
            demo,
            secure_cookies,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
