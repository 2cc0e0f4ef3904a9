//! The cases behind a figure: the encounters, outside visits, accepted referrals,
//! reported ECGs, answered teleconsultations, held outreach sessions and admitted
//! green-channel cases its numerator or denominator counts, over its
//! months and the institutions in scope, newest first.

use crate::{OrConflict, Page, PageRequest, Result, Store, on_db};
use serde::Serialize;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::Kind;
use yigong_domain::indicators::month::Span;
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

const ENCOUNTERS: &str = "SELECT e.id, 'encounter' AS source, e.kind,
        CASE WHEN e.kind = 'inpatient' THEN e.ended_on ELSE e.started_on END AS day,
        i.name AS place, i.kind AS level, e.resident_id, r.name AS resident_name, e.id_number, e.diagnoses,
        e.total_fen, e.insurance_fen, CAST(0 AS BIGINT) AS served
    FROM encounters e JOIN institutions i ON i.community_id = e.community_id AND i.id = e.institution_id
    LEFT JOIN residents r ON r.community_id = e.community_id AND r.id = e.resident_id
    WHERE e.community_id = ";

const OUTSIDE: &str = "SELECT o.id, 'outside' AS source, o.kind,
        CASE WHEN o.kind = 'inpatient' THEN o.ended_on ELSE o.started_on END AS day,
        o.hospital AS place, o.level, o.resident_id, r.name AS resident_name, r.id_number, '' AS diagnoses,
        o.total_fen, o.insurance_fen, CAST(0 AS BIGINT) AS served
    FROM outside_visits o JOIN residents r ON r.community_id = o.community_id AND r.id = o.resident_id
    WHERE o.community_id = ";

const REFERRALS: &str =
    "SELECT f.id, 'referral' AS source, f.direction AS kind, f.accepted_on AS day,
        i.name AS place, i.kind AS level, f.resident_id, r.name AS resident_name, r.id_number,
        f.icd10_code || ' ' || f.icd10_text AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, CAST(0 AS BIGINT) AS served
    FROM referrals f JOIN institutions i ON i.community_id = f.community_id AND i.id = ";

const ECGS: &str = "SELECT s.id, 'ecg' AS source,
        CASE WHEN s.urgency_rank < 2 THEN 'urgent' ELSE 'routine' END AS kind, s.reported_on AS day,
        i.name AS place, i.kind AS level, s.resident_id, r.name AS resident_name, r.id_number,
        COALESCE(p.conclusion, '') AS diagnoses, CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen,
        CAST(0 AS BIGINT) AS served
    FROM ecg_studies s JOIN institutions i ON i.community_id = s.community_id AND i.id = s.from_institution_id
    JOIN residents r ON r.community_id = s.community_id AND r.id = s.resident_id
    LEFT JOIN ecg_reports p ON p.community_id = s.community_id AND p.study_id = s.id
    WHERE s.community_id = ";

// A teleconsultation: its kind (general, surgical), the question where a diagnosis would
// stand.
const CONSULTS: &str = "SELECT t.id, 'consult' AS source, t.kind, t.answered_on AS day,
        i.name AS place, i.kind AS level, t.resident_id, r.name AS resident_name, r.id_number,
        t.question AS diagnoses, CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen,
        CAST(0 AS BIGINT) AS served
    FROM teleconsultations t JOIN institutions i ON i.community_id = t.community_id AND i.id = t.from_institution_id
    JOIN residents r ON r.community_id = t.community_id AND r.id = t.resident_id
    WHERE t.community_id = ";

// A green-channel case: its pathway as the kind, the minutes to admission as `served`.
const GREENS: &str = "SELECT f.id, 'green' AS source, f.pathway AS kind, f.green_admitted_on AS day,
        i.name AS place, i.kind AS level, f.resident_id, r.name AS resident_name, r.id_number,
        f.icd10_code || ' ' || f.icd10_text AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, CAST(f.green_seconds / 60 AS BIGINT) AS served
    FROM referrals f JOIN institutions i ON i.community_id = f.community_id AND i.id = f.from_institution_id
    JOIN residents r ON r.community_id = f.community_id AND r.id = f.resident_id
    WHERE f.community_id = ";

// A session has no patient of its own: its resident column is a typed NULL on both
// engines, and its record's summary stands where a diagnosis would.
const SESSIONS: &str = "SELECT o.id, 'session' AS source, 'held' AS kind, o.day AS day,
        i.name AS place, i.kind AS level, CASE WHEN 1 = 0 THEN o.expert_id END AS resident_id,
        CAST(NULL AS TEXT) AS resident_name, '' AS id_number, o.summary AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, o.people_served AS served
    FROM outreach_sessions o JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id
    WHERE o.status = 'held' AND o.community_id = ";

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

