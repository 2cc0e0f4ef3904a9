//! The demo's dues ledger: the last twelve months paid by every member who owes dues. Most
//! pay each month by its last day; a few are behind with the current month, and one in
//! forty has paid nothing for seven months, which the branch page flags.

use crate::rng::Rng;
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::dues::{DuesBasis, month_day, month_index, monthly_fen};
use yigong_store::Store;
use yigong_store::audit::AuditEntry;
use yigong_store::party::NewDues;

pub async fn add_dues(store: &Store, community: Uuid, seed: u64) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0xd0e5);
    let today = clock::today();
    let current = month_index(today);
    // The last twelve months, as the branch page shows them.
    let first = current - 11;
    let audit = AuditEntry {
        account_id: None,
        username: "",
        action: "party.dues_paid",
        entity: "party_member",
        entity_id: None,
        allowed: true,
        ip: "",
        detail: "",
        method: "",
        path: "",
    };
    for org in store.party_orgs(community).await? {
        for m in store.dues_members(community, org.id).await? {
            let last = match rng.range(0, 39) {
                0 => current - 7,
                1..=4 => current - 1,
                _ => current,
            };
            // Each month paid on its tenth, or today for this month's.
            let months: Vec<(i32, time::Date)> = (first..=last)
                .map(|m| (m, month_day(m, 10).unwrap_or(today).min(today)))
                .collect();
            if months.is_empty() {
                continue;
            }
            let basis = DuesBasis::parse(&m.dues_basis).unwrap_or(DuesBasis::Working);
            let dues = NewDues {
                member_id: m.id,
                months,
                amount_fen: monthly_fen(basis, m.pay_fen),
            };
            store.record_dues(community, &dues, &audit).await?;
        }
    }
    Ok(())
}
