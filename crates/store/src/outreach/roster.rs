//! The office's roster: weekly templates of an expert at a township, the dated sessions
//! planned from them, and what keeps an expert away (duty, leave, holidays, a weekly cap).

use crate::audit::{AuditEntry, insert_audit};
use crate::{OrConflict, Result, Store, new_id, now, on_db, on_db_write};
use serde::Serialize;
use time::Date;
use uuid::Uuid;
use yigong_domain::outreach::session::Absence;

#[derive(Debug, Clone)]
pub struct NewTemplate {
    pub expert_id: Uuid,
    pub institution_id: Uuid,
    /// 1 (Monday) to 7 (Sunday).
    pub weekday: i64,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TemplateRow {
    pub id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: String,
    pub institution_id: Uuid,
    pub institution_name: String,
    pub weekday: i64,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
}

/// A dated session to plan.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub expert_id: Uuid,
    pub institution_id: Uuid,
    pub template_id: Option<Uuid>,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
}

/// One of an expert's sessions (not cancelled) as the conflict check reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Commitment {
    pub id: Uuid,
    pub template_id: Option<Uuid>,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub institution_name: String,
}

/// A duty shift or a day of leave at the lead hospital.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Absent {
    pub id: Uuid,
    pub expert_id: Uuid,
    #[serde(serialize_with = "crate::iso_date")]
    pub day: Date,
    #[sqlx(try_from = "String")]
    pub kind: Absence,
    pub start_min: i64,
    pub end_min: i64,
    pub note: String,
}

const TEMPLATES: &str =
    "SELECT t.id, t.expert_id, s.name AS expert_name, t.institution_id, i.name AS institution_name,
    t.weekday, t.start_min, t.end_min, t.capacity FROM outreach_templates t
    JOIN staff s ON s.community_id = t.community_id AND s.id = t.expert_id
    JOIN institutions i ON i.community_id = t.community_id AND i.id = t.institution_id
    WHERE t.community_id = $1 AND t.active";

impl Store {
    pub async fn add_template(
        &self,
        community: Uuid,
        t: &NewTemplate,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO outreach_templates (id, community_id, expert_id, institution_id, weekday, start_min,
                    end_min, capacity, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id).bind(community).bind(t.expert_id).bind(t.institution_id).bind(t.weekday).bind(t.start_min)
                .bind(t.end_min).bind(t.capacity).bind(audit.account_id).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The active templates, of one expert if asked, by township, weekday and time.
    pub async fn templates(
        &self,
        community: Uuid,
        expert: Option<Uuid>,
    ) -> Result<Vec<TemplateRow>> {
        let sql = format!(
            "{TEMPLATES} AND ($2 IS NULL OR t.expert_id = $2) ORDER BY i.name, t.weekday, t.start_min, s.name"
        );
        on_db!(self, pool => sqlx::query_as::<_, TemplateRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(expert).fetch_all(pool).await.store())
    }

    pub async fn get_template(&self, community: Uuid, id: Uuid) -> Result<TemplateRow> {
        let sql = format!("{TEMPLATES} AND t.id = $2");
        on_db!(self, pool => sqlx::query_as::<_, TemplateRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(community).bind(id).fetch_optional(pool).await.store()?)
        .ok_or(crate::StoreError::NotFound)
    }

    /// Ends a template (its planned sessions stay); false if it was not active.
    pub async fn end_template(
        &self,
        community: Uuid,
        id: Uuid,
        audit: &AuditEntry<'_>,
    ) -> Result<bool> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            let n = sqlx::query("UPDATE outreach_templates SET active = FALSE WHERE community_id = $1 AND id = $2 AND active")
                .bind(community).bind(id).execute(&mut *tx).await.store()?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(true)
    }

    /// Plans dated sessions at once, with one audit row; their ids.
    pub async fn plan_sessions(
        &self,
        community: Uuid,
        rows: &[NewSession],
        audit: &AuditEntry<'_>,
    ) -> Result<Vec<Uuid>> {
        let t = now();
        let ids: Vec<Uuid> = rows.iter().map(|_| new_id()).collect();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            for (id, s) in ids.iter().zip(rows) {
                sqlx::query("INSERT INTO outreach_sessions (id, community_id, expert_id, institution_id, template_id, day,
                        start_min, end_min, capacity, status, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'planned', $10, $10)")
                    .bind(*id).bind(community).bind(s.expert_id).bind(s.institution_id).bind(s.template_id).bind(s.day)
                    .bind(s.start_min).bind(s.end_min).bind(s.capacity).bind(t)
                    .execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, ids.first().copied()).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(ids)
    }

