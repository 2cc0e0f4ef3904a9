//! Authentication: argon2 password hashes, opaque session tokens (stored only as SHA-256
//! hashes), bearer tokens for the API and FHIR, a cookie plus CSRF token for the UI.

use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::{ReferralScope, ResidentScope, Role};
use yigong_domain::ecg::EcgScope;
use yigong_domain::identity::{mask_id_text, mask_phone_text};
use yigong_domain::registry::InstitutionKind;
use yigong_store::accounts::Account;
use yigong_store::audit::AuditEntry;

pub const SESSION_COOKIE: &str = "yigong_session";
pub const SESSION_HOURS: i64 = 12;
pub const PASSWORD_MIN: usize = 8;
/// How long a verified session is trusted without asking the database again.
pub const SESSION_CACHE_SECONDS: u64 = 30;

fn cached_user(state: &AppState, hash: &str) -> Option<CurrentUser> {
    let mut cache = state.sessions.lock().ok()?;
    match cache.get(hash) {
        Some((at, user)) if at.elapsed().as_secs() < SESSION_CACHE_SECONDS => Some(user.clone()),
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

/// Ends a session: in the database and in the cache.
pub async fn end_session(state: &AppState, token: &str) -> ApiResult<()> {
    let hash = token_hash(token);
    if let Ok(mut cache) = state.sessions.lock() {
        cache.remove(&hash);
    }
    state.store.delete_session(&hash).await?;
    Ok(())
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

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the username is unknown, so both paths cost the same.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-real-password").unwrap_or_default())
}

/// Checks a username and password; `None` when either is wrong or the account inactive.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
) -> ApiResult<Option<Account>> {
    let account = state.store.find_account(username.trim()).await?;
    let (hash, account) = match account {
        Some(a) if a.active => (a.password_hash.clone(), Some(a)),
        _ => (dummy_hash().to_string(), None),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|_| ApiError::internal())?;
    Ok(if ok { account } else { None })
}

/// A new session: returns `(token, csrf_token, expires_at)`.
pub async fn issue_session(
    state: &AppState,
    account: &Account,
) -> ApiResult<(String, String, OffsetDateTime)> {
    let token = random_hex(32);
    let csrf = random_hex(16);
    let expires = OffsetDateTime::now_utc() + Duration::hours(SESSION_HOURS);
    state
        .store
        .create_session(&token_hash(&token), account.id, &csrf, expires)
        .await?;
    Ok((token, csrf, expires))
}

pub fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
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
    pub via_cookie: bool,
    pub ip: String,
    pub lang: Lang,
}

impl CurrentUser {
    pub fn require(&self, allowed: bool) -> ApiResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// An ID number as this user may see it: whole for registrars, masked otherwise.
    pub fn shown_id_number(&self, id_number: &str) -> String {
        if self.role.sees_full_identifiers() {
            id_number.to_string()
        } else {
            mask_id_text(id_number)
        }
    }

    /// A phone number as this user may see it.
    pub fn shown_phone(&self, phone: &str) -> String {
        if self.role.sees_full_identifiers() {
            phone.to_string()
        } else {
            mask_phone_text(phone)
        }
    }

    /// For cookie sessions: the form's or header's CSRF token must match the session's.
    pub fn check_csrf(&self, token: &str) -> ApiResult<()> {
        if !self.via_cookie || constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::FORBIDDEN, "csrf_failed"))
        }
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
        Ok(())
    }
}

/// Cookie-authenticated API calls that change state must carry the CSRF header.
/// (`path` is the original URI: inside a nested router `parts.uri` lacks the prefix.)
fn check_api_csrf(
    user: &CurrentUser,
    path: &str,
    method: &Method,
    headers: &HeaderMap,
) -> ApiResult<()> {
    let api = path.starts_with("/api/") || path.starts_with("/fhir/");
    if user.via_cookie && api && !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let header = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        user.check_csrf(header)?;
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_string());
        let via_cookie = bearer.is_none();
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
                user.via_cookie = via_cookie;
                user.ip = client_ip(parts);
                user.lang = lang;
                user
            }
            None => {
                let session = state
                    .store
                    .find_session(&hash)
                    .await?
                    .ok_or_else(ApiError::unauthenticated)?;
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
                    via_cookie,
                    ip: client_ip(parts),
                    lang,
                };
                remember_user(state, &hash, &user);
                user
            }
        };
        check_api_csrf(&user, &path, &parts.method, &parts.headers)?;
        Ok(user)
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
