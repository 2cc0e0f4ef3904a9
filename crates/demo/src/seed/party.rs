//! The demo's party organisation as seed 000 counts it (two hospital committees with 31
//! branches and 411 members, and 21 township branches with 184 members), and a
//! first-secretary programme as seed 001 runs it (a site with 1,000,000 yuan, two years).

use super::sites::{Actors, add_sites};
use crate::rng::Rng;
use anyhow::Context;
use time::Duration;
use uuid::Uuid;
use yigong_domain::identity::Sex;
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::party::{NewMember, NewMove, NewOrg};

/// Branches and members of the two hospital committees, then of the townships.
const HOSPITAL_BRANCHES: [usize; 2] = [16, 15];
const HOSPITAL_MEMBERS: [usize; 2] = [213, 198];
const TOWNSHIP_BRANCHES: usize = 21;
const TOWNSHIP_MEMBERS: usize = 184;

/// `total` split into `parts` as evenly as whole numbers allow.
fn split(total: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|i| total / parts + usize::from(i < total % parts))
        .collect()
}

fn members(rng: &mut Rng, n: usize, today: time::Date, full_time: usize) -> Vec<NewMember> {
    (0..n)
        .map(|i| {
            let years = i64::from(rng.range(1, 30));
            let joined = today - Duration::days(365 * years);
            let sex = if rng.percent(55) {
                Sex::Male
            } else {
                Sex::Female
            };
            let born = today.year() - 25 - rng.range(0, 30) as i32;
            // One in twenty on probation, the rest full members.
            let probationary = i % 20 == 19;
            NewMember {
                staff_id: None,
                name: crate::names::full_name(rng, sex, born),
                status: if probationary { "probationary" } else { "full" },
                status_since: if probationary {
                    today - Duration::days(120)
                } else {
                    joined
                },
                joined_on: Some(joined),
                full_time: i < full_time,
                // One in twelve retired; after-tax pay as a county's staff earn it.
                dues_basis: if i % 12 == 11 { "retired" } else { "working" },
                pay_fen: i64::from(rng.range(2_500, 14_000)) * 100,
            }
        })
        .collect()
}

/// Adds the organisation and the programme to a demo community stored by
/// [`super::load`]: the demo account `branch` is the secretary of the township's branch,
/// `firstsec` the first secretary there, and `specialist` the one at the other township.
pub async fn add_programme(
    store: &Store,
    community: Uuid,
    places: &super::DemoPlaces,
    seed: u64,
) -> anyhow::Result<()> {
    let account = |name: &'static str| async move {
        store
            .find_account(community, name)
            .await?
            .map(|a| a.id)
            .context("a demo account")
    };
    let branch = account("branch").await?;
    add(store, community, places, branch, seed).await?;
    let who = Actors {
        secretary: (account("firstsec").await?, "firstsec"),
        committee: (account("party").await?, "party"),
    };
    let other = account("specialist").await?;
    let committee = who.committee.0;
    add_sites(store, community, places, (who, other), seed).await?;
    super::dues::add_dues(store, community, seed).await?;
    super::activities::add_year(store, community, seed).await?;
    super::joint::add_joint_work(store, community, committee, seed).await?;
    super::stars::add_stars(store, community, (committee, branch), seed).await?;
    add_moves(store, community, (committee, branch), seed).await
}

/// Two members of the demo township's branch away working elsewhere (流动党员), and one
/// more who came and has been transferred out again, so the counts stay seed 000's.
async fn add_moves(
    store: &Store,
    community: Uuid,
    (committee, branch): (Uuid, Uuid),
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x30e5);
    let today = yigong_domain::clock::today();
    let org = store
        .party_orgs(community)
        .await?
        .into_iter()
        .find(|o| o.secretary_account_id == Some(branch))
        .context("no demo branch")?
        .id;
    let who = super::sites::entry((committee, "party"), "party.member_move", "party_member");
    let members = store
        .members_with_points(community, org, today.year())
        .await?;
    let away = ["外出务工：浙江省宁波市", "外出务工：广东省东莞市"];
    for (m, place) in members.iter().filter(|m| m.status == "full").zip(away) {
        let mv = NewMove {
            kind: "leave",
            from: "settled",
            to: "mobile",
            from_org: org,
            to_org: None,
            on: today - Duration::days(i64::from(rng.range(30, 200))),
            note: place.into(),
        };
        store.move_member(community, m.id, &mv, &who).await?;
    }
    let joined = today - Duration::days(365 * 6);
    let gone = NewMember {
        staff_id: None,
        name: crate::names::full_name(&mut rng, Sex::Male, today.year() - 40),
        status: "full",
        status_since: joined,
        joined_on: Some(joined),
        full_time: false,
        dues_basis: "working",
        pay_fen: 520_000,
    };
    let added = super::sites::entry((committee, "party"), "party.member_added", "party_member");
    let id = store.add_member(community, org, &gone, &added).await?;
    let out = NewMove {
        kind: "transfer_out",
        from: "settled",
        to: "transferred",
        from_org: org,
        to_org: None,
        on: today - Duration::days(45),
        note: "转至遵义市红花岗区社区党委".into(),
    };
    store.move_member(community, id, &out, &who).await?;
    Ok(())
}

