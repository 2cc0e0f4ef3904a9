//! Loads a generated demo community into a store, with one demo account per role, and
//! each context's history: a year of referrals ([`referrals`]), family-doctor teams,
//! contracts, registers, follow-ups and screenings ([`family`]) and ECG studies cut from
//! the shipped recordings ([`ecg`]).

pub mod activities;
pub mod appraisal;
pub mod consults;
pub mod diagnostics;
pub mod dues;
pub mod ecg;
pub mod encounters;
pub mod family;
pub mod joint;
pub mod mentoring;
pub mod outreach;
pub mod party;
pub mod population;
pub mod referrals;
pub mod sites;
pub mod stars;
pub mod sterile;

/// Rows per insert batch.
const BATCH: usize = 5000;

/// Hashes a password for storage (the caller's scheme: the demo does not choose one).
pub type HashPassword<'a> = &'a (dyn Fn(&str) -> anyhow::Result<String> + Sync);

use anyhow::Context;
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::registry::InstitutionKind;
use yigong_store::accounts::NewAccount;
use yigong_store::institutions::NewInstitution;
use yigong_store::{Community, Store};

/// The demo password of every demo account.
pub const DEMO_PASSWORD: &str = "demo1234";
pub const DEMO_SEED: u64 = 20241114;

/// `(username, role, display name)` of the demo accounts.
pub const DEMO_ACCOUNTS: [(&str, Role, &str); 13] = [
    ("admin", Role::Admin, "系统管理员"),
    ("manager", Role::Manager, "张主任"),
    ("specialist", Role::Specialist, "李医生（心内科）"),
    ("ecg", Role::Specialist, "孙医生（心电诊断中心）"),
    ("lab", Role::Specialist, "钱医生（医学检验中心）"),
    ("imaging", Role::Specialist, "郑医生（医学影像中心）"),
    ("cssd", Role::Specialist, "冯护士长（消毒供应中心）"),
    ("township", Role::TownshipDoctor, "王医生（茅台镇）"),
    ("village", Role::VillageDoctor, "刘医生（村卫生室）"),
    ("party", Role::PartySecretary, "陈书记"),
    (
        "branch",
        Role::TownshipDoctor,
        "周书记（茅台镇卫生院党支部）",
    ),
    (
        "firstsec",
        Role::TownshipDoctor,
        "吴书记（驻茅台镇第一书记）",
    ),
    ("bureau", Role::BureauViewer, "赵科长（卫健局）"),
];

/// Ids of the places the demo accounts belong to.
#[derive(Debug, Clone)]
pub struct DemoPlaces {
    pub lead: Uuid,
    pub township: Uuid,
    pub village: Uuid,
    pub other_village: Uuid,
    pub other_township: Uuid,
    pub bureau: Uuid,
    pub cardiology: Uuid,
    /// The lead hospital's laboratory and imaging departments: the shared centres.
    pub laboratory: Uuid,
    pub imaging: Uuid,
    pub sterile_supply: Uuid,
}

