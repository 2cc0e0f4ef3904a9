//! The demo community stored once per test process and engine, then copied for each
//! test: a file copy on SQLite, a database made from it as a template on PostgreSQL.
//! Storing the demo (its county, accounts and a year of party work) costs about a second
//! on SQLite and two on PostgreSQL; a copy costs a few milliseconds, and each test still
//! gets a database of its own on the real engine, migrated by the real migrations. The
//! copies go with their tests; the few seeded originals stay until CI's next start clears
//! every `yigong_t_*` database.

use crate::db;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Mutex;
use yigong_store::{Community, Engine, Pool, Store};
use yigong_web::demo::DemoPlaces;

/// Where a seeded demo is kept.
enum Source {
    /// A self-contained SQLite file (written by `VACUUM INTO`, so no journal beside it).
    File(PathBuf),
    /// A PostgreSQL database no session stays connected to, so it can be a template.
    Database { server: String, name: String },
}

struct Seeded {
    engine: Engine,
    residents: usize,
    community: Community,
    places: DemoPlaces,
    source: Source,
}

/// The demos seeded so far in this process; the lock is held while one is seeded, so a
/// demo is stored once however many tests ask for it together.
static SEEDED: Mutex<Vec<Arc<Seeded>>> = Mutex::const_new(Vec::new());

/// A test's copy of the demo: removed when dropped (the file and its journal, or the
/// database with its sessions ended), so a run leaves no copies behind.
pub enum DemoCopy {
    File(PathBuf),
    Database { server: String, url: String },
}

impl Drop for DemoCopy {
    fn drop(&mut self) {
        match self {
            DemoCopy::File(path) => {
                for end in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(end);
                    let _ = std::fs::remove_file(p);
                }
            }
            DemoCopy::Database { server, url } => {
                let (server, url) = (server.clone(), url.clone());
                // Its own thread and runtime: a drop may happen inside a test's runtime.
                let done = std::thread::spawn(move || {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map(|rt| rt.block_on(db::drop_postgres_database(&server, &url)))
                });
                let _ = done.join();
            }
        }
    }
}

/// A new store holding a copy of the demo of `residents` residents on `engine` (the
/// PostgreSQL server named by `YIGONG_TEST_PG`), with its community and places, and the
/// guard that removes the copy.
pub async fn demo_copy(
    engine: Engine,
    residents: usize,
) -> (Store, Community, DemoPlaces, DemoCopy) {
    let seeded = {
        let mut all = SEEDED.lock().await;
        match all
            .iter()
            .find(|s| s.engine == engine && s.residents == residents)
        {
            Some(s) => s.clone(),
            None => {
                let s = Arc::new(seed(engine, residents).await);
                all.push(s.clone());
                s
            }
        }
    };
    let (store, copy) = match &seeded.source {
        Source::File(template) => {
            let path = db::sqlite_path().expect("the tests' folder");
            std::fs::copy(template, &path).expect("a copy of the seeded demo");
            let store = Store::connect(&format!("sqlite:{}", path.display()))
                .await
                .expect("the copy opens");
            (store, DemoCopy::File(path))
        }
        Source::Database { server, name } => {
            let url = db::postgres_database_from(server, Some(name))
                .await
                .expect("a database made from the seeded demo");
            let store = Store::connect(&url).await.expect("the copy opens");
            let server = server.clone();
            (store, DemoCopy::Database { server, url })
        }
    };
    let (community, places) = (seeded.community.clone(), seeded.places.clone());
    (store, community, places, copy)
}

/// Stores the demo on a store of its own and puts it where copies are made from.
async fn seed(engine: Engine, residents: usize) -> Seeded {
    let (store, server) = match engine {
        Engine::Sqlite => (db::sqlite().await.expect("a SQLite store"), None),
        Engine::Postgres => {
            let server = db::postgres_url().expect("the PostgreSQL leg is on");
            let url = db::postgres_database_from(&server, None)
                .await
                .expect("a database for the seeded demo");
            let store = Store::connect(&url).await.expect("it opens");
            store.migrate().await.expect("migrations");
            (store, Some((server, url)))
        }
    };
    let (community, places) = yigong_web::demo::load(&store, 7, residents, &mut |_| {})
        .await
        .expect("demo loads");
    let source = match (store.pool(), server) {
        (Pool::Sqlite(pool), _) => {
            let file = db::sqlite_path().expect("the tests' folder");
            sqlx::query("VACUUM INTO ?")
                .bind(file.display().to_string())
                .execute(pool)
                .await
                .expect("the seeded demo written out");
            store.close().await;
            Source::File(file)
        }
        (Pool::Postgres(_), server) => {
            let (server, url) = server.expect("a PostgreSQL store has its server");
            store.close().await;
            let name = url.rsplit('/').next().unwrap_or_default().to_string();
            Source::Database { server, name }
        }
    };
    Seeded {
        engine,
        residents,
        community,
        places,
        source,
    }
}