/// Starts a branch of the union: `UNION ALL` before every branch but the first.
fn branch<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, first: &mut bool, select: &str) {
    if !*first {
        qb.push(" UNION ALL ");
    }
    *first = false;
    qb.push(select);
}

/// `AND column` on a day within the span's months.
fn within_days<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, column: &str, span: Span)
where
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} >= "))
        .push_bind(span.first.first_day())
        .push(format!(" AND {column} < "))
        .push_bind(span.last.next().first_day());
}

/// `AND column` on a month key (`YYYY-MM`) within the span.
fn within_months<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, column: &str, span: Span)
where
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND {column} BETWEEN "))
        .push_bind(span.first.key())
        .push(" AND ")
        .push_bind(span.last.key());
}

fn push_union<DB: sqlx::Database>(
    qb: &mut QueryBuilder<DB>,
    community: Uuid,
    span: Span,
    q: &CaseQuery,
) where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Date: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let mut first = true;
    if !q.encounter_kinds.is_empty() && !q.encounter_places.is_empty() {
        branch(qb, &mut first, ENCOUNTERS);
        qb.push_bind(community);
        within_months(qb, "e.month", span);
        push_kinds(qb, "e.kind", &q.encounter_kinds);
        crate::push_in(qb, "e.institution_id", &q.encounter_places);
    }
    if !q.outside_kinds.is_empty() && !q.outside_places.is_empty() {
        branch(qb, &mut first, OUTSIDE);
        qb.push_bind(community);
        within_months(qb, "o.month", span);
        push_kinds(qb, "o.kind", &q.outside_kinds);
        crate::push_in(qb, "o.institution_id", &q.outside_places);
        if q.referred_only {
            qb.push(" AND o.referral_id IS NOT NULL");
        }
    }
    for r in q.referrals.iter().filter(|r| !r.places.is_empty()) {
        let end = if r.receiver {
            "f.to_institution_id"
        } else {
            "f.from_institution_id"
        };
        branch(qb, &mut first, REFERRALS);
        qb.push(end);
        qb.push(" JOIN residents r ON r.community_id = f.community_id AND r.id = f.resident_id");
        qb.push(" WHERE f.community_id = ").push_bind(community);
        qb.push(" AND f.direction = ")
            .push_bind(r.direction.as_str().to_string());
        within_days(qb, "f.accepted_on", span);
        crate::push_in(qb, end, &r.places);
    }
    for e in q.ecgs.iter().filter(|e| !e.places.is_empty()) {
        branch(qb, &mut first, ECGS);
        qb.push_bind(community);
        within_days(qb, "s.reported_on", span);
        if e.urgent_only {
            qb.push(" AND s.urgency_rank < 2");
        }
        if let Some(limit) = e.on_time_seconds {
            qb.push(" AND s.turnaround_s <= ").push_bind(limit);
        }
        crate::push_in(qb, "s.from_institution_id", &e.places);
    }
    for places in q.consults.iter().filter(|p| !p.is_empty()) {
        branch(qb, &mut first, CONSULTS);
        qb.push_bind(community);
        within_days(qb, "t.answered_on", span);
        crate::push_in(qb, "t.from_institution_id", places);
    }
    for g in q.greens.iter().filter(|g| !g.places.is_empty()) {
        branch(qb, &mut first, GREENS);
        qb.push_bind(community);
        within_days(qb, "f.green_admitted_on", span);
        if g.on_time_only {
            qb.push(" AND f.green_seconds <= f.green_target_minutes * 60");
        }
        crate::push_in(qb, "f.from_institution_id", &g.places);
    }
    for places in q.sessions.iter().filter(|p| !p.is_empty()) {
        branch(qb, &mut first, SESSIONS);
        qb.push_bind(community);
        within_days(qb, "o.day", span);
        crate::push_in(qb, "o.institution_id", places);
    }
    if first {
        // Nothing to list: a query that answers no row on both engines.
        qb.push(ENCOUNTERS).push_bind(community).push(" AND 1 = 0");
    }
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
        let (items, total) = on_db!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT * FROM (");
            push_union(&mut qb, community, span, q);
            qb.push(") c ORDER BY day DESC, id LIMIT ").push_bind(page.per_page).push(" OFFSET ").push_bind(page.offset());
            let items: Vec<CaseRow> = qb.build_query_as().fetch_all(pool).await.store()?;
            let mut qc = QueryBuilder::new("SELECT COUNT(*) FROM (");
            push_union(&mut qc, community, span, q);
            qc.push(") c");
            let total: i64 = qc.build_query_scalar().fetch_one(pool).await.store()?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }
}
