//! SQLite and PostgreSQL, migrated, define the same schema: the same tables, columns and
//! nullability, the same `CHECK` value lists and the same indexes (unique or not, on the
//! same columns in the same order). Runs with `YIGONG_TEST_PG`.

use yigong_store::testing::{check_lists, postgres, postgres_url, schema, sqlite};

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
