//! The registry's resident count per institution (the default population of the
//! per-10,000 indicators) follows every write to `residents` on both engines: a single
//! registration, a move, a batch upsert that inserts some and moves others; a rebuild
//! recounts it to the same numbers.

use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::registry::{ResidentInput, ValidResident};
use yigong_testkit::app::id_number;
use yigong_testkit::db::each_empty_engine;

fn person(name: &str, birth: &str, seq: u32) -> ValidResident {
    ResidentInput {
        name: name.into(),
        id_number: id_number(birth, seq),
        sex: None,
        birth_date: None,
        phone: "13800138000".into(),
        address: None,
    }
    .validate()
    .expect("valid")
}

async fn counts(store: &yigong_store::Store, c: Uuid) -> HashMap<Uuid, i64> {
    store
        .registry_counts(c)
        .await
        .expect("counts")
        .into_iter()
        .collect()
}

#[tokio::test]
async fn the_count_follows_registrations_moves_and_upserts() {
    for store in each_empty_engine().await.expect("stores") {
        store.migrate().await.expect("migrate");
        let hash = &yigong_app::passwords::hash_password;
        let (community, _) = yigong_demo::seed::load(&store, 3, 300, hash, &mut |_| {})
            .await
            .expect("demo");
        let c = community.id;
        // Before: the residents the demo registered, counted from the list itself.
        let mut expected: HashMap<Uuid, i64> = HashMap::new();
        let listed = store.resident_births(c).await.expect("residents");
        for (_, inst, _) in &listed {
            *expected.entry(*inst).or_default() += 1;
        }
        assert_eq!(listed.len(), 300);
        assert_eq!(counts(&store, c).await, expected);
        let places = store.list_institutions(c).await.expect("places");
        let village = places
            .iter()
            .find(|i| i.kind == "village")
            .expect("a village")
            .id;
        let lead = places
            .iter()
            .find(|i| i.kind == "lead")
            .expect("the lead")
            .id;
        // One registered at the village: +1 there.
        store
            .insert_resident(c, village, &person("甲一", "1960-01-02", 11))
            .await
            .expect("insert");
        *expected.entry(village).or_default() += 1;
        assert_eq!(counts(&store, c).await, expected);
        // The first listed resident moves to the lead hospital: −1 at home, +1 there.
        let (moved, home, _) = listed[0];
        let r = store.get_resident(c, moved).await.expect("resident");
        let again = ResidentInput {
            name: r.name.clone(),
            id_number: r.id_number.clone(),
            sex: None,
            birth_date: None,
            phone: "13800138001".into(),
            address: None,
        }
        .validate()
        .expect("valid");
        store
            .update_resident(c, moved, lead, &again)
            .await
            .expect("move");
        *expected.entry(home).or_default() -= 1;
        *expected.entry(lead).or_default() += 1;
        assert_eq!(
            counts(&store, c).await.get(&home).copied().unwrap_or(0),
            expected[&home]
        );
        // A batch: one new at the village, and the one just moved back home; the
        // same ID number as stored makes it an update.
        let batch = vec![
            (village, person("乙二", "1970-03-04", 12)),
            (home, again.clone()),
        ];
        assert_eq!(
            store.upsert_residents(c, &batch).await.expect("upsert"),
            (1, 1)
        );
        *expected.entry(village).or_default() += 1;
        *expected.entry(lead).or_default() -= 1;
        *expected.entry(home).or_default() += 1;
        expected.retain(|_, n| *n != 0);
        assert_eq!(counts(&store, c).await, expected);
        // A rebuild counts the residents again and finds the same.
        store.rebuild_tallies(c).await.expect("rebuild");
        assert_eq!(counts(&store, c).await, expected);
    }
}
