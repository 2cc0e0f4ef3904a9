//! The referral form: new referrals, down-referrals pre-filled from a completed one, and
//! green-channel referrals opened from a critical ECG report.

use super::*;
use crate::ui::form::Problems;
use crate::ui::picker::{Choice, Picker};
use yigong_domain::ids::StudyId;

#[derive(Deserialize, Default)]
pub(crate) struct NewParams {
    resident_id: Option<Uuid>,
    /// An ECG study whose critical report opens this referral (green channel).
    ecg: Option<StudyId>,
    /// A preset urgency (a follow-up's emergency value proposes `emergency`).
    urgency: Option<String>,
    /// A completed upward referral whose patient goes back down: the down-referral
    /// opens filled from it.
    parent: Option<ReferralId>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ReferralForm {
    #[serde(default)]
    resident_id: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    pathway: String,
    /// `institution` or `institution/department`
    #[serde(default)]
    to: String,
    #[serde(default)]
    icd10_code: String,
    /// The diagnosis as written; the ICD-10 code is chosen from the suggestions.
    #[serde(default)]
    icd10_text: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    preferred_date: String,
    /// The upward referral this one sends the patient back from.
    #[serde(default)]
    parent_id: String,
}

#[derive(Template)]
#[template(path = "referral/form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    direction: String,
    direction_label: String,
    /// The resident named by the link that opened the form, or a picker to find one.
    resident: Option<(Uuid, String)>,
    resident_picker: String,
    urgencies: Vec<(String, String)>,
    pathways: Vec<(String, String)>,
    /// Upward: (code, label) of the clinical specialties the hospitals offer; the
    /// destination is then chosen among the hospitals offering the one chosen.
    specialties: Vec<(String, String)>,
    specialty: String,
    destinations: Vec<Destination>,
    diagnosis: String,
    f: ReferralForm,
    problems: Problems,
}

/// Where a referral may go: `institution` or `institution/department`, its name, and the
/// specialty it offers (upward only).
struct Destination {
    value: String,
    label: String,
    specialty: String,
}

/// Grassroots users send up; hospital users send down.
async fn direction_of(state: &AppState, user: &CurrentUser) -> Result<Direction, ApiError> {
    let home = state
        .store
        .get_institution(state.community.id, user.institution_id)
        .await?;
    Ok(if home.kind().is_some_and(|k| k.holds_residents()) {
        Direction::Up
    } else {
        Direction::Down
    })
}

/// Destinations: the clinical departments of the hospitals for upward referrals (with
/// the specialties among them, as the catalogue names them), clinics for downward ones.
async fn destinations(
    state: &AppState,
    lang: Lang,
    direction: Direction,
) -> Result<(Vec<(String, String)>, Vec<Destination>), ApiError> {
    let c = state.community.id;
    let mut specialties: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for i in state
        .store
        .list_institutions(c)
        .await?
        .into_iter()
        .filter(|i| i.active)
    {
        let hospital = matches!(i.kind.as_str(), "lead" | "member");
        match direction {
            Direction::Up if hospital => {
                for d in state
                    .store
                    .list_departments(c, i.id)
                    .await?
                    .into_iter()
                    .filter(|d| d.active && yigong_domain::referral::receives_referrals(&d.code))
                {
                    if !specialties.iter().any(|s| s.0 == d.code) {
                        // Message ids spell a code's hyphens as dots.
                        let named = lang.t(&format!("specialty.{}", d.code.replace('-', ".")));
                        let label = if named == "?" { &d.name } else { named };
                        specialties.push((d.code.clone(), label.to_string()));
                    }
                    out.push(Destination {
                        value: format!("{}/{}", i.id, d.id),
                        label: format!("{} · {}", i.name, d.name),
                        specialty: d.code,
                    });
                }
            }
            Direction::Down if i.kind().is_some_and(|k| k.holds_residents()) => {
                out.push(Destination {
                    value: i.id.to_string(),
                    label: i.name,
                    specialty: String::new(),
                })
            }
            _ => {}
        }
    }
    Ok((specialties, out))
}

