//! The monthly tallies: added to in the transaction that stores their rows, summed for a
//! dashboard, and recomputed from the raw rows by `rebuild`.

use crate::{OrConflict, Result, Store, on_db, on_db_write};
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::indicators::month::{Month, Span};
use yigong_domain::indicators::tally::{Measure, Tally, of_consult, of_ecg_report, of_session};
use yigong_domain::referral::Direction;

/// Adds a tally's entries to the stored counters, on any executor (the transaction that
/// stores the rows they count).
macro_rules! add_tally {
    ($conn:expr, $community:expr, $tally:expr) => {{
        let entries: Vec<_> = $tally.entries().collect();
        for part in entries.chunks(1000) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO indicator_tallies (community_id, month, institution_id, measure, value) ",
            );
            qb.push_values(part, |mut b, (m, i, me, v)| {
                b.push_bind($community)
                    .push_bind(m.key())
                    .push_bind(*i)
                    .push_bind(me.as_str())
                    .push_bind(*v);
            });
            qb.push(
                " ON CONFLICT (community_id, month, institution_id, measure)
                  DO UPDATE SET value = indicator_tallies.value + excluded.value",
            );
            qb.build().execute(&mut *$conn).await.store()?;
        }
    }};
}
pub(crate) use add_tally;

type SumRow = (Uuid, String, i64);
type MonthRow = (String, Uuid, i64, i64, i64, i64, i64);
/// Referrals accepted on a day in one direction between two institutions, and how many.
type AcceptedRow = (Date, String, Uuid, Uuid, i64);

impl Store {
    /// Every counter summed over the months of `span`, per institution; the entries are
    /// filed under the span's first month.
    /// A single month reads its rows, a whole year or quarter its rollup: one row per
    /// institution and counter, nothing to group.
    pub async fn tally_over(&self, community: Uuid, span: Span) -> Result<Tally> {
        let one =
            (span.first == span.last).then(|| ("indicator_tallies", "month", span.first.key()));
        let read = one.or_else(|| span.rollup().map(|p| ("indicator_rollups", "period", p)));
        let rows: Vec<SumRow> = match read {
            Some((table, column, key)) => {
                let sql = format!(
                    "SELECT institution_id, measure, CAST(value AS BIGINT) FROM {table}
                     WHERE community_id = $1 AND {column} = $2"
                );
                on_db!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .bind(community).bind(&key).fetch_all(pool).await.store())?
            }
            None => on_db!(self, pool => sqlx::query_as(
                "SELECT institution_id, measure, CAST(SUM(value) AS BIGINT) FROM indicator_tallies
                 WHERE community_id = $1 AND month BETWEEN $2 AND $3 GROUP BY institution_id, measure")
                .bind(community).bind(span.first.key()).bind(span.last.key())
                .fetch_all(pool).await.store())?,
        };
        Ok(fold(span.first, rows))
    }

    /// Every stored counter, month by month (to compare with a rebuild).
    pub async fn all_tallies(&self, community: Uuid) -> Result<Tally> {
        let every = Span {
            first: Month {
                year: 1900,
                month: 1,
            },
            last: Month {
                year: 9999,
                month: 12,
            },
        };
        self.months_of(community, every, true).await
    }

