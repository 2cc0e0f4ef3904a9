//! The chronic-care quality page: managed, standardised and controlled by disease, team,
//! clinic and doctor over the last year for the area chosen, the monthly control chart,
//! each clinic's managed count a link to its patients, low control rates marked, and the
//! clinic table as an export.

use super::last_result;
use crate::chronic::api;
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chart::{Series, line_chart};
use crate::ui::export::{self, Cell};
use crate::ui::figures::{FigureParams, Filters, Scope, low};
use crate::ui::list::{ListQuery, count};
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use yigong_store::chronic::managed::Counted;

/// A control rate under this, over at least ten managed patients, is marked.
const LOW_CONTROL: f64 = 0.6;

struct FigureRow {
    name: String,
    disease: &'static str,
    managed: String,
    standardised: String,
    controlled: String,
    /// Links to the patients behind the managed and controlled figures (clinic rows).
    managed_href: Option<String>,
    controlled_href: Option<String>,
    low: bool,
}

#[derive(Template)]
#[template(path = "chronic/quality.html")]
struct QualityPage {
    chrome: Chrome,
    filters: Filters,
    since: String,
    totals: Vec<FigureRow>,
    /// (title, rows): by team, by clinic, by doctor.
    sections: Vec<(&'static str, Vec<FigureRow>)>,
    /// The monthly control rate (none before the first visit), and its legend.
    chart: Option<String>,
    legend: Vec<(&'static str, &'static str)>,
}

use crate::ui::todo::share_text as percent;

/// The area asked for (the period is the quality year) and its figures.
async fn figures(
    state: &AppState,
    user: &CurrentUser,
    p: &FigureParams,
) -> UiResult<(
    Scope,
    Vec<yigong_store::institutions::Institution>,
    api::Quality,
)> {
    let lang = user.lang;
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    let scope = Scope::of(p, &institutions, "365").ui(lang)?;
    let q = api::quality_for(
        state,
        user,
        &api::QualityQuery {
            institution: scope.area.as_ref().map(|(id, _)| *id),
        },
    )
    .await
    .ui(lang)?;
    Ok((scope, institutions, q))
}

fn rows(lang: Lang, fs: &[api::Figures], links: bool) -> Vec<FigureRow> {
    fs.iter()
        .map(|f| {
            let href = |counted: &str| {
                links.then(|| {
                    format!(
                        "/chronic/patients?clinic={}&disease={}&counted={counted}",
                        f.id, f.disease
                    )
                })
            };
            FigureRow {
                name: f.name.clone(),
                disease: lang.t(&format!("chronic.disease.{}", f.disease)),
                managed: count(f.managed),
                standardised: percent(f.standardised_rate),
                controlled: percent(f.control_rate),
                managed_href: href("managed"),
                controlled_href: href("controlled"),
                low: low(f.control_rate, f.managed as u64, LOW_CONTROL, 10),
            }
        })
        .collect()
}

pub(super) async fn quality(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, institutions, q) = figures(&state, &user, &p).await?;
    // The monthly control rate, per disease, as the table measures it.
    let series: Vec<Series> = [("hypertension", "#b42318"), ("diabetes", "#1f6feb")]
        .into_iter()
        .map(|(d, colour)| Series {
            label: lang.t(&format!("chronic.disease.{d}")),
            colour,
            points: q
                .months
                .iter()
                .filter(|m| m.disease == d)
                .filter_map(|m| {
                    let day = yigong_domain::registry::parse_date(&format!("{}-01", m.month))?;
                    Some((day, (m.control_rate? * 1000.0).round() / 10.0))
                })
                .collect(),
        })
        .collect();
    let legend = series.iter().map(|s| (s.label, s.colour)).collect();
    let chart = line_chart(lang.t("chronic.control_by_month"), "%", &series, &[]);
    let mut filters = Filters::new(lang, "/chronic/quality", &scope, &institutions);
    filters.presets.clear();
    let patients = user.scope != yigong_domain::access::ResidentScope::None;
    let page = QualityPage {
        chrome: Chrome::for_user(&user, "quality"),
        filters,
        since: q.since.to_string(),
        totals: rows(lang, &q.totals, false),
        sections: vec![
            (lang.t("chronic.by_team"), rows(lang, &q.by_team, false)),
            (
                lang.t("chronic.by_clinic"),
                rows(lang, &q.by_clinic, patients),
            ),
            (lang.t("chronic.by_doctor"), rows(lang, &q.by_doctor, false)),
        ],
        chart,
        legend,
    };
    Ok(render(&page).into_response())
}

