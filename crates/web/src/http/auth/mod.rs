//! Authentication: argon2 password hashes, opaque session tokens (stored only as SHA-256
//! hashes), bearer tokens for the API and FHIR, a cookie plus CSRF token for the UI.

mod login;
pub use login::*;

use crate::http::error::{ApiError, ApiResult};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::access::{PhoneUse, ReferralScope, ResidentScope, Role};
use yigong_domain::diagnostics::order::Scope as DiagScope;
use yigong_domain::ecg::EcgScope;
use yigong_domain::identity::{mask_id_text, mask_phone_text};
use yigong_domain::registry::InstitutionKind;
use yigong_store::audit::AuditEntry;

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
    state
        .store
        .delete_session(state.community.id, token_hash)
        .await?;
    let _ = state.ended.send(Ended::Session(token_hash.to_string()));
    Ok(())
}

/// Ends every session of an account (deactivated, or its password reset).
pub async fn end_account_sessions(state: &AppState, account: Uuid) -> ApiResult<()> {
    if let Ok(mut cache) = state.sessions.lock() {
        cache.retain(|_, (_, u)| u.account_id != account);
    }
    state
        .store
        .delete_account_sessions(state.community.id, account)
        .await?;
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
    /// Which orders to the shared diagnostic centres the account sees, and whether it
    /// works at a centre.
    pub diagnostics: DiagScope,
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
    pub trail: Option<crate::http::refusals::AuditTrail>,
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

    /// Whether a request's CSRF token is this session's (checked by [`crate::http::csrf`]).
    pub fn csrf_matches(&self, token: &str) -> bool {
        yigong_app::passwords::constant_time_eq(token.as_bytes(), self.csrf.as_bytes())
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

/// What an account's reach depends on besides its role: the village clinics under its
/// institution (a township doctor's), its institution's kind and its department's code
/// (a specialist's: the lead hospital's ECG and diagnostic centres).
async fn reach_of(
    state: &AppState,
    role: Role,
    account: &yigong_store::accounts::Account,
) -> ApiResult<(Vec<Uuid>, InstitutionKind, Option<String>)> {
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
    // A specialist at the lead hospital works at a centre if their department is one.
    let department = match (kind, account.department_id) {
        (InstitutionKind::Lead, Some(d)) if role == Role::Specialist => state
            .store
            .list_departments(state.community.id, account.institution_id)
            .await?
            .into_iter()
            .find(|x| x.id == d)
            .map(|x| x.code),
        _ => None,
    };
    Ok((children, kind, department))
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
        let lang = crate::http::request_lang(parts.uri.query(), &parts.headers);
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
                    state
                        .store
                        .extend_session(state.community.id, &hash, later)
                        .await?;
                    expires_at = later;
                }
                let account = session.account;
                let role = account.role().ok_or_else(ApiError::internal)?;
                let (children, kind, department) = reach_of(state, role, &account).await?;
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
                    diagnostics: DiagScope::resolve(
                        role,
                        (account.institution_id, kind),
                        &children,
                        department.as_deref(),
                    ),
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
            .get::<crate::http::refusals::AuditTrail>()
            .cloned();
        if let Some(trail) = &user.trail {
            trail.signed_in(&user);
        }
        Ok(user)
    }
}
