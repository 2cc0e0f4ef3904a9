//! The per-10,000 indicators on SQLite and PostgreSQL: they divide by the registry's
//! residents until the office enters an official figure for a township and year, which
//! then stands for the township with its villages (a village alone keeps its registry
//! count); physicians posted six months of the year count once at their site; the cases
//! behind each part are the population rows and the postings; wrong figures are refused
//! field by field, on the API and the page.

use crate::roster::experts;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_testkit::app::{TestApp, apps, encode, problem_fields};

/// (numerator, denominator, value) of `code` over `period` for the scope `filter`.
async fn figure(
    app: &TestApp,
    token: &str,
    code: &str,
    period: &str,
    filter: &str,
) -> (i64, i64, Value) {
    let r = app
        .get(
            &format!("/api/v1/indicators?period={period}{filter}"),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let all = r.json();
    let f = all
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))
        .clone();
    (
        f["numerator"].as_i64().expect("n"),
        f["denominator"].as_i64().expect("d"),
        f["value"].clone(),
    )
}

/// The registry's residents per institution, counted from the resident list.
async fn registry(app: &TestApp) -> HashMap<Uuid, i64> {
    let c = app.state.community.id;
    let mut out = HashMap::new();
    for (_, inst, _) in app.state.store.resident_births(c).await.expect("residents") {
        *out.entry(inst).or_default() += 1;
    }
    out
}

#[tokio::test]
async fn an_official_figure_replaces_the_townships_registry_count_and_a_posting_counts_once() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let c = app.state.community.id;
        let year = today().year();
        let places = app.state.store.list_institutions(c).await.expect("places");
        let t = app.places.township;
        let villages: Vec<Uuid> = places
            .iter()
            .filter(|i| i.parent_id == Some(t))
            .map(|i| i.id)
            .collect();
        let counts = registry(&app).await;
        let of = |i: &Uuid| counts.get(i).copied().unwrap_or(0);
        let village = *villages.iter().max_by_key(|v| of(v)).expect("a village");
        let in_t = of(&t) + villages.iter().map(of).sum::<i64>();
        assert!(
            in_t > 0 && of(&village) > 0,
            "{l}: the demo registers residents in the township"
        );
        let code = "remote_diagnoses_per_10k";
        let p = year.to_string();
        let here = format!("&institution={t}");
        let alone = format!("&institution={village}");
        assert_eq!(figure(&app, &manager, code, &p, "").await.1, 300, "{l}");
        assert_eq!(figure(&app, &manager, code, &p, &here).await.1, in_t, "{l}");

        // The office enters 12,000 for the township this year.
        let path = format!("/api/v1/indicators/population/{t}/{year}");
        let body = json!({"residents": "12,000", "source": "县统计局统计年鉴"});
        let r = app.put(&path, &manager, body).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.text());
        assert_eq!(
            figure(&app, &manager, code, &p, &here).await.1,
            12_000,
            "{l}"
        );
        assert_eq!(
            figure(&app, &manager, code, &p, "").await.1,
            300 - in_t + 12_000,
            "{l}"
        );
        assert_eq!(
            figure(&app, &manager, code, &p, &alone).await.1,
            of(&village),
            "{l}"
        );
        // Last year still reads the registry.
        let last = (year - 1).to_string();
        assert_eq!(
            figure(&app, &manager, code, &last, &here).await.1,
            in_t,
            "{l}"
        );

        let table = app
            .get(
                &format!("/api/v1/indicators/population?year={year}"),
                &manager,
            )
            .await
            .json();
        let line = table["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|x| x["institution_id"] == json!(t))
            .expect("the township's line")
            .clone();
        assert_eq!(
            (
                &line["registry"],
                &line["official"],
                &line["used"],
                &line["source"]
            ),
            (
                &json!(in_t),
                &json!(12_000),
                &json!(12_000),
                &json!("县统计局统计年鉴")
            ),
            "{l}"
        );
        assert_eq!(table["total"], json!(300 - in_t + 12_000), "{l}");
        assert!(
            table["lines"]
                .as_array()
                .expect("lines")
                .iter()
                .all(|x| x["kind"] != "village"),
            "{l}: villages count with their township"
        );

        // The denominator's cases: the township's official figure, its villages inside it.
        let cases = app
            .get(
                &format!("/api/v1/indicators/{code}/cases?period={p}&part=denominator{here}"),
                &manager,
            )
            .await
            .json();
        let items = cases["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{l}: {cases}");
        assert_eq!(
            (&items[0]["source"], &items[0]["kind"], &items[0]["served"]),
            (&json!("population"), &json!("official"), &json!(12_000)),
            "{l}"
        );

        // A physician posted the whole of last year to the township counts once there:
        // 1 × 10,000 ÷ the township's registry count.
        let posted = "posted_physicians_per_10k";
        let before = figure(&app, &manager, posted, &last, &here).await.0;
        let [(expert, _)] = <[_; 1]>::try_from(experts(&app, 1).await).expect("an expert");
        let post = json!({"staff_id": expert, "institution_id": t, "kind": "long_term",
            "start_on": format!("{}-01-01", year - 1), "end_on": format!("{}-12-31", year - 1)});
        let r = app.post("/api/v1/outreach/postings", &manager, post).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.text());
        let (n, d, v) = figure(&app, &manager, posted, &last, &here).await;
        assert_eq!((n, d), (before + 1, in_t), "{l}");
        let want = ((before + 1) as f64 * 10_000.0 / in_t as f64 * 10_000.0).round() / 10_000.0;
        assert_eq!(v.as_f64(), Some(want), "{l}");
        let cases = app
            .get(
                &format!("/api/v1/indicators/{posted}/cases?period={last}&part=numerator{here}"),
                &manager,
            )
            .await
            .json();
        let ours = cases["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|x| x["day"] == json!(format!("{}-01-01", year - 1)) && x["source"] == "posting")
            .expect("the posting behind the figure")
            .clone();
        let days = if time::util::is_leap_year(year - 1) {
            366
        } else {
            365
        };
        assert_eq!(
            (&ours["kind"], &ours["served"]),
            (&json!("long_term"), &json!(days)),
            "{l}"
        );
        assert!(
            ours["staff_name"].as_str().is_some_and(|s| !s.is_empty()),
            "{l}"
        );

        // Cleared: the registry stands again.
        let r = app.delete(&path, &manager).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}");
        assert_eq!(figure(&app, &manager, code, &p, &here).await.1, in_t, "{l}");
    }
}

