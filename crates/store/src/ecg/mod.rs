//! ECG studies (心电一张网): uploaded with their files and automatic measurements in one
//! transaction, read from the worklist, reported and acknowledged. Each change is
//! conditional on the version the caller decided on, so two readers cannot both claim
//! a study: the second finds the version moved and is told so. A report counts in the
//! indicators' monthly tallies in its own transaction.

use crate::audit::{AuditEntry, insert_audit};
use crate::indicators::tallies::add_tally;
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use sqlx::{AssertSqlSafe, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;
use yigong_domain::clock::local_date;
use yigong_domain::ecg::Status;
use yigong_domain::ids::StudyId;
use yigong_domain::indicators::tally::{Tally, of_ecg_report};

mod lists;
pub use lists::{StudyFilter, StudyNarrowing, StudySort};

/// A study as uploaded, measured and triaged.
#[derive(Debug, Clone)]
pub struct NewStudy {
    pub resident_id: Uuid,
    pub from_institution_id: Uuid,
    pub uploaded_by: Option<Uuid>,
    pub urgency_rank: i32,
    pub chest_pain: bool,
    pub symptoms: String,
    pub symptom_onset_at: Option<OffsetDateTime>,
    pub recorded_at: OffsetDateTime,
    pub format: String,
    pub sample_rate: f64,
    pub lead_count: i32,
    pub samples_per_lead: i64,
    pub heart_rate: Option<f64>,
    /// The measurement's alerts, comma-separated.
    pub alerts: String,
    /// The measurement as JSON.
    pub measurements: String,
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Study {
    #[sqlx(try_from = "Uuid")]
    pub id: StudyId,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub from_institution_id: Uuid,
    pub from_institution_name: String,
    pub uploaded_by: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub urgency_rank: i32,
    pub chest_pain: bool,
    pub symptoms: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub symptom_onset_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    pub format: String,
    pub sample_rate: f64,
    pub lead_count: i32,
    pub samples_per_lead: i64,
    pub heart_rate: Option<f64>,
    pub alerts: String,
    pub claimed_by: Option<Uuid>,
    pub claimed_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub claimed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
    pub critical: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

/// The reading of a study.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Report {
    pub reader_id: Uuid,
    pub reader_name: String,
    /// Finding codes, comma-separated.
    pub findings: String,
    pub conclusion: String,
    pub critical: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct StudyEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub kind: String,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub detail: String,
}

/// The new values of a study's changing columns, decided by the caller from the study
/// at `version`.
#[derive(Debug, Clone)]
pub struct StudyChange {
    /// The event: `claim`, `release`, `report` or `acknowledge`.
    pub kind: &'static str,
    pub status: Status,
    pub claimed_by: Option<Uuid>,
    pub claimed_at: Option<OffsetDateTime>,
    pub reported_at: Option<OffsetDateTime>,
    pub critical: bool,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub acknowledged_by: Option<Uuid>,
    pub report: Option<NewReport>,
    pub actor: Uuid,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub findings: String,
    pub conclusion: String,
    pub critical: bool,
}

pub(crate) const SELECT: &str = "SELECT s.id, s.resident_id, r.name AS resident_name, s.from_institution_id,
    i.name AS from_institution_name, s.uploaded_by, s.status, s.urgency_rank, s.chest_pain, s.symptoms,
    s.symptom_onset_at, s.recorded_at, s.format, s.sample_rate, s.lead_count, s.samples_per_lead,
    s.heart_rate, s.alerts, s.claimed_by, a.display_name AS claimed_by_name, s.claimed_at,
    s.reported_at, s.critical, s.acknowledged_at, s.created_at, s.updated_at, s.version
    FROM ecg_studies s JOIN residents r ON r.community_id = s.community_id AND r.id = s.resident_id
    JOIN institutions i ON i.community_id = s.community_id AND i.id = s.from_institution_id
    LEFT JOIN accounts a ON a.community_id = s.community_id AND a.id = s.claimed_by";

impl Store {
    /// Stores a study, its files and its upload event, with the audit row, in one
    /// transaction; returns its id.
    pub async fn create_study(
        &self,
        community: Uuid,
        n: &NewStudy,
        audit: &AuditEntry<'_>,
    ) -> Result<StudyId> {
        let id = new_id();
        let t = now();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query(
                "INSERT INTO ecg_studies (id, community_id, resident_id, from_institution_id, uploaded_by, status,
                    open, urgency_rank, chest_pain, symptoms, symptom_onset_at, recorded_at, format, sample_rate,
                    lead_count, samples_per_lead, heart_rate, alerts, measurements, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 'awaiting', TRUE, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)")
                .bind(id).bind(community).bind(n.resident_id).bind(n.from_institution_id).bind(n.uploaded_by)
                .bind(n.urgency_rank).bind(n.chest_pain).bind(&n.symptoms).bind(n.symptom_onset_at).bind(n.recorded_at)
                .bind(&n.format).bind(n.sample_rate).bind(n.lead_count).bind(n.samples_per_lead).bind(n.heart_rate)
                .bind(&n.alerts).bind(&n.measurements).bind(t)
                .execute(&mut *tx).await.store()?;
            for (position, (name, content)) in n.files.iter().enumerate() {
                sqlx::query("INSERT INTO ecg_files (study_id, position, name, content, community_id) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id).bind(position as i32).bind(name).bind(content.as_slice()).bind(community)
                    .execute(&mut *tx).await.store()?;
            }
            sqlx::query("INSERT INTO ecg_events (id, community_id, study_id, at, kind, account_id, detail)
                 VALUES ($1, $2, $3, $4, 'uploaded', $5, '')")
                .bind(new_id()).bind(community).bind(id).bind(t).bind(n.uploaded_by)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id.into())
    }

    /// A page of the studies `filter` reaches (of one resident, when given).
    pub async fn get_study(&self, community: Uuid, id: StudyId) -> Result<Study> {
        let id = id.uuid();
        let sql = format!("{SELECT} WHERE s.community_id = $1 AND s.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, Study>(AssertSqlSafe(sql.as_str())).bind(community).bind(id)
            .fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// The automatic measurement of a study, as JSON.
    pub async fn study_measurements(&self, community: Uuid, id: StudyId) -> Result<String> {
        let id = id.uuid();
        on_db!(self, pool => sqlx::query_scalar::<_, String>(
            "SELECT measurements FROM ecg_studies WHERE community_id = $1 AND id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())?
        .ok_or(StoreError::NotFound)
    }

    /// The files of a study, in upload order.
    pub async fn study_files(
        &self,
        community: Uuid,
        id: StudyId,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let id = id.uuid();
        on_db!(self, pool => sqlx::query_as::<_, (String, Vec<u8>)>(
            "SELECT f.name, f.content FROM ecg_files f JOIN ecg_studies s ON s.community_id = f.community_id AND s.id = f.study_id
             WHERE s.community_id = $1 AND f.study_id = $2 ORDER BY f.position")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    pub async fn study_report(&self, community: Uuid, id: StudyId) -> Result<Option<Report>> {
        let id = id.uuid();
        on_db!(self, pool => sqlx::query_as::<_, Report>(
            "SELECT r.reader_id, a.display_name AS reader_name, r.findings, r.conclusion, r.critical, r.signed_at
             FROM ecg_reports r JOIN accounts a ON a.community_id = r.community_id AND a.id = r.reader_id
             WHERE r.community_id = $1 AND r.study_id = $2")
            .bind(community).bind(id).fetch_optional(pool).await.store())
    }

    pub async fn study_events(&self, community: Uuid, id: StudyId) -> Result<Vec<StudyEvent>> {
        let id = id.uuid();
        on_db!(self, pool => sqlx::query_as::<_, StudyEvent>(
            "SELECT e.at, e.kind, e.account_id, a.display_name AS account_name, e.detail
             FROM ecg_events e LEFT JOIN accounts a ON a.community_id = e.community_id AND a.id = e.account_id
             WHERE e.community_id = $1 AND e.study_id = $2 ORDER BY e.at, e.id")
            .bind(community).bind(id).fetch_all(pool).await.store())
    }

    /// Applies a change decided on the study at `version`, with its event, its report
    /// (if any) and the audit row, in one transaction. `Ok(false)` when the study moved
    /// on meanwhile (someone else changed it first): nothing is written.
    pub async fn change_study(
        &self,
        community: Uuid,
        id: StudyId,
        version: i64,
        c: &StudyChange,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        let id = id.uuid();
        let t = now();
        let open = c.status != Status::Reported;
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let moved = sqlx::query(
                "UPDATE ecg_studies SET status = $3, open = $4, claimed_by = $5, claimed_at = $6, reported_at = $7,
                    critical = $8, acknowledged_at = $9, acknowledged_by = $10, updated_at = $11, version = version + 1
                 WHERE community_id = $1 AND id = $2 AND version = $12")
                .bind(community).bind(id).bind(c.status.as_str()).bind(open).bind(c.claimed_by).bind(c.claimed_at)
                .bind(c.reported_at).bind(c.critical).bind(c.acknowledged_at).bind(c.acknowledged_by).bind(t)
                .bind(version)
                .execute(&mut *tx).await.store()?.rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            if let Some(r) = &c.report {
                sqlx::query(
                    "INSERT INTO ecg_reports (study_id, community_id, reader_id, findings, conclusion, critical, signed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(id).bind(community).bind(c.actor).bind(&r.findings).bind(&r.conclusion).bind(r.critical).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            // A report counts as the rebuild counts it: by the study's time of report.
            if let (Some(_), Some(reported)) = (&c.report, c.reported_at) {
                let (from, uploaded, rank): (Uuid, OffsetDateTime, i32) = sqlx::query_as(
                    "SELECT from_institution_id, created_at, urgency_rank FROM ecg_studies WHERE community_id = $1 AND id = $2")
                    .bind(community).bind(id).fetch_one(&mut *tx).await.store()?;
                let (day, seconds) = reading(uploaded, reported);
                sqlx::query("UPDATE ecg_studies SET reported_on = $3, turnaround_s = $4 WHERE community_id = $1 AND id = $2")
                    .bind(community).bind(id).bind(day).bind(seconds).execute(&mut *tx).await.store()?;
                let mut tally = Tally::default();
                let (month, parts) = of_ecg_report(rank, uploaded, reported);
                tally.add(month, from, &parts, 1);
                add_tally!(tx, community, tally);
            }
            sqlx::query("INSERT INTO ecg_events (id, community_id, study_id, at, kind, account_id, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, '')")
                .bind(new_id()).bind(community).bind(id).bind(t).bind(c.kind).bind(c.actor)
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// How many studies and stored files the community holds (for checks that nothing
    /// was left behind).
    pub async fn count_studies(&self, community: Uuid) -> Result<(i64, i64)> {
        on_db!(self, pool => {
            let studies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ecg_studies WHERE community_id = $1")
                .bind(community).fetch_one(pool).await.store()?;
            let files: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM ecg_files f JOIN ecg_studies s ON s.community_id = f.community_id AND s.id = f.study_id WHERE s.community_id = $1")
                .bind(community).fetch_one(pool).await.store()?;
            Ok((studies, files))
        })
    }
}

/// A study with its history, for loading demo or migrated data: what happened and when.
#[derive(Debug, Clone)]
pub struct HistoricStudy {
    pub study: NewStudy,
    pub created_at: OffsetDateTime,
    pub claimed: Option<(Uuid, OffsetDateTime)>,
    pub report: Option<(NewReport, OffsetDateTime)>,
    pub acknowledged: Option<(Uuid, OffsetDateTime)>,
}

impl Store {
    /// Loads studies with their files, readings and events as they happened (no audit
    /// rows: nobody looked at anything). One transaction.
    pub async fn bulk_load_studies(&self, community: Uuid, rows: &[HistoricStudy]) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let mut tally = Tally::default();
            for h in rows {
                let (n, id) = (&h.study, new_id());
                let read = h.report.as_ref().map(|(_, at)| {
                    let (month, parts) = of_ecg_report(n.urgency_rank, h.created_at, *at);
                    tally.add(month, n.from_institution_id, &parts, 1);
                    reading(h.created_at, *at)
                });
                let status = match (&h.report, &h.claimed) {
                    (Some(_), _) => Status::Reported,
                    (None, Some(_)) => Status::Reading,
                    (None, None) => Status::Awaiting,
                };
                let critical = h.report.as_ref().is_some_and(|(r, _)| r.critical);
                let last = [h.acknowledged.map(|a| a.1), h.report.as_ref().map(|r| r.1), h.claimed.map(|c| c.1)]
                    .into_iter()
                    .flatten()
                    .max()
                    .unwrap_or(h.created_at);
                sqlx::query(
                    "INSERT INTO ecg_studies (id, community_id, resident_id, from_institution_id, uploaded_by, status,
                        open, urgency_rank, chest_pain, symptoms, symptom_onset_at, recorded_at, format, sample_rate,
                        lead_count, samples_per_lead, heart_rate, alerts, measurements, claimed_by, claimed_at,
                        reported_at, critical, acknowledged_at, acknowledged_by, created_at, updated_at, version,
                        reported_on, turnaround_s)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                        $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)")
                    .bind(id).bind(community).bind(n.resident_id).bind(n.from_institution_id).bind(n.uploaded_by)
                    .bind(status.as_str()).bind(status != Status::Reported).bind(n.urgency_rank).bind(n.chest_pain).bind(&n.symptoms)
                    .bind(n.symptom_onset_at).bind(n.recorded_at).bind(&n.format).bind(n.sample_rate).bind(n.lead_count)
                    .bind(n.samples_per_lead).bind(n.heart_rate).bind(&n.alerts).bind(&n.measurements)
                    .bind(h.claimed.map(|c| c.0)).bind(h.claimed.map(|c| c.1)).bind(h.report.as_ref().map(|r| r.1))
                    .bind(critical).bind(h.acknowledged.map(|a| a.1)).bind(h.acknowledged.map(|a| a.0))
                    .bind(h.created_at).bind(last).bind(1 + i64::from(h.claimed.is_some()) + i64::from(h.report.is_some()))
                    .bind(read.map(|r| r.0)).bind(read.map(|r| r.1))
                    .execute(&mut *tx).await.store()?;
                for (position, (name, content)) in n.files.iter().enumerate() {
                    sqlx::query("INSERT INTO ecg_files (study_id, position, name, content, community_id) VALUES ($1, $2, $3, $4, $5)")
                        .bind(id).bind(position as i32).bind(name).bind(content.as_slice()).bind(community)
                        .execute(&mut *tx).await.store()?;
                }
                let mut events = vec![("uploaded", h.created_at, n.uploaded_by)];
                if let Some((reader, at)) = h.claimed {
                    events.push(("claim", at, Some(reader)));
                }
                if let (Some((r, at)), Some((reader, _))) = (&h.report, h.claimed) {
                    events.push(("report", *at, Some(reader)));
                    sqlx::query(
                        "INSERT INTO ecg_reports (study_id, community_id, reader_id, findings, conclusion, critical, signed_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(id).bind(community).bind(reader).bind(&r.findings).bind(&r.conclusion).bind(r.critical).bind(*at)
                        .execute(&mut *tx).await.store()?;
                }
                if let Some((who, at)) = h.acknowledged {
                    events.push(("acknowledge", at, Some(who)));
                }
                for (kind, at, who) in events {
                    sqlx::query("INSERT INTO ecg_events (id, community_id, study_id, at, kind, account_id, detail)
                         VALUES ($1, $2, $3, $4, $5, $6, '')")
                        .bind(new_id()).bind(community).bind(id).bind(at).bind(kind).bind(who)
                        .execute(&mut *tx).await.store()?;
                }
            }
            add_tally!(tx, community, tally);
            tx.commit().await.store()?;
        });
        Ok(())
    }
}

/// The day (China time) a study was reported on and the whole seconds it took from
/// upload, as stored beside it for the indicators' case lists.
fn reading(uploaded: OffsetDateTime, reported: OffsetDateTime) -> (time::Date, i64) {
    (local_date(reported), (reported - uploaded).whole_seconds())
}

/// One study's timing, for turnaround figures.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Timing {
    pub urgency_rank: i32,
    pub created_at: OffsetDateTime,
    pub reported_at: Option<OffsetDateTime>,
    pub reader_name: Option<String>,
    pub from_institution_id: Uuid,
    pub from_institution_name: String,
}

impl Store {
    /// Timings of the studies uploaded in `[since, before)`.
    pub async fn study_timings(
        &self,
        community: Uuid,
        since: OffsetDateTime,
        before: OffsetDateTime,
    ) -> Result<Vec<Timing>> {
        on_db!(self, pool => sqlx::query_as::<_, Timing>(
            "SELECT s.urgency_rank, s.created_at, s.reported_at, a.display_name AS reader_name,
                s.from_institution_id, i.name AS from_institution_name
             FROM ecg_studies s JOIN institutions i ON i.community_id = s.community_id AND i.id = s.from_institution_id
             LEFT JOIN ecg_reports r ON r.community_id = s.community_id AND r.study_id = s.id LEFT JOIN accounts a ON a.community_id = r.community_id AND a.id = r.reader_id
             WHERE s.community_id = $1 AND s.created_at >= $2 AND s.created_at < $3")
            .bind(community).bind(since).bind(before).fetch_all(pool).await.store())
    }

    /// Critical reports the sending clinic has not acknowledged, oldest first.
    pub async fn unacknowledged_criticals(&self, community: Uuid) -> Result<Vec<Study>> {
        let sql = format!(
            "{SELECT} WHERE s.community_id = $1 AND s.critical = TRUE AND s.acknowledged_at IS NULL
             ORDER BY s.reported_at, s.id LIMIT 100"
        );
        on_db!(self, pool => sqlx::query_as::<_, Study>(AssertSqlSafe(sql.as_str())).bind(community)
            .fetch_all(pool).await.store())
    }

    /// Open studies (waiting or being read) and, of them, those triaged critical
    /// (`urgency_rank` 0): the ECG reader's home cards.
    pub async fn open_study_counts(&self, community: Uuid) -> Result<(i64, i64)> {
        on_db!(self, pool => sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN urgency_rank = 0 THEN 1 ELSE 0 END), 0)
             FROM ecg_studies WHERE community_id = $1 AND open = TRUE")
            .bind(community).fetch_one(pool).await.store())
    }

    /// Reports signed since `since` on studies sent from `senders`: the sending clinic's
    /// "new reports" card.
    pub async fn reports_since(
        &self,
        community: Uuid,
        senders: &[Uuid],
        since: OffsetDateTime,
    ) -> Result<i64> {
        on_db!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM ecg_studies s WHERE s.community_id = ");
            qb.push_bind(community).push(" AND s.reported_at >= ").push_bind(since);
            crate::push_in(&mut qb, "s.from_institution_id", senders);
            qb.build_query_scalar::<i64>().fetch_one(pool).await.store()
        })
    }
}
