//! The real server on a random loopback port, on its own runtime and thread, with a
//! fresh SQLite demo community; and the switches that turn optional test legs on.

use std::net::SocketAddr;
use yigong_web::demo::DemoPlaces;
use yigong_web::state::AppState;

pub struct Server {
    pub base: String,
    pub state: AppState,
    pub places: DemoPlaces,
    /// The demo's copy, removed when the test is done with the server.
    _copy: crate::seeded::DemoCopy,
}

/// Whether the leg behind `var` runs: set `var` to run it; `YIGONG_REQUIRE_ALL_LEGS=1`
/// (CI) turns a missing switch into a failure instead of a skip.
pub fn leg(var: &str) -> bool {
    if std::env::var(var).is_ok_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    assert!(
        std::env::var("YIGONG_REQUIRE_ALL_LEGS").is_err(),
        "{var} is not set but YIGONG_REQUIRE_ALL_LEGS is: this leg must run"
    );
    // Straight to stderr: the test harness keeps a passing test's own output.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: set {var} to run this test");
    false
}

pub fn start(residents: usize) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let (store, community, places, copy) =
                crate::seeded::demo_copy(yigong_store::Engine::Sqlite, residents).await;
            let state = AppState::new(store, community, true, false);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tx.send((addr, state.clone(), places, copy)).expect("send");
            let app = yigong_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let (addr, state, places, _copy) = rx.recv().expect("server started");
    Server {
        base: format!("http://{addr}"),
        state,
        places,
        _copy,
    }
}

impl Server {
    /// Enrols a resident in a chronic-disease register at `institution`, diagnosed 200
    /// days ago, with the next visit due `due_in` days from today (negative: overdue).
    pub fn enrol(
        &self,
        resident: uuid::Uuid,
        disease: &'static str,
        institution: uuid::Uuid,
        due_in: i64,
    ) -> uuid::Uuid {
        let state = &self.state;
        self.block(crate::lookups::enrol_due(
            state,
            resident,
            (institution, disease),
            200,
            due_in,
        ))
    }

    /// The active staff of an institution (up to 100).
    pub fn staff_at(&self, institution: uuid::Uuid) -> Vec<yigong_store::staff::StaffMember> {
        self.block(crate::lookups::staff_at(&self.state, institution, 100))
    }

    /// The first resident registered to an institution.
    pub fn first_resident_at(&self, institution: uuid::Uuid) -> yigong_store::residents::Resident {
        let people = self.block(crate::lookups::residents_at(&self.state, institution, 1));
        people.into_iter().next().expect("a resident there")
    }

    /// Runs a future on a throwaway runtime (for store look-ups from a sync test).
    pub fn block<F: std::future::Future>(&self, f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(f)
    }
}
