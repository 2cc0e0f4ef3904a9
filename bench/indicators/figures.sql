-- Every indicator the platform computes, recomputed by DuckDB from the files alone: the
-- encounters import file (Chinese headers, as a hospital exports it), the register of
-- care outside the county, the accepted referrals, the reported ECGs, the answered
-- teleconsultations, the held outreach
-- sessions, the admitted green-channel cases, the registered residents, the official population figures, the postings,
-- the chronic-disease registers with their visits and the institutions. Independent of the platform's code: the month a row counts in (a
-- referral's or an ECG's in China time, from its instant in UTC), an ECG's whole seconds
-- from upload to report, the levels, the population of a scope, a posting's days inside
-- the year, the years a register is under management, its standard and control, and the
-- no-data rule are written here again.
--
-- Parameters: $first, $last (the period, YYYY-MM), $bfirst, $blast (the same months a
-- year before), $bbfirst, $bblast (two years before), $today (YYYY-MM-DD, for postings
-- still running). The institutions in scope are the rows of the table `scope(code)`.
WITH places AS (
    SELECT i.code, i.kind, i.parent_code FROM institutions i JOIN scope s ON s.code = i.code
),
years AS (
    SELECT * FROM (VALUES ('now', CAST(substr($last, 1, 4) AS INTEGER)),
        ('before', CAST(substr($blast, 1, 4) AS INTEGER))) y(span, year)
),
registered AS (
    SELECT home_code AS code, count(*) AS n FROM residents GROUP BY home_code
),
-- The residents of a scope in a year: an institution with an official figure for the
-- year counts that figure; one whose parent has such a figure and is in the scope too is
-- inside it already; any other counts its registered residents.
pop AS (
    SELECT y.span, coalesce(sum(CASE
            WHEN o.code IS NOT NULL THEN CAST(o.residents AS BIGINT)
            WHEN po.code IS NOT NULL AND pp.code IS NOT NULL THEN 0
            ELSE coalesce(r.n, 0) END), 0) AS residents
    FROM years y CROSS JOIN places p
    LEFT JOIN registered r ON r.code = p.code
    LEFT JOIN populations o ON o.code = p.code AND CAST(o.year AS INTEGER) = y.year
    LEFT JOIN populations po ON po.code = p.parent_code AND CAST(po.year AS INTEGER) = y.year
    LEFT JOIN places pp ON pp.code = p.parent_code
    GROUP BY y.span
),
-- Physicians of intermediate title or above posted down, with their days inside the
-- year (to today for a posting still running); six months is 183 days; each person
-- counts once, at the site with the most days (then the later start, then the lesser
-- site id).
posted_days AS (
    SELECT y.span, p.staff_id, p.site_id, p.site_code, CAST(p.start_on AS DATE) AS start_on,
        datediff('day', greatest(CAST(p.start_on AS DATE), make_date(y.year, 1, 1)),
            least(coalesce(CAST(nullif(p.end_on, '') AS DATE), CAST($today AS DATE)), make_date(y.year, 12, 31))) + 1 AS days
    FROM postings p CROSS JOIN years y
    WHERE p.direction = 'down'
        AND p.title IN ('chief_physician', 'associate_chief_physician', 'attending_physician')
),
chosen AS (
    SELECT span, staff_id, site_code,
        row_number() OVER (PARTITION BY span, staff_id ORDER BY days DESC, start_on DESC, site_id) AS k
    FROM posted_days WHERE days >= 183
),
pd AS (
    SELECT y.span, count(p.code) AS posted
    FROM years y LEFT JOIN chosen c ON c.span = y.span AND c.k = 1
        LEFT JOIN places p ON p.code = c.site_code AND p.kind IN ('township', 'village')
    GROUP BY y.span
),
-- A chronic-disease register is under management in a year when enrolled by its last
-- day and not ended before its first, counted at its clinic; of its visits inside its
-- management in that year, four face to face (a phone call is not) make the standard,
-- and the year's last visit decides control (of two on that day, the controlled one).
reg_years AS (
    SELECT y.span, y.year, g.register_id, g.disease, CAST(g.enrolled_on AS DATE) AS enrolled_on,
        CAST(nullif(g.ended_on, '') AS DATE) AS ended_on
    FROM years y CROSS JOIN registers g JOIN places p ON p.code = g.clinic_code
    WHERE CAST(g.enrolled_on AS DATE) <= make_date(y.year, 12, 31)
        AND (nullif(g.ended_on, '') IS NULL OR CAST(g.ended_on AS DATE) >= make_date(y.year, 1, 1))
),
reg_visits AS (
    SELECT r.span, r.register_id, f.visit_type, f.controlled,
        row_number() OVER (PARTITION BY r.span, r.register_id
            ORDER BY CAST(f.visit_on AS DATE) DESC, CASE f.controlled WHEN 'true' THEN 2 WHEN 'false' THEN 1 ELSE 0 END DESC) AS latest
    FROM reg_years r JOIN follow_ups f ON f.register_id = r.register_id
    WHERE year(CAST(f.visit_on AS DATE)) = r.year AND CAST(f.visit_on AS DATE) >= r.enrolled_on
        AND (r.ended_on IS NULL OR CAST(f.visit_on AS DATE) <= r.ended_on)
),
reg_flags AS (
    SELECT span, register_id, count(*) FILTER (WHERE visit_type <> 'phone') >= 4 AS standard,
        bool_or(latest = 1 AND controlled = 'true') AS controlled
    FROM reg_visits GROUP BY span, register_id
),
chronic AS (
    SELECT y.span, d.disease, count(r.register_id) AS managed,
        count(r.register_id) FILTER (WHERE f.standard) AS standard,
        count(r.register_id) FILTER (WHERE f.controlled) AS controlled
    FROM years y CROSS JOIN (VALUES ('hypertension'), ('diabetes')) d(disease)
        LEFT JOIN reg_years r ON r.span = y.span AND r.disease = d.disease
        LEFT JOIN reg_flags f ON f.span = r.span AND f.register_id = r.register_id
    GROUP BY y.span, d.disease
),
enc AS (
    SELECT p.kind AS place_kind, e."就诊类型" AS kind,
        strftime(CASE WHEN e."就诊类型" = '住院' THEN CAST(e."出院日期" AS DATE)
                      ELSE CAST(e."就诊日期" AS DATE) END, '%Y-%m') AS month,
        CAST(e."总费用(分)" AS BIGINT) AS total, CAST(e."医保支付(分)" AS BIGINT) AS fund
    FROM encounters e JOIN places p ON p.code = e."机构编码"
),
away AS (
    SELECT o.kind,
        strftime(CASE WHEN o.kind = 'inpatient' THEN CAST(o.ended_on AS DATE)
                      ELSE CAST(o.started_on AS DATE) END, '%Y-%m') AS month,
        CAST(o.total_fen AS BIGINT) AS total, CAST(o.insurance_fen AS BIGINT) AS fund,
        CAST(o.referred AS BIGINT) AS referred
    FROM outside o JOIN places p ON p.code = o.home_code
),
refs AS (
    SELECT r.direction, f.kind AS from_kind, t.kind AS to_kind,
        f.code IS NOT NULL AS from_in, t.code IS NOT NULL AS to_in,
        strftime(CAST(r.accepted_utc AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS month
    FROM referrals r LEFT JOIN places f ON f.code = r.from_code LEFT JOIN places t ON t.code = r.to_code
),
span_refs AS (
    SELECT s.span, r.* FROM refs r JOIN (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        ON r.month BETWEEN s.a AND s.b
),
rf AS (
    SELECT s.span,
        count(*) FILTER (WHERE direction = 'up' AND from_in) AS up,
        count(*) FILTER (WHERE direction = 'down' AND from_in) AS down,
        count(*) FILTER (WHERE direction = 'down' AND from_kind = 'lead') AS lead_down,
        count(*) FILTER (WHERE direction = 'up' AND to_kind = 'lead') AS lead_up_in
    FROM (VALUES ('now'), ('before')) s(span) LEFT JOIN span_refs x ON x.span = s.span
    GROUP BY s.span
),
ecgs AS (
    SELECT CAST(g.urgency_rank AS INTEGER) < 2 AS urgent,
        (epoch_us(CAST(g.reported_utc AS TIMESTAMP)) - epoch_us(CAST(g.uploaded_utc AS TIMESTAMP))) // 1000000 AS seconds,
        strftime(CAST(g.reported_utc AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS month
    FROM ecg g JOIN places p ON p.code = g.from_code
),
span_ecgs AS (
    SELECT s.span, g.* FROM ecgs g JOIN (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        ON g.month BETWEEN s.a AND s.b
),
eg AS (
    SELECT s.span, count(x.month) AS reads,
        count(*) FILTER (WHERE urgent) AS urgent,
        count(*) FILTER (WHERE urgent AND seconds <= 600) AS on_time
    FROM (VALUES ('now'), ('before')) s(span) LEFT JOIN span_ecgs x ON x.span = s.span
    GROUP BY s.span
),
-- An answered teleconsultation counts in the month (China time) of its answer at the
-- institution that asked.
cs AS (
    SELECT s.span, count(x.month) AS answered
    FROM (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        LEFT JOIN (SELECT strftime(CAST(t.answered_utc AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS month
                   FROM consults t JOIN places p ON p.code = t.from_code) x ON x.month BETWEEN s.a AND s.b
    GROUP BY s.span
),
-- A green-channel case counts in the month (China time) of its admission at its sender;
-- on time when the whole seconds from first contact (or the referral) are within the
-- target kept with it.
greens AS (
    SELECT strftime(CAST(g.admitted_utc AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS month,
        (epoch_us(CAST(g.admitted_utc AS TIMESTAMP))
            - epoch_us(CAST(coalesce(nullif(g.contact_utc, ''), g.sent_utc) AS TIMESTAMP))) // 1000000 AS seconds,
        CAST(g.target_minutes AS BIGINT) AS target
    FROM green g JOIN places p ON p.code = g.from_code
    WHERE coalesce(nullif(g.contact_utc, ''), nullif(g.sent_utc, '')) IS NOT NULL
),
gc AS (
    SELECT s.span, count(x.month) AS admitted, count(*) FILTER (WHERE x.seconds <= x.target * 60) AS on_time
    FROM (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        LEFT JOIN greens x ON x.month BETWEEN s.a AND s.b
    GROUP BY s.span
),
held AS (
    SELECT strftime(CAST(o.day AS DATE), '%Y-%m') AS month, CAST(o.people_served AS BIGINT) AS served
    FROM sessions o JOIN places p ON p.code = o.place_code
),
ot AS (
    SELECT s.span, count(x.month) AS sessions, coalesce(sum(x.served), 0) AS served
    FROM (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        LEFT JOIN held x ON x.month BETWEEN s.a AND s.b
    GROUP BY s.span
),
span_enc AS (
    SELECT s.span, e.* FROM enc e JOIN (VALUES ('now', $first, $last), ('before', $bfirst, $blast),
        ('before2', $bbfirst, $bblast)) s(span, a, b) ON e.month BETWEEN s.a AND s.b
),
span_away AS (
    SELECT s.span, o.* FROM away o JOIN (VALUES ('now', $first, $last), ('before', $bfirst, $blast)) s(span, a, b)
        ON o.month BETWEEN s.a AND s.b
),
e AS (
    SELECT s.span,
        count(*) FILTER (WHERE kind <> '住院') AS visits,
        count(*) FILTER (WHERE kind = '住院') AS stays,
        count(*) FILTER (WHERE kind <> '住院' AND place_kind IN ('township', 'village')) AS primary_visits,
        coalesce(sum(fund), 0) AS fund,
        coalesce(sum(fund) FILTER (WHERE place_kind IN ('township', 'village')), 0) AS primary_fund,
        coalesce(sum(total), 0) AS cost
    FROM (VALUES ('now'), ('before'), ('before2')) s(span) LEFT JOIN span_enc x ON x.span = s.span
    GROUP BY s.span
),
o AS (
    SELECT s.span,
        count(*) FILTER (WHERE kind <> 'inpatient') AS out_visits,
        count(*) FILTER (WHERE kind = 'inpatient') AS out_stays,
        coalesce(sum(fund), 0) AS out_fund,
        coalesce(sum(referred), 0) AS out_referred
    FROM (VALUES ('now'), ('before')) s(span) LEFT JOIN span_away x ON x.span = s.span
    GROUP BY s.span
),
v AS (
    SELECT e.*, o.out_visits, o.out_stays, o.out_fund, o.out_referred,
        e.visits + e.stays > 0 AS has_encounters, o.out_visits + o.out_stays > 0 AS has_outside
    FROM e JOIN o ON o.span = e.span
),
figures AS (
    SELECT span, 'ip_in_county_share' AS code, stays AS n, stays + out_stays AS d, 'percent' AS shape,
        has_encounters AND has_outside AS ready FROM v
    UNION ALL SELECT span, 'county_care_rate', visits + stays, visits + stays + out_visits + out_stays, 'percent',
        has_encounters AND has_outside FROM v
    UNION ALL SELECT span, 'primary_visit_share', primary_visits, visits, 'percent', has_encounters FROM v
    UNION ALL SELECT span, 'fund_in_county_share', fund, fund + out_fund, 'percent', has_encounters AND has_outside FROM v
    UNION ALL SELECT span, 'fund_primary_share', primary_fund, fund, 'percent', has_encounters FROM v
    UNION ALL SELECT span, 'ordered_referral_rate', out_referred, out_visits + out_stays, 'percent', has_outside FROM v
    UNION ALL SELECT span, 'referrals_up', up, 0, 'count', true FROM rf
    UNION ALL SELECT span, 'referrals_down', down, 0, 'count', true FROM rf
    UNION ALL SELECT span, 'lead_down_share', lead_down, lead_down + lead_up_in, 'percent', true FROM rf
    UNION ALL SELECT span, 'ecg_remote_reads', reads, 0, 'count', true FROM eg
    UNION ALL SELECT span, 'ecg_urgent_on_time', on_time, urgent, 'percent', true FROM eg
    UNION ALL SELECT span, 'outreach_sessions', sessions, 0, 'count', true FROM ot
    UNION ALL SELECT span, 'outreach_people_served', served, 0, 'count', true FROM ot
    UNION ALL SELECT span, 'green_channel_on_time', on_time, admitted, 'percent', true FROM gc
    UNION ALL SELECT eg.span, 'remote_diagnoses_per_10k', reads + answered, residents, 'per10k', true
        FROM eg JOIN pop ON pop.span = eg.span JOIN cs ON cs.span = eg.span
    UNION ALL SELECT pd.span, 'posted_physicians_per_10k', posted, residents, 'per10k', true
        FROM pd JOIN pop ON pop.span = pd.span
    UNION ALL SELECT span, CASE disease WHEN 'hypertension' THEN 'htn_standard_rate' ELSE 'dm_standard_rate' END,
        standard, managed, 'percent', true FROM chronic
    UNION ALL SELECT span, CASE disease WHEN 'hypertension' THEN 'htn_control_rate' ELSE 'dm_control_rate' END,
        controlled, managed, 'percent', true FROM chronic
),
growth AS (
    SELECT 'now' AS span, 'visits_yoy' AS code, a.visits AS n, b.visits AS d, va.has_encounters AND vb.has_encounters AS ready
    FROM e a, e b, v va, v vb WHERE a.span = 'now' AND b.span = 'before' AND va.span = 'now' AND vb.span = 'before'
    UNION ALL SELECT 'now', 'revenue_yoy', a.cost, b.cost, va.has_encounters AND vb.has_encounters
    FROM e a, e b, v va, v vb WHERE a.span = 'now' AND b.span = 'before' AND va.span = 'now' AND vb.span = 'before'
    UNION ALL SELECT 'before', 'visits_yoy', a.visits, b.visits, va.visits + va.stays > 0 AND vb.visits + vb.stays > 0
    FROM e a, e b, e va, e vb WHERE a.span = 'before' AND b.span = 'before2' AND va.span = 'before' AND vb.span = 'before2'
    UNION ALL SELECT 'before', 'revenue_yoy', a.cost, b.cost, va.visits + va.stays > 0 AND vb.visits + vb.stays > 0
    FROM e a, e b, e va, e vb WHERE a.span = 'before' AND b.span = 'before2' AND va.span = 'before' AND vb.span = 'before2'
)
SELECT span, code, n AS numerator, d AS denominator,
    CASE WHEN NOT ready THEN NULL
         WHEN shape = 'count' THEN CAST(n AS DOUBLE)
         WHEN d = 0 THEN NULL
         WHEN shape = 'per10k' THEN round(CAST(n AS DOUBLE) * 10000.0 / CAST(d AS DOUBLE) * 10000.0) / 10000.0
         ELSE round(CAST(n AS DOUBLE) * 100.0 / CAST(d AS DOUBLE) * 10000.0) / 10000.0 END AS value
FROM figures
UNION ALL
SELECT span, code, n, d,
    CASE WHEN NOT ready OR d = 0 THEN NULL
         ELSE round(CAST(n - d AS DOUBLE) * 100.0 / CAST(d AS DOUBLE) * 10000.0) / 10000.0 END
FROM growth
ORDER BY span, code;
