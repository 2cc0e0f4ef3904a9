//! One source of cases in a query (the encounters, the outside visits, one set of
//! referrals, …): the counter that counts its rows, the newest of its keys, and the
//! columns of the rows a page shows.

use super::sql;
use super::{CaseQuery, EcgCases, GreenCases, ReferralCases};
use crate::Engine;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::Span;
use yigong_domain::indicators::tally::Measure;
use yigong_domain::referral::Direction;

#[derive(Debug, Clone, Copy)]
pub(super) enum Branch<'a> {
    Encounters(&'a [Kind], &'a [Uuid]),
    Outside(&'a [Kind], &'a [Uuid], bool),
    Referral(&'a ReferralCases),
    Ecg(&'a EcgCases),
    Consult(&'a [Uuid]),
    Green(&'a GreenCases),
    Session(&'a [Uuid]),
}

/// The branches a query lists, those with no institution or kind left out.
pub(super) fn branches(q: &CaseQuery) -> Vec<Branch<'_>> {
    let mut b = Vec::new();
    if !q.encounter_kinds.is_empty() {
        b.push(Branch::Encounters(&q.encounter_kinds, &q.encounter_places));
    }
    if !q.outside_kinds.is_empty() {
        let (k, p) = (&q.outside_kinds, &q.outside_places);
        b.push(Branch::Outside(k, p, q.referred_only));
    }
    b.extend(q.referrals.iter().map(Branch::Referral));
    b.extend(q.ecgs.iter().map(Branch::Ecg));
    b.extend(q.consults.iter().map(|p| Branch::Consult(p)));
    b.extend(q.greens.iter().map(Branch::Green));
    b.extend(q.sessions.iter().map(|p| Branch::Session(p)));
    b.retain(|b| !b.places().is_empty());
    b
}

fn has_visits(kinds: &[Kind]) -> bool {
    kinds.iter().any(|k| !k.is_stay())
}

fn has_stays(kinds: &[Kind]) -> bool {
    kinds.iter().any(|k| k.is_stay())
}

impl Branch<'_> {
    pub(super) fn places(&self) -> &[Uuid] {
        match self {
            Branch::Encounters(_, p) | Branch::Outside(_, p, _) => p,
            Branch::Referral(r) => &r.places,
            Branch::Ecg(e) => &e.places,
            Branch::Green(g) => &g.places,
            Branch::Consult(p) | Branch::Session(p) => p,
        }
    }

    /// The counters whose sum, at the branch's places, is the number of its rows: the
    /// list's total comes from the tallies, not from counting the rows again.
    pub(super) fn counters(&self) -> Vec<Measure> {
        let kinds = |k: &[Kind], visits: Measure, stays: Measure| {
            let mut m = Vec::new();
            if has_visits(k) {
                m.push(visits);
            }
            if has_stays(k) {
                m.push(stays);
            }
            m
        };
        match *self {
            Branch::Encounters(k, _) => kinds(k, Measure::Visits, Measure::Stays),
            Branch::Outside(_, _, true) => vec![Measure::OutReferred],
            Branch::Outside(k, _, false) => kinds(k, Measure::OutVisits, Measure::OutStays),
            Branch::Referral(r) => vec![match (r.direction, r.receiver) {
                (Direction::Up, false) => Measure::RefUp,
                (Direction::Up, true) => Measure::RefUpIn,
                (Direction::Down, _) => Measure::RefDown,
            }],
            Branch::Ecg(e) => vec![match (e.urgent_only, e.on_time_seconds) {
                (_, Some(_)) => Measure::EcgUrgentOnTime,
                (true, None) => Measure::EcgUrgent,
                (false, None) => Measure::EcgRead,
            }],
            Branch::Consult(_) => vec![Measure::ConsultAnswered],
            Branch::Green(g) => vec![if g.on_time_only {
                Measure::GreenOnTime
            } else {
                Measure::GreenAdmitted
            }],
            Branch::Session(_) => vec![Measure::OutreachHeld],
        }
    }

    /// The counters of every row of the branch's table, whatever its place and kind
    /// (for encounters and outside visits, whose newest rows can be found by walking an
    /// index by day).
    pub(super) fn table_counters(&self) -> &'static [Measure] {
        match self {
            Branch::Encounters(..) => &[Measure::Visits, Measure::Stays],
            Branch::Outside(..) => &[Measure::OutVisits, Measure::OutStays],
            _ => &[],
        }
    }
}

/// How a branch finds its newest rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Walk {
    /// Every row of the span at the branch's places, sorted (few rows).
    Sort,
    /// The table's day index backwards, keeping the branch's rows until there are enough
    /// (rows that are a good share of the table's).
    ByDay,
}

