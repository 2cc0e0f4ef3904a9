//! The cases behind a figure: the encounters, outside visits, accepted referrals,
//! reported ECGs, answered teleconsultations, held outreach sessions and admitted
//! green-channel cases its numerator or denominator counts, over its
//! months and the institutions in scope, newest first.
//!
//! A county's figure can stand on millions of rows, so a page never counts or sorts them
//! all: the total is the tallies' sum of the counters that count each branch, each branch
//! hands over only its newest *offset + page* keys (walking an index by day when its rows
//! are a good share of the table's, sorting them when they are few), and the names and
//! columns are read for the page's rows alone.

mod branch;
mod sql;

use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use branch::{Branch, branches, walk};
use serde::Serialize;
use sqlx::QueryBuilder;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::Span;
use yigong_domain::indicators::tally::{Measure, Tally};
use yigong_domain::referral::Direction;

/// Which rows a part of a figure counts.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    /// Encounters of these kinds at these institutions.
    pub encounter_kinds: Vec<Kind>,
    pub encounter_places: Vec<Uuid>,
    /// Outside visits of these kinds of residents of these institutions.
    pub outside_kinds: Vec<Kind>,
    pub outside_places: Vec<Uuid>,
    /// Only outside visits that came with a referral.
    pub referred_only: bool,
    /// Accepted referrals, each set counted at one end.
    pub referrals: Vec<ReferralCases>,
    /// Reported ECGs, each set of some kind, at their senders.
    pub ecgs: Vec<EcgCases>,
    /// Held outreach sessions at these places (one list per counter).
    pub sessions: Vec<Vec<Uuid>>,
    /// Teleconsultations answered in the period, at the institutions that asked (one
    /// list per counter).
    pub consults: Vec<Vec<Uuid>>,
    /// Green-channel cases admitted in the period, at their senders.
    pub greens: Vec<GreenCases>,
}

/// Green-channel cases admitted in the period and sent by these institutions: all of
/// them, or those admitted within the target kept with them.
#[derive(Debug, Clone)]
pub struct GreenCases {
    pub on_time_only: bool,
    pub places: Vec<Uuid>,
}

/// ECGs reported in the period and sent by these institutions: all of them, the urgent
/// ones, or the urgent ones reported within `on_time_seconds` of upload.
#[derive(Debug, Clone)]
pub struct EcgCases {
    pub urgent_only: bool,
    pub on_time_seconds: Option<i64>,
    pub places: Vec<Uuid>,
}

/// Referrals of one direction accepted in the period, listed at one end: sent by (or,
/// with `receiver`, sent to) these institutions.
#[derive(Debug, Clone)]
pub struct ReferralCases {
    pub direction: Direction,
    pub receiver: bool,
    pub places: Vec<Uuid>,
}

/// One case: an encounter in the county or a visit outside it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CaseRow {
    pub id: Uuid,
    /// `encounter`, `outside`, `referral`, `ecg`, `consult`, `session` or `green`.
    pub source: String,
    /// An encounter's kind (`outpatient`, `emergency`, `inpatient`), a referral's
    /// direction (`up`, `down`), an ECG's urgency (`urgent`, `routine`) or `held` for
    /// an outreach session.
    pub kind: String,
    /// The day it is counted on (discharge for a stay, acceptance for a referral).
    #[serde(serialize_with = "crate::iso_date")]
    pub day: Date,
    /// The county institution (for a referral, the end it counts at), or the outside
    /// hospital.
    pub place: String,
    /// The institution's kind, or the outside hospital's level.
    pub level: String,
    pub resident_id: Option<Uuid>,
    pub resident_name: Option<String>,
    /// The whole ID number: the caller masks it.
    #[serde(skip)]
    pub id_number: String,
    pub diagnoses: String,
    pub total_fen: i64,
    pub insurance_fen: i64,
    /// The people a session served, a green-channel case's whole minutes to admission
    /// (0 for any other row).
    pub served: i64,
}

/// The key of a listed row: its branch's number, id and day.
type Key = (i64, Uuid, Date);

/// The sum of `counters` over `span` at `places` (all institutions when `None`).
fn counted(t: &Tally, span: Span, counters: &[Measure], places: Option<&[Uuid]>) -> i64 {
    counters
        .iter()
        .flat_map(|m| t.of_measure(*m, (span.first, span.first)))
        .filter(|(i, _)| places.is_none_or(|p| p.contains(i)))
        .map(|(_, v)| v)
        .sum()
}

impl Store {
    /// One page of the cases a query describes, over the months of `span`.
    pub async fn indicator_cases(
        &self,
        community: Uuid,
        span: Span,
        q: &CaseQuery,
        page: PageRequest,
    ) -> Result<Page<CaseRow>> {
        let tally = self.tally_over(community, span).await?;
        let want = page.offset() + page.per_page;
        let mut total = 0;
        let mut listed = Vec::new();
        for (n, b) in branches(q).into_iter().enumerate() {
            let count = counted(&tally, span, &b.counters(), Some(b.places()));
            if count > 0 {
                let all = counted(&tally, span, b.table_counters(), None);
                listed.push((n, b, walk(count, all, want)));
            }
            total += count;
        }
        let mut items = Vec::new();
        if !listed.is_empty() && page.offset() < total {
            let keys = self.case_keys(community, span, &listed, page).await?;
            let mut rows = HashMap::new();
            for (n, b, _) in &listed {
                let ids: Vec<Uuid> = keys
                    .iter()
                    .filter(|k| k.0 == *n as i64)
                    .map(|k| k.1)
                    .collect();
                if !ids.is_empty() {
                    for r in self.case_rows(community, b, &ids).await? {
                        rows.insert((*n as i64, r.id), r);
                    }
                }
            }
            items = keys
                .iter()
                .filter_map(|k| rows.remove(&(k.0, k.1)))
                .collect();
        }
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// The keys of the page's rows: each branch's newest *offset + page*, merged.
    async fn case_keys(
        &self,
        community: Uuid,
        span: Span,
        listed: &[(usize, Branch<'_>, branch::Walk)],
        page: PageRequest,
    ) -> Result<Vec<Key>> {
        let want = page.offset() + page.per_page;
        let engine = self.engine();
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("");
            for (i, (n, b, w)) in listed.iter().enumerate() {
                if i > 0 {
                    qb.push(" UNION ALL ");
                }
                qb.push("SELECT branch, id, day FROM (");
                b.push_keys(&mut qb, (*n, engine, *w), (community, span), want);
                qb.push(format!(") k{n}"));
            }
            qb.push(" ORDER BY day DESC, id DESC LIMIT ").push_bind(page.per_page)
                .push(" OFFSET ").push_bind(page.offset());
            qb.build_query_as().fetch_all(pool).await.store()
        })
    }

    /// The columns of a branch's rows `ids`.
    async fn case_rows(
        &self,
        community: Uuid,
        b: &Branch<'_>,
        ids: &[Uuid],
    ) -> Result<Vec<CaseRow>> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("");
            b.push_rows(&mut qb, community, ids);
            qb.build_query_as().fetch_all(pool).await.store()
        })
    }
}
