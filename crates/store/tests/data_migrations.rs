//! What a migration does to the rows written before it, on both engines: each test
//! stops at the version before, writes data the old way, then migrates.

use yigong_store::Pool;
use yigong_testkit::db::each_empty_engine;

/// Runs one statement with two parameters directly, as an older version wrote rows.
async fn write_old<A, B>(store: &yigong_store::Store, sql: &str, a: A, b: B)
where
    A: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    A: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    B: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    B: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    A: Send + Clone + 'static,
    B: Send + Clone + 'static,
{
    match store.pool() {
        Pool::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(a)
            .bind(b)
            .execute(p)
            .await
            .map(|_| ()),
        Pool::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(a)
            .bind(b)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .expect("update");
}

/// Sets a contract's package directly, as an older version wrote it.
async fn set_package(store: &yigong_store::Store, id: uuid::Uuid, package: &str) {
    let sql = "UPDATE family_contracts SET package = $1 WHERE id = $2";
    write_old(store, sql, package.to_string(), id).await;
}

/// A store at migration `version` holding a small demo community with its family-doctor
/// history (contracts, registers, visits), and the sorted ids of `table`.
async fn old_store_with_history(
    store: &yigong_store::Store,
    version: i64,
    table: &str,
) -> (uuid::Uuid, Vec<uuid::Uuid>) {
    store.migrate_up_to(version).await.expect("older version");
    // The registry and the family-doctor part only: later contexts' tables are not there.
    let hash = &yigong_app::passwords::hash_password;
    let (community, _) = yigong_demo::seed::load(store, 3, 300, hash, &mut |_| {})
        .await
        .expect("demo");
    let today = yigong_domain::clock::today();
    yigong_demo::seed::family::add_history_rows(store, community.id, 3, today)
        .await
        .expect("family history");
    let ids = yigong_testkit::db::ids_in(store, table, "id")
        .await
        .expect("ids");
    let mut ids: Vec<uuid::Uuid> = ids.into_iter().collect();
    ids.sort();
    (community.id, ids)
}

/// 0011: contract packages stored as Chinese names become codes; a package typed as free
/// text before codes existed stays as it was.
#[tokio::test]
async fn package_names_become_codes() {
    for store in each_empty_engine().await.expect("stores") {
        let (community, ids) = old_store_with_history(&store, 10, "family_contracts").await;
        assert!(ids.len() >= 4, "{} contracts", ids.len());
        // Written the old way: as the names the pages used to offer.
        let old = ["基础包", "重点人群包", "母婴健康包", "村里自定的包"];
        for (id, name) in ids.iter().zip(old) {
            set_package(&store, *id, name).await;
        }
        assert_eq!(store.migrate().await.expect("0011 to 0044"), 34);
        let mut packages = vec![];
        for id in &ids[..4] {
            let contract = store.get_contract(community, *id).await.expect("contract");
            packages.push(contract.package);
        }
        assert_eq!(
            packages,
            ["basic", "key_population", "maternal_child", "村里自定的包"]
        );
    }
}

/// 0012: glucose (and weight, height) that went through a single-precision float on the
/// way in is put back to the one decimal place it was typed with.
#[tokio::test]
async fn measured_values_return_to_one_decimal() {
    for store in each_empty_engine().await.expect("stores") {
        let (community, visits) = old_store_with_history(&store, 11, "chronic_follow_ups").await;
        assert!(visits.len() >= 2, "{} visits", visits.len());
        // As the old API stored them: 10.9 and 8.6 typed, widened from f32.
        let typed = [10.9f32, 8.6f32];
        for (id, g) in visits.iter().zip(typed) {
            let sql = "UPDATE chronic_follow_ups SET glucose = $1, weight_kg = $1 WHERE id = $2";
            write_old(&store, sql, f64::from(g), *id).await;
        }
        assert_ne!(f64::from(10.9f32), 10.9, "the old value is noisy");
        assert_eq!(store.migrate().await.expect("0012 to 0044"), 33);
        for (id, want) in visits.iter().zip([10.9, 8.6]) {
            let visit = store.get_visit(community, *id).await.expect("visit");
            assert_eq!(visit.glucose, Some(want), "{id}");
            assert_eq!(visit.glucose.map(|g| g.to_string()), Some(want.to_string()));
        }
    }
}

/// 0032: the bookings made before it get ids of their own, each different.
#[tokio::test]
async fn bookings_made_before_get_ids() {
    for store in each_empty_engine().await.expect("stores") {
        let (community, residents) = old_store_with_history(&store, 31, "residents").await;
        let (c, setup) = (community, yigong_testkit::app::setup_entry("outreach.plan"));
        let lead = store
            .list_institutions(c)
            .await
            .expect("places")
            .into_iter()
            .find(|i| i.kind == "lead")
            .expect("lead");
        let place = store
            .list_institutions(c)
            .await
            .expect("places")
            .into_iter()
            .find(|i| i.kind == "township")
            .expect("township");
        let expert = store.staff_of(c, lead.id).await.expect("staff")[0].id;
        let s = yigong_store::outreach::NewSession {
            expert_id: expert,
            institution_id: place.id,
            template_id: None,
            day: yigong_domain::clock::today(),
            start_min: 510,
            end_min: 690,
            capacity: 20,
        };
        let session = store.plan_sessions(c, &[s], &setup).await.expect("session")[0];
        // As the window booked before 0032: no id.
        for r in &residents[..3] {
            let sql =
                "INSERT INTO outreach_bookings (community_id, session_id, resident_id, created_at)
                 VALUES ($1, $2, $3, CURRENT_TIMESTAMP)";
            match store.pool() {
                Pool::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(c)
                    .bind(session)
                    .bind(*r)
                    .execute(p)
                    .await
                    .map(|_| ()),
                Pool::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(c)
                    .bind(session)
                    .bind(*r)
                    .execute(p)
                    .await
                    .map(|_| ()),
            }
            .expect("old booking");
        }
        assert_eq!(store.migrate().await.expect("0032 to 0044"), 13);
        let mut ids = Vec::new();
        for r in &residents[..3] {
            let mine = store.bookings_of(c, *r).await.expect("bookings");
            assert_eq!(mine.len(), 1);
            let again = store
                .get_booking(c, mine[0].id)
                .await
                .expect("read")
                .expect("found");
            assert_eq!(again.resident_id, *r);
            ids.push(mine[0].id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 3, "each its own id");
    }
}

/// 0035: referrals accepted before it get the China-time day of their acceptance (the
/// day turns at 16:00 UTC), and a rebuild counts them in that day's month.
#[tokio::test]
async fn referrals_accepted_before_get_their_day() {
    use time::macros::datetime;
    use yigong_domain::indicators::month::{Month, Span};
    use yigong_domain::indicators::tally::Measure;
    use yigong_domain::referral::{Direction, Urgency};
    use yigong_store::referrals::{NewReferral, PartiesProbe};
    for store in each_empty_engine().await.expect("stores") {
        let (c, residents) = old_store_with_history(&store, 34, "residents").await;
        let places = store.list_institutions(c).await.expect("places");
        let of = |kind: &str| places.iter().find(|i| i.kind == kind).expect(kind).id;
        let (town, lead) = (of("township"), of("lead"));
        let new = NewReferral {
            resident_id: residents[0],
            direction: Direction::Up,
            urgency: Urgency::Routine,
            pathway: None,
            from_institution_id: town,
            to_institution_id: lead,
            to_department_id: None,
            parent_id: None,
            reason: "血压控制不佳".into(),
            icd10_code: "I10".into(),
            icd10_text: "特发性（原发性）高血压".into(),
            summary: String::new(),
            instructions: String::new(),
            preferred_date: None,
            created_by: None,
            created_at: datetime!(2026-03-20 08:00 UTC),
            first_contact_at: None,
        };
        let probe = PartiesProbe {
            resident: residents[0],
            from: town,
            to: lead,
            department: None,
            parent: None,
        };
        // Accepted the old way: 31 March 15:59 UTC is still 31 March in China, 16:30 is
        // already 1 April.
        for at in [
            datetime!(2026-03-31 15:59 UTC),
            datetime!(2026-03-31 16:30 UTC),
        ] {
            let n = new.clone();
            let r = store
                .create_referral_checked(c, probe, None, move |_| Ok::<_, ()>(n))
                .await
                .expect("stored")
                .expect("created");
            let sql = "UPDATE referrals SET status = 'accepted', accepted_at = $1 WHERE id = $2";
            write_old(&store, sql, at, r.id.uuid()).await;
        }
        assert_eq!(store.migrate().await.expect("0034 to 0044"), 10);
        store.rebuild_tallies(c).await.expect("rebuild");
        let span = Span::parse("2026").expect("a year");
        let t = store.tally_by_month(c, span).await.expect("tallies");
        let (march, april) = (
            Month::parse("2026-03").expect("month"),
            Month::parse("2026-04").expect("month"),
        );
        for (m, i, measure) in [
            (march, town, Measure::RefUp),
            (april, town, Measure::RefUp),
            (march, lead, Measure::RefUpIn),
            (april, lead, Measure::RefUpIn),
        ] {
            assert_eq!(t.get(m, i, measure), 1, "{m:?} {measure:?}");
        }
        assert_eq!(t.get(march, lead, Measure::RefUp), 0);
    }
}

/// 0037: studies reported before it get the China-time day of their report and the whole
/// seconds from upload, and a rebuild counts them in that day's month.
#[tokio::test]
async fn ecgs_reported_before_get_their_day_and_turnaround() {
    use time::macros::datetime;
    use yigong_domain::indicators::month::{Month, Span};
    use yigong_domain::indicators::tally::Measure;
    use yigong_store::ecg::NewStudy;
    for store in each_empty_engine().await.expect("stores") {
        let (c, residents) = old_store_with_history(&store, 36, "residents").await;
        let places = store.list_institutions(c).await.expect("places");
        let town = places
            .iter()
            .find(|i| i.kind == "township")
            .expect("a township")
            .id;
        let new = NewStudy {
            resident_id: residents[0],
            from_institution_id: town,
            uploaded_by: None,
            urgency_rank: 1,
            chest_pain: true,
            symptoms: String::new(),
            symptom_onset_at: None,
            recorded_at: datetime!(2026-03-31 15:50 UTC),
            format: "dicom".into(),
            sample_rate: 500.0,
            lead_count: 12,
            samples_per_lead: 5000,
            heart_rate: Some(72.0),
            alerts: String::new(),
            measurements: "{}".into(),
            files: vec![],
        };
        let entry = yigong_testkit::app::setup_entry("ecg.upload");
        // Uploaded at 15:52 UTC; reported ten minutes later (00:02 on 1 April in China,
        // on time) and ten minutes and a second later (late).
        for reported in [
            datetime!(2026-03-31 16:02 UTC),
            datetime!(2026-03-31 16:02:01 UTC),
        ] {
            let id = store.create_study(c, &new, &entry).await.expect("a study");
            let sql = "UPDATE ecg_studies SET status = 'reported', created_at = $1 WHERE id = $2";
            write_old(&store, sql, datetime!(2026-03-31 15:52 UTC), id.uuid()).await;
            let sql = "UPDATE ecg_studies SET reported_at = $1 WHERE id = $2";
            write_old(&store, sql, reported, id.uuid()).await;
        }
        assert_eq!(store.migrate().await.expect("0036 to 0044"), 8);
        store.rebuild_tallies(c).await.expect("rebuild");
        let t = store
            .tally_by_month(c, Span::parse("2026").expect("a year"))
            .await
            .expect("tallies");
        let april = Month::parse("2026-04").expect("month");
        let counts = [
            Measure::EcgRead,
            Measure::EcgUrgent,
            Measure::EcgUrgentOnTime,
        ]
        .map(|m| t.get(april, town, m));
        assert_eq!(counts, [2, 2, 1]);
        // The case list reads the stored day and seconds: one on time in April.
        let q = yigong_store::indicators::cases::CaseQuery {
            ecgs: vec![yigong_store::indicators::cases::EcgCases {
                urgent_only: true,
                on_time_seconds: Some(600),
                places: vec![town],
            }],
            ..Default::default()
        };
        let page = yigong_store::PageRequest::new(None, None);
        let span = Span::parse("2026-04").expect("a month");
        let listed = store
            .indicator_cases(c, span, &q, page)
            .await
            .expect("cases");
        assert_eq!(listed.total, 1);
    }
}

/// The counters of `span` summed month by month, filed under its first month (what the
/// rollup of a whole year or quarter must hold).
async fn summed_months(
    store: &yigong_store::Store,
    c: uuid::Uuid,
    span: yigong_domain::indicators::month::Span,
) -> yigong_domain::indicators::tally::Tally {
    let mut t = yigong_domain::indicators::tally::Tally::default();
    for (_, i, m, v) in store
        .tally_by_month(c, span)
        .await
        .expect("months")
        .entries()
    {
        t.add(span.first, i, &[(m, v)], 1);
    }
    t
}

/// 0042: the counters kept before it are summed per year and quarter, and every later
/// write (a year of referrals accepted, a rebuild) keeps the sums with the months.
#[tokio::test]
async fn counters_are_rolled_up_per_year_and_quarter() {
    use yigong_domain::indicators::month::{Month, Span};
    for store in each_empty_engine().await.expect("stores") {
        let (c, _) = old_store_with_history(&store, 41, "residents").await;
        yigong_demo::seed::add_referral_history(&store, c, 3)
            .await
            .expect("a year of referrals");
        let this = Month::of(yigong_domain::clock::today());
        let year = Span::parse(&this.year.to_string()).expect("a year");
        let quarter =
            Span::parse(&format!("{}-Q{}", this.year, this.month.div_ceil(3))).expect("a quarter");
        let before = summed_months(&store, c, year).await;
        assert!(!before.is_empty(), "the history counted acceptances");
        assert_eq!(store.migrate().await.expect("0041 to 0044"), 3);
        for span in [year, year.year_before(), quarter] {
            let rolled = store.tally_over(c, span).await.expect("rollup");
            assert_eq!(rolled, summed_months(&store, c, span).await, "{span:?}");
        }
        // More referrals after the migration, then a rebuild: still the same sums.
        yigong_demo::seed::add_referral_history(&store, c, 4)
            .await
            .expect("more referrals");
        store.rebuild_tallies(c).await.expect("rebuild");
        for span in [year, year.year_before(), quarter] {
            let rolled = store.tally_over(c, span).await.expect("rollup");
            let months = summed_months(&store, c, span).await;
            assert_eq!(rolled, months, "{span:?} after a rebuild");
        }
        assert_ne!(
            store.tally_over(c, year).await.expect("rollup"),
            before,
            "the second history moved the year"
        );
    }
}

/// 0043: encounters stored before it get the day they are counted on (discharge for a
/// stay, the visit day otherwise), and their figure's list finds them by it.
#[tokio::test]
async fn encounters_stored_before_get_their_day() {
    use yigong_domain::indicators::encounter::Kind;
    use yigong_domain::indicators::month::Span;
    use yigong_store::indicators::cases::CaseQuery;
    for store in each_empty_engine().await.expect("stores") {
        let (c, _) = old_store_with_history(&store, 42, "residents").await;
        let places = store.list_institutions(c).await.expect("places");
        let town = places
            .iter()
            .find(|i| i.kind == "township")
            .expect("a township")
            .id;
        let id = match store.engine() {
            yigong_store::Engine::Sqlite => "randomblob(16)",
            yigong_store::Engine::Postgres => "gen_random_uuid()",
        };
        // A stay from 28 March to 2 April and a visit on 5 April, the old way.
        for (no, kind, start, end) in [
            ("S1", "inpatient", "2026-03-28", "2026-04-02"),
            ("V1", "outpatient", "2026-04-05", "2026-04-05"),
        ] {
            let sql = format!(
                "INSERT INTO encounters (id, community_id, institution_id, visit_no, department, id_number,
                    kind, started_on, ended_on, month, diagnoses, total_fen, insurance_fen, created_at)
                 VALUES ({id}, $1, $2, '{no}', '内科', '', '{kind}', '{start}', '{end}', '2026-04', '', 100, 50,
                    '2026-04-05T00:00:00Z')"
            );
            write_old(&store, &sql, c, town).await;
        }
        assert_eq!(store.migrate().await.expect("0042 to 0044"), 2);
        store.rebuild_tallies(c).await.expect("rebuild");
        let q = CaseQuery {
            encounter_kinds: vec![Kind::Outpatient, Kind::Inpatient],
            encounter_places: vec![town],
            ..Default::default()
        };
        let span = Span::parse("2026-04").expect("April");
        let page = yigong_store::PageRequest::new(None, None);
        let listed = store
            .indicator_cases(c, span, &q, page)
            .await
            .expect("cases");
        let days: Vec<String> = listed.items.iter().map(|r| r.day.to_string()).collect();
        assert_eq!(days, ["2026-04-05", "2026-04-02"]);
        assert_eq!(listed.total, 2);
    }
}

/// 0044: a register ended before it gets the day (China time) of its last change as the
/// day management ended; one still managed gets none.
#[tokio::test]
async fn registers_ended_before_get_their_end_day() {
    use time::macros::datetime;
    for store in each_empty_engine().await.expect("stores") {
        let (_, ids) = old_store_with_history(&store, 43, "chronic_registers").await;
        let (ended, managed) = (ids[0], ids[1]);
        let sql = "UPDATE chronic_registers SET status = 'ended', updated_at = $1 WHERE id = $2";
        // 16:30 UTC on 31 March is already 1 April in China.
        write_old(&store, sql, datetime!(2026-03-31 16:30 UTC), ended).await;
        assert_eq!(store.migrate().await.expect("0043 to 0044"), 1);
        let sql = "SELECT ended_on FROM chronic_registers WHERE id = $1";
        let read = |id: uuid::Uuid| {
            let store = &store;
            async move {
                match store.pool() {
                    Pool::Sqlite(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await,
                    Pool::Postgres(p) => sqlx::query_scalar(sql).bind(id).fetch_one(p).await,
                }
                .expect("read")
            }
        };
        let ended_on: Option<time::Date> = read(ended).await;
        assert_eq!(ended_on, Some(time::macros::date!(2026 - 04 - 01)));
        let none: Option<time::Date> = read(managed).await;
        assert_eq!(none, None);
    }
}
