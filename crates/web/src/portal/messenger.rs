//! How a message reaches a resident's phone: a pluggable channel. A county plugs in its
//! SMS gateway or WeChat service account here; the server ships the outbox, which writes
//! each message to the server's log (the demo's console), the phone masked, and keeps the
//! last few in memory for whoever watches the outbox.

use std::collections::VecDeque;
use std::sync::Mutex;
use yigong_domain::identity::mask_phone_text;

/// An outbound channel to a resident's phone.
pub trait Messenger: Send + Sync {
    /// The channel's name, kept with each notice it carried (`outbox`, `sms`, `wechat`).
    fn channel(&self) -> &'static str;
    /// Sends `text` to `phone`; a failure is the channel's to log and retry.
    fn send(&self, phone: &str, text: &str);
    /// The last messages sent, `(phone, text)`, oldest first, where the channel keeps them.
    fn recent(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Messages the outbox keeps in memory.
const KEPT: usize = 200;

/// The outbox: messages go to the server's log.
#[derive(Default)]
pub struct Outbox(Mutex<VecDeque<(String, String)>>);

impl Messenger for Outbox {
    fn channel(&self) -> &'static str {
        "outbox"
    }

    fn send(&self, phone: &str, text: &str) {
        tracing::info!(target: "yigong::outbox", "to {}: {text}", mask_phone_text(phone));
        println!("[outbox] {} ← {text}", mask_phone_text(phone));
        if let Ok(mut q) = self.0.lock() {
            if q.len() == KEPT {
                q.pop_front();
            }
            q.push_back((phone.to_string(), text.to_string()));
        }
    }

    fn recent(&self) -> Vec<(String, String)> {
        self.0
            .lock()
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }
}
