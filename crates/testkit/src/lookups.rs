//! Look-ups and set-ups the in-process tests ([`crate::app::TestApp`]) and the browser
//! tests ([`crate::server::Server`]) share, over the server's state.

use yigong_store::residents::{Resident, ResidentQuery};
use yigong_store::staff::{StaffMember, StaffQuery};
use yigong_store::{PageRequest, audit::AuditEntry};
use yigong_web::state::AppState;

/// The audit row of a set-up step (written by the test, not by a user).
pub fn setup_entry(action: &'static str) -> AuditEntry<'static> {
    AuditEntry {
        account_id: None,
        username: "test",
        action,
        entity: "test",
        entity_id: None,
        allowed: true,
        ip: "",
        detail: "",
        method: "",
        path: "",
    }
}

/// Up to `n` residents registered at `institution`, by name.
pub async fn residents_at(state: &AppState, institution: uuid::Uuid, n: i64) -> Vec<Resident> {
    let q = ResidentQuery {
        institution: Some(institution),
        ..Default::default()
    };
    state
        .store
        .search_residents(
            state.community.id,
            &yigong_domain::access::ResidentScope::All,
            &q,
            PageRequest::new(None, Some(n)),
        )
        .await
        .expect("residents")
        .items
}

/// Up to `n` active staff members of `institution`, by name.
pub async fn staff_at(state: &AppState, institution: uuid::Uuid, n: i64) -> Vec<StaffMember> {
    let q = StaffQuery {
        institution: Some(institution),
        ..Default::default()
    };
    state
        .store
        .search_staff(state.community.id, &q, PageRequest::new(None, Some(n)))
        .await
        .expect("staff")
        .items
}

/// Enrols a resident in a register at `clinic`, diagnosed `since` days ago, the next
/// visit due in `due` days (negative: overdue); the register's id.
pub async fn enrol_due(
    state: &AppState,
    resident: uuid::Uuid,
    (clinic, disease): (uuid::Uuid, &'static str),
    since: i64,
    due: i64,
) -> uuid::Uuid {
    let today = yigong_domain::clock::today();
    let register = yigong_store::chronic::NewRegister {
        resident_id: resident,
        disease,
        institution_id: clinic,
        responsible_staff_id: None,
        diagnosed_on: today - time::Duration::days(since),
        enrolled_on: today - time::Duration::days(since),
        next_due: today + time::Duration::days(due),
    };
    state
        .store
        .enrol(state.community.id, &register, &setup_entry("chronic.enrol"))
        .await
        .expect("enrolled")
}
