//! Authentication: argon2 password hashes, opaque session tokens (stored only as SHA-256
//! hashes), bearer tokens for the API and FHIR, a cookie plus CSRF token for the UI.

use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::{PhoneUse, ReferralScope, ResidentScope, Role};
use yigong_domain::ecg::EcgScope;
use yigong_domain::identity::{mask_id_text, mask_phone_text};
use yigong_domain::registry::InstitutionKind;
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
pub const PASSWORD_MIN: usize = 8;
/// How long a verified session is trusted without asking the database again.
pub const SESSION_CACHE_SECONDS: u64 = 30;

fn cached_user(state: &AppState, hash: &str) -> Option<CurrentUser> {
    let mut cache = state.sessions.lock().ok()?;
    match cache.get(hash) {
        Some((at, user))
            if at.elapsed().as_secs() < SESSION_CACHE_SECONDS
                && user.expires_at > OffsetDateTime::now_utc() =>
        {
            Some(user.clone())
        }
        Some(_) => {
            cache.remove(hash);
            None
        }
        None => None,
    }
}

fn remember_user(state: &AppState, hash: &str, user: &CurrentUser) {
    if let Ok(mut cache) = state.sessions.lock() {
        if cache.len() > 10_000 {
            cache.retain(|_, (at, _)| at.elapsed().as_secs() < SESSION_CACHE_SECONDS);
        }
        cache.insert(hash.to_string(), (std::time::Instant::now(), user.clone()));
    }
}

/// Ends a session at once everywhere: the database row, the cache, and any live stream
/// it holds open.
pub async fn end_session(state: &AppState, token_hash: &str) -> ApiResult<()> {
    if let Ok(mut cache) = state.sessions.lock() {
        cache.remove(token_hash);
    }
    state.store.delete_session(token_hash).await?;
    let _ = state.ended.send(Ended::Session(token_hash.to_string()));
    Ok(())
}

/// Ends every session of an account (deactivated, or its password reset).
pub async fn end_account_sessions(state: &AppState, account: Uuid) -> ApiResult<()> {
    if let Ok(mut cache) = state.sessions.lock() {
        cache.retain(|_, (_, u)| u.account_id != account);
    }
    state.store.delete_account_sessions(account).await?;
    let _ = state.ended.send(Ended::Account(account));
    Ok(())
}

/// What ended, for the live streams that must close with it.
#[derive(Debug, Clone)]
pub enum Ended {
    Session(String),
    Account(Uuid),
}

impl Ended {
    pub fn ends(&self, user: &CurrentUser) -> bool {
        match self {
            Ended::Session(h) => *h == user.session,
            Ended::Account(a) => *a == user.account_id,
        }
    }
}

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

fn random_hex(bytes: usize) -> String {
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

pub use crate::passwords::{hash_password, verify_password};

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
        .create_session(&token_hash(&token), account.id, &csrf, now, expires)
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
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=7200{secure}"
    )
}

