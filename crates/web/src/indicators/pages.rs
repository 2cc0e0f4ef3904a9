//! The indicators' pages: the dashboard (every figure over a month, quarter or year, for
//! the community, an institution or a level, beside last year's and the target, with a
//! two-year chart of one figure and an Excel export carrying every definition), and the
//! cases behind a figure's numerator or denominator.

use super::api::{self, CasesQuery, Figure, FigureQuery, reads_figures};
use super::{appraisal_page, definitions_page, import, outside_page, population_page};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chart::{Series, line_chart};
use crate::ui::export::{Cell, respond};
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, encode, render};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use yigong_app::import::MAX_BYTES;
use yigong_domain::access::Role;
use yigong_domain::indicators::catalog::{CATALOG, Shown, Unit};
use yigong_domain::indicators::formula::{Shape, Status, evaluate};
use yigong_domain::indicators::month::{Month, Span};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(dashboard))
        .route("/indicators/export.xlsx", get(export))
        .route("/indicators/{code}/cases", get(cases))
        .route(
            "/indicators/import",
            get(import::form)
                .post(import::upload)
                .layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route(
            "/indicators/outside/new",
            get(outside_page::form).post(outside_page::save),
        )
        .route(
            "/indicators/outside/import",
            post(outside_page::import).layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route("/indicators/import/template.csv", get(import::template))
        .route("/indicators/appraisal", get(appraisal_page::show))
        .route(
            "/indicators/appraisal/score",
            post(appraisal_page::save_score),
        )
        .route(
            "/indicators/appraisal/publish",
            post(appraisal_page::publish),
        )
        .route("/indicators/appraisal/export", get(appraisal_page::export))
        .route("/indicators/appraisal/sheet", get(appraisal_page::sheet))
        .route(
            "/indicators/appraisal/items",
            post(appraisal_page::add_item),
        )
        .route(
            "/indicators/appraisal/items/{id}",
            post(appraisal_page::change_item),
        )
        .route(
            "/indicators/appraisal/items/{id}/remove",
            post(appraisal_page::remove_item),
        )
        .route("/indicators/definitions", get(definitions_page::show))
        .route(
            "/indicators/definitions/{code}",
            post(definitions_page::save),
        )
        .route("/indicators/population", get(population_page::show))
        .route(
            "/indicators/population/{id}/{year}",
            post(population_page::save),
        )
        .route(
            "/indicators/population/{id}/{year}/clear",
            post(population_page::clear),
        )
        .route("/indicators/import/{id}", get(import::job))
        .route("/indicators/import/{id}/progress", get(import::fragment))
}

/// A value as shown: a rate with two decimals, a count whole, or a dash.
fn shown(v: Option<f64>, unit: Unit) -> String {
    match (v, unit) {
        (None, _) => "—".to_string(),
        (Some(v), Unit::Percent | Unit::PerTenThousand) => format!("{v:.2}"),
        (Some(v), Unit::Count) => format!("{v:.0}"),
    }
}

struct Line {
    f: Figure,
    value: String,
    /// What follows the value: `%`, or the word for cases.
    unit: &'static str,
    /// Whether the figure divides (a count lists no denominator).
    divides: bool,
    previous: String,
    target: String,
    status: &'static str,
    version: &'static str,
    numerator_text: String,
    denominator_text: String,
    note: String,
    below_target: bool,
}

#[derive(Template)]
#[template(path = "indicators/dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    period: String,
    periods: Vec<(String, String)>,
    level: String,
    levels: Vec<(&'static str, &'static str)>,
    institution: String,
    places: Vec<(String, String)>,
    /// The filters as a query string, for the links to cases and the export.
    query: String,
    lines: Vec<Line>,
    /// Whether the numbers open their cases (the office and the bureau).
    cases: bool,
    /// Whether the user imports encounters (the office).
    imports: bool,
    chart_code: String,
    chart: Option<String>,
}

