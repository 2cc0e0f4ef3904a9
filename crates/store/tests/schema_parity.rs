//! SQLite and PostgreSQL, migrated, define the same schema: the same tables, columns and
//! nullability, the same `CHECK` value lists and the same indexes (unique or not, on the
//! same columns in the same order). Runs with `YIGONG_TEST_PG`.

use yigong_testkit::db::{check_lists, postgres, postgres_url, schema, sqlite};

#[test]
fn check_lists_read_both_spellings() {
    let lite = check_lists(
        "kind TEXT NOT NULL CHECK (kind IN ('status', 'milestone')), x INT CHECK (x > 0)",
    );
    let pg = check_lists("CHECK ((kind = ANY (ARRAY['status'::text, 'milestone'::text])))");
    assert_eq!(lite, pg);
    assert_eq!(lite[0].0, "kind");
    assert_eq!(lite[0].1.len(), 2);
}

#[tokio::test]
async fn both_engines_define_the_same_schema() {
    let Some(url) = postgres_url() else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: set YIGONG_TEST_PG to compare the schemas"
        );
        return;
    };
    let lite = schema(&sqlite().await.expect("sqlite"))
        .await
        .expect("sqlite schema");
    let pg = schema(&postgres(&url).await.expect("postgres"))
        .await
        .expect("postgres schema");
    let names = |s: &std::collections::BTreeMap<String, _>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&lite), names(&pg), "the tables");
    let mut differences = vec![];
    for (table, l) in &lite {
        let p = &pg[table];
        if l.columns != p.columns {
            differences.push(format!(
                "{table} columns: SQLite {:?}, PostgreSQL {:?}",
                l.columns, p.columns
            ));
        }
        if l.checks != p.checks {
            differences.push(format!(
                "{table} checks: SQLite {:?}, PostgreSQL {:?}",
                l.checks, p.checks
            ));
        }
        if l.indexes != p.indexes {
            differences.push(format!(
                "{table} indexes: SQLite {:?}, PostgreSQL {:?}",
                l.indexes, p.indexes
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The introspection sees what the migrations wrote, on both engines.
    for shape in [&lite["referral_events"], &pg["referral_events"]] {
        let kinds: Vec<&str> = shape.checks["kind"].iter().map(String::as_str).collect();
        assert_eq!(kinds, ["milestone", "note", "status"]);
        assert!(
            shape
                .indexes
                .contains(&(false, vec!["referral_id".into(), "at".into()]))
        );
        assert_eq!(shape.columns.get("status_to"), Some(&true), "nullable");
        assert_eq!(shape.columns.get("referral_id"), Some(&false), "NOT NULL");
    }
    let counted: usize = lite
        .values()
        .map(|t| t.columns.len() + t.checks.len() + t.indexes.len())
        .sum();
    assert!(
        lite.len() > 20 && counted > 300,
        "{} tables, {counted} parts",
        lite.len()
    );
}

/// Where a schema breaks the rule that lets PostgreSQL spread the data over nodes by
/// community: every table but `communities` carries a NOT NULL `community_id`, and every
/// primary key and unique index leads with it.
fn distribution_breaches(
    schema: &std::collections::BTreeMap<String, yigong_testkit::db::TableShape>,
) -> Vec<String> {
    let mut out = vec![];
    for (table, shape) in schema {
        if table == "communities" || table == "schema_migrations" {
            continue;
        }
        if shape.columns.get("community_id") != Some(&false) {
            out.push(format!("{table}: no NOT NULL community_id"));
        }
        if !shape.indexes.iter().any(|(unique, _)| *unique) {
            out.push(format!("{table}: no primary key"));
        }
        for (unique, columns) in &shape.indexes {
            if *unique && columns.first().map(String::as_str) != Some("community_id") {
                out.push(format!("{table}: unique {columns:?}"));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_key_leads_with_the_community() {
    for store in yigong_testkit::db::each_engine().await.expect("stores") {
        let mut shapes = schema(&store).await.expect("schema");
        let engine = format!("{:?}", store.engine());
        assert_eq!(
            distribution_breaches(&shapes),
            Vec::<String>::new(),
            "{engine}"
        );
        // The check can fail: a table keyed by its id alone is caught.
        let sessions = shapes.get_mut("sessions").expect("sessions");
        sessions.indexes.insert((true, vec!["token_hash".into()]));
        sessions.columns.remove("community_id");
        assert_eq!(
            distribution_breaches(&shapes),
            [
                "sessions: no NOT NULL community_id",
                "sessions: unique [\"token_hash\"]"
            ]
        );
    }
}

#[tokio::test]
async fn usernames_and_sessions_belong_to_one_community() {
    use yigong_domain::access::Role;
    use yigong_store::accounts::NewAccount;
    use yigong_store::institutions::NewInstitution;
    for store in yigong_testkit::db::each_engine().await.expect("stores") {
        let mut homes = vec![];
        for code in ["east", "west"] {
            let c = store.create_community(code, code).await.expect("community");
            let clinic = store
                .insert_institution(
                    c.id,
                    &NewInstitution {
                        parent_id: None,
                        kind: yigong_domain::registry::InstitutionKind::Lead,
                        code: "LEAD".into(),
                        name: "县医院".into(),
                        address: String::new(),
                    },
                )
                .await
                .expect("institution");
            homes.push((c.id, clinic.id));
        }
        let account = |institution_id| NewAccount {
            username: "admin",
            display_name: "管理员",
            password_hash: "x",
            role: Role::Admin,
            institution_id,
            department_id: None,
        };
        let (east, west) = (homes[0], homes[1]);
        let east_admin = store
            .create_account(east.0, &account(east.1))
            .await
            .expect("east admin");
        store
            .create_account(west.0, &account(west.1))
            .await
            .expect("the same username in another community");
        assert!(matches!(
            store.create_account(east.0, &account(east.1)).await,
            Err(yigong_store::StoreError::Conflict { constraint }) if constraint == "username"
        ));
        // An institution of another community is no home for an account.
        assert!(matches!(
            store
                .create_account(
                    east.0,
                    &NewAccount {
                        username: "x",
                        ..account(west.1)
                    }
                )
                .await,
            Err(yigong_store::StoreError::MissingReference)
        ));
        let now = time::OffsetDateTime::now_utc();
        store
            .create_session(
                east.0,
                "hash",
                east_admin,
                "csrf",
                now,
                now + time::Duration::hours(1),
            )
            .await
            .expect("session");
        assert!(
            store
                .find_session(east.0, "hash")
                .await
                .expect("find")
                .is_some()
        );
        assert!(
            store
                .find_session(west.0, "hash")
                .await
                .expect("find")
                .is_none()
        );
        store.delete_session(west.0, "hash").await.expect("delete");
        assert!(
            store
                .find_session(east.0, "hash")
                .await
                .expect("find")
                .is_some(),
            "another community cannot end it"
        );
        // A session for an account of another community is refused.
        assert!(matches!(
            store
                .create_session(west.0, "h2", east_admin, "c", now, now)
                .await,
            Err(yigong_store::StoreError::MissingReference)
        ));
    }
}