/// Whether the login form's token matches its cookie.
pub fn login_csrf_matches(headers: &HeaderMap, form_token: &str) -> bool {
    cookie(headers, LOGIN_CSRF_COOKIE).is_some_and(|c| {
        !c.is_empty() && crate::passwords::constant_time_eq(c.as_bytes(), form_token.as_bytes())
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

/// The authenticated user of a request, with what their role reaches.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub institution_id: Uuid,
    pub scope: ResidentScope,
    pub referrals: ReferralScope,
    /// Which ECG studies the account sees, and whether it reads them.
    pub ecg: EcgScope,
    pub department_id: Option<Uuid>,
    pub csrf: String,
    pub ip: String,
    pub lang: Lang,
    /// The hash of the session's token: what logout ends.
    pub session: String,
    pub expires_at: OffsetDateTime,
    /// The request being served, for the audit trail.
    pub method: String,
    pub path: String,
    /// Told when a refusal is audited, so that the refusals layer does not write it twice.
    pub trail: Option<crate::refusals::AuditTrail>,
}

impl CurrentUser {
    pub fn require(&self, allowed: bool) -> ApiResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// The audit row of a list or search that returned resident data.
    pub async fn audit_list(
        &self,
        state: &AppState,
        action: &str,
        entity: &str,
        results: i64,
    ) -> ApiResult<()> {
        self.audit(
            state,
            action,
            entity,
            None,
            true,
            &format!("results={results}"),
        )
        .await
    }

    /// Like [`Self::require`], and a refusal is written to the audit trail.
    pub async fn require_audited(
        &self,
        state: &AppState,
        allowed: bool,
        action: &str,
        entity: &str,
        entity_id: Option<Uuid>,
    ) -> ApiResult<()> {
        if !allowed {
            self.audit(state, action, entity, entity_id, false, "role")
                .await?;
        }
        self.require(allowed)
    }

    /// An ID number as this user may see it: whole for registrars, masked otherwise.
    pub fn shown_id_number(&self, id_number: &str) -> String {
        if self.role.sees_full_identifiers() {
            id_number.to_string()
        } else {
            mask_id_text(id_number)
        }
    }

    /// A phone number as this user may see it where it is shown for `at`.
    pub fn shown_phone(&self, at: PhoneUse, phone: &str) -> String {
        if self.role.sees_whole_phone(at) {
            phone.to_string()
        } else {
            mask_phone_text(phone)
        }
    }

    /// Whether a request's CSRF token is this session's (checked by [`crate::csrf`]).
    pub fn csrf_matches(&self, token: &str) -> bool {
        crate::passwords::constant_time_eq(token.as_bytes(), self.csrf.as_bytes())
    }

    /// The audit row for something this user did, to be written with the change itself.
    pub fn audit_entry<'a>(
        &'a self,
        action: &'a str,
        entity: &'a str,
        entity_id: Option<Uuid>,
        allowed: bool,
        detail: &'a str,
    ) -> AuditEntry<'a> {
        AuditEntry {
            account_id: Some(self.account_id),
            username: &self.username,
            action,
            entity,
            entity_id,
            allowed,
            ip: &self.ip,
            detail,
            method: &self.method,
            path: &self.path,
        }
    }

    /// Writes an audit row on its own; a failure to audit fails the request.
    pub async fn audit(
        &self,
        state: &AppState,
        action: &str,
        entity: &str,
        entity_id: Option<Uuid>,
        allowed: bool,
        detail: &str,
    ) -> ApiResult<()> {
        let entry = self.audit_entry(action, entity, entity_id, allowed, detail);
        state.store.record_audit(state.community.id, &entry).await?;
        if let (false, Some(trail)) = (allowed, &self.trail) {
            trail.refusal_recorded();
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = bearer_token(&parts.headers);
        let token = bearer
            .or_else(|| cookie(&parts.headers, SESSION_COOKIE))
            .ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(&token);
        // Inside a nested router `parts.uri` lacks the prefix: use the original URI.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(parts.uri.path(), |u| u.0.path())
            .to_string();
        let lang = Lang::detect(parts.uri.query(), &parts.headers);
        let user = match cached_user(state, &hash) {
            Some(mut user) => {
                user.ip = client_ip(parts);
                user.lang = lang;
                user.method = parts.method.to_string();
                user.path = path.clone();
                user
            }
            None => {
                let session = state
                    .store
                    .find_session(state.community.id, &hash)
                    .await?
                    .ok_or_else(ApiError::unauthenticated)?;
                let mut expires_at = session.expires_at;
                if let Some(later) =
                    slid_deadline(session.created_at, expires_at, OffsetDateTime::now_utc())
                {
                    state.store.extend_session(&hash, later).await?;
                    expires_at = later;
                }
                let account = session.account;
                let role = account.role().ok_or_else(ApiError::internal)?;
                let children = if role == Role::TownshipDoctor {
                    state
                        .store
                        .child_institutions(state.community.id, account.institution_id)
                        .await?
                } else {
                    vec![]
                };
                // Only a specialist's reach over ECG studies depends on where they work.
                let kind = if role == Role::Specialist {
                    state
                        .store
                        .get_institution(state.community.id, account.institution_id)
                        .await?
                        .kind()
                        .ok_or_else(ApiError::internal)?
                } else {
                    InstitutionKind::Township
                };
                let user = CurrentUser {
                    account_id: account.id,
                    username: account.username,
                    display_name: account.display_name,
                    role,
                    institution_id: account.institution_id,
                    scope: ResidentScope::resolve(role, account.institution_id, &children),
                    referrals: ReferralScope::resolve(
                        role,
                        account.institution_id,
                        account.department_id,
                        &children,
                    ),
                    ecg: EcgScope::resolve(role, account.institution_id, kind, &children),
                    department_id: account.department_id,
                    csrf: session.csrf_token,
                    ip: client_ip(parts),
                    lang,
                    session: hash.clone(),
                    expires_at,
                    method: parts.method.to_string(),
                    path: path.clone(),
                    trail: None,
                };
                remember_user(state, &hash, &user);
                user
            }
        };
        let mut user = user;
        user.trail = parts
            .extensions
            .get::<crate::refusals::AuditTrail>()
            .cloned();
        if let Some(trail) = &user.trail {
            trail.signed_in(&user);
        }
        Ok(user)
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
