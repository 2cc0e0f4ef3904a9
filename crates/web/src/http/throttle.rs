//! Sliding-window throttles: failed logins per account and per address, and identifier
//! look-ups by roles that see identifiers masked. In memory, per server process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most `limit` events per `window` for each key.
pub struct Throttle {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys kept before expired ones are swept: bounds memory under a flood of new keys.
const SWEEP_AT: usize = 50_000;

impl Throttle {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its window; records nothing.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    /// Records one event for `key`.
    pub fn hit(&self, key: &str) {
        self.hit_at(key, Instant::now());
    }

    /// Records one event and checks it in one step: `Err` when this one is past the limit.
    pub fn take(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        self.check_at(key, now)?;
        self.hit_at(key, now);
        Ok(())
    }

    /// Forgets `key` (a successful login clears its account's failures).
    pub fn clear(&self, key: &str) {
        if let Ok(mut hits) = self.hits.lock() {
            hits.remove(key);
        }
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Ok(mut hits) = self.hits.lock() else {
            return Ok(());
        };
        let Some(q) = hits.get_mut(key) else {
            return Ok(());
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() < self.limit {
            return Ok(());
        }
        let oldest = q.front().copied().unwrap_or(now);
        let wait = self.window.saturating_sub(now.duration_since(oldest));
        Err(wait.as_secs().max(1))
    }

    fn hit_at(&self, key: &str, now: Instant) {
        let Ok(mut hits) = self.hits.lock() else {
            return;
        };
        if hits.len() >= SWEEP_AT {
            let window = self.window;
            hits.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = hits.entry(key.to_string()).or_default();
        q.push_back(now);
        while q.len() > self.limit {
            q.pop_front();
        }
    }
}

/// The throttles a server keeps.
pub struct Throttles {
    /// Failed logins for one username: 5 in 5 minutes.
    pub login_account: Throttle,
    /// Failed logins from one address: 20 in 5 minutes.
    pub login_address: Throttle,
    /// Exact ID-number look-ups (searches, duplicate checks) by a masked role: 20 an hour.
    pub identifier: Throttle,
    /// Residents' one-time codes asked for and tried, per ID number: 5 in 15 minutes.
    pub portal_code: Throttle,
    /// Residents' sign-in steps from one address: 30 in 15 minutes.
    pub portal_address: Throttle,
}

impl Default for Throttles {
    fn default() -> Self {
        Self {
            login_account: Throttle::new(5, Duration::from_secs(300)),
            login_address: Throttle::new(20, Duration::from_secs(300)),
            identifier: Throttle::new(20, Duration::from_secs(3600)),
            portal_code: Throttle::new(5, Duration::from_secs(900)),
            portal_address: Throttle::new(30, Duration::from_secs(900)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_the_window_and_frees_after_it() {
        let t = Throttle::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for s in 0..3 {
            assert_eq!(t.check_at("a", t0 + Duration::from_secs(s)), Ok(()));
            t.hit_at("a", t0 + Duration::from_secs(s));
        }
        // The fourth within the minute waits until the first falls out: 60 - 10 = 50 s.
        assert_eq!(t.check_at("a", t0 + Duration::from_secs(10)), Err(50));
        assert_eq!(t.check_at("b", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(t.check_at("a", t0 + Duration::from_secs(60)), Ok(()));
        t.clear("a");
        assert_eq!(t.check_at("a", t0 + Duration::from_secs(11)), Ok(()));
    }

    #[test]
    fn take_counts_and_refuses_past_the_limit() {
        let t = Throttle::new(2, Duration::from_secs(60));
        assert!(t.take("k").is_ok());
        assert!(t.take("k").is_ok());
        assert!(t.take("k").is_err());
    }
}