/// Walking by day reads about `want × all ÷ count` index entries; sorting reads `count`
/// rows, each a look-up in the table (weighed four entries).
pub(super) fn walk(count: i64, all: i64, want: i64) -> Walk {
    if want.saturating_mul(all) / count.max(1) <= count.saturating_mul(4) {
        Walk::ByDay
    } else {
        Walk::Sort
    }
}

fn within_days<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, column: &str, span: Span)
where
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} >= "))
        .push_bind(span.first.first_day())
        .push(format!(" AND {column} < "))
        .push_bind(span.last.next().first_day());
}

fn push_kinds<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, column: &str, kinds: &[Kind])
where
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} IN ("));
    let mut sep = qb.separated(", ");
    for k in kinds {
        sep.push_bind(k.as_str().to_string());
    }
    qb.push(")");
}

/// Where a referral counts: the end at which its counter keeps it.
fn referral_end(r: &ReferralCases) -> &'static str {
    if r.receiver {
        "f.to_institution_id"
    } else {
        "f.from_institution_id"
    }
}

/// What a branch's keys are read from.
struct Source {
    table: &'static str,
    alias: &'static str,
    day: &'static str,
}

impl Branch<'_> {
    fn source(&self) -> Source {
        let (table, alias, day) = match self {
            Branch::Encounters(..) => ("encounters", "e", "e.day"),
            Branch::Outside(..) => ("outside_visits", "o", "o.day"),
            Branch::Referral(_) => ("referrals", "f", "f.accepted_on"),
            Branch::Ecg(_) => ("ecg_studies", "s", "s.reported_on"),
            Branch::Consult(_) => ("teleconsultations", "t", "t.answered_on"),
            Branch::Green(_) => ("referrals", "f", "f.green_admitted_on"),
            Branch::Session(_) => ("outreach_sessions", "o", "o.day"),
        };
        Source { table, alias, day }
    }

    /// `SELECT branch, id, day … ORDER BY day DESC, id DESC LIMIT want`: the keys of the
    /// branch's newest `want` rows, numbered `n`.
    pub(super) fn push_keys<DB: sqlx::Database>(
        &self,
        qb: &mut QueryBuilder<DB>,
        (n, engine, walk): (usize, Engine, Walk),
        (community, span): (Uuid, Span),
        want: i64,
    ) where
        Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    {
        let Source { table, alias, day } = self.source();
        qb.push(format!(
            "SELECT CAST({n} AS BIGINT) AS branch, {alias}.id AS id, {day} AS day FROM {table} {alias}"
        ));
        // SQLite is told which index fits; PostgreSQL weighs its statistics itself.
        if engine == Engine::Sqlite && !self.table_counters().is_empty() {
            let index = match walk {
                Walk::ByDay => "day",
                Walk::Sort => "month",
            };
            qb.push(format!(" INDEXED BY {table}_{index}"));
        }
        qb.push(format!(" WHERE {alias}.community_id = "))
            .push_bind(community);
        match (self, walk) {
            (Branch::Encounters(..) | Branch::Outside(..), Walk::Sort) => {
                qb.push(format!(" AND {alias}.month BETWEEN "))
                    .push_bind(span.first.key())
                    .push(" AND ")
                    .push_bind(span.last.key());
            }
            _ => within_days(qb, day, span),
        }
        self.push_filters(qb);
        qb.push(format!(" ORDER BY {day} DESC, {alias}.id DESC LIMIT "))
            .push_bind(want);
    }

    /// The branch's own conditions beyond its community and days.
    fn push_filters<DB: sqlx::Database>(&self, qb: &mut QueryBuilder<DB>)
    where
        Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
        i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    {
        match *self {
            Branch::Encounters(kinds, places) => {
                push_kinds(qb, "e.kind", kinds);
                crate::push_in(qb, "e.institution_id", places);
            }
            Branch::Outside(kinds, places, referred_only) => {
                push_kinds(qb, "o.kind", kinds);
                crate::push_in(qb, "o.institution_id", places);
                if referred_only {
                    qb.push(" AND o.referral_id IS NOT NULL");
                }
            }
            Branch::Referral(r) => {
                qb.push(" AND f.direction = ")
                    .push_bind(r.direction.as_str().to_string());
                crate::push_in(qb, referral_end(r), &r.places);
            }
            Branch::Ecg(e) => {
                if e.urgent_only {
                    qb.push(" AND s.urgency_rank < 2");
                }
                if let Some(limit) = e.on_time_seconds {
                    qb.push(" AND s.turnaround_s <= ").push_bind(limit);
                }
                crate::push_in(qb, "s.from_institution_id", &e.places);
            }
            Branch::Consult(places) => crate::push_in(qb, "t.from_institution_id", places),
            Branch::Green(g) => {
                if g.on_time_only {
                    qb.push(" AND f.green_seconds <= f.green_target_minutes * 60");
                }
                crate::push_in(qb, "f.from_institution_id", &g.places);
            }
            Branch::Session(places) => {
                qb.push(" AND o.status = 'held'");
                crate::push_in(qb, "o.institution_id", places);
            }
        }
    }

    /// The columns of the rows `ids` of this branch.
    pub(super) fn push_rows<DB: sqlx::Database>(
        &self,
        qb: &mut QueryBuilder<DB>,
        community: Uuid,
        ids: &[Uuid],
    ) where
        Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    {
        let select = match self {
            Branch::Encounters(..) => sql::ENCOUNTERS,
            Branch::Outside(..) => sql::OUTSIDE,
            Branch::Referral(r) => {
                qb.push(sql::REFERRALS)
                    .push(referral_end(r))
                    .push(sql::REFERRALS_REST);
                ""
            }
            Branch::Ecg(_) => sql::ECGS,
            Branch::Consult(_) => sql::CONSULTS,
            Branch::Green(_) => sql::GREENS,
            Branch::Session(_) => sql::SESSIONS,
        };
        qb.push(select).push_bind(community);
        let alias = self.source().alias;
        crate::push_in(qb, &format!("{alias}.id"), ids);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_share_walks_the_day_index_and_a_small_one_sorts() {
        // 20 wanted of 1,000,000 rows: 100,000 of them are walked in ~200 entries.
        assert_eq!(walk(100_000, 1_000_000, 20), Walk::ByDay);
        // 50 of them would take ~400,000 entries to find: sorting 50 is cheaper.
        assert_eq!(walk(50, 1_000_000, 20), Walk::Sort);
        // The turning point: 20 × 1,000,000 ÷ 2,236 = 8,944 ≤ 4 × 2,236 = 8,944, but
        // 20 × 1,000,000 ÷ 2,235 = 8,948 > 4 × 2,235 = 8,940.
        assert_eq!(walk(2_236, 1_000_000, 20), Walk::ByDay);
        assert_eq!(walk(2_235, 1_000_000, 20), Walk::Sort);
        // No row counted: nothing to walk for, sorting nothing.
        assert_eq!(walk(0, 1_000_000, 20), Walk::Sort);
    }
}
