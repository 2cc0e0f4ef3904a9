//! The figures and their cases through the API:
//! `GET /indicators?period=YYYY-MM` answers every indicator's numerator, denominator and
//! value from the monthly tallies; `GET /indicators/{code}/cases?period&part` lists the
//! rows behind one part. Figures carry no patient data; the cases do, masked, and their
//! reading is audited.

use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::identity::mask_id_text;
use yigong_domain::indicators::cases::{Part, plan, referral_end, span_of};
use yigong_domain::indicators::catalog::Shown;
use yigong_domain::indicators::formula::{Levels, Status, Term, evaluate};
use yigong_domain::indicators::month::{Month, Span};
use yigong_domain::indicators::tally::{ECG_URGENT_SECONDS, Measure, Tally};
use yigong_domain::registry::InstitutionKind;
use yigong_store::indicators::cases::{CaseQuery, EcgCases, GreenCases, ReferralCases};
use yigong_store::{Page, PageRequest};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(figures))
        .routes(routes!(cases))
        .routes(routes!(rebuild))
        .routes(routes!(super::outside::register))
        .routes(routes!(super::outside_import::upload))
        .merge(super::appraisal::router())
        .merge(super::definitions::router())
        .merge(super::population::router())
}

/// Who reads the figures: the office, the bureau and the party committee.
pub fn reads_figures(role: Role) -> bool {
    role.sees_figures() || role.reads_headlines()
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureQuery {
    /// `YYYY-MM`, `YYYY-Qn` or `YYYY`; the latest month with data by default.
    pub period: Option<String>,
    /// One institution (a township with its village clinics).
    pub institution: Option<Uuid>,
    /// `lead`, `member`, `township`, `village`, `primary` (townships and villages) or
    /// `sites` (the first secretaries' sites with their village clinics).
    pub level: Option<String>,
}

/// One indicator's figure over the period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figure {
    pub code: String,
    pub name: String,
    pub version: String,
    pub dimension: String,
    pub numerator: i64,
    pub denominator: i64,
    /// None when the figure cannot be computed (see `status`).
    pub value: Option<f64>,
    pub unit: String,
    /// `ok`, `no_data` (an input it needs was never imported for the period) or
    /// `no_denominator`.
    #[schema(value_type = String)]
    pub status: Status,
    pub target: Option<f64>,
    /// The value over the same months a year before.
    pub previous: Option<f64>,
}

/// The institutions a figure sums over, with their kinds.
pub struct Scope {
    pub kinds: HashMap<Uuid, InstitutionKind>,
    pub period: Span,
    pub label: String,
}

fn bad(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Reads the period and the scope of a query.
pub async fn scope_of(state: &AppState, q: &FigureQuery) -> ApiResult<Scope> {
    let c = state.community.id;
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Span::parse(p).ok_or_else(|| bad("period", "indicator_period_invalid"))?,
        None => {
            let latest = state.store.tally_months(c).await?.into_iter().next();
            let m = latest
                .and_then(|m| Month::parse(&m))
                .unwrap_or_else(|| Month::of(yigong_domain::clock::today()));
            Span { first: m, last: m }
        }
    };
    // The first-secretary sites: the party committee's view of its programme.
    let sites: Option<Vec<Uuid>> = match q.level.as_deref() {
        Some("sites") => Some(
            state
                .store
                .sites(c, None)
                .await?
                .into_iter()
                .map(|s| s.institution_id)
                .collect(),
        ),
        _ => None,
    };
    let level = match q.level.as_deref().filter(|l| !l.is_empty()) {
        None | Some("sites") => None,
        Some("primary") => Some(None),
        Some(l) => Some(Some(
            InstitutionKind::parse(l)
                .filter(|k| *k != InstitutionKind::Bureau)
                .ok_or_else(|| bad("level", "level_invalid"))?,
        )),
    };
    let all = state.store.list_institutions(c).await?;
    let chosen = q
        .institution
        .map(|id| all.iter().find(|i| i.id == id))
        .map(|i| i.ok_or_else(|| bad("institution", "not_found")));
    let chosen = chosen.transpose()?;
    let mut kinds = HashMap::new();
    for i in &all {
        let Some(k) = i.kind().filter(|k| *k != InstitutionKind::Bureau) else {
            continue;
        };
        let in_place = chosen.is_none_or(|c| {
            c.id == i.id
                || (c.kind() == Some(InstitutionKind::Township) && i.parent_id == Some(c.id))
        });
        let in_level = match level {
            None => true,
            Some(None) => k.is_primary(),
            Some(Some(l)) => k == l,
        };
        let in_sites = sites
            .as_ref()
            .is_none_or(|s| s.contains(&i.id) || i.parent_id.is_some_and(|p| s.contains(&p)));
        if in_place && in_level && in_sites {
            kinds.insert(i.id, k);
        }
    }
    let label = chosen.map(|c| c.name.clone()).unwrap_or_default();
    Ok(Scope {
        kinds,
        period,
        label,
    })
}

