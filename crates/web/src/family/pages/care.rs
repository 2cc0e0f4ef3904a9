//! The care part of a resident's page (签约 · 筛查 · 两病): the family-doctor contract
//! with sign, renew, transfer and end; the registers with their next visit; screenings
//! with the COPD-SQ questionnaire; and the suspicions awaiting the clinic's decision.
//! Also the clinic's list of suspicions awaiting a decision (待确诊).

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::registry::pages::residents::{Notice, show};
use crate::screening::api::{self as api, CopdBody, DecisionBody, ScreeningBody};
use crate::state::AppState;
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, Pager, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::family::{EndReason, KeyGroup, RENEWAL_WINDOW_DAYS};
use yigong_store::residents::Resident;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/screenings", get(pending))
        .route("/residents/{id}/contract", post(sign))
        .route("/residents/{id}/contract/{cid}/{action}", post(act))
        .route("/residents/{id}/screenings", post(screen))
        .route("/residents/{id}/suspicions/{sid}/{decision}", post(decide))
}

pub struct ContractView {
    pub id: Uuid,
    pub team: String,
    pub package: String,
    pub groups: String,
    pub start: String,
    pub end: String,
    pub renewal_due: bool,
}

pub struct RegisterLine {
    pub id: Uuid,
    pub disease: &'static str,
    pub next_due: String,
    pub overdue: bool,
    pub last: String,
}

pub struct ScreeningLine {
    pub on: String,
    pub place: String,
    pub bp: String,
    pub glucose: String,
    pub copd: String,
    pub findings: String,
}

pub struct SuspicionLine {
    pub id: Uuid,
    pub condition: &'static str,
    pub opened_on: String,
    pub open: bool,
    pub status: &'static str,
    /// "2/3": raised days against those the criteria need (not for COPD).
    pub support: Option<String>,
    pub met: bool,
    pub registers: bool,
}

/// What the resident page shows of care, for a user who may see it.
pub struct CareView {
    /// A grassroots doctor of the resident's clinic: signs, decides, records visits.
    pub manages: bool,
    pub contract: Option<ContractView>,
    pub teams: Vec<(Uuid, String)>,
    /// (code, label) of the key groups set by hand.
    pub hand_groups: Vec<(&'static str, &'static str)>,
    pub end_reasons: Vec<(&'static str, &'static str)>,
    pub registers: Vec<RegisterLine>,
    pub screenings: Vec<ScreeningLine>,
    pub suspicions: Vec<SuspicionLine>,
    pub today: String,
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
}

/// The care part of the page; `None` for users whose role has no part in it.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    r: &Resident,
) -> UiResult<Option<CareView>> {
    let lang = user.lang;
    if !user.role.clinical() {
        return Ok(None);
    }
    let c = state.community.id;
    let err = |e: yigong_store::StoreError| UiError(e.into(), lang);
    let manages =
        crate::chronic::api::clinics(user).is_ok_and(|ids| ids.contains(&r.institution_id));
    let today = crate::chronic::api::today();
    let contract = state
        .store
        .contracts_of(c, r.id)
        .await
        .map_err(err)?
        .into_iter()
        .find(|k| k.status == "active")
        .map(|k| ContractView {
            id: k.id,
            team: k.team_name,
            package: package_label(lang, &k.package),
            groups: lang.labels("family.group", &k.key_groups),
            start: k.start_date.to_string(),
            renewal_due: (k.end_date - today).whole_days() <= RENEWAL_WINDOW_DAYS,
            end: k.end_date.to_string(),
        });
    let teams = if manages {
        team_choices(state, r.institution_id).await.map_err(err)?
    } else {
        vec![]
    };
    let registers = state
        .store
        .registers_of(c, r.id)
        .await
        .map_err(err)?
        .into_iter()
        .filter(|g| g.status == "managed")
        .map(|g| RegisterLine {
            id: g.id,
            disease: lang.t(&format!("chronic.disease.{}", g.disease)),
            overdue: g.next_due < today,
            next_due: g.next_due.to_string(),
            last: match g.last_controlled {
                Some(true) => lang.t("chronic.controlled").into(),
                Some(false) => lang.t("chronic.uncontrolled").into(),
                None => "—".into(),
            },
        })
        .collect();
    // The page has loaded the resident in the user's scope and audited the read.
    let s = api::resident_screenings(state, user, r.id).await.ui(lang)?;
    Ok(Some(CareView {
        manages,
        contract,
        teams,
        hand_groups: KeyGroup::ALL
            .iter()
            .filter(|g| !g.derived())
            .map(|g| (g.as_str(), lang.t(&format!("family.group.{}", g.as_str()))))
            .collect(),
        end_reasons: EndReason::ALL
            .iter()
            .filter(|e| **e != EndReason::Transferred)
            .map(|e| (e.as_str(), lang.t(&format!("family.end.{}", e.as_str()))))
            .collect(),
        registers,
        screenings: s
            .screenings
            .iter()
            .map(|x| screening_line(lang, x))
            .collect(),
        suspicions: s
            .suspicions
            .into_iter()
            .map(|v| suspicion_line(lang, v))
            .collect(),
        today: today.to_string(),
    }))
}

