//! What a migration does to the rows written before it, on both engines: each test
//! stops at the version before, writes data the old way, then migrates.

use yigong_store::Pool;
use yigong_testkit::db::each_empty_engine;

/// Sets a contract's package directly, as an older version wrote it.
async fn set_package(store: &yigong_store::Store, id: uuid::Uuid, package: &str) {
    let sql = "UPDATE family_contracts SET package = $1 WHERE id = $2";
    match store.pool() {
        Pool::Sqlite(p) => sqlx::query(sql)
            .bind(package)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()),
        Pool::Postgres(p) => sqlx::query(sql)
            .bind(package)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .expect("update");
}

/// 0011: contract packages stored as Chinese names become codes; a package typed as free
/// text before codes existed stays as it was.
#[tokio::test]
async fn package_names_become_codes() {
    for store in each_empty_engine().await.expect("stores") {
        store.migrate_up_to(10).await.expect("up to 0010");
        let (community, _) = yigong_app::demo::load(&store, 3, 300, &mut |_| {})
            .await
            .expect("demo");
        let today = yigong_domain::clock::today();
        yigong_demo::seed::family::add_history(&store, community.id, 3, today)
            .await
            .expect("contracts");
        let ids = yigong_testkit::db::ids_in(&store, "family_contracts", "id")
            .await
            .expect("ids");
        let mut ids: Vec<uuid::Uuid> = ids.into_iter().collect();
        ids.sort();
        assert!(ids.len() >= 4, "{} contracts", ids.len());
        // Written the old way: as the names the pages used to offer.
        let old = ["基础包", "重点人群包", "母婴健康包", "村里自定的包"];
        for (id, name) in ids.iter().zip(old) {
            set_package(&store, *id, name).await;
        }
        assert_eq!(store.migrate().await.expect("0011 and later"), 1);
        let mut packages = vec![];
        for id in &ids[..4] {
            let contract = store
                .get_contract(community.id, *id)
                .await
                .expect("contract");
            packages.push(contract.package);
        }
        assert_eq!(
            packages,
            ["basic", "key_population", "maternal_child", "村里自定的包"]
        );
    }
}