/// The clinics' figures, as an Excel file named after the area.
pub(super) async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<FigureParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (scope, _, q) = figures(&state, &user, &p).await?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("chronic.by_clinic"),
        t("field.disease"),
        t("chronic.managed"),
        t("chronic.standardised_rate"),
        t("chronic.control_rate"),
    ];
    let table: Vec<Vec<Cell>> = q
        .by_clinic
        .iter()
        .map(|f| {
            vec![
                f.name.clone().into(),
                t(&format!("chronic.disease.{}", f.disease)).into(),
                f.managed.into(),
                percent(f.standardised_rate).into(),
                percent(f.control_rate).into(),
            ]
        })
        .collect();
    let title = t("chronic.quality");
    let area = scope.area.map(|(_, name)| name).unwrap_or_default();
    export::respond(lang, title, &headers, &table, &[&area])
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PatientsParams {
    clinic: Option<Uuid>,
    disease: Option<String>,
    counted: Option<String>,
    page: Option<i64>,
}

struct PatientRow {
    resident_id: Uuid,
    name: String,
    clinic: String,
    last_visit: String,
    last: String,
    next_due: String,
}

#[derive(Template)]
#[template(path = "chronic/patients.html")]
struct PatientsPage {
    chrome: Chrome,
    heading: String,
    rows: Vec<PatientRow>,
    pager: Pager,
}

/// The patients behind a clinic's figure on the quality page.
pub(super) async fn patients(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<PatientsParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let bad = |f: &'static str| {
        UiError(
            ApiError::field(axum::http::StatusCode::BAD_REQUEST, f, "required"),
            lang,
        )
    };
    let clinic = p.clinic.ok_or_else(|| bad("clinic"))?;
    let disease = p.disease.clone().ok_or_else(|| bad("disease"))?;
    let counted = match p.counted.as_deref().unwrap_or("managed") {
        "managed" => Counted::Managed,
        "standardised" => Counted::Standardised,
        "controlled" => Counted::Controlled,
        _ => return Err(bad("counted")),
    };
    let paging = yigong_store::PageRequest::new(p.page, Some(50));
    let page = api::figure_patients_for(&state, &user, clinic, &disease, counted, paging)
        .await
        .ui(lang)?;
    let query = ListQuery::new(
        "/chronic/patients",
        vec![
            ("clinic", clinic.to_string()),
            ("disease", disease.clone()),
            ("counted", p.counted.clone().unwrap_or_default()),
        ],
        None,
    );
    let clinic_name = page
        .items
        .first()
        .map(|r| r.institution_name.clone())
        .unwrap_or_default();
    let counted_key = match counted {
        Counted::Managed => "chronic.managed",
        Counted::Standardised => "chronic.standardised",
        Counted::Controlled => "chronic.controlled",
    };
    let view = PatientsPage {
        chrome: Chrome::for_user(&user, "quality"),
        heading: format!(
            "{clinic_name} · {} · {}",
            lang.t(&format!("chronic.disease.{disease}")),
            lang.t(counted_key)
        ),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: page
            .items
            .into_iter()
            .map(|r| PatientRow {
                resident_id: r.resident_id,
                name: r.resident_name,
                clinic: r.institution_name,
                last_visit: r
                    .last_visit_on
                    .map_or_else(|| "—".into(), |d| d.to_string()),
                last: last_result(lang, r.last_controlled),
                next_due: r.next_due.to_string(),
            })
            .collect(),
    };
    Ok(render(&view).into_response())
}