    /// The expert's sessions (not cancelled) between two days, both included.
    pub async fn expert_sessions(
        &self,
        community: Uuid,
        expert: Uuid,
        (from, to): (Date, Date),
    ) -> Result<Vec<Commitment>> {
        on_db!(self, pool => sqlx::query_as::<_, Commitment>(
            "SELECT o.id, o.template_id, o.day, o.start_min, o.end_min, i.name AS institution_name FROM outreach_sessions o
             JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id
             WHERE o.community_id = $1 AND o.expert_id = $2 AND o.status <> 'cancelled' AND o.day >= $3 AND o.day <= $4
             ORDER BY o.day, o.start_min")
            .bind(community).bind(expert).bind(from).bind(to).fetch_all(pool).await.store())
    }

    /// Duty and leave of one expert (or every one) between two days, both included.
    pub async fn absences(
        &self,
        community: Uuid,
        expert: Option<Uuid>,
        (from, to): (Date, Date),
    ) -> Result<Vec<Absent>> {
        on_db!(self, pool => sqlx::query_as::<_, Absent>(
            "SELECT id, expert_id, day, kind, start_min, end_min, note FROM outreach_unavailable
             WHERE community_id = $1 AND ($2 IS NULL OR expert_id = $2) AND day >= $3 AND day <= $4
             ORDER BY day, start_min")
            .bind(community).bind(expert).bind(from).bind(to).fetch_all(pool).await.store())
    }

    pub async fn add_absence(
        &self,
        community: Uuid,
        a: &Absent,
        audit: &AuditEntry<'_>,
    ) -> Result<Uuid> {
        let id = new_id();
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("INSERT INTO outreach_unavailable (id, community_id, expert_id, day, kind, start_min, end_min, note,
                    created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(id).bind(community).bind(a.expert_id).bind(a.day).bind(a.kind.as_str()).bind(a.start_min)
                .bind(a.end_min).bind(&a.note).bind(now())
                .execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, Some(id)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(id)
    }

    /// The office's holidays between two days: `(day, name)`.
    pub async fn holidays(
        &self,
        community: Uuid,
        (from, to): (Date, Date),
    ) -> Result<Vec<(Date, String)>> {
        on_db!(self, pool => sqlx::query_as(
            "SELECT day, name FROM outreach_holidays WHERE community_id = $1 AND day >= $2 AND day <= $3 ORDER BY day")
            .bind(community).bind(from).bind(to).fetch_all(pool).await.store())
    }

    /// Sets (or replaces) a holiday.
    pub async fn set_holiday(
        &self,
        community: Uuid,
        (day, name): (Date, &str),
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("DELETE FROM outreach_holidays WHERE community_id = $1 AND day = $2")
                .bind(community).bind(day).execute(&mut *tx).await.store()?;
            sqlx::query("INSERT INTO outreach_holidays (community_id, day, name) VALUES ($1, $2, $3)")
                .bind(community).bind(day).bind(name).execute(&mut *tx).await.store()?;
            insert_audit!(&mut *tx, community, audit, None::<Uuid>).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }

    /// The expert's weekly cap, if the office set one.
    pub async fn weekly_cap(&self, community: Uuid, expert: Uuid) -> Result<Option<i64>> {
        on_db!(self, pool => sqlx::query_scalar(
            "SELECT weekly_cap FROM outreach_caps WHERE community_id = $1 AND expert_id = $2")
            .bind(community).bind(expert).fetch_optional(pool).await.store())
    }

    /// Sets the expert's weekly cap, or lifts it (none).
    pub async fn set_weekly_cap(
        &self,
        community: Uuid,
        (expert, cap): (Uuid, Option<i64>),
        audit: &AuditEntry<'_>,
    ) -> Result<()> {
        on_db_write!(self, pool => {
            let mut tx = pool.begin().await.store()?;
            sqlx::query("DELETE FROM outreach_caps WHERE community_id = $1 AND expert_id = $2")
                .bind(community).bind(expert).execute(&mut *tx).await.store()?;
            if let Some(cap) = cap {
                sqlx::query("INSERT INTO outreach_caps (community_id, expert_id, weekly_cap) VALUES ($1, $2, $3)")
                    .bind(community).bind(expert).bind(cap).execute(&mut *tx).await.store()?;
            }
            insert_audit!(&mut *tx, community, audit, Some(expert)).await.store()?;
            tx.commit().await.store()?;
        });
        Ok(())
    }
}