/// The periods offered: the months with data, then their quarters and years.
async fn periods(state: &AppState, lang: Lang) -> UiResult<Vec<(String, String)>> {
    let months = state
        .store
        .tally_months(state.community.id)
        .await
        .ui(lang)?;
    let mut out: Vec<(String, String)> = months.iter().map(|m| (m.clone(), m.clone())).collect();
    let mut quarters: Vec<String> = Vec::new();
    let mut years: Vec<String> = Vec::new();
    for m in months.iter().filter_map(|m| Month::parse(m)) {
        let q = format!("{}-Q{}", m.year, m.month.div_ceil(3));
        if !quarters.contains(&q) {
            quarters.push(q);
        }
        let y = m.year.to_string();
        if !years.contains(&y) {
            years.push(y);
        }
    }
    let quarter = lang.t("indicators.quarter");
    let year = lang.t("indicators.year");
    out.extend(
        quarters
            .into_iter()
            .map(|q| (q.clone(), format!("{q} {quarter}"))),
    );
    out.extend(
        years
            .into_iter()
            .map(|y| (y.clone(), format!("{y} {year}"))),
    );
    Ok(out)
}

fn query_string(q: &FigureQuery, period: &str) -> String {
    let mut s = format!("period={}", encode(period));
    if let Some(l) = q.level.as_deref().filter(|l| !l.is_empty()) {
        s.push_str(&format!("&level={}", encode(l)));
    }
    if let Some(i) = q.institution {
        s.push_str(&format!("&institution={i}"));
    }
    s
}

fn line(lang: Lang, f: Figure, s: Shown) -> Line {
    let d = s.def;
    let status = match f.status {
        Status::Ok => "",
        Status::NoData => lang.t("indicators.status.no_data"),
        Status::NoDenominator => lang.t("indicators.status.no_denominator"),
    };
    Line {
        value: shown(f.value, d.unit),
        previous: shown(f.previous, d.unit),
        unit: lang.t(&format!("indicators.unit.{}", d.unit.as_str())),
        divides: d.formula.shape != Shape::Count,
        target: s.target_text().unwrap_or_default(),
        below_target: f.value.is_some_and(|v| s.misses_target(v)),
        status,
        version: lang.t(&format!("indicators.version.{}", s.version)),
        numerator_text: s.numerator,
        denominator_text: s.denominator,
        note: s.note,
        f,
    }
}

/// Two years of one figure, month by month, with last year's line and the target.
async fn chart(
    state: &AppState,
    scope: &api::Scope,
    s: &Shown,
    lang: Lang,
) -> UiResult<Option<String>> {
    let d = s.def;
    let last = scope.period.last;
    // Twelve months and their twins a year before.
    let mut first = last;
    for _ in 0..23 {
        first = first.previous();
    }
    let mut tally = state
        .store
        .tally_by_month(state.community.id, Span { first, last })
        .await
        .ui(lang)?;
    api::add_stocks(state, &mut tally, last.year)
        .await
        .ui(lang)?;
    let kind_of = |i| scope.kinds.get(&i).copied();
    let in_scope = |i| scope.kinds.contains_key(&i);
    let mut this_year = Vec::new();
    let mut last_year = Vec::new();
    let mut m = last;
    for _ in 0..12 {
        let at = |m: Month| {
            Month {
                year: last.year,
                ..m
            }
            .first_day()
        };
        let here = evaluate(
            &d.formula,
            &tally,
            Span { first: m, last: m },
            &kind_of,
            &in_scope,
        );
        let before = evaluate(
            &d.formula,
            &tally,
            Span { first: m, last: m }.year_before(),
            &kind_of,
            &in_scope,
        );
        // Both lines on this year's months, so that a month lies over its twin.
        let x = if m.year == last.year {
            at(m)
        } else {
            at(Month {
                year: last.year - 1,
                ..m
            })
        };
        if let Some(v) = here.value {
            this_year.push((x, v));
        }
        if let Some(v) = before.value {
            last_year.push((x, v));
        }
        m = m.previous();
    }
    let series = [
        Series {
            label: lang.t("indicators.value"),
            colour: "#1f6feb",
            points: this_year,
        },
        Series {
            label: lang.t("indicators.yoy"),
            colour: "#9aa4b2",
            points: last_year,
        },
    ];
    let target = s.target.map(|t| (t, lang.t("indicators.target")));
    Ok(line_chart(
        &s.name,
        lang.t(&format!("indicators.unit.{}", d.unit.as_str())),
        &series,
        target.as_slice(),
    ))
}