/// The tallies over a span, the year before and the year before that (for last year's
/// growth), with the stocks of those years, in one tally.
pub(super) async fn tallies(state: &AppState, span: Span) -> ApiResult<Tally> {
    let c = state.community.id;
    let mut t = state.store.tally_over(c, span).await?;
    for s in [span.year_before(), span.year_before().year_before()] {
        t.merge(&state.store.tally_over(c, s).await?);
    }
    add_stocks(state, &mut t, span.last.year).await?;
    Ok(t)
}

/// Lays the stocks of `year` and the two years before into a tally, at their Januaries:
/// residents and posted physicians from their rows, the chronic-care counters from
/// their intervals of years.
pub(super) async fn add_stocks(state: &AppState, t: &mut Tally, year: i32) -> ApiResult<()> {
    let y = year;
    super::stocks::rows(state, (y - 2, y))
        .await?
        .add_to(t, &[y, y - 1, y - 2]);
    for y in [y, y - 1, y - 2] {
        t.merge(&state.store.kept_by_year(state.community.id, y).await?);
    }
    Ok(())
}

/// Every indicator over the scope's period, with its definition as the community reads
/// it.
pub async fn figures_for(
    state: &AppState,
    scope: &Scope,
    lang: crate::i18n::Lang,
) -> ApiResult<Vec<(Figure, Shown)>> {
    let tally = tallies(state, scope.period).await?;
    let kind_of = |i: Uuid| scope.kinds.get(&i).copied();
    let in_scope = |i: Uuid| scope.kinds.contains_key(&i);
    Ok(super::definitions::shown_all(state, lang)
        .await?
        .into_iter()
        .map(|s| {
            let d = s.def;
            let now = evaluate(&d.formula, &tally, scope.period, &kind_of, &in_scope);
            let before = evaluate(
                &d.formula,
                &tally,
                scope.period.year_before(),
                &kind_of,
                &in_scope,
            );
            let figure = Figure {
                code: d.code.to_string(),
                name: s.name.clone(),
                version: s.version.clone(),
                dimension: s.dimension.clone(),
                numerator: now.numerator,
                denominator: now.denominator,
                value: now.value,
                unit: d.unit.as_str().to_string(),
                status: now.status,
                target: s.target,
                previous: before.value,
            };
            (figure, s)
        })
        .collect())
}

