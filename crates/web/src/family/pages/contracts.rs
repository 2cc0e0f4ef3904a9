//! The contract coverage page (签约): the contracts due for renewal, and the coverage of
//! every clinic of the area chosen (in township order, low key-population coverage
//! marked) and of every key group, with the clinic table as an export.

use crate::family::api;
use crate::http::auth::CurrentUser;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::figures::{FigureParams, Filters, Scope, low, township_order};
use crate::ui::list::{ListQuery, count};
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use yigong_store::PageRequest;
use yigong_store::family::ContractRate;
use yigong_store::institutions::Institution;

/// Key-population coverage under this, over at least twenty people, is marked.
const LOW_KEY_COVERAGE: f64 = 0.6;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(contracts))
        .route("/contracts/export", get(export_xlsx))
        .route("/contracts/clinic/{id}", get(contracted))
}

struct RateRow {
    name: String,
    depth: usize,
    residents: String,
    contracted: String,
    /// The contracts behind the count, for those who reach the clinic's residents.
    contracted_href: Option<String>,
    key_population: String,
    key_contracted: String,
    low: bool,
}

struct GroupRow {
    label: &'static str,
    population: String,
    contracted: String,
    /// Coverage in percent, when the population is known.
    share: Option<f64>,
}

#[derive(Template)]
#[template(path = "family/contracts.html")]
struct ContractsPage {
    chrome: Chrome,
    filters: Filters,
    due: Vec<(yigong_store::family::Contract, String)>,
    pager: Pager,
    total: RateRow,
    rates: Vec<RateRow>,
    groups: Vec<GroupRow>,
}

#[derive(Debug, Default, Deserialize)]
struct ContractsParams {
    area: Option<String>,
    /// Text, as the filters are flattened: a malformed page is the first.
    page: Option<String>,
}

/// `n (p%)`, or a dash without a population.
fn share(n: i64, of: i64) -> String {
    if of > 0 {
        format!("{} ({:.0}%)", count(n), n as f64 * 100.0 / of as f64)
    } else {
        "—".into()
    }
}

fn rate_row(name: String, depth: usize, r: (i64, i64, i64, i64)) -> RateRow {
    let coverage = (r.2 > 0).then(|| r.3 as f64 / r.2 as f64);
    RateRow {
        name,
        depth,
        residents: count(r.0),
        contracted: share(r.1, r.0),
        contracted_href: None,
        key_population: count(r.2),
        key_contracted: share(r.3, r.2),
        low: low(coverage, r.2 as u64, LOW_KEY_COVERAGE, 20),
    }
}

/// The area's clinics with their coverage, in township order.
async fn rates(
    state: &AppState,
    user: &CurrentUser,
    area: Option<String>,
) -> UiResult<(Scope, Vec<Institution>, Vec<(ContractRate, usize)>)> {
    let lang = user.lang;
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    let params = FigureParams {
        area,
        ..FigureParams::default()
    };
    let scope = Scope::of(&params, &institutions, "365").ui(lang)?;
    let mut rates = api::rates_for(state, user).await.ui(lang)?;
    let ordered = township_order(&institutions)
        .into_iter()
        .filter(|(i, _)| scope.covers(i.id))
        .filter_map(|(i, depth)| {
            let at = rates.iter().position(|r| r.institution_id == i.id)?;
            Some((rates.swap_remove(at), depth))
        })
        .collect();
    Ok((scope, institutions, ordered))
}

fn tuple(r: &ContractRate) -> (i64, i64, i64, i64) {
    (
        r.residents,
        r.contracted,
        r.key_population,
        r.key_contracted,
    )
}

fn groups(lang: Lang, groups: Vec<yigong_store::family::GroupRate>) -> Vec<GroupRow> {
    groups
        .into_iter()
        .map(|g| GroupRow {
            label: lang.t(&format!("family.group.{}", g.group)),
            population: g.population.map_or_else(|| "—".into(), count),
            contracted: count(g.contracted),
            share: g
                .population
                .filter(|p| *p > 0)
                .map(|p| g.contracted as f64 * 100.0 / p as f64),
        })
        .collect()
}