    /// The months that hold any counter, newest first (the months a dashboard offers;
    /// the counters kept by year, with entries at future Januaries, are not months with
    /// data).
    pub async fn tally_months(&self, community: Uuid) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT DISTINCT month FROM indicator_tallies WHERE community_id = $1 AND measure NOT IN ({})
             ORDER BY month DESC",
            kept_by_year_codes()
        );
        on_db!(self, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).fetch_all(pool).await.store())
    }

    /// The counters kept as intervals of years, as of `year` (see
    /// [`yigong_domain::indicators::chronic::at_year`]): their entries up to its January.
    pub async fn kept_by_year(&self, community: Uuid, year: i32) -> Result<Tally> {
        let sql = format!(
            "SELECT month, institution_id, measure, value FROM indicator_tallies
             WHERE community_id = $1 AND month <= $2 AND measure IN ({})",
            kept_by_year_codes()
        );
        let january = yigong_domain::indicators::formula::stock_month(year);
        let rows: Vec<(String, Uuid, String, i64)> = on_db!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(january.key()).fetch_all(pool).await.store())?;
        let mut kept = Tally::default();
        for (m, i, me, v) in rows {
            if let (Some(m), Some(me)) = (Month::parse(&m), Measure::parse(&me)) {
                kept.add(m, i, &[(me, v)], 1);
            }
        }
        let measures: Vec<Measure> = Measure::ALL
            .iter()
            .copied()
            .filter(|m| m.is_kept_by_year())
            .collect();
        Ok(yigong_domain::indicators::chronic::at_year(
            &kept, &measures, year,
        ))
    }

    /// Throws the counters away and counts them again from the raw rows (encounters,
    /// outside visits, accepted referrals, reported ECGs, answered teleconsultations,
    /// held outreach sessions, the green-channel cases' admissions from their milestones), and the
    /// registry's resident counts from the residents, in one transaction; the number of
    /// counters written.
    pub async fn rebuild_tallies(&self, community: Uuid) -> Result<usize> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            // The rollups follow the counters by triggers; emptied first, the deletion's
            // triggers find nothing left to take back.
            sqlx::query("DELETE FROM indicator_rollups WHERE community_id = $1")
                .bind(community).execute(&mut *tx).await.store()?;
            sqlx::query("DELETE FROM indicator_tallies WHERE community_id = $1")
                .bind(community).execute(&mut *tx).await.store()?;
            // The registry's counts, which the triggers keep, recounted too.
            sqlx::query("DELETE FROM resident_counts WHERE community_id = $1")
                .bind(community).execute(&mut *tx).await.store()?;
            sqlx::query(
                "INSERT INTO resident_counts (community_id, institution_id, residents)
                 SELECT community_id, institution_id, COUNT(*) FROM residents WHERE community_id = $1 AND active
                 GROUP BY community_id, institution_id")
                .bind(community).execute(&mut *tx).await.store()?;
            let inside: Vec<MonthRow> = sqlx::query_as(
                "SELECT month, institution_id,
                    CAST(SUM(CASE WHEN kind = 'inpatient' THEN 0 ELSE 1 END) AS BIGINT),
                    CAST(SUM(CASE WHEN kind = 'inpatient' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(insurance_fen) AS BIGINT), CAST(SUM(total_fen) AS BIGINT), CAST(0 AS BIGINT)
                 FROM encounters WHERE community_id = $1 GROUP BY month, institution_id")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            let outside: Vec<MonthRow> = sqlx::query_as(
                "SELECT month, institution_id,
                    CAST(SUM(CASE WHEN kind = 'inpatient' THEN 0 ELSE 1 END) AS BIGINT),
                    CAST(SUM(CASE WHEN kind = 'inpatient' THEN 1 ELSE 0 END) AS BIGINT),
                    CAST(SUM(insurance_fen) AS BIGINT), CAST(SUM(total_fen) AS BIGINT),
                    CAST(SUM(CASE WHEN referral_id IS NULL THEN 0 ELSE 1 END) AS BIGINT)
                 FROM outside_visits WHERE community_id = $1 GROUP BY month, institution_id")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            let accepted: Vec<AcceptedRow> = sqlx::query_as(
                "SELECT accepted_on, direction, from_institution_id, to_institution_id,
                    CAST(COUNT(*) AS BIGINT)
                 FROM referrals WHERE community_id = $1 AND accepted_on IS NOT NULL
                 GROUP BY accepted_on, direction, from_institution_id, to_institution_id")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            let reported: Vec<(Uuid, i32, OffsetDateTime, OffsetDateTime)> = sqlx::query_as(
                "SELECT from_institution_id, urgency_rank, created_at, reported_at FROM ecg_studies
                 WHERE community_id = $1 AND reported_at IS NOT NULL")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            let mut tally = recount(&inside, &outside);
            for (day, direction, from, to, n) in accepted {
                if let Some(d) = Direction::parse(&direction) {
                    tally.add_acceptances(Month::of(day), d, (from, to), n);
                }
            }
            for (from, rank, uploaded, at) in reported {
                let (month, parts) = of_ecg_report(rank, uploaded, at);
                tally.add(month, from, &parts, 1);
            }
            let held: Vec<(Date, Uuid, i64)> = sqlx::query_as(
                "SELECT day, institution_id, people_served FROM outreach_sessions
                 WHERE community_id = $1 AND status = 'held'")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            for (day, place, served) in held {
                tally.add(Month::of(day), place, &of_session(served), 1);
            }
            let answered: Vec<(Uuid, OffsetDateTime)> = sqlx::query_as(
                "SELECT from_institution_id, answered_at FROM teleconsultations
                 WHERE community_id = $1 AND answered_at IS NOT NULL")
                .bind(community).fetch_all(&mut *tx).await.store()?;
            for (asked_by, at) in answered {
                let (month, parts) = of_consult(at);
                tally.add(month, asked_by, &parts, 1);
            }
            let green = crate::referrals::green::green_pass!(tx, community, None, true);
            tally.merge(&green);
            tally.merge(&crate::chronic::counted::chronic_pass!(tx, community, None, 1));
            add_tally!(tx, community, tally);
            tx.commit().await.store()?;
            Ok(tally.entries().count())
        })
    }
}

/// Sums rows under `month`, leaving out the counters kept as intervals of years (read
/// by [`Store::kept_by_year`] instead: their entries inside a span are not its figure).
fn fold(month: Month, rows: Vec<SumRow>) -> Tally {
    let mut t = Tally::default();
    for (i, me, v) in rows {
        if let Some(me) = Measure::parse(&me).filter(|m| !m.is_kept_by_year()) {
            t.add(month, i, &[(me, v)], 1);
        }
    }
    t
}