#[tokio::test]
async fn a_wrong_figure_is_refused_field_by_field_and_comes_back_on_the_page() {
    for app in apps(300).await {
        let l = app.label.clone();
        let manager = app.login("manager").await;
        let year = today().year();
        let t = app.places.township;
        let path = format!("/api/v1/indicators/population/{t}/{year}");
        let r = app
            .put(&path, &manager, json!({"residents": "两万", "source": " "}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert_eq!(
            problem_fields(&r.json()),
            vec!["residents", "source"],
            "{l}"
        );
        let far = format!("/api/v1/indicators/population/{t}/{}", year + 5);
        let r = app
            .put(&far, &manager, json!({"residents": "100", "source": "x"}))
            .await;
        assert_eq!(problem_fields(&r.json()), vec!["year"], "{l}");
        let c = app.state.community.id;
        let village = app
            .state
            .store
            .list_institutions(c)
            .await
            .expect("places")
            .into_iter()
            .find(|i| i.parent_id == Some(t))
            .expect("a village")
            .id;
        let r = app
            .put(
                &format!("/api/v1/indicators/population/{village}/{year}"),
                &manager,
                json!({"residents": "100", "source": "x"}),
            )
            .await;
        assert_eq!(problem_fields(&r.json()), vec!["institution_id"], "{l}");
        // A township doctor reads no figures and sets none.
        let township = app.login("township").await;
        let r = app
            .put(&path, &township, json!({"residents": "100", "source": "x"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");

        let (cookie, csrf) = app.ui_session("manager").await;
        let (s, page) = app
            .page(&format!("/indicators/population?year={year}"), &cookie)
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert!(
            page.contains("id=\"population-table\"") && page.contains("登记居民数"),
            "{l}"
        );
        let form = |n: &str| {
            format!(
                "_csrf={csrf}&residents={}&source={}",
                encode(n),
                encode("县统计局")
            )
        };
        let action = format!("/indicators/population/{t}/{year}");
        let (r, _) = app.submit(&action, &cookie, &form("-3")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let text = r.text();
        assert!(
            text.contains("id=\"error-residents\"")
                && text.contains("人口数应为")
                && text.contains("value=\"-3\""),
            "{l}: what was typed comes back with the reason"
        );
        let (r, to) = app.submit(&action, &cookie, &form("8 000")).await;
        assert!(
            to.as_deref()
                .is_some_and(|t| t.contains("done=population_saved")),
            "{l}: {}",
            r.text()
        );
        let to = to.expect("redirected");
        let (_, page) = app
            .page(to.split('#').next().expect("a path"), &cookie)
            .await;
        assert!(
            page.contains("已保存官方人口数") && page.contains(">8000<"),
            "{l}"
        );
    }
}
