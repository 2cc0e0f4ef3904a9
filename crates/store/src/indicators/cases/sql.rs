//! The columns of a case, per source: what the page shows once its rows are chosen.

pub(super) const ENCOUNTERS: &str = "SELECT e.id, 'encounter' AS source, e.kind, e.day,
        i.name AS place, i.kind AS level, e.resident_id, r.name AS resident_name, e.id_number, e.diagnoses,
        e.total_fen, e.insurance_fen, CAST(0 AS BIGINT) AS served
    FROM encounters e JOIN institutions i ON i.community_id = e.community_id AND i.id = e.institution_id
    LEFT JOIN residents r ON r.community_id = e.community_id AND r.id = e.resident_id
    WHERE e.community_id = ";

pub(super) const OUTSIDE: &str = "SELECT o.id, 'outside' AS source, o.kind, o.day,
        o.hospital AS place, o.level, o.resident_id, r.name AS resident_name, r.id_number, '' AS diagnoses,
        o.total_fen, o.insurance_fen, CAST(0 AS BIGINT) AS served
    FROM outside_visits o JOIN residents r ON r.community_id = o.community_id AND r.id = o.resident_id
    WHERE o.community_id = ";

/// Completed by the end the referral counts at (`f.from_institution_id` or
/// `f.to_institution_id`) and [`REFERRALS_REST`].
pub(super) const REFERRALS: &str =
    "SELECT f.id, 'referral' AS source, f.direction AS kind, f.accepted_on AS day,
        i.name AS place, i.kind AS level, f.resident_id, r.name AS resident_name, r.id_number,
        f.icd10_code || ' ' || f.icd10_text AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, CAST(0 AS BIGINT) AS served
    FROM referrals f JOIN institutions i ON i.community_id = f.community_id AND i.id = ";

pub(super) const REFERRALS_REST: &str = " JOIN residents r ON r.community_id = f.community_id AND r.id = f.resident_id WHERE f.community_id = ";

pub(super) const ECGS: &str = "SELECT s.id, 'ecg' AS source,
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
pub(super) const CONSULTS: &str = "SELECT t.id, 'consult' AS source, t.kind, t.answered_on AS day,
        i.name AS place, i.kind AS level, t.resident_id, r.name AS resident_name, r.id_number,
        t.question AS diagnoses, CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen,
        CAST(0 AS BIGINT) AS served
    FROM teleconsultations t JOIN institutions i ON i.community_id = t.community_id AND i.id = t.from_institution_id
    JOIN residents r ON r.community_id = t.community_id AND r.id = t.resident_id
    WHERE t.community_id = ";

// A green-channel case: its pathway as the kind, the minutes to admission as `served`.
pub(super) const GREENS: &str = "SELECT f.id, 'green' AS source, f.pathway AS kind, f.green_admitted_on AS day,
        i.name AS place, i.kind AS level, f.resident_id, r.name AS resident_name, r.id_number,
        f.icd10_code || ' ' || f.icd10_text AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, CAST(f.green_seconds / 60 AS BIGINT) AS served
    FROM referrals f JOIN institutions i ON i.community_id = f.community_id AND i.id = f.from_institution_id
    JOIN residents r ON r.community_id = f.community_id AND r.id = f.resident_id
    WHERE f.community_id = ";

// A session has no patient of its own: its resident column is a typed NULL on both
// engines, and its record's summary stands where a diagnosis would.
pub(super) const SESSIONS: &str = "SELECT o.id, 'session' AS source, 'held' AS kind, o.day AS day,
        i.name AS place, i.kind AS level, CASE WHEN 1 = 0 THEN o.expert_id END AS resident_id,
        CAST(NULL AS TEXT) AS resident_name, '' AS id_number, o.summary AS diagnoses,
        CAST(0 AS BIGINT) AS total_fen, CAST(0 AS BIGINT) AS insurance_fen, o.people_served AS served
    FROM outreach_sessions o JOIN institutions i ON i.community_id = o.community_id AND i.id = o.institution_id
    WHERE o.community_id = ";
