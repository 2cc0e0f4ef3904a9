//! Browser tests in headless Chromium through the real UI (with `YIGONG_E2E=1`).
//! Screenshots land in `target/e2e/`.

#[path = "support/server.rs"]
mod server;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::path::PathBuf;
use yigong_domain::access::ResidentScope;
use yigong_store::PageRequest;
use yigong_store::residents::ResidentQuery;

fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e")
}

#[test]
fn village_doctor_logs_in_searches_a_resident_and_sees_the_masked_id() {
    if !server::leg("YIGONG_E2E") {
        return;
    }
    let srv = server::start(3000);
    let resident = srv.block(async {
        let q = ResidentQuery {
            institution: Some(srv.places.village),
            ..Default::default()
        };
        let page = srv
            .state
            .store
            .search_residents(
                srv.state.community.id,
                &ResidentScope::All,
                &q,
                PageRequest::new(None, Some(1)),
            )
            .await
            .expect("search");
        page.items
            .into_iter()
            .next()
            .expect("a resident in the village")
    });
    let driver = webdriver::Driver::start();
    let b = driver.session();

    b.goto(&format!("{}/residents", srv.base));
    b.wait_url("/login", 10);
    b.find("#username", 10);
    b.screenshot(&shots().join("01-login.png"));
    b.type_into("#username", "village");
    b.type_into("#password", "demo1234");
    b.click("#login");
    b.wait_url("/residents", 10);

    b.type_into("#q", &resident.name);
    b.click("#search");
    b.wait_url("q=", 10);
    let link = format!("a.resident-link[href='/residents/{}']", resident.id);
    b.find(&link, 10);
    b.screenshot(&shots().join("02-search.png"));

    b.click(&link);
    b.wait_url(&format!("/residents/{}", resident.id), 10);
    let shown = b.text("#id-number");
    let masked = format!(
        "{}**********{}",
        &resident.id_number[..4],
        &resident.id_number[14..]
    );
    assert_eq!(shown, masked);
    assert_eq!(
        b.text("#resident-name").split_whitespace().next(),
        Some(resident.name.as_str())
    );
    assert!(
        !b.source().contains(&resident.id_number),
        "the full ID number never reaches the page"
    );
    b.screenshot(&shots().join("03-record.png"));
}