/// The codes of the counters kept by year, quoted for an `IN` list.
pub(crate) fn kept_by_year_codes() -> String {
    let codes: Vec<String> = Measure::ALL
        .iter()
        .filter(|m| m.is_kept_by_year())
        .map(|m| format!("'{}'", m.as_str()))
        .collect();
    codes.join(", ")
}

/// The counters from the per-month sums of the raw rows.
fn recount(inside: &[MonthRow], outside: &[MonthRow]) -> Tally {
    use Measure::*;
    let mut t = Tally::default();
    for (rows, names) in [
        (inside, [Visits, Stays, Fund, Cost, OutReferred]),
        (
            outside,
            [OutVisits, OutStays, OutFund, OutCost, OutReferred],
        ),
    ] {
        for (m, i, a, b, c, d, e) in rows {
            let Some(m) = Month::parse(m) else { continue };
            let e = if names[0] == Visits { 0 } else { *e };
            let parts = [
                (names[0], *a),
                (names[1], *b),
                (names[2], *c),
                (names[3], *d),
                (names[4], e),
            ];
            t.add(m, *i, &parts, 1);
        }
    }
    t
}

impl Store {
    /// The counters of each month of `span`, per institution (those kept by year are
    /// read by [`Store::kept_by_year`]).
    pub async fn tally_by_month(&self, community: Uuid, span: Span) -> Result<Tally> {
        self.months_of(community, span, false).await
    }

    /// The stored rows of each month of `span`, with or without the counters kept by
    /// year.
    async fn months_of(&self, community: Uuid, span: Span, kept: bool) -> Result<Tally> {
        let rows: Vec<(String, Uuid, String, i64)> = on_db!(self, pool => sqlx::query_as(
            "SELECT month, institution_id, measure, value FROM indicator_tallies
             WHERE community_id = $1 AND month BETWEEN $2 AND $3")
            .bind(community).bind(span.first.key()).bind(span.last.key()).fetch_all(pool).await.store())?;
        let mut t = Tally::default();
        for (m, i, me, v) in rows {
            let me = Measure::parse(&me).filter(|me| kept || !me.is_kept_by_year());
            if let (Some(m), Some(me)) = (Month::parse(&m), me) {
                t.add(m, i, &[(me, v)], 1);
            }
        }
        Ok(t)
    }
}

/// One accepted referral as its counters read it: the direction, the sending and the
/// receiving institution's codes, and the instant of acceptance.
pub type Acceptance = (String, String, String, time::OffsetDateTime);

impl Store {
    /// Every accepted referral, oldest first: the raw rows the referral counters come
    /// from, for an export or an independent recount.
    pub async fn acceptances(&self, community: Uuid) -> Result<Vec<Acceptance>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT f.direction, a.code, b.code, f.accepted_at FROM referrals f
             JOIN institutions a ON a.community_id = f.community_id AND a.id = f.from_institution_id
             JOIN institutions b ON b.community_id = f.community_id AND b.id = f.to_institution_id
             WHERE f.community_id = $1 AND f.accepted_at IS NOT NULL ORDER BY f.accepted_at, f.id")
            .bind(community).fetch_all(pool).await.store())
    }
}

/// One reported ECG as its counters read it: the sending institution's code, the
/// urgency rank, and the instants of upload and report.
pub type EcgRead = (String, i32, OffsetDateTime, OffsetDateTime);

impl Store {
    /// Every reported ECG, oldest report first: the raw rows the ECG counters come from,
    /// for an export or an independent recount.
    pub async fn ecg_reads(&self, community: Uuid) -> Result<Vec<EcgRead>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT i.code, s.urgency_rank, s.created_at, s.reported_at FROM ecg_studies s
             JOIN institutions i ON i.community_id = s.community_id AND i.id = s.from_institution_id
             WHERE s.community_id = $1 AND s.reported_at IS NOT NULL ORDER BY s.reported_at, s.id")
            .bind(community).fetch_all(pool).await.store())
    }
}

impl Store {
    /// Every answered teleconsultation: the asking institution's code and the instant of
    /// the answer (for an export or an independent recount).
    pub async fn answered_consults(
        &self,
        community: Uuid,
    ) -> Result<Vec<(String, OffsetDateTime)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT i.code, t.answered_at FROM teleconsultations t
             JOIN institutions i ON i.community_id = t.community_id AND i.id = t.from_institution_id
             WHERE t.community_id = $1 AND t.answered_at IS NOT NULL ORDER BY t.answered_at, t.id")
            .bind(community).fetch_all(pool).await.store())
    }

    /// Every held outreach session: its place's code, its day and the people it served
    /// (for an export or an independent recount).
    pub async fn held_sessions(&self, community: Uuid) -> Result<Vec<(String, Date, i64)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT i.code, o.day, o.people_served FROM outreach_sessions o
             JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id
             WHERE o.community_id = $1 AND o.status = 'held' ORDER BY o.day, o.id")
            .bind(community).fetch_all(pool).await.store())
    }
}