/// The teams a resident of `clinic` may sign with: those covering the clinic, then those
/// based there, each once.
async fn team_choices(
    state: &AppState,
    clinic: Uuid,
) -> Result<Vec<(Uuid, String)>, yigong_store::StoreError> {
    let c = state.community.id;
    let covering = state.store.teams_covering(c, &[clinic]).await?;
    let based = state
        .store
        .list_teams(
            c,
            Some(&[clinic]),
            yigong_store::PageRequest::new(None, Some(100)),
        )
        .await?;
    let mut teams: Vec<(Uuid, String)> = Vec::new();
    for (id, name) in covering.into_iter().map(|t| (t.0, t.1)).chain(
        based
            .items
            .into_iter()
            .filter(|t| t.active)
            .map(|t| (t.id, t.name)),
    ) {
        if !teams.iter().any(|t| t.0 == id) {
            teams.push((id, name));
        }
    }
    Ok(teams)
}

fn screening_line(lang: Lang, x: &yigong_store::screening::Screening) -> ScreeningLine {
    ScreeningLine {
        on: x.screened_on.to_string(),
        place: x.institution_name.clone(),
        bp: match (x.systolic, x.diastolic) {
            (Some(a), Some(b)) => format!("{a}/{b}"),
            _ => "—".into(),
        },
        glucose: opt(x.glucose),
        copd: opt(x.copd_score),
        findings: lang.labels("screening.finding", &x.findings),
    }
}

fn suspicion_line(lang: Lang, v: api::SuspicionView) -> SuspicionLine {
    let support = v.raised_days.zip(v.days_needed);
    SuspicionLine {
        id: v.suspicion.id,
        condition: lang.t(&format!("screening.condition.{}", v.suspicion.condition)),
        opened_on: v.suspicion.opened_on.to_string(),
        open: v.suspicion.status == "open",
        status: lang.t(&format!("screening.status.{}", v.suspicion.status)),
        support: support.map(|(d, n)| format!("{d}/{n}")),
        met: support.is_some_and(|(d, n)| d >= n),
        registers: v.suspicion.condition != "copd",
    }
}

/// After a care form: the page again, with what happened or what was wrong.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    result: Result<String, ApiError>,
) -> UiResult<Response> {
    match result {
        Ok(done) => Ok(see_other(&format!("/residents/{id}?done={done}#contract"))),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
            ) =>
        {
            show(state, user, id, Notice::None, Some(e.message(user.lang))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// A form's fields as typed: checkboxes and all.
type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(|s| s.trim()).unwrap_or("")
}

fn number<T: std::str::FromStr>(f: &Fields, name: &'static str) -> Result<Option<T>, ApiError> {
    crate::chronic::pages::number(field(f, name), name)
}

fn decimal(f: &Fields, name: &'static str) -> Result<Option<f64>, ApiError> {
    crate::chronic::pages::decimal(field(f, name), name)
}

fn uuid_field(f: &Fields, name: &'static str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(field(f, name))
        .map_err(|_| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, name, "required"))
}

async fn sign(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let result = async {
        let body = crate::family::api::ContractBody {
            resident_id: id,
            team_id: uuid_field(&f, "team")?,
            package: field(&f, "package").to_string(),
            key_groups: KeyGroup::ALL
                .iter()
                .filter(|g| f.contains_key(&format!("group_{}", g.as_str())))
                .map(|g| g.as_str().to_string())
                .collect(),
            start_date: Some(field(&f, "start_date").to_string()),
        };
        crate::family::api::sign(&state, &user, &body).await?;
        Ok("contract_signed".to_string())
    }
    .await;
    answer(&state, &user, id, result).await
}

async fn act(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, cid, action)): Path<(Uuid, Uuid, String)>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let result = async {
        let b = crate::family::api::ContractAction {
            team_id: match action.as_str() {
                "transfer" => Some(uuid_field(&f, "team")?),
                _ => None,
            },
            reason: Some(field(&f, "reason").to_string()).filter(|r| !r.is_empty()),
        };
        crate::family::api::act(&state, &user, cid, &action, &b, Some(id)).await?;
        Ok(format!("contract_{action}"))
    }
    .await;
    answer(&state, &user, id, result).await
}

async fn screen(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let result = async {
        let body = ScreeningBody {
            resident_id: id,
            screened_on: Some(field(&f, "screened_on").to_string()),
            systolic: number(&f, "systolic")?,
            diastolic: number(&f, "diastolic")?,
            glucose: decimal(&f, "glucose")?,
            weight_kg: decimal(&f, "weight_kg")?,
            height_cm: decimal(&f, "height_cm")?,
            copd: f
                .contains_key("copd")
                .then(|| -> Result<CopdBody, ApiError> {
                    Ok(CopdBody {
                        pack_years: decimal(&f, "pack_years")?.unwrap_or(0.0),
                        cough: f.contains_key("cough"),
                        breathlessness: Some(field(&f, "breathlessness").to_string())
                            .filter(|b| !b.is_empty()),
                        biomass_fuel: f.contains_key("biomass_fuel"),
                        family_history: f.contains_key("family_history"),
                    })
                })
                .transpose()?,
        };
        api::record(&state, &user, &body).await
    }
    .await;
    // Post/redirect/get: the resident's page says what the screening found.
    match result {
        Ok(o) => Ok(see_other(&format!(
            "/residents/{id}?screened={}",
            o.screening_id
        ))),
        Err(e) => answer(&state, &user, id, Err(e)).await,
    }
}