/// Those on the way to membership in the demo township's branch: two applicants, an
/// activist of fourteen months (due to become a candidate), and a candidate.
fn pipeline(rng: &mut Rng, today: time::Date) -> Vec<NewMember> {
    [
        ("applicant", 30),
        ("applicant", 90),
        ("activist", 425),
        ("candidate", 60),
    ]
    .into_iter()
    .map(|(status, days)| NewMember {
        staff_id: None,
        name: crate::names::full_name(rng, Sex::Female, today.year() - 28),
        status,
        status_since: today - Duration::days(days),
        joined_on: None,
        full_time: false,
        dues_basis: "working",
        pay_fen: 0,
    })
    .collect()
}

/// Stores the organisation, the demo township's branch with its secretary.
async fn add(
    store: &Store,
    community: Uuid,
    places: &super::DemoPlaces,
    branch: Uuid,
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x0dd_c0de);
    let today = yigong_domain::clock::today();
    let institutions = store.list_institutions(community).await?;
    let member_hospital = institutions
        .iter()
        .find(|i| i.kind() == Some(InstitutionKind::Member))
        .context("no member hospital")?
        .id;
    let townships: Vec<_> = institutions
        .iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Township))
        .collect();
    let mut lead_committee = None;
    for (h, hospital) in [places.lead, member_hospital].into_iter().enumerate() {
        let name = institutions
            .iter()
            .find(|i| i.id == hospital)
            .map_or("", |i| i.name.as_str());
        let committee = NewOrg {
            parent_id: None,
            kind: "committee",
            name: format!("{name}党委"),
            institution_id: hospital,
            double_leader: false,
            secretary_is_director: false,
            secretary_account_id: None,
        };
        // Full-time workers at 0.5 % of a hospital's staff: 12 each, in the committee.
        let id = store
            .insert_org(community, &committee, &members(&mut rng, 12, today, 12))
            .await?;
        lead_committee.get_or_insert(id);
        for (b, n) in split(HOSPITAL_MEMBERS[h] - 12, HOSPITAL_BRANCHES[h])
            .into_iter()
            .enumerate()
        {
            let branch_org = NewOrg {
                parent_id: Some(id),
                kind: "branch",
                name: format!("{name}第{}党支部", b + 1),
                institution_id: hospital,
                double_leader: true,
                secretary_is_director: false,
                secretary_account_id: None,
            };
            store
                .insert_org(community, &branch_org, &members(&mut rng, n, today, 0))
                .await?;
        }
    }
    let committee = lead_committee.context("no committee")?;
    let counts = split(TOWNSHIP_MEMBERS, TOWNSHIP_BRANCHES);
    for (b, n) in counts.into_iter().enumerate() {
        let t = townships[b % townships.len()];
        let ours = t.id == places.township && b < townships.len();
        let suffix = if b < townships.len() {
            String::new()
        } else {
            "第二".into()
        };
        let org = NewOrg {
            parent_id: Some(committee),
            kind: "branch",
            name: format!("{}{suffix}党支部", t.name),
            institution_id: t.id,
            double_leader: b % 3 != 0,
            // Seed 000: 70 % of township secretaries are also the director.
            secretary_is_director: b % 10 < 7,
            secretary_account_id: ours.then_some(branch),
        };
        let mut list = members(&mut rng, n, today, 0);
        if ours {
            list.extend(pipeline(&mut rng, today));
        }
        store.insert_org(community, &org, &list).await?;
    }
    Ok(())
}