/// Every indicator's figure over a period (the latest month with data by default), for
/// the whole community or one institution or level.
#[utoipa::path(get, path = "/indicators", params(FigureQuery),
    responses((status = 200, body = Vec<Figure>), (status = 403), (status = 422)))]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<FigureQuery>,
) -> ApiResult<Json<Vec<Figure>>> {
    user.require_audited(
        &state,
        reads_figures(user.role),
        "indicator.read",
        "indicator",
        None,
    )
    .await?;
    let scope = scope_of(&state, &q).await?;
    Ok(Json(
        figures_for(&state, &scope, user.lang)
            .await?
            .into_iter()
            .map(|(f, _)| f)
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// `YYYY-MM`, `YYYY-Qn` or `YYYY`; the latest month with data by default.
    pub period: Option<String>,
    /// One institution (a township with its village clinics).
    pub institution: Option<Uuid>,
    /// `lead`, `member`, `township`, `village`, `primary` or `sites`.
    pub level: Option<String>,
    /// `numerator` or `denominator`.
    pub part: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl CasesQuery {
    pub fn figure(&self) -> FigureQuery {
        FigureQuery {
            period: self.period.clone(),
            institution: self.institution,
            level: self.level.clone(),
        }
    }
}

/// One case as a manager checks it: the ID number masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Case {
    pub id: Uuid,
    /// `encounter` (in the county), `outside`, `referral`, `ecg`, `consult`, `session`,
    /// `green`, `population`, `posting` or `register` (a chronic-disease register).
    pub source: String,
    /// `outpatient`, `emergency`, `inpatient`; `up` or `down` for a referral; `urgent`
    /// or `routine` for an ECG; `general` or `surgical` for a teleconsultation; `held`
    /// for an outreach session; the pathway of a
    /// green-channel case; `official` or `registry` for a population; the posting's kind;
    /// the disease of a register.
    pub kind: String,
    pub day: String,
    pub place: String,
    pub level: String,
    pub resident_name: Option<String>,
    /// The physician of a posting.
    pub staff_name: Option<String>,
    pub id_number: String,
    /// The diagnoses of an encounter; the source of an official population figure; how a
    /// register's year ended (`controlled`, `uncontrolled`, `unseen`).
    pub diagnoses: String,
    pub total_fen: i64,
    pub insurance_fen: i64,
    /// The people an outreach session served, a green-channel case's minutes to
    /// admission, an institution's residents, a posting's days inside the year, or a
    /// register's face-to-face visits in the year (0 for any other case).
    pub served: i64,
}

/// The cases behind one part of a figure, within reach and audited.
pub async fn cases_for(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
    q: &CasesQuery,
) -> ApiResult<(Page<Case>, Shown, Part, Scope)> {
    user.require_audited(
        state,
        user.role.sees_figures(),
        "indicator.cases",
        "indicator",
        None,
    )
    .await?;
    let shown = super::definitions::shown_one(state, user.lang, code)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let d = shown.def;
    let part = Part::parse(q.part.as_deref().unwrap_or("numerator"))
        .ok_or_else(|| bad("part", "part_invalid"))?;
    let scope = scope_of(state, &q.figure()).await?;
    let terms = match part {
        Part::Numerator => d.formula.numerator,
        Part::Denominator => d.formula.denominator,
    };
    let span = span_of(d.formula.shape, part, scope.period);
    let wanted = PageRequest::new(q.page, q.per_page);
    let rows = if super::registers::counts_registers(terms) {
        let all = super::registers::cases(state, terms, span, &scope).await?;
        super::stocks::page_of(all, wanted)
    } else if !terms.is_empty() && terms.iter().all(|t| t.measure.is_stock()) {
        let y = span.last.year;
        let stock = super::stocks::rows(state, (y, y)).await?;
        super::stocks::page_of(stock.cases(terms, span, &scope), wanted)
    } else {
        stored_cases(state, terms, span, &scope, wanted).await?
    };
    user.audit(
        state,
        "indicator.cases",
        "indicator",
        None,
        true,
        &format!(
            "code={code} part={} results={}",
            part.as_str(),
            rows.items.len()
        ),
    )
    .await?;
    Ok((rows, shown, part, scope))
}

/// The stored rows behind a part's terms, their ID numbers masked.
async fn stored_cases(
    state: &AppState,
    terms: &[Term],
    span: Span,
    scope: &Scope,
    wanted: PageRequest,
) -> ApiResult<Page<Case>> {
    let query = case_query(terms, scope);
    let rows = state
        .store
        .indicator_cases(state.community.id, span, &query, wanted)
        .await?;
    let items = rows
        .items
        .into_iter()
        .map(|r| Case {
            id: r.id,
            source: r.source,
            kind: r.kind,
            day: r.day.to_string(),
            place: r.place,
            level: r.level,
            resident_name: r.resident_name,
            staff_name: None,
            id_number: mask_id_text(&r.id_number),
            diagnoses: r.diagnoses,
            total_fen: r.total_fen,
            insurance_fen: r.insurance_fen,
            served: r.served,
        })
        .collect();
    Ok(Page {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// The rows behind a part's terms, within the scope's institutions.
fn case_query(terms: &[Term], scope: &Scope) -> CaseQuery {
    let p = plan(terms);
    let places = |l: Levels| -> Vec<Uuid> {
        scope
            .kinds
            .iter()
            .filter(|(_, k)| l.holds(**k))
            .map(|(i, _)| *i)
            .collect()
    };
    CaseQuery {
        encounter_kinds: p.encounter_kinds,
        encounter_places: p.encounter_levels.map(places).unwrap_or_default(),
        outside_kinds: p.outside_kinds,
        outside_places: scope.kinds.keys().copied().collect(),
        referred_only: p.referred_only,
        referrals: p
            .referrals
            .iter()
            .filter_map(|t| {
                let (direction, receiver) = referral_end(t.measure)?;
                Some(ReferralCases {
                    direction,
                    receiver,
                    places: places(t.levels),
                })
            })
            .collect(),
        sessions: p.sessions.iter().map(|t| places(t.levels)).collect(),
        consults: p.consults.iter().map(|t| places(t.levels)).collect(),
        greens: p
            .greens
            .iter()
            .map(|t| GreenCases {
                on_time_only: t.measure == Measure::GreenOnTime,
                places: places(t.levels),
            })
            .collect(),
        ecgs: p
            .ecgs
            .iter()
            .map(|t| EcgCases {
                urgent_only: t.measure != Measure::EcgRead,
                on_time_seconds: (t.measure == Measure::EcgUrgentOnTime)
                    .then_some(ECG_URGENT_SECONDS),
                places: places(t.levels),
            })
            .collect(),
    }
}

/// The encounters, outside visits, accepted referrals, reported ECGs or held outreach
/// sessions a figure's numerator or denominator counts.
#[utoipa::path(get, path = "/indicators/{code}/cases", params(("code" = String, Path), CasesQuery),
    responses((status = 200, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn cases(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    AppQuery(q): AppQuery<CasesQuery>,
) -> ApiResult<Json<Page<Case>>> {
    Ok(Json(cases_for(&state, &user, &code, &q).await?.0))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Rebuilt {
    pub counters: usize,
}

/// Recounts every tally from the raw rows (the administrator; the figures must not move).
#[utoipa::path(post, path = "/indicators/rebuild", responses((status = 200, body = Rebuilt), (status = 403)))]
pub async fn rebuild(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Rebuilt>> {
    user.require_audited(
        &state,
        user.role == Role::Admin,
        "indicator.rebuild",
        "indicator",
        None,
    )
    .await?;
    let counters = state.store.rebuild_tallies(state.community.id).await?;
    user.audit(
        &state,
        "indicator.rebuild",
        "indicator",
        None,
        true,
        &format!("counters={counters}"),
    )
    .await?;
    Ok(Json(Rebuilt { counters }))
}
