//! Password hashing (argon2id) on a fixed pool of worker threads.
//!
//! Each check takes about 19 MiB of argon2 memory. On the runtime's blocking pool every
//! concurrent login got its own thread and its own allocation, and the allocator kept
//! what they took: 16 concurrent logins held gigabytes. Here one worker per core owns a
//! buffer that it reuses, so memory stays bounded by the pool whatever the load, and a
//! burst of logins queues instead of growing.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Hashes a new password with the default argon2id parameters (see decision 0007).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

/// Whether `password` matches the PHC string `hash`, computing into `memory` (grown to
/// the hash's memory cost and kept for the next call).
pub fn verify_with(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let Ok(version) = version else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok()
        && constant_time_eq(&out, expected.as_bytes())
}

/// Whether `password` matches `hash` (allocating its own memory: for tools and tests).
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_with(password, hash, &mut Vec::new())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

struct Job {
    password: String,
    hash: String,
    reply: oneshot::Sender<bool>,
}

/// The workers that check passwords: as many as cores, each with its own buffer.
pub struct PasswordPool {
    jobs: SyncSender<Job>,
    pub workers: usize,
}

impl PasswordPool {
    pub fn new(workers: usize) -> Self {
        let workers = workers.max(1);
        // Waiting logins queue here; past the bound the caller waits for a place.
        let (jobs, rx) = sync_channel::<Job>(1024);
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..workers {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("password-{n}"))
                .spawn(move || work(&rx))
                .unwrap_or_else(|e| panic!("cannot start a password worker: {e}"));
        }
        Self { jobs, workers }
    }

    /// One worker per available core.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// Checks a password on the pool; `false` also when the pool is gone.
    pub async fn verify(&self, password: &str, hash: &str) -> bool {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            password: password.to_string(),
            hash: hash.to_string(),
            reply,
        };
        let jobs = self.jobs.clone();
        // `send` blocks only when 1,024 checks already wait.
        let sent = tokio::task::spawn_blocking(move || jobs.send(job).is_ok())
            .await
            .unwrap_or(false);
        sent && answer.await.unwrap_or(false)
    }
}

fn work(rx: &Mutex<Receiver<Job>>) {
    let mut memory = Vec::new();
    loop {
        let job = match rx.lock() {
            Ok(rx) => match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
            Err(_) => return,
        };
        let ok = verify_with(&job.password, &job.hash, &mut memory);
        let _ = job.reply.send(ok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("demo1234").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("demo1234", &h));
        assert!(!verify_password("demo12345", &h));
        assert!(!verify_password("demo1234", "not a hash"));
        // The reused buffer gives the same answers.
        let mut memory = Vec::new();
        assert!(verify_with("demo1234", &h, &mut memory));
        assert!(!verify_with("demo1235", &h, &mut memory));
        assert!(verify_with("demo1234", &h, &mut memory));
    }

    #[tokio::test]
    async fn the_pool_checks_in_parallel_and_answers_each() {
        let pool = PasswordPool::new(2);
        let h = hash_password("secret-one").expect("hash");
        let checks = (0..6).map(|n| {
            let pw = if n % 2 == 0 { "secret-one" } else { "wrong" };
            pool.verify(pw, &h)
        });
        let got = futures_util::future::join_all(checks).await;
        assert_eq!(got, vec![true, false, true, false, true, false]);
    }
}
