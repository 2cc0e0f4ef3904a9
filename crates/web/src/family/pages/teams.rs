//! The family-doctor teams (家医团队) and the contract coverage page (签约): the teams of
//! the clinics in reach, one team with its members, and the contracts due for renewal
//! with the coverage of every clinic and key group.

use crate::family::api::{self as api, ListQuery, TeamDetail};
use crate::state::AppState;
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;
use yigong_store::PageRequest;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams))
        .route("/contracts", get(contracts))
        .route("/teams/{id}", get(team))
}

#[derive(Deserialize)]
struct ListParams {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "family/teams.html")]
struct TeamsPage {
    chrome: Chrome,
    can_create: bool,
    teams: Vec<yigong_store::family::Team>,
    pager: Pager,
}

async fn teams(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = api::list_for(
        &state,
        &user,
        &ListQuery {
            page: p.page,
            per_page: Some(50),
        },
    )
    .await
    .ui(lang)?;
    let pager = Pager::new(lang, "/teams", &[], (page.page, page.per_page, page.total));
    let page = TeamsPage {
        chrome: Chrome::for_user(&user, "teams"),
        can_create: user.role.edits_registry(),
        teams: page.items,
        pager,
    };
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "family/team.html")]
struct TeamPage {
    chrome: Chrome,
    d: TeamDetail,
    roles: Vec<(String, &'static str, String)>,
}

async fn team(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let lang = user.lang;
    let d = api::detail_of(&state, &user, id).await.ui(lang)?;
    let roles = d
        .members
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                lang.t(&format!("family.role.{}", m.role)),
                m.institution_name.clone(),
            )
        })
        .collect();
    let page = TeamPage {
        chrome: Chrome::for_user(&user, "teams"),
        d,
        roles,
    };
    Ok(render(&page).into_response())
}

struct RateRow {
    name: String,
    residents: i64,
    contracted: String,
    key_population: i64,
    key_contracted: String,
}

struct GroupRow {
    label: &'static str,
    population: String,
    contracted: i64,
    /// Coverage in percent, when the population is known.
    share: Option<f64>,
}

#[derive(Template)]
#[template(path = "family/contracts.html")]
struct ContractsPage {
    chrome: Chrome,
    due: Vec<(yigong_store::family::Contract, String)>,
    pager: Pager,
    total: RateRow,
    rates: Vec<RateRow>,
    groups: Vec<GroupRow>,
}

#[derive(Debug, Default, Deserialize)]
struct ContractsParams {
    page: Option<i64>,
}

async fn contracts(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ContractsParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let due = api::due_for(&state, &user, None, PageRequest::new(p.page, Some(50)))
        .await
        .ui(lang)?;
    let pager = Pager::new(lang, "/contracts", &[], (due.page, due.per_page, due.total));
    let rates = api::rates_for(&state, &user).await.ui(lang)?;
    let groups = api::groups_for(&state, &user)
        .await
        .ui(lang)?
        .into_iter()
        .map(|g| GroupRow {
            label: lang.t(&format!("family.group.{}", g.group)),
            population: g.population.map_or_else(|| "—".into(), |p| p.to_string()),
            contracted: g.contracted,
            share: g
                .population
                .filter(|p| *p > 0)
                .map(|p| g.contracted as f64 * 100.0 / p as f64),
        })
        .collect();
    let share = |n: i64, of: i64| {
        if of > 0 {
            format!("{n}（{:.0}%）", n as f64 * 100.0 / of as f64)
        } else {
            "—".into()
        }
    };
    let row = |name: String, r: (i64, i64, i64, i64)| RateRow {
        name,
        residents: r.0,
        contracted: share(r.1, r.0),
        key_population: r.2,
        key_contracted: share(r.3, r.2),
    };
    let sum = rates.iter().fold((0, 0, 0, 0), |a, r| {
        (
            a.0 + r.residents,
            a.1 + r.contracted,
            a.2 + r.key_population,
            a.3 + r.key_contracted,
        )
    });
    let page = ContractsPage {
        chrome: Chrome::for_user(&user, "contracts"),
        pager,
        due: due
            .items
            .into_iter()
            .map(|c| {
                let groups = lang.labels("family.group", &c.key_groups);
                (c, groups)
            })
            .collect(),
        groups,
        total: row(lang.t("family.all_clinics").to_string(), sum),
        rates: rates
            .into_iter()
            .map(|r| {
                row(
                    r.institution_name.clone(),
                    (
                        r.residents,
                        r.contracted,
                        r.key_population,
                        r.key_contracted,
                    ),
                )
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}
