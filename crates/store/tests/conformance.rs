//! Storage conformance: the same assertions on SQLite and, with `YIGONG_TEST_PG`, PostgreSQL.

use yigong_domain::access::ResidentScope;
use yigong_domain::registry::{InstitutionKind, ResidentInput, StaffInput, ValidResident};
use yigong_store::institutions::NewInstitution;
use yigong_store::residents::ResidentQuery;
use yigong_store::staff::StaffQuery;
use yigong_store::{PageRequest, Store, StoreError};
use yigong_testkit::db::each_engine;

fn resident(name: &str, body17: &str) -> ValidResident {
    let id = yigong_domain::identity::ResidentIdNumber::from_body(body17).expect("valid body");
    ResidentInput {
        name: name.into(),
        id_number: id.to_string(),
        sex: None,
        birth_date: None,
        phone: "13800138000".into(),
        address: Some("茅台镇".into()),
    }
    .validate()
    .expect("valid resident")
}

async fn tree(store: &Store) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let c = store
        .create_community("renhuai", "仁怀市医共体")
        .await
        .expect("community");
    let mk = |parent, kind, code: &str, name: &str| NewInstitution {
        parent_id: parent,
        kind,
        code: code.into(),
        name: name.into(),
        address: String::new(),
    };
    let lead = store
        .insert_institution(c.id, &mk(None, InstitutionKind::Lead, "LEAD", "人民医院"))
        .await
        .expect("lead");
    let town = store
        .insert_institution(
            c.id,
            &mk(
                Some(lead.id),
                InstitutionKind::Township,
                "T01",
                "茅台镇卫生院",
            ),
        )
        .await
        .expect("town");
    let v1 = store
        .insert_institution(
            c.id,
            &mk(
                Some(town.id),
                InstitutionKind::Village,
                "T01-V01",
                "杨柳村卫生室",
            ),
        )
        .await
        .expect("v1");
    let v2 = store
        .insert_institution(
            c.id,
            &mk(
                Some(town.id),
                InstitutionKind::Village,
                "T01-V02",
                "岩滩村卫生室",
            ),
        )
        .await
        .expect("v2");
    (c.id, town.id, v1.id, v2.id)
}

#[tokio::test]
async fn migrations_run_on_every_engine_and_are_idempotent() {
    for store in each_engine().await.expect("stores") {
        let applied = store.applied_migrations().await.expect("applied");
        let expected: Vec<i64> = yigong_store::migrate::MIGRATIONS
            .iter()
            .map(|m| m.version)
            .collect();
        assert_eq!(applied, expected, "{:?}", store.engine());
        assert_eq!(store.migrate().await.expect("again"), 0);
    }
}

#[test]
fn both_migration_folders_list_the_same_versions_as_the_binary() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let list = |engine: &str| {
        let mut v: Vec<String> = std::fs::read_dir(root.join(engine))
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let sqlite = list("sqlite");
    assert_eq!(sqlite, list("postgres"));
    let embedded: Vec<String> = yigong_store::migrate::MIGRATIONS
        .iter()
        .map(|m| {
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} names its version",
                m.name
            );
            format!("{}.sql", m.name)
        })
        .collect();
    assert_eq!(sqlite, embedded);
}

