//! Residents signing in to their window: ID number and phone, then a six-digit code sent to
//! that phone (kept as a hash for five minutes and five tries); both steps throttled per
//! ID number and per address, every attempt audited; the session a token (hashed in the
//! store) in a cookie or a bearer header. A refusal never says whether the person exists.

use crate::http::auth::{ConnectInfoIp, bearer_token, cookie, random_hex, token_hash};
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_store::audit::AuditEntry;
use yigong_store::residents::Resident;

pub const RESIDENT_COOKIE: &str = "yigong_resident";
/// A resident's session ends this long after sign-in.
pub const PORTAL_MINUTES: i64 = 60;
const CODE_MINUTES: i64 = 5;
const CODE_TRIES: i64 = 5;

/// A signed-in resident.
pub struct CurrentResident {
    pub resident: Resident,
    pub csrf: String,
    pub session: String,
    pub expires_at: OffsetDateTime,
    pub ip: String,
    pub method: String,
    pub path: String,
}

impl FromRequestParts<crate::state::AppState> for CurrentResident {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers)
            .or_else(|| cookie(&parts.headers, RESIDENT_COOKIE))
            .ok_or_else(ApiError::unauthenticated)?;
        let hash = token_hash(&token);
        let c = state.community.id;
        let session = state
            .store
            .portal_session(c, &hash)
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        let resident = state.store.get_resident(c, session.resident_id).await?;
        let Ok(ConnectInfoIp(ip)) = ConnectInfoIp::from_request_parts(parts, state).await;
        Ok(Self {
            resident,
            csrf: session.csrf_token,
            session: hash,
            expires_at: session.expires_at,
            ip,
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
        })
    }
}

/// Who a resident is in the audit trail: their record's id, never a name or number.
pub fn audit_name(resident: Uuid) -> String {
    format!("resident:{resident}")
}

impl CurrentResident {
    pub fn entry<'a>(
        &'a self,
        name: &'a str,
        (action, entity): (&'a str, &'a str),
        id: Option<Uuid>,
        allowed: bool,
    ) -> AuditEntry<'a> {
        AuditEntry {
            account_id: None,
            username: name,
            action,
            entity,
            entity_id: id,
            allowed,
            ip: &self.ip,
            detail: "",
            method: &self.method,
            path: &self.path,
        }
    }

    pub async fn audit(
        &self,
        state: &AppState,
        (action, entity): (&str, &str),
        id: Option<Uuid>,
        allowed: bool,
    ) -> ApiResult<()> {
        let name = audit_name(self.resident.id);
        let e = self.entry(&name, (action, entity), id, allowed);
        state.store.record_audit(state.community.id, &e).await?;
        Ok(())
    }

    pub fn csrf_matches(&self, token: &str) -> bool {
        !token.is_empty() && token == self.csrf
    }
}

fn code_hash(resident: Uuid, code: &str) -> String {
    Sha256::digest(format!("{resident}:{code}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The resident with this ID number and phone, active; none otherwise.
async fn matching(state: &AppState, id_number: &str, phone: &str) -> ApiResult<Option<Resident>> {
    let id: String = id_number.trim().to_uppercase().chars().take(18).collect();
    let phone: String = phone.chars().filter(char::is_ascii_digit).collect();
    if id.len() != 18 || phone.len() != 11 {
        return Ok(None);
    }
    Ok(state
        .store
        .find_resident_by_id_number(state.community.id, &id)
        .await?
        .filter(|r| r.active && r.phone == phone))
}

/// The request behind an audit row of a sign-in step.
pub struct Asked<'a> {
    pub ip: &'a str,
    pub method: &'a str,
    pub path: &'a str,
}

impl<'a> Asked<'a> {
    /// The audit row of a sign-in step of `name`: refused when it carries a `detail`.
    fn entry(
        &'a self,
        name: &'a str,
        action: &'a str,
        resident: Option<Uuid>,
        detail: &'a str,
    ) -> AuditEntry<'a> {
        AuditEntry {
            account_id: None,
            username: name,
            action,
            entity: "resident",
            entity_id: resident,
            allowed: detail.is_empty(),
            ip: self.ip,
            detail,
            method: self.method,
            path: self.path,
        }
    }
}

async fn audit_step(
    state: &AppState,
    asked: &Asked<'_>,
    action: &str,
    resident: Option<Uuid>,
    detail: &str,
) -> ApiResult<()> {
    let name = resident.map_or_else(|| "resident".to_string(), audit_name);
    let e = asked.entry(&name, action, resident, detail);
    state.store.record_audit(state.community.id, &e).await?;
    Ok(())
}

fn throttled() -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_codes")
}

