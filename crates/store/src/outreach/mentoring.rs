//! Master and apprentice (师带徒) with their goals and progress notes, each note naming the
//! technique passed on if one was; training events with attendance and scores.

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, StoreError, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewMentorship {
    pub master_id: Uuid,
    pub apprentice_id: Uuid,
    pub goals: String,
    pub started_on: Date,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MentorshipRow {
    pub id: Uuid,
    pub master_id: Uuid,
    pub master_name: String,
    pub apprentice_id: Uuid,
    pub apprentice_name: String,
    /// The apprentice's institution.
    pub institution_id: Uuid,
    pub institution_name: String,
    pub goals: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub started_on: Date,
    #[serde(serialize_with = "crate::opt_iso_date")]
    pub ended_on: Option<Date>,
    pub notes: i64,
    pub techniques: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct NoteRow {
    pub id: Uuid,
    #[serde(serialize_with = "crate::iso_date")]
    pub noted_on: Date,
    pub note: String,
    pub technique: String,
}

#[derive(Debug, Clone)]
pub struct NewTraining {
    pub institution_id: Uuid,
    pub title: String,
    pub held_on: Date,
    pub trainer_id: Option<Uuid>,
    /// `(staff, score 0–100 if assessed)`.
    pub attendance: Vec<(Uuid, Option<i64>)>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TrainingRow {
    pub id: Uuid,
    pub title: String,
    #[serde(serialize_with = "crate::iso_date")]
    pub held_on: Date,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub trainer: Option<String>,
    pub attendees: i64,
    pub assessed: i64,
    /// Attendees scoring 60 or more.
    pub passed: i64,
}

const PAIRS: &str = "SELECT m.id, m.master_id, ms.name AS master_name, m.apprentice_id, aps.name AS apprentice_name,
    aps.institution_id, i.name AS institution_name, m.goals, m.started_on, m.ended_on,
    (SELECT COUNT(*) FROM mentoring_notes n WHERE n.community_id = m.community_id AND n.mentorship_id = m.id) AS notes,
    (SELECT COUNT(DISTINCT n.technique) FROM mentoring_notes n WHERE n.community_id = m.community_id
        AND n.mentorship_id = m.id AND n.technique <> '') AS techniques
    FROM mentorships m JOIN staff ms ON ms.community_id = m.community_id AND ms.id = m.master_id
    JOIN staff aps ON aps.community_id = m.community_id AND aps.id = m.apprentice_id
    JOIN institutions i ON i.community_id = aps.community_id AND i.id = aps.institution_id";

impl Store {
    pub async fn add_mentorship(
        &self,
        community: Uuid,
        m: &NewMentorship,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO mentorships (id, community_id, master_id, apprentice_id, goals, started_on, created_by,
                    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id).bind(community).bind(m.master_id).bind(m.apprentice_id).bind(&m.goals).bind(m.started_on)
                .bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Every pair, the latest started first.
    pub async fn mentorships(&self, community: Uuid) -> Result<Vec<MentorshipRow>> {
        let sql = format!("{PAIRS} WHERE m.community_id = $1 ORDER BY m.started_on DESC, m.id");
        on_db!(self, pool => sqlx::query_as::<_, MentorshipRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).fetch_all(pool).await.store())
    }

    pub async fn get_mentorship(&self, community: Uuid, id: Uuid) -> Result<MentorshipRow> {
        let sql = format!("{PAIRS} WHERE m.community_id = $1 AND m.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, MentorshipRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(StoreError::NotFound)
    }

    pub async fn add_mentoring_note(
        &self,
        community: Uuid,
        (pair, noted_on): (Uuid, Date),
        (note, technique): (&str, &str),
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO mentoring_notes (id, community_id, mentorship_id, noted_on, note, technique, created_by,
                    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id).bind(community).bind(pair).bind(noted_on).bind(note).bind(technique).bind(audit.account_id)
                .bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(pair)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// A pair's notes, the latest first.
    pub async fn mentoring_notes(&self, community: Uuid, pair: Uuid) -> Result<Vec<NoteRow>> {
        on_db!(self, pool => sqlx::query_as::<_, NoteRow>(
            "SELECT id, noted_on, note, technique FROM mentoring_notes WHERE community_id = $1 AND mentorship_id = $2
             ORDER BY noted_on DESC, id DESC")
            .bind(community).bind(pair).fetch_all(pool).await.store())
    }

    /// Techniques passed on between two days (distinct per apprentice's site): the count
    /// seed 001 reports as new techniques the grassroots can now do.
    pub async fn techniques_passed(
        &self,
        community: Uuid,
        (from, to): (Date, Date),
    ) -> Result<i64> {
        on_db!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT DISTINCT aps.institution_id, n.technique FROM mentoring_notes n
                JOIN mentorships m ON m.community_id = n.community_id AND m.id = n.mentorship_id
                JOIN staff aps ON aps.community_id = m.community_id AND aps.id = m.apprentice_id
                WHERE n.community_id = $1 AND n.technique <> '' AND n.noted_on >= $2 AND n.noted_on <= $3) t")
            .bind(community).bind(from).bind(to).fetch_one(pool).await.store())
    }

    pub async fn add_training(
        &self,
        community: Uuid,
        t: &NewTraining,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO trainings (id, community_id, institution_id, title, held_on, trainer_id, created_by,
                    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id).bind(community).bind(t.institution_id).bind(&t.title).bind(t.held_on).bind(t.trainer_id)
                .bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            for (staff, score) in &t.attendance {
                sqlx::query("INSERT INTO training_attendance (community_id, training_id, staff_id, score) VALUES ($1, $2, $3, $4)")
                    .bind(community).bind(id).bind(*staff).bind(*score)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// Training events held between two days, the latest first.
    pub async fn trainings(
        &self,
        community: Uuid,
        (from, to): (Date, Date),
    ) -> Result<Vec<TrainingRow>> {
        on_db!(self, pool => sqlx::query_as::<_, TrainingRow>(
            "SELECT t.id, t.title, t.held_on, t.institution_id, i.name AS institution_name, s.name AS trainer,
                (SELECT COUNT(*) FROM training_attendance a WHERE a.community_id = t.community_id AND a.training_id = t.id) AS attendees,
                (SELECT COUNT(*) FROM training_attendance a WHERE a.community_id = t.community_id AND a.training_id = t.id
                    AND a.score IS NOT NULL) AS assessed,
                (SELECT COUNT(*) FROM training_attendance a WHERE a.community_id = t.community_id AND a.training_id = t.id
                    AND a.score >= 60) AS passed
             FROM trainings t JOIN institutions i ON i.community_id = t.community_id AND i.id = t.institution_id
             LEFT JOIN staff s ON s.community_id = t.community_id AND s.id = t.trainer_id
             WHERE t.community_id = $1 AND t.held_on >= $2 AND t.held_on <= $3 ORDER BY t.held_on DESC, t.id")
            .bind(community).bind(from).bind(to).fetch_all(pool).await.store())
    }
}