/// The figures a page shows: the user's reach checked (a refusal audited), the query's
/// scope and period read, every figure computed.
async fn read(
    state: &AppState,
    user: &CurrentUser,
    q: &FigureQueryForm,
) -> UiResult<(FigureQuery, api::Scope, String, Vec<(Figure, Shown)>)> {
    let lang = user.lang;
    user.require_audited(
        state,
        reads_figures(user.role),
        "indicator.read",
        "indicator",
        None,
    )
    .await
    .ui(lang)?;
    let fq = q.figure();
    let scope = api::scope_of(state, &fq).await.ui(lang)?;
    let period = period_key(scope.period);
    let figures = api::figures_for(state, &scope, lang).await.ui(lang)?;
    Ok((fq, scope, period, figures))
}

async fn dashboard(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut q): Query<FigureQueryForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    // The party committee opens on its first secretaries' sites and their growth.
    if user.role == Role::PartySecretary && q.level.is_none() {
        q.level = Some("sites".into());
        q.chart.get_or_insert_with(|| "visits_yoy".into());
    }
    let (fq, scope, period, figures) = read(&state, &user, &q).await?;
    // The chosen figure's chart; the primary-care share's by default.
    let chosen = |code: &str| figures.iter().find(|(_, s)| s.def.code == code);
    let chart_def = q
        .chart
        .as_deref()
        .and_then(chosen)
        .or_else(|| chosen(CATALOG[2].code))
        .map(|(_, s)| s.clone())
        .ok_or_else(|| UiError(ApiError::internal(), lang))?;
    let chart = chart(&state, &scope, &chart_def, lang).await?;
    let places = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?
        .into_iter()
        .filter(|i| {
            i.kind().is_some_and(|k| {
                k != yigong_domain::registry::InstitutionKind::Bureau
                    && k != yigong_domain::registry::InstitutionKind::Village
            })
        })
        .map(|i| (i.id.to_string(), i.name))
        .collect();
    let page = Dashboard {
        chrome: Chrome::for_user(&user, "indicators"),
        periods: periods(&state, lang).await?,
        level: fq.level.clone().unwrap_or_default(),
        levels: ["primary", "lead", "member", "township", "village", "sites"]
            .into_iter()
            .map(|l| (l, lang.t(&format!("indicators.level_filter.{l}"))))
            .collect(),
        institution: fq.institution.map(|i| i.to_string()).unwrap_or_default(),
        places,
        query: query_string(&fq, &period),
        lines: figures.into_iter().map(|(f, d)| line(lang, f, d)).collect(),
        cases: user.role.sees_figures(),
        imports: user.role.edits_registry(),
        chart_code: chart_def.def.code.to_string(),
        chart,
        period,
    };
    Ok(render(&page).into_response())
}

/// The dashboard's query, with the figure its chart draws.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FigureQueryForm {
    pub period: Option<String>,
    pub institution: Option<String>,
    pub level: Option<String>,
    pub chart: Option<String>,
}

impl FigureQueryForm {
    fn figure(&self) -> FigureQuery {
        FigureQuery {
            period: self.period.clone(),
            // A form's empty choice is no filter; a malformed id finds no institution.
            institution: self
                .institution
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap_or_default()),
            level: self.level.clone(),
        }
    }
}

fn period_key(s: Span) -> String {
    if s.first == s.last {
        s.first.key()
    } else if s.first.month == 1 && s.last.month == 12 {
        s.first.year.to_string()
    } else {
        format!("{}-Q{}", s.first.year, s.first.month.div_ceil(3))
    }
}

/// Every figure with its definition, as a workbook.
async fn export(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(q): Query<FigureQueryForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (_, scope, period, figures) = read(&state, &user, &q).await?;
    let keys = [
        "indicators.code",
        "indicators.name",
        "indicators.version",
        "indicators.dimension",
        "indicators.numerator",
        "indicators.denominator",
        "indicators.value",
        "indicators.unit",
        "indicators.yoy",
        "indicators.target",
        "indicators.numerator_def",
        "indicators.denominator_def",
        "indicators.note",
        "indicators.source",
    ];
    let headers: Vec<&str> = keys.iter().map(|k| lang.t(k)).collect();
    let num = |v: Option<f64>| v.map_or(Cell::Text(String::new()), Cell::Number);
    let rows: Vec<Vec<Cell>> = figures
        .into_iter()
        .map(|(f, d)| {
            vec![
                Cell::Text(f.code),
                Cell::Text(f.name),
                Cell::Text(
                    lang.t(&format!("indicators.version.{}", d.version))
                        .to_string(),
                ),
                Cell::Text(f.dimension),
                Cell::Number(f.numerator as f64),
                Cell::Number(f.denominator as f64),
                num(f.value),
                Cell::Text(lang.t(&format!("indicators.unit.{}", f.unit)).to_string()),
                num(f.previous),
                num(d.target),
                Cell::Text(d.numerator),
                Cell::Text(d.denominator),
                Cell::Text(d.note),
                Cell::Text(d.source),
            ]
        })
        .collect();
    respond(
        lang,
        lang.t("indicators.title"),
        &headers,
        &rows,
        &[&period, &scope.label],
    )
}