/// Sends a code to the phone of the resident with this ID number and phone, if there is
/// one; the code itself in demo mode (shown on screen), else none.
pub async fn send_code(
    state: &AppState,
    (id_number, phone): (&str, &str),
    asked: &Asked<'_>,
) -> ApiResult<Option<String>> {
    let key = id_number.trim().to_uppercase();
    let t = &state.throttles;
    if t.portal_code.take(&key).is_err() || t.portal_address.take(asked.ip).is_err() {
        audit_step(state, asked, "portal.code", None, "throttled").await?;
        return Err(throttled());
    }
    let Some(r) = matching(state, id_number, phone).await? else {
        audit_step(state, asked, "portal.code", None, "no_match").await?;
        return Ok(None);
    };
    let mut n = [0u8; 4];
    getrandom::fill(&mut n).map_err(|_| ApiError::internal())?;
    let code = format!("{:06}", u32::from_le_bytes(n) % 1_000_000);
    let name = audit_name(r.id);
    let entry = asked.entry(&name, "portal.code", Some(r.id), "");
    let expires = OffsetDateTime::now_utc() + Duration::minutes(CODE_MINUTES);
    state
        .store
        .set_portal_code(
            state.community.id,
            (r.id, &code_hash(r.id, &code)),
            expires,
            &entry,
        )
        .await?;
    let minutes = CODE_MINUTES.to_string();
    let args = [("code", code.as_str()), ("minutes", minutes.as_str())];
    state.messenger.send(
        &r.phone,
        &crate::i18n::Lang::Zh.tr("portal.sms_code", &args),
    );
    Ok(state.demo.then_some(code))
}

/// Checks the code and opens a session: `(token, csrf, expires_at)`.
pub async fn verify(
    state: &AppState,
    (id_number, phone, code): (&str, &str, &str),
    asked: &Asked<'_>,
) -> ApiResult<(String, String, OffsetDateTime)> {
    let key = id_number.trim().to_uppercase();
    if state
        .throttles
        .portal_code
        .take(&format!("verify:{key}"))
        .is_err()
        || state.throttles.portal_address.take(asked.ip).is_err()
    {
        audit_step(state, asked, "portal.sign_in", None, "throttled").await?;
        return Err(throttled());
    }
    let invalid = || ApiError::new(StatusCode::UNAUTHORIZED, "portal_code_invalid");
    let Some(r) = matching(state, id_number, phone).await? else {
        audit_step(state, asked, "portal.sign_in", None, "no_match").await?;
        return Err(invalid());
    };
    let c = state.community.id;
    let live = state
        .store
        .portal_code(c, r.id)
        .await?
        .filter(|k| k.expires_at > OffsetDateTime::now_utc() && k.attempts < CODE_TRIES);
    let Some(live) = live else {
        audit_step(state, asked, "portal.sign_in", Some(r.id), "code_expired").await?;
        return Err(invalid());
    };
    if live.code_hash != code_hash(r.id, code.trim()) {
        state.store.miss_portal_code(c, r.id).await?;
        audit_step(state, asked, "portal.sign_in", Some(r.id), "code_wrong").await?;
        return Err(invalid());
    }
    let (token, csrf) = (random_hex(32), random_hex(16));
    let expires = OffsetDateTime::now_utc() + Duration::minutes(PORTAL_MINUTES);
    let name = audit_name(r.id);
    let entry = asked.entry(&name, "portal.sign_in", Some(r.id), "");
    state
        .store
        .open_portal_session(c, (r.id, &token_hash(&token), &csrf), expires, &entry)
        .await?;
    Ok((token, csrf, expires))
}

/// The cookie of a resident's session (or of its end, with an empty token).
pub fn session_cookie(state: &AppState, token: &str) -> String {
    let max_age = if token.is_empty() {
        0
    } else {
        PORTAL_MINUTES * 60
    };
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{RESIDENT_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}