async fn decide(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path((id, sid, decision)): Path<(Uuid, Uuid, String)>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let b = DecisionBody {
        basis: Some(field(&f, "basis").to_string()).filter(|b| !b.is_empty()),
        diagnosed_on: Some(field(&f, "diagnosed_on").to_string()),
        responsible_staff_id: None,
        note: field(&f, "note").to_string(),
    };
    match api::decide_for(&state, &user, sid, &decision, &b, Some(id)).await {
        Ok(_) => Ok(see_other(&format!("/residents/{id}?decided={sid}"))),
        Err(e) => answer(&state, &user, id, Err(e)).await,
    }
}

/// What a care form just did, named in the address it redirected to
/// (`?screened=<screening>` or `?decided=<suspicion>`), told from what was stored. Asked
/// only after the resident's page has checked reach, and only the resident's own records
/// are looked at, so an address cannot show another's.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    screened: Option<Uuid>,
    decided: Option<Uuid>,
    /// A save named by its `done.*` message (`contract_signed`, `saved`, …).
    done: Option<String>,
}

pub async fn notice(
    state: &AppState,
    user: &CurrentUser,
    resident: Uuid,
    done: &Done,
) -> UiResult<Option<String>> {
    let (lang, c) = (user.lang, state.community.id);
    if let Some(text) = crate::ui::form::flash(lang, done.done.as_deref()) {
        return Ok(Some(text));
    }
    if let Some(sid) = done.screened {
        let screenings = state.store.screenings_of(c, resident).await;
        let Some(s) = screenings.ui(lang)?.into_iter().find(|s| s.id == sid) else {
            return Ok(None);
        };
        let suspicions = state.store.suspicions_of(c, resident).await.ui(lang)?;
        let mut notice = lang.t("screening.recorded").to_string();
        if let Some(score) = s.copd_score {
            notice.push_str(&format!(" · COPD-SQ {score}"));
        }
        if s.findings.is_empty() {
            notice.push_str(&format!(" · {}", lang.t("screening.nothing_found")));
        } else {
            let found = lang.labels("screening.finding", &s.findings);
            notice.push_str(&format!(" · {found}"));
        }
        if suspicions
            .iter()
            .any(|x| x.screening_id == sid && x.status == "open")
        {
            notice.push_str(&format!(" · {}", lang.t("screening.awaiting_decision")));
        }
        return Ok(Some(notice));
    }
    if let Some(sid) = done.decided {
        let suspicions = state.store.suspicions_of(c, resident).await.ui(lang)?;
        let Some(x) = suspicions.into_iter().find(|x| x.id == sid) else {
            return Ok(None);
        };
        let key = if x.register_id.is_some() {
            "screening.enrolled"
        } else if x.status == "confirmed" {
            "screening.confirmed"
        } else {
            "screening.excluded"
        };
        return Ok(Some(lang.t(key).to_string()));
    }
    Ok(None)
}

struct PendingRow {
    resident_id: Uuid,
    resident_name: String,
    phone: String,
    condition: &'static str,
    clinic: String,
    opened_on: String,
    waiting_days: i64,
}

#[derive(Template)]
#[template(path = "screening/screenings.html")]
struct PendingPage {
    chrome: Chrome,
    rows: Vec<PendingRow>,
    total: i64,
    pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
struct PendingParams {
    page: Option<i64>,
}

async fn pending(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<PendingParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let page = api::pending_for(
        &state,
        &user,
        &api::PendingQuery {
            page: p.page,
            per_page: Some(50),
        },
    )
    .await
    .ui(lang)?;
    let today = crate::chronic::api::today();
    let pager = Pager::new(
        lang,
        "/screenings",
        &[],
        (page.page, page.per_page, page.total),
    );
    let view = PendingPage {
        chrome: Chrome::for_user(&user, "screenings"),
        total: page.total,
        rows: page
            .items
            .into_iter()
            .map(|s| PendingRow {
                resident_id: s.resident_id,
                resident_name: s.resident_name,
                phone: s.phone,
                condition: lang.t(&format!("screening.condition.{}", s.condition)),
                clinic: s.institution_name,
                waiting_days: (today - s.opened_on).whole_days(),
                opened_on: s.opened_on.to_string(),
            })
            .collect(),
        pager,
    };
    Ok(render(&view).into_response())
}

/// A package's label; a package stored as text before packages had codes shows as it was.
fn package_label(lang: Lang, package: &str) -> String {
    match yigong_domain::family::Package::parse(package) {
        Some(p) => lang
            .t(&format!("family.package.{}", p.as_str()))
            .to_string(),
        None => package.to_string(),
    }
}