/// Generates and stores a community with `residents` residents, the demo accounts' passwords
/// hashed by `hash`; `progress` is told how many residents are stored so far.
pub async fn load(
    store: &Store,
    seed: u64,
    residents: usize,
    hash: HashPassword<'_>,
    progress: &mut (dyn FnMut(usize) + Send),
) -> anyhow::Result<(Community, DemoPlaces)> {
    let plan = crate::generate(seed, residents);
    let community = store.create_community("demo", &plan.name).await?;
    let c = community.id;
    let mut inst_ids = Vec::with_capacity(plan.institutions.len());
    for i in &plan.institutions {
        let new = NewInstitution {
            parent_id: i.parent.map(|p| inst_ids[p]),
            kind: i.kind,
            code: i.code.clone(),
            name: i.name.clone(),
            address: i.address.clone(),
        };
        inst_ids.push(store.insert_institution(c, &new).await?.id);
    }
    let mut dept_ids = Vec::with_capacity(plan.departments.len());
    for d in &plan.departments {
        dept_ids.push(
            store
                .insert_department(c, inst_ids[d.institution], &d.code, &d.name)
                .await?
                .id,
        );
    }
    let staff: Vec<_> = plan
        .staff
        .iter()
        .map(|s| {
            (
                inst_ids[s.institution],
                s.department.map(|d| dept_ids[d]),
                s.staff.clone(),
            )
        })
        .collect();
    for chunk in staff.chunks(BATCH) {
        store.upsert_staff(c, chunk).await?;
    }
    let rows: Vec<_> = plan
        .residents
        .iter()
        .map(|r| (inst_ids[r.institution], r.resident.clone()))
        .collect();
    let mut done = 0;
    for chunk in rows.chunks(BATCH) {
        store.upsert_residents(c, chunk).await?;
        done += chunk.len();
        progress(done);
    }

    let kind_at = |i: usize| plan.institutions[i].kind;
    let find = |pred: &dyn Fn(usize) -> bool| (0..plan.institutions.len()).find(|i| pred(*i));
    let township = 4;
    let village = find(&|i| plan.institutions[i].parent == Some(township)).context("no village")?;
    let other_village = find(&|i| i != village && plan.institutions[i].parent == Some(township))
        .context("no second village")?;
    let other_township = find(&|i| i != township && kind_at(i) == InstitutionKind::Township)
        .context("no second township")?;
    let bureau = find(&|i| kind_at(i) == InstitutionKind::Bureau).context("no bureau")?;
    let lead_department = |code: &str| {
        plan.departments
            .iter()
            .position(|d| d.institution == 0 && d.code == code)
            .map(|d| dept_ids[d])
            .with_context(|| format!("no {code}"))
    };
    let places = DemoPlaces {
        lead: inst_ids[0],
        township: inst_ids[township],
        village: inst_ids[village],
        other_village: inst_ids[other_village],
        other_township: inst_ids[other_township],
        bureau: inst_ids[bureau],
        cardiology: lead_department("cardiology")?,
        laboratory: lead_department("laboratory")?,
        imaging: lead_department("imaging")?,
        sterile_supply: lead_department("sterile-supply")?,
    };
    add_accounts(store, c, &places, hash).await?;
    Ok((community, places))
}

/// The demo accounts, each at its place (the centres' specialists in their departments).
async fn add_accounts(
    store: &Store,
    c: Uuid,
    places: &DemoPlaces,
    hash: HashPassword<'_>,
) -> anyhow::Result<()> {
    for (username, role, display) in DEMO_ACCOUNTS {
        let (institution_id, department_id) = match role {
            Role::Specialist => {
                let department = match username {
                    "lab" => places.laboratory,
                    "imaging" => places.imaging,
                    "cssd" => places.sterile_supply,
                    _ => places.cardiology,
                };
                (places.lead, Some(department))
            }
            Role::TownshipDoctor => (places.township, None),
            Role::VillageDoctor => (places.village, None),
            Role::BureauViewer => (places.bureau, None),
            _ => (places.lead, None),
        };
        let hash = hash(DEMO_PASSWORD)?;
        let new = NewAccount {
            username,
            display_name: display,
            password_hash: &hash,
            role,
            institution_id,
            department_id,
        };
        store.create_account(c, &new).await?;
    }
    Ok(())
}

/// Adds a year of referral history (about 1,290 referrals) among the community's places
/// and people; the demo calls it after [`load`].
pub async fn add_referral_history(
    store: &Store,
    community: Uuid,
    seed: u64,
) -> anyhow::Result<usize> {
    let residents = store.resident_sample(community, 5000).await?;
    if residents.is_empty() {
        return Ok(0);
    }
    let institutions = store.list_institutions(community).await?;
    let mut departments = std::collections::HashMap::new();
    for i in institutions
        .iter()
        .filter(|i| i.kind == "lead" || i.kind == "member")
    {
        for d in store.list_departments(community, i.id).await? {
            departments.insert((i.id, d.code), d.id);
        }
    }
    let dir = referrals::Directory {
        institutions_by_code: institutions.into_iter().map(|i| (i.code, i.id)).collect(),
        departments,
        residents,
    };
    let rows = referrals::history(seed, referrals::YEARLY_REFERRALS, yigong_store::now(), &dir);
    store.bulk_load_referrals(community, &rows).await?;
    Ok(rows.len())
}