async fn contracts(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ContractsParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page_no = p.page.as_deref().and_then(|n| n.parse().ok());
    let due = api::due_for(&state, &user, None, PageRequest::new(page_no, Some(50)))
        .await
        .ui(lang)?;
    let area = p.area.clone().unwrap_or_default();
    let pager = ListQuery::new("/contracts", vec![("area", area)], None)
        .pager(lang, (due.page, due.per_page, due.total));
    let (scope, institutions, rates) = rates(&state, &user, p.area.clone()).await?;
    let sum = rates.iter().fold((0, 0, 0, 0), |a, (r, _)| {
        (
            a.0 + r.residents,
            a.1 + r.contracted,
            a.2 + r.key_population,
            a.3 + r.key_contracted,
        )
    });
    let mut filters = Filters::new(lang, "/contracts", &scope, &institutions);
    filters.presets.clear();
    filters.export_url = match &scope.area {
        Some((id, _)) => format!("/contracts/export?area={id}"),
        None => "/contracts/export".into(),
    };
    let page = ContractsPage {
        chrome: Chrome::for_user(&user, "contracts"),
        filters,
        pager,
        due: due
            .items
            .into_iter()
            .map(|c| {
                let groups = lang.labels("family.group", &c.key_groups);
                (c, groups)
            })
            .collect(),
        groups: groups(lang, api::groups_for(&state, &user).await.ui(lang)?),
        total: rate_row(lang.t("family.all_clinics").to_string(), 0, sum),
        rates: rates
            .iter()
            .map(|(r, depth)| RateRow {
                contracted_href: user
                    .scope
                    .allows(r.institution_id)
                    .then(|| format!("/contracts/clinic/{}", r.institution_id)),
                ..rate_row(r.institution_name.clone(), *depth, tuple(r))
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

/// The clinics' coverage, as an Excel file named after the area.
async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ContractsParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, _, rates) = rates(&state, &user, p.area).await?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("figures.institution"),
        t("family.residents"),
        t("family.contracted"),
        t("family.key_population"),
        t("family.key_contracted"),
    ];
    let table: Vec<Vec<Cell>> = rates
        .iter()
        .map(|(r, _)| {
            vec![
                r.institution_name.clone().into(),
                r.residents.into(),
                r.contracted.into(),
                r.key_population.into(),
                r.key_contracted.into(),
            ]
        })
        .collect();
    let title = t("family.contracts_title");
    let area = scope.area.map(|(_, name)| name).unwrap_or_default();
    export::respond(lang, title, &headers, &table, &[&area])
}

#[derive(Template)]
#[template(path = "family/contracted.html")]
struct ContractedPage {
    chrome: Chrome,
    clinic: String,
    due: Vec<(yigong_store::family::Contract, String)>,
    pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
struct PageParams {
    page: Option<i64>,
}

/// The residents behind a clinic's contracted count.
async fn contracted(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    axum::extract::Path(clinic): axum::extract::Path<uuid::Uuid>,
    Query(p): Query<PageParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let found = api::contracted_for(&state, &user, clinic, PageRequest::new(p.page, Some(50)))
        .await
        .ui(lang)?;
    let name = state
        .store
        .get_institution(state.community.id, clinic)
        .await
        .ui(lang)?
        .name;
    let path = format!("/contracts/clinic/{clinic}");
    let pager = Pager::new(lang, &path, &[], (found.page, found.per_page, found.total));
    let view = ContractedPage {
        chrome: Chrome::for_user(&user, "contracts"),
        clinic: name,
        pager,
        due: found
            .items
            .into_iter()
            .map(|c| {
                let groups = lang.labels("family.group", &c.key_groups);
                (c, groups)
            })
            .collect(),
    };
    Ok(render(&view).into_response())
}
