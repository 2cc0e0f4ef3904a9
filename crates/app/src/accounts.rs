//! Creating an account: the same checks whether an administrator does it in the browser
//! or an operator with `yigong user add`.

use crate::error::{AppError, AppResult};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::registry::FieldError;
use yigong_store::Store;
use yigong_store::accounts::NewAccount;

/// The shortest password accepted.
pub const PASSWORD_MIN: usize = 8;

/// What is asked of whoever creates an account.
pub struct AccountInput<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    /// A role code (`village_doctor`, …).
    pub role: &'a str,
    pub institution_id: Uuid,
}

/// Validates and creates an account in `community`; returns its id.
pub async fn create(store: &Store, community: Uuid, input: &AccountInput<'_>) -> AppResult<Uuid> {
    let username = input.username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(FieldError::new("username", "invalid_characters").into());
    }
    let display = yigong_domain::registry::validate_name(input.display_name)?;
    check_password(input.password)?;
    let role = Role::parse(input.role.trim()).ok_or(FieldError::new("role", "role_invalid"))?;
    let inst = store
        .get_institution(community, input.institution_id)
        .await
        .map_err(|_| AppError::from(FieldError::new("institution", "not_found")))?;
    if !inst.kind().is_some_and(|k| role.fits_institution(k)) {
        return Err(FieldError::new("role", "role_invalid").into());
    }
    let password = input.password.to_string();
    let hash = tokio::task::spawn_blocking(move || crate::passwords::hash_password(&password))
        .await
        .map_err(|_| AppError::internal())?
        .map_err(|_| AppError::internal())?;
    let new = NewAccount {
        username,
        display_name: &display,
        password_hash: &hash,
        role,
        institution_id: inst.id,
        department_id: None,
    };
    Ok(store.create_account(community, &new).await?)
}

/// A password as every account must have it: long enough, not absurdly long.
pub fn check_password(password: &str) -> AppResult<()> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(FieldError::new("password", "password_too_short").into());
    }
    if password.len() > 256 {
        return Err(FieldError::new("password", "too_long").into());
    }
    Ok(())
}
