//! Signing in: opaque session tokens (stored only as SHA-256 hashes), argon2 password
//! checks with equal timing for unknown users, throttled and audited logins, session
//! deadlines and purging, and the cookies of the UI.

use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_store::accounts::Account;
use yigong_store::audit::AuditEntry;

pub const SESSION_COOKIE: &str = "yigong_session";
/// A session ends this long after login, however busy (decision 0007).
pub const SESSION_HOURS: i64 = 12;
/// A session ends after this long without a request.
pub const SESSION_IDLE_MINUTES: i64 = 120;
/// The deadline moves on when it is closer than this to the idle timeout (one write per
/// session every few minutes, not one per request).
const SESSION_SLIDE_MINUTES: i64 = 5;
/// Expired sessions are deleted at most this often (on a login).
const SESSION_PURGE_MINUTES: i64 = 60;
pub use yigong_app::accounts::PASSWORD_MIN;

/// The token of an `Authorization: Bearer …` header (the scheme in any case).
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// A value of the request's `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS random source failing is unrecoverable for a server that issues tokens.
    getrandom::fill(&mut buf).unwrap_or_else(|e| panic!("no OS randomness: {e}"));
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use yigong_app::passwords::{hash_password, verify_password};

/// A hash to verify against when the username is unknown, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

/// Checks a username and password; `None` when either is wrong or the account inactive.
/// Unthrottled and unaudited: callers go through [`login`].
async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
) -> ApiResult<Option<Account>> {
    let account = state
        .store
        .find_account(state.community.id, username.trim())
        .await?;
    let (hash, account) = match account {
        Some(a) if a.active => (a.password_hash.clone(), Some(a)),
        _ => (dummy_hash().to_string(), None),
    };
    let ok = state.passwords.verify(password, &hash).await;
    Ok(if ok { account } else { None })
}

/// A login attempt: throttled per username and per address, every attempt audited.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    ip: &str,
    request: (&str, &str),
) -> ApiResult<Account> {
    let username: String = username.trim().chars().take(64).collect();
    let audit = |account: Option<Uuid>, allowed: bool, detail: &'static str| {
        let entry = AuditEntry {
            account_id: account,
            username: &username,
            action: "login",
            entity: "account",
            entity_id: account,
            allowed,
            ip,
            detail,
            method: request.0,
            path: request.1,
        };
        let store = state.store.clone();
        let community = state.community.id;
        let entry = entry.clone();
        async move { store.record_audit(community, &entry).await }
    };
    let throttles = &state.throttles;
    let account_key = username.to_lowercase();
    if throttles.login_account.check(&account_key).is_err()
        || throttles.login_address.check(ip).is_err()
    {
        audit(None, false, "throttled").await?;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_logins",
        ));
    }
    if password.len() > 256 || username.is_empty() {
        audit(None, false, "invalid").await?;
        return Err(invalid_credentials());
    }
    match check_credentials(state, &username, password).await? {
        Some(account) => {
            throttles.login_account.clear(&account_key);
            audit(Some(account.id), true, "").await?;
            Ok(account)
        }
        None => {
            throttles.login_account.hit(&account_key);
            throttles.login_address.hit(ip);
            audit(None, false, "invalid").await?;
            Err(invalid_credentials())
        }
    }
}

pub fn invalid_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials")
}

/// A new session: returns `(token, csrf_token, expires_at)`.
pub async fn issue_session(
    state: &AppState,
    account: &Account,
) -> ApiResult<(String, String, OffsetDateTime)> {
    let token = random_hex(32);
    let csrf = random_hex(16);
    let now = OffsetDateTime::now_utc();
    let expires = now + Duration::minutes(SESSION_IDLE_MINUTES);
    purge_expired_sessions(state, now).await?;
    state
        .store
        .create_session(
            state.community.id,
            &token_hash(&token),
            account.id,
            &csrf,
            now,
            expires,
        )
        .await?;
    Ok((token, csrf, expires))
}

/// Deletes expired sessions when the last purge is an hour old.
async fn purge_expired_sessions(state: &AppState, now: OffsetDateTime) -> ApiResult<()> {
    let minute = now.unix_timestamp() / 60;
    let last = state
        .sessions_purged
        .load(std::sync::atomic::Ordering::Relaxed);
    if minute - last >= SESSION_PURGE_MINUTES
        && state
            .sessions_purged
            .compare_exchange(
                last,
                minute,
                std::sync::atomic::Ordering::Relaxed,
                std::sync::atomic::Ordering::Relaxed,
            )
            .is_ok()
    {
        state.store.purge_sessions().await?;
    }
    Ok(())
}

/// The deadline a used session moves to, if it should move: the idle timeout from now,
/// never past the session's absolute lifetime.
pub fn slid_deadline(
    created: OffsetDateTime,
    expires: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    let idle = now + Duration::minutes(SESSION_IDLE_MINUTES);
    let wanted = idle.min(created + Duration::hours(SESSION_HOURS));
    (wanted - expires > Duration::minutes(SESSION_SLIDE_MINUTES)).then_some(wanted)
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
}

/// The cookie that carries the login form's CSRF token (double submit: the form's
/// hidden field must match it). Before login there is no session to hold the token.
pub const LOGIN_CSRF_COOKIE: &str = "yigong_login_csrf";

/// The login form's token: the one the browser already holds, or a new one.
pub fn login_csrf(headers: &HeaderMap) -> String {
    cookie(headers, LOGIN_CSRF_COOKIE)
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| random_hex(16))
}

pub fn login_csrf_cookie(state: &AppState, token: &str) -> String {
    form_csrf_cookie(state, token, "/login")
}

/// The double-submit cookie of a sign-in form before any session, for the pages under
/// `path` (`/login`, the residents' window `/m`).
pub fn form_csrf_cookie(state: &AppState, token: &str, path: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=7200{secure}"
    )
}

/// Whether the login form's token matches its cookie.
pub fn login_csrf_matches(headers: &HeaderMap, form_token: &str) -> bool {
    cookie(headers, LOGIN_CSRF_COOKIE).is_some_and(|c| {
        !c.is_empty()
            && yigong_app::passwords::constant_time_eq(c.as_bytes(), form_token.as_bytes())
    })
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The client's address as the socket saw it (empty in in-process tests).
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

/// The client's address, for handlers that serve anonymous requests (login).
pub struct ConnectInfoIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ConnectInfoIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_idle_deadline_slides_but_not_past_the_lifetime() {
        use time::macros::datetime;
        let login = datetime!(2026-11-28 08:00 UTC);
        let first = login + Duration::minutes(SESSION_IDLE_MINUTES);
        // Used a minute after login: the deadline is barely closer; no write.
        assert_eq!(
            slid_deadline(login, first, login + Duration::minutes(1)),
            None
        );
        // Used an hour later: two hours from then.
        assert_eq!(
            slid_deadline(login, first, datetime!(2026-11-28 09:00 UTC)),
            Some(datetime!(2026-11-28 11:00 UTC))
        );
        // Late in the day it stops at twelve hours after login.
        assert_eq!(
            slid_deadline(
                login,
                datetime!(2026-11-28 19:00 UTC),
                datetime!(2026-11-28 18:59 UTC)
            ),
            Some(datetime!(2026-11-28 20:00 UTC))
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32));
        assert_eq!(token_hash("x").len(), 64);
    }

    #[test]
    fn cookies_parse() {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            "a=1; yigong_session=abc; lang=en".parse().expect("header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "b"), None);
    }
}
