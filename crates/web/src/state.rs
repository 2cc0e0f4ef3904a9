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
    /// Live referral changes, fanned out to open worklist pages (server-sent events).
    pub live: tokio::sync::broadcast::Sender<LiveReferral>,
    /// Live ECG study changes: new uploads for the reading worklist, reports for the
    /// sending clinic.
    pub ecg_live: tokio::sync::broadcast::Sender<LiveStudy>,
    pub diag_live: tokio::sync::broadcast::Sender<LiveOrder>,
    /// Recently verified sessions (token hash → user), so a burst of requests costs one
    /// session query; entries live [`crate::http::auth::SESSION_CACHE_SECONDS`] and go on logout.
    /// Failed logins and identifier look-ups, counted per key.
    pub throttles: crate::http::throttle::Throttles,
    /// The threads that check passwords, one per core.
    pub passwords: yigong_app::passwords::PasswordPool,
    /// When expired sessions were last deleted (minutes since the epoch).
    pub sessions_purged: std::sync::atomic::AtomicI64,
    /// Sessions that ended (logout, deactivation): open live streams close at once.
    pub ended: tokio::sync::broadcast::Sender<crate::http::auth::Ended>,
    pub sessions: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, crate::http::auth::CurrentUser)>,
    >,
    /// Notices pushed to residents, for their open windows.
    pub portal_live: tokio::sync::broadcast::Sender<LiveNotice>,
    /// The channel that carries codes and notices to residents' phones.
    pub messenger: Arc<dyn crate::portal::Messenger>,
    /// Figures dear to count that move slowly, kept a short while (each server its own).
    pub memo: Memo,
}

type Memos =
    std::collections::HashMap<String, (std::time::Instant, Arc<dyn std::any::Any + Send + Sync>)>;

/// Values kept for a while under a key (`chronic.months:…`), each context its own type.
#[derive(Default)]
pub struct Memo(std::sync::Mutex<Memos>);

impl Memo {
    /// The value under `key` if it was put less than `fresh` ago.
    pub fn get<T: Clone + 'static>(&self, key: &str, fresh: std::time::Duration) -> Option<T> {
        let memos = self.0.lock().ok()?;
        let (at, value) = memos.get(key)?;
        (at.elapsed() < fresh)
            .then(|| value.downcast_ref::<T>().cloned())
            .flatten()
    }

    /// Keeps `value` under `key`, dropping what is older than `fresh`.
    pub fn put<T: Send + Sync + 'static>(&self, key: String, value: T, fresh: std::time::Duration) {
        if let Ok(mut memos) = self.0.lock() {
            memos.retain(|_, (at, _)| at.elapsed() < fresh);
            memos.insert(key, (std::time::Instant::now(), Arc::new(value)));
        }
    }
}

/// A referral changed: enough to decide who should hear of it, nothing about the patient.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LiveReferral {
    pub id: uuid::Uuid,
    pub from_institution_id: uuid::Uuid,
    pub to_institution_id: uuid::Uuid,
    pub to_department_id: Option<uuid::Uuid>,
    pub status: String,
    pub urgency: String,
}

/// An ECG study changed: who sent it and where it stands, nothing about the patient.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LiveStudy {
    pub id: uuid::Uuid,
    pub from_institution_id: uuid::Uuid,
    pub status: String,
    pub urgency: String,
    pub critical: bool,
}

/// An order to a diagnostic centre changed: who placed it, which centre, where it stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LiveOrder {
    pub id: uuid::Uuid,
    pub from_institution_id: uuid::Uuid,
    pub centre: String,
    pub status: String,
    pub critical: bool,
}

/// A notice was pushed to a resident: its id and kind, for that resident's window only.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LiveNotice {
    #[serde(skip)]
    pub resident: uuid::Uuid,
    pub id: uuid::Uuid,
    pub kind: String,
}

impl AppState {
    pub fn new(store: Store, community: Community, demo: bool, secure_cookies: bool) -> Self {
        Self(Arc::new(Inner {
            store,
            community,
            demo,
            secure_cookies,
            live: tokio::sync::broadcast::channel(1024).0,
            ecg_live: tokio::sync::broadcast::channel(1024).0,
            diag_live: tokio::sync::broadcast::channel(1024).0,
            ended: tokio::sync::broadcast::channel(256).0,
            throttles: Default::default(),
            sessions_purged: Default::default(),
            passwords: yigong_app::passwords::PasswordPool::per_core(),
            sessions: Default::default(),
            memo: Memo::default(),
            messenger: Arc::new(crate::portal::Outbox::default()),
            portal_live: tokio::sync::broadcast::channel(1024).0,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