/// The ICD-10 suggestions: the code chosen is posted, the diagnosis box keeps what was
/// written.
fn diagnosis_picker(lang: Lang, f: &ReferralForm) -> String {
    let choices = yigong_domain::icd10::CODES
        .iter()
        .map(|(code, name)| Choice::new(code, lang.icd10(code).unwrap_or(name), code))
        .collect();
    let code = f.icd10_code.trim();
    let mut p = Picker::new(lang, "icd10_code", lang.t("field.icd10"), choices)
        .required(true)
        .free_text("icd10_text");
    if !code.is_empty() {
        let written = super::diagnosis_text(lang, code, f.icd10_text.trim());
        p = p.chosen_as(code, &written);
    }
    p.html()
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    resident: Option<Uuid>,
    f: ReferralForm,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    let direction = direction_of(state, user).await.ui(lang)?;
    let resident = match resident {
        Some(id) => {
            let r =
                crate::registry::api::residents::load_in_scope(state, user, id, "resident.read")
                    .await
                    .ui(lang)?;
            Some((r.id, r.name))
        }
        None => None,
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let (specialties, destinations) = destinations(state, lang, direction).await.ui(lang)?;
    let specialty = destinations
        .iter()
        .find(|d| d.value == f.to)
        .map(|d| d.specialty.clone())
        .unwrap_or_default();
    let resident_picker = Picker::remote(
        lang,
        "resident_id",
        lang.t("field.resident"),
        "/referrals/resident-options",
    )
    .required(true)
    .html();
    let page = FormPage {
        chrome: Chrome::for_user(user, "referrals"),
        csrf: user.csrf.clone(),
        direction: direction.as_str().into(),
        direction_label: label(lang, "direction", direction.as_str()),
        resident,
        resident_picker,
        urgencies: [Urgency::Routine, Urgency::Urgent, Urgency::Emergency]
            .iter()
            .map(|u| (u.as_str().to_string(), label(lang, "urgency", u.as_str())))
            .collect(),
        pathways: Pathway::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), label(lang, "pathway", p.as_str())))
            .collect(),
        specialties,
        specialty,
        destinations,
        diagnosis: diagnosis_picker(lang, &f),
        f,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    user.require(receives(&user)).ui(user.lang)?;
    let form = match (p.ecg, p.parent) {
        (Some(study), _) => from_ecg(&state, &user, study).await?,
        (None, Some(parent)) => from_parent(&state, &user, parent).await?,
        (None, None) => ReferralForm {
            urgency: match p.urgency.as_deref() {
                Some(u @ ("emergency" | "urgent")) => u.to_string(),
                _ => "routine".into(),
            },
            ..Default::default()
        },
    };
    let resident = p.resident_id.or_else(|| form.resident_id.parse().ok());
    form_page(&state, &user, resident, form, None).await
}

/// A down-referral filled from the upward one it follows: the same patient and
/// diagnosis, back to the clinic that sent them.
async fn from_parent(
    state: &AppState,
    user: &CurrentUser,
    parent: ReferralId,
) -> UiResult<ReferralForm> {
    let lang = user.lang;
    let d = api::detail_of(state, user, parent).await.ui(lang)?;
    let up = d.referral;
    Ok(ReferralForm {
        resident_id: up.resident_id.to_string(),
        direction: Direction::Down.as_str().into(),
        urgency: Urgency::Routine.as_str().into(),
        to: up.from_institution_id.to_string(),
        icd10_code: up.icd10_code.clone(),
        icd10_text: up.icd10_text.clone(),
        reason: lang.t("referral.back_down_reason").into(),
        parent_id: up.id.to_string(),
        ..Default::default()
    })
}