struct CaseLine {
    c: api::Case,
    /// The diagnoses, or for a register how its year ended (in the page's language).
    diagnoses: String,
    source: &'static str,
    level: &'static str,
    kind: &'static str,
    total: String,
    insurance: String,
}

#[derive(Template)]
#[template(path = "indicators/cases.html")]
struct CasesPage {
    chrome: Chrome,
    title: String,
    definition: String,
    note: String,
    source: String,
    back: String,
    lines: Vec<CaseLine>,
    pager: Pager,
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// An amount in yuan for a visit or stay; nothing for a case that carries no money.
fn money(c: &api::Case, fen: i64) -> String {
    if matches!(c.source.as_str(), "encounter" | "outside") {
        yuan(fen)
    } else {
        String::new()
    }
}

async fn cases(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(code): Path<String>,
    Query(q): Query<CasesForm>,
) -> UiResult<Response> {
    let lang = user.lang;
    let form = FigureQueryForm {
        period: q.period.clone(),
        institution: q.institution.clone(),
        level: q.level.clone(),
        chart: None,
    };
    let f = form.figure();
    let cq = CasesQuery {
        period: f.period,
        institution: f.institution,
        level: f.level,
        part: q.part.clone(),
        page: q.page,
        per_page: Some(50),
    };
    let (rows, d, part, scope) = api::cases_for(&state, &user, &code, &cq).await.ui(lang)?;
    let period = period_key(scope.period);
    let query = query_string(&cq.figure(), &period);
    let part_label = lang.t(&format!("indicators.part.{}", part.as_str()));
    let params = [
        ("period", period.as_str()),
        ("part", part.as_str()),
        ("level", cq.level.as_deref().unwrap_or("")),
        ("institution", q.institution.as_deref().unwrap_or("")),
    ];
    let params: Vec<(&str, &str)> = params.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let page = CasesPage {
        chrome: Chrome::for_user(&user, "indicators"),
        title: lang.tr(
            "indicators.cases_title",
            &[("name", d.name.as_str()), ("part", part_label)],
        ) + " · "
            + &period,
        definition: if part == yigong_domain::indicators::cases::Part::Numerator {
            d.numerator.clone()
        } else {
            d.denominator.clone()
        },
        note: d.note.clone(),
        source: d.source.clone(),
        back: format!("/indicators?{query}"),
        pager: Pager::new(
            lang,
            &format!("/indicators/{}/cases", d.def.code),
            &params,
            (rows.page, rows.per_page, rows.total),
        ),
        lines: rows
            .items
            .into_iter()
            .map(|c| CaseLine {
                source: lang.t(&format!("indicators.case.source.{}", c.source)),
                level: if c.source == "outside" {
                    lang.t(&format!("indicators.level.{}", c.level))
                } else {
                    lang.t(&format!("kind.{}", c.level))
                },
                kind: lang.t(&format!("indicators.kind.{}", c.kind)),
                diagnoses: if c.source == "register" {
                    lang.t(&format!("indicators.case.control.{}", c.diagnoses))
                        .to_string()
                } else {
                    c.diagnoses.clone()
                },
                total: money(&c, c.total_fen),
                insurance: money(&c, c.insurance_fen),
                c,
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CasesForm {
    pub period: Option<String>,
    pub institution: Option<String>,
    pub level: Option<String>,
    pub part: Option<String>,
    pub page: Option<i64>,
}

/// For the user's chrome: whether the indicators link shows.
pub fn shows_link(user: &CurrentUser) -> bool {
    reads_figures(user.role)
}
