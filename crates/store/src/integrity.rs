//! Integrity checks over the stored history, for operators and for the crash tests:
//! every write keeps a row's state and its history in one transaction, so after any
//! crash these find nothing.

use crate::{Result, Store};

impl Store {
    /// Rows whose state disagrees with their history: a referral whose status is not its
    /// last status event's, an ECG study whose status does not follow from its last event
    /// or that has no upload event, a chronic register whose last visit is not its newest
    /// follow-up's. Empty when the database is consistent.
    pub async fn inconsistencies(&self) -> Result<Vec<String>> {
        const CHECKS: &[(&str, &str)] = &[
            (
                "referrals whose status is not their last status event's",
                "SELECT COUNT(*) FROM referrals r
                 WHERE r.status IS DISTINCT FROM (SELECT e.status_to FROM referral_events e
                     WHERE e.referral_id = r.id AND e.kind = 'status' ORDER BY e.at DESC, e.id DESC LIMIT 1)",
            ),
            (
                "ECG studies without an upload event",
                "SELECT COUNT(*) FROM ecg_studies s
                 WHERE NOT EXISTS (SELECT 1 FROM ecg_events e WHERE e.study_id = s.id AND e.kind = 'uploaded')",
            ),
            (
                "ECG studies whose status does not follow from their last event",
                "SELECT COUNT(*) FROM ecg_studies s
                 WHERE s.status <> (SELECT CASE e.kind WHEN 'claim' THEN 'reading' WHEN 'report' THEN 'reported'
                         WHEN 'acknowledge' THEN 'reported' ELSE 'awaiting' END
                     FROM ecg_events e WHERE e.study_id = s.id ORDER BY e.at DESC, e.id DESC LIMIT 1)",
            ),
            (
                "chronic registers whose last visit is not their newest follow-up's",
                "SELECT COUNT(*) FROM chronic_registers g
                 WHERE EXISTS (SELECT 1 FROM chronic_follow_ups f WHERE f.register_id = g.id)
                   AND g.last_visit_on IS DISTINCT FROM (SELECT f.visit_on FROM chronic_follow_ups f
                     WHERE f.register_id = g.id ORDER BY f.created_at DESC, f.id DESC LIMIT 1)",
            ),
        ];
        let mut found = vec![];
        for (what, sql) in CHECKS {
            let n: i64 =
                crate::on_db!(self, pool => sqlx::query_scalar(*sql).fetch_one(pool).await?);
            if n > 0 {
                found.push(format!("{n} {what}"));
            }
        }
        Ok(found)
    }
}