/// A referral form filled from an ECG study's report: an emergency to the lead
/// hospital's cardiology, on the chest-pain green channel when the report finds an
/// infarction, carrying the report and the study's number.
async fn from_ecg(state: &AppState, user: &CurrentUser, study: StudyId) -> UiResult<ReferralForm> {
    let lang = user.lang;
    let s = crate::ecg::api::load(state, user, study, "ecg.read")
        .await
        .ui(lang)?;
    let report = state
        .store
        .study_report(state.community.id, s.id)
        .await
        .ui(lang)?;
    let (findings, conclusion) = report
        .map(|r| (r.findings, r.conclusion))
        .unwrap_or_default();
    let labels: Vec<&str> = findings
        .split(',')
        .filter_map(yigong_domain::ecg::finding)
        .map(|f| lang.finding(f.code))
        .collect();
    let defaults = yigong_domain::ecg::referral_defaults(&findings);
    let mut to = String::new();
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .ui(lang)?;
    if let Some(lead) = institutions.iter().find(|i| i.kind == "lead") {
        let departments = state
            .store
            .list_departments(state.community.id, lead.id)
            .await
            .ui(lang)?;
        to = match departments.iter().find(|d| d.code == defaults.department) {
            Some(d) => format!("{}/{}", lead.id, d.id),
            None => lead.id.to_string(),
        };
    }
    Ok(ReferralForm {
        resident_id: s.resident_id.to_string(),
        direction: defaults.direction.as_str().into(),
        urgency: defaults.urgency.as_str().into(),
        pathway: defaults.pathway.map_or("", |p| p.as_str()).into(),
        to,
        icd10_code: defaults.icd10.unwrap_or_default().into(),
        reason: if conclusion.is_empty() {
            labels.join("，")
        } else {
            conclusion.clone()
        },
        summary: format!(
            "{}：{}。{}（/ecg/{}）",
            lang.t("ecg.report_title"),
            labels.join("，"),
            conclusion,
            s.id
        ),
        ..Default::default()
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<ReferralForm>,
) -> UiResult<Response> {
    let (to, dept) = match f.to.split_once('/') {
        Some((i, d)) => (i.parse().ok(), d.parse().ok()),
        None => (f.to.parse().ok(), None),
    };
    let resident: Option<Uuid> = f.resident_id.trim().parse().ok();
    let diagnosis = diagnosis(&f);
    let body = match (resident, to) {
        (Some(resident_id), Some(to_institution_id)) => Ok(ReferralBody {
            resident_id,
            direction: f.direction.clone(),
            urgency: f.urgency.clone(),
            pathway: Some(f.pathway.clone()),
            to_institution_id,
            to_department_id: dept,
            parent_id: f.parent_id.trim().parse().ok(),
            reason: f.reason.clone(),
            icd10_code: diagnosis.0.clone(),
            icd10_text: diagnosis.1.clone(),
            summary: f.summary.clone(),
            instructions: f.instructions.clone(),
            preferred_date: Some(f.preferred_date.clone()),
            first_contact_at: None,
        }),
        (None, _) => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "resident",
            "required",
        )),
        (_, None) => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "to_institution",
            "required",
        )),
    };
    let result = match body {
        Ok(b) => api::create_referral(&state, &user, &b).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => Ok(see_other(&format!(
            "/referrals/{}?done=referral_sent",
            r.id
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            form_page(&state, &user, resident, f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// The ICD-10 code and the diagnosis as written: the code chosen among the suggestions;
/// when none was, the code typed in the box, or the code whose name was written (typing
/// 胸痛 and sending finds R07.4).
fn diagnosis(f: &ReferralForm) -> (String, Option<String>) {
    let written = f.icd10_text.trim();
    let chosen = f.icd10_code.trim();
    // A listed name written in English is kept as the list's own, so it reads in
    // either language.
    let english = |code: &str| Lang::En.icd10(code);
    if !chosen.is_empty() {
        let text = match yigong_domain::icd10::name_of(chosen) {
            Some(zh) if english(chosen) == Some(written) => zh,
            _ => written,
        };
        return (chosen.to_string(), Some(text.to_string()));
    }
    let typed = written.to_ascii_uppercase();
    if yigong_domain::icd10::is_well_formed(&typed) {
        return (typed, None);
    }
    let named = yigong_domain::icd10::CODES
        .iter()
        .find(|(code, name)| *name == written || english(code) == Some(written));
    match named {
        Some((code, name)) => (code.to_string(), Some(name.to_string())),
        None => (String::new(), Some(written.to_string())),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct OptionParams {
    q: Option<String>,
}

/// The resident picker's choices (searched within the user's scope, ID numbers masked).
pub(crate) async fn resident_options(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<OptionParams>,
) -> UiResult<Response> {
    let params = crate::registry::api::residents::ListParams {
        q: p.q,
        per_page: Some(20),
        ..Default::default()
    };
    let page = crate::registry::api::residents::search(&state, &user, &params, false)
        .await
        .ui(user.lang)?;
    let choices: Vec<Choice> = page
        .items
        .into_iter()
        .map(|r| {
            let detail = format!("{} · {}", r.id_number, r.institution_name);
            Choice::new(r.id, &r.name, &detail)
        })
        .collect();
    let options = crate::ui::picker::Options { choices };
    Ok(render(&options).into_response())
}
