//! Party-building pages: the organisation's structure with the figures seed 000 counts
//! (full-time workers against the 0.5 % rule, double-leader and one-shoulder shares), the
//! first-secretary sites, and a site's fund ledger with its spending form.

mod behind;
mod branch;
mod calendar;
mod dues;
mod joint;
mod members;
mod pairing;
mod points;
mod quarter;
mod report;
mod review;
mod sites;
mod stars;

use crate::http::auth::CurrentUser;
use crate::party::api::{self as api, Structure};
use crate::state::AppState;
use crate::ui::list::count;
use crate::ui::{Chrome, OrUi, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use yigong_domain::party::org::{FullTimeRule, share};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party", get(structure))
        .merge(sites::router())
        .merge(branch::router())
        .merge(quarter::router())
        .merge(dues::router())
        .merge(members::router())
        .merge(report::router())
        .merge(points::router())
        .merge(behind::router())
        .merge(joint::router())
        .merge(pairing::router())
        .merge(stars::router())
        .merge(review::router())
        .merge(calendar::router())
}

/// A hospital committee's line: its branches and members, and the full-time rule.
struct CommitteeRow {
    name: String,
    branches: String,
    members: String,
    staff: String,
    workers: String,
    required: String,
    met: bool,
}

/// A branch's line under its committee.
struct BranchRow {
    id: uuid::Uuid,
    name: String,
    institution: String,
    members: String,
    double_leader: bool,
    secretary_is_director: bool,
}

impl BranchRow {
    fn of(b: &yigong_store::party::PartyOrg) -> Self {
        BranchRow {
            id: b.id,
            name: b.name.clone(),
            institution: b.institution_name.clone(),
            members: count(b.members),
            double_leader: b.double_leader,
            secretary_is_director: b.secretary_is_director,
        }
    }
}

#[derive(Template)]
#[template(path = "party/structure.html")]
struct StructurePage {
    chrome: Chrome,
    committees: String,
    branches: String,
    members: String,
    double_leader: String,
    one_shoulder: String,
    hospitals: Vec<CommitteeRow>,
    rows: Vec<(String, Vec<BranchRow>)>,
    /// The committee's and the bureau's: the report and the sites are theirs to open.
    sees_all: bool,
}

use crate::ui::todo::share_text as percent;

/// The staff of an institution, for the 0.5 % rule.
async fn staff_of(
    state: &AppState,
    institution: uuid::Uuid,
) -> Result<i64, yigong_store::StoreError> {
    let q = yigong_store::staff::StaffQuery {
        institution: Some(institution),
        ..Default::default()
    };
    let one = yigong_store::PageRequest::new(None, Some(1));
    Ok(state
        .store
        .search_staff(state.community.id, &q, one)
        .await?
        .total)
}

/// A hospital committee with what is its own: the branches in its hospital, their
/// members and full-time workers with the committee's.
struct HospitalCounts<'a> {
    committee: &'a yigong_store::party::PartyOrg,
    branches: i64,
    members: i64,
    workers: i64,
}

fn hospital_counts(s: &Structure) -> Vec<HospitalCounts<'_>> {
    s.organizations
        .iter()
        .filter(|o| o.kind == "committee")
        .map(|c| {
            let own: Vec<_> = s
                .organizations
                .iter()
                .filter(|b| b.parent_id == Some(c.id) && b.institution_id == c.institution_id)
                .collect();
            HospitalCounts {
                committee: c,
                branches: own.len() as i64,
                members: c.members + own.iter().map(|b| b.members).sum::<i64>(),
                workers: c.full_time + own.iter().map(|b| b.full_time).sum::<i64>(),
            }
        })
        .collect()
}

async fn figures(state: &AppState, user: &CurrentUser, s: &Structure) -> UiResult<StructurePage> {
    let lang = user.lang;
    let branches_of = |parent: uuid::Uuid| {
        s.organizations
            .iter()
            .filter(move |o| o.parent_id == Some(parent))
    };
    let mut hospitals = Vec::new();
    let mut rows = Vec::new();
    for h in hospital_counts(s) {
        let c = h.committee;
        let staff = staff_of(state, c.institution_id).await.ui(lang)?;
        let rule = FullTimeRule::of(staff as u32, h.workers as u32);
        hospitals.push(CommitteeRow {
            name: c.name.clone(),
            branches: count(h.branches),
            members: count(h.members),
            staff: count(staff),
            workers: count(h.workers),
            required: count(i64::from(rule.required)),
            met: rule.met(),
        });
        let lines = branches_of(c.id).map(BranchRow::of).collect();
        rows.push((c.name.clone(), lines));
    }
    // Branches whose committee is out of reach (a branch secretary's own).
    let orphans: Vec<BranchRow> = s
        .organizations
        .iter()
        .filter(|o| {
            o.kind != "committee" && !s.organizations.iter().any(|c| Some(c.id) == o.parent_id)
        })
        .map(BranchRow::of)
        .collect();
    if !orphans.is_empty() {
        rows.push((String::new(), orphans));
    }
    let branches: Vec<_> = s
        .organizations
        .iter()
        .filter(|o| o.kind == "branch")
        .collect();
    let hospital_branches = branches.iter().filter(|b| {
        s.organizations
            .iter()
            .any(|c| c.kind == "committee" && c.institution_id == b.institution_id)
    });
    let (hb, hd) =
        hospital_branches.fold((0, 0), |(n, d), b| (n + 1, d + u32::from(b.double_leader)));
    let township: Vec<_> = branches
        .iter()
        .filter(|b| {
            !s.organizations
                .iter()
                .any(|c| c.kind == "committee" && c.institution_id == b.institution_id)
        })
        .collect();
    let shoulders = township.iter().filter(|b| b.secretary_is_director).count() as u32;
    Ok(StructurePage {
        chrome: Chrome::for_user(user, "party"),
        committees: count(s.committees as i64),
        branches: count(s.branches as i64),
        members: count(s.members),
        double_leader: percent(share(hd, hb)),
        one_shoulder: percent(share(shoulders, township.len() as u32)),
        hospitals,
        rows,
        sees_all: api::sees_all(user),
    })
}

async fn structure(State(state): State<AppState>, UiUser(user): UiUser) -> UiResult<Response> {
    let s = api::structure_for(&state, &user).await.ui(user.lang)?;
    let page = figures(&state, &user, &s).await?;
    Ok(render(&page).into_response())
}
