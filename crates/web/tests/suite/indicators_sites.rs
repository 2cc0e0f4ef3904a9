//! The party committee's view on SQLite and PostgreSQL: the first secretaries' sites as a
//! scope of every figure. A site township's visits (its village clinic's with them) grow
//! from 2 to 4, another township's do not count; the party secretary's dashboard opens
//! on the sites and their visits' growth, and the sites page leads there.

use super::indicators::import;
use axum::http::StatusCode;
use yigong_testkit::app::apps;

const HEAD: &str =
    "机构编码,科室,就诊流水号,身份证号,就诊类型,就诊日期,出院日期,诊断编码,总费用(分),医保支付(分)";

#[tokio::test]
async fn the_sites_are_a_scope_and_the_party_committee_opens_on_their_growth() {
    for app in apps(800).await {
        let l = app.label.clone();
        let c = app.state.community.id;
        let places = app.state.store.list_institutions(c).await.expect("places");
        let code = |id: uuid::Uuid| {
            places
                .iter()
                .find(|i| i.id == id)
                .expect("a place")
                .code
                .clone()
        };
        let site = code(app.places.township);
        let village = code(app.places.village);
        let sites: Vec<uuid::Uuid> = app
            .state
            .store
            .sites(c, None)
            .await
            .expect("sites")
            .iter()
            .map(|s| s.institution_id)
            .collect();
        assert!(sites.contains(&app.places.township), "{l}: the demo's site");
        let other = places
            .iter()
            .find(|i| i.kind == "township" && !sites.contains(&i.id))
            .expect("a township without a site")
            .code
            .clone();
        let id = app.resident_at(app.places.village).await.id_number;
        let row = |at: &str, no: &str, day: &str| {
            format!("{at},全科,{no},{id},门诊,{day},,I10,6000,3000\n")
        };
        let mut file = format!("{HEAD}\n");
        for (at, no, day) in [
            (&site, "S1", "2026-05-03"),
            (&site, "S2", "2026-05-04"),
            (&site, "S3", "2026-05-05"),
            (&village, "S4", "2026-05-06"),
            (&site, "S5", "2025-05-03"),
            (&site, "S6", "2025-05-04"),
            (&other, "O1", "2026-05-03"),
            (&other, "O2", "2025-05-03"),
            (&other, "O3", "2025-05-04"),
        ] {
            file.push_str(&row(at, no, day));
        }
        assert_eq!(import(&app, &file).await.rejected, 0, "{l}");

        // Worked by hand: the sites had 3 + 1 (the village) visits against 2: +100 %.
        let party = app.login("party").await;
        let figures = app
            .get("/api/v1/indicators?period=2026-05&level=sites", &party)
            .await;
        assert_eq!(figures.status, StatusCode::OK, "{l}");
        let f = figures
            .json()
            .as_array()
            .expect("figures")
            .iter()
            .find(|f| f["code"] == "visits_yoy")
            .expect("the visits' growth")
            .clone();
        assert_eq!(
            (
                f["numerator"].as_i64(),
                f["denominator"].as_i64(),
                f["value"].as_f64()
            ),
            (Some(4), Some(2), Some(100.0)),
            "{l}: {f}"
        );
        // Over the whole community the other township's 1 against 2 counts too.
        let all = app
            .get("/api/v1/indicators?period=2026-05", &party)
            .await
            .json();
        let f = all
            .as_array()
            .expect("figures")
            .iter()
            .find(|f| f["code"] == "visits_yoy")
            .expect("growth")
            .clone();
        assert_eq!(
            (f["numerator"].as_i64(), f["denominator"].as_i64()),
            (Some(5), Some(4)),
            "{l}"
        );

        // The party secretary's dashboard opens on the sites and the visits' growth.
        let cookie = app.ui_cookie("party").await;
        let (s, page) = app.page("/indicators?period=2026-05", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(page.contains("<option value=\"sites\" selected>"), "{l}");
        assert!(page.contains("name=\"chart\" value=\"visits_yoy\""), "{l}");
        assert!(page.contains("id=\"indicator-chart\""), "{l}");
        let (s, sites_page) = app.page("/first-secretary", &cookie).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            sites_page.contains("/indicators?level=sites&amp;chart=visits_yoy"),
            "{l}"
        );
        // The office still opens on the whole community.
        let office = app.ui_cookie("manager").await;
        let (_, page) = app.page("/indicators?period=2026-05", &office).await;
        assert!(!page.contains("<option value=\"sites\" selected>"), "{l}");
    }
}