#[tokio::test]
async fn resident_search_by_name_initials_and_id_fragments_within_scope() {
    for store in each_engine().await.expect("stores") {
        let (c, town, v1, v2) = tree(&store).await;
        let a = resident("张小明", "52038219800101001");
        let b = resident("张伟", "52038219900202002");
        let d = resident("李小明", "52038220000303003");
        store.insert_resident(c, v1, &a).await.expect("a");
        store.insert_resident(c, v2, &b).await.expect("b");
        store.insert_resident(c, town, &d).await.expect("d");
        let all = ResidentScope::All;
        let find = |q: &str| ResidentQuery {
            q: Some(q.into()),
            ..Default::default()
        };
        let names = |p: yigong_store::Page<yigong_store::residents::Resident>| {
            p.items.into_iter().map(|r| r.name).collect::<Vec<_>>()
        };
        let p1 = PageRequest::new(None, None);
        assert_eq!(
            names(
                store
                    .search_residents(c, &all, &find("张"), p1)
                    .await
                    .expect("q")
            ),
            ["张伟", "张小明"]
        );
        assert_eq!(
            names(
                store
                    .search_residents(c, &all, &find("小明"), p1)
                    .await
                    .expect("q")
            ),
            ["张小明", "李小明"]
        );
        assert_eq!(
            names(
                store
                    .search_residents(c, &all, &find("zxm"), p1)
                    .await
                    .expect("q")
            ),
            ["张小明"]
        );
        assert_eq!(
            names(
                store
                    .search_residents(c, &all, &find("5203821990"), p1)
                    .await
                    .expect("q")
            )
            .len(),
            1
        );
        let tail = &d.id_number.as_str()[14..];
        assert_eq!(
            names(
                store
                    .search_residents(c, &all, &find(tail), p1)
                    .await
                    .expect("q")
            ),
            ["李小明"]
        );
        let village = ResidentScope::Institutions(vec![v1]);
        assert_eq!(
            names(
                store
                    .search_residents(c, &village, &find("张"), p1)
                    .await
                    .expect("q")
            ),
            ["张小明"]
        );
        assert_eq!(
            store
                .search_residents(c, &ResidentScope::None, &find("张"), p1)
                .await
                .expect("q")
                .total,
            0
        );
        let paged = store
            .search_residents(
                c,
                &all,
                &ResidentQuery::default(),
                PageRequest::new(Some(2), Some(2)),
            )
            .await
            .expect("q");
        assert_eq!((paged.total, paged.items.len()), (3, 1));
    }
}

#[tokio::test]
async fn duplicate_id_number_is_a_conflict_and_upsert_does_not_duplicate() {
    for store in each_engine().await.expect("stores") {
        let (c, _town, v1, v2) = tree(&store).await;
        let a = resident("王芳", "52038219800101001");
        store.insert_resident(c, v1, &a).await.expect("a");
        match store.insert_resident(c, v2, &a).await {
            Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, "id_number"),
            other => panic!("expected conflict, got {other:?}"),
        }
        let b = resident("王强", "52038219850101003");
        let rows = vec![(v1, a.clone()), (v2, b.clone())];
        assert_eq!(
            store.upsert_residents(c, &rows).await.expect("upsert"),
            (1, 1)
        );
        assert_eq!(
            store.upsert_residents(c, &rows).await.expect("again"),
            (0, 2)
        );
        assert_eq!(store.count_residents(c).await.expect("count"), 2);
        let moved = store
            .find_resident_by_id_number(c, a.id_number.as_str())
            .await
            .expect("find")
            .expect("some");
        assert_eq!(moved.institution_id, v1);
    }
}

#[tokio::test]
async fn deactivation_hides_without_deleting() {
    for store in each_engine().await.expect("stores") {
        let (c, _town, v1, _v2) = tree(&store).await;
        let id = store
            .insert_resident(c, v1, &resident("赵敏", "52038219800101001"))
            .await
            .expect("a");
        store
            .set_active(yigong_store::Deactivatable::Resident, c, id, false)
            .await
            .expect("off");
        let all = ResidentScope::All;
        let p = PageRequest::new(None, None);
        assert_eq!(
            store
                .search_residents(c, &all, &ResidentQuery::default(), p)
                .await
                .expect("q")
                .total,
            0
        );
        let q = ResidentQuery {
            include_inactive: true,
            ..Default::default()
        };
        assert_eq!(
            store
                .search_residents(c, &all, &q, p)
                .await
                .expect("q")
                .total,
            1
        );
        assert!(!store.get_resident(c, id).await.expect("still there").active);
    }
}

#[tokio::test]
async fn staff_round_trip() {
    for store in each_engine().await.expect("stores") {
        let (c, town, _v1, _v2) = tree(&store).await;
        let dept = store
            .insert_department(c, town, "gp", "全科")
            .await
            .expect("dept");
        let s = StaffInput {
            name: "刘医生".into(),
            id_number: yigong_domain::identity::ResidentIdNumber::from_body("52038219700101001")
                .expect("id")
                .to_string(),
            sex: None,
            title: "attending_physician".into(),
            specialty: Some("全科医学".into()),
            phone: Some("13900000000".into()),
        }
        .validate()
        .expect("valid");
        let id = store
            .insert_staff(c, town, Some(dept.id), &s)
            .await
            .expect("insert");
        let got = store.get_staff(c, id).await.expect("get");
        assert_eq!(got.department_name.as_deref(), Some("全科"));
        let page = store
            .search_staff(
                c,
                &StaffQuery {
                    q: Some("lys".into()),
                    ..Default::default()
                },
                PageRequest::new(None, None),
            )
            .await
            .expect("search");
        assert_eq!(page.total, 1);
        assert_eq!(
            store
                .upsert_staff(c, &[(town, None, s)])
                .await
                .expect("upsert"),
            (0, 1)
        );
    }
}

/// Writes that arrive together share a transaction on SQLite (group commit); one that
/// fails must undo only itself, and each caller hears about its own write only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_referral_writes_succeed_or_fail_alone() {
    use yigong_domain::referral::{Direction, Status, Urgency};
    use yigong_store::referrals::{Change, NewReferral, PartiesProbe, Refused};
    for store in each_engine().await.expect("stores") {
        let (c, town, v1, _v2) = tree(&store).await;
        let resident_id = store
            .insert_resident(c, v1, &resident("李娟", "52038219900101002"))
            .await
            .expect("resident");
        let new = |resident_id| NewReferral {
            resident_id,
            direction: Direction::Up,
            urgency: Urgency::Urgent,
            pathway: None,
            from_institution_id: v1,
            to_institution_id: town,
            to_department_id: None,
            parent_id: None,
            reason: "胸闷".into(),
            icd10_code: "I20.0".into(),
            icd10_text: "不稳定型心绞痛".into(),
            summary: String::new(),
            instructions: String::new(),
            preferred_date: None,
            created_by: None,
            created_at: yigong_store::now(),
            first_contact_at: None,
        };
        let probe = PartiesProbe {
            resident: resident_id,
            from: v1,
            to: town,
            department: None,
            parent: None,
        };
        // 24 good writes and one naming a resident that does not exist, all at once.
        let tasks: Vec<_> = (0..25)
            .map(|i| {
                let store = store.clone();
                let who = if i == 12 {
                    uuid::Uuid::now_v7()
                } else {
                    resident_id
                };
                let n = new(who);
                tokio::spawn(async move {
                    store
                        .create_referral_checked(c, probe, None, move |_| Ok::<_, ()>(n))
                        .await
                })
            })
            .collect();
        let mut created = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            match (i, t.await.expect("task")) {
                (12, Err(StoreError::MissingReference)) => {}
                (12, other) => panic!(
                    "{:?}: expected a missing reference, got {other:?}",
                    store.engine()
                ),
                (_, Ok(Ok(r))) => created.push(r),
                (_, other) => panic!("{:?}: expected a referral, got {other:?}", store.engine()),
            }
        }
        assert_eq!(created.len(), 24);
        // What a write answers is what a read returns.
        let read = store.get_referral(c, created[0].id).await.expect("read");
        assert_eq!(format!("{:?}", created[0]), format!("{read:?}"));
        assert_eq!(store.count_referrals(c).await.expect("count"), 24);
        for r in &created {
            let events = store.referral_events(c, r.id).await.expect("events");
            assert_eq!(events.len(), 1, "one opening event each");
        }

        // A decision that refuses changes nothing; two accepts at once: one wins.
        let id = created[0].id;
        let refused = store
            .change_referral(c, id, None, |_| Err::<Change, _>("no"))
            .await
            .expect("store");
        assert!(matches!(refused, Err(Refused::Rejected("no"))));
        let accept = |store: Store| {
            tokio::spawn(async move {
                store
                    .change_referral(c, id, None, |r| {
                        if r.status != Status::Requested {
                            return Err("already accepted");
                        }
                        Ok(Change {
                            to: Status::Accepted,
                            reason: None,
                            outcome: None,
                            appointment_at: None,
                            account: None,
                            at: yigong_store::now(),
                        })
                    })
                    .await
                    .expect("store")
            })
        };
        let (a, b) = (accept(store.clone()), accept(store.clone()));
        let (a, b) = (a.await.expect("a"), b.await.expect("b"));
        assert_eq!(
            [&a, &b].iter().filter(|x| x.is_ok()).count(),
            1,
            "{:?}: exactly one accept wins: {a:?} {b:?}",
            store.engine()
        );
        let now = store.get_referral(c, id).await.expect("get");
        assert_eq!((now.status, now.version), (Status::Accepted, 1));
        let winner = if let Ok(r) = &a {
            r
        } else {
            b.as_ref().expect("winner")
        };
        assert_eq!(format!("{winner:?}"), format!("{now:?}"));
        assert_eq!(store.referral_events(c, id).await.expect("events").len(), 2);
    }
}
