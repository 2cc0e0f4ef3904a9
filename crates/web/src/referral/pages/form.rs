//! The referral form: new referrals, down-referrals pre-filled from a completed one, and
//! green-channel referrals opened from a critical ECG report.

use super::*;
use yigong_domain::ids::StudyId;

#[derive(Deserialize, Default)]
pub(crate) struct NewParams {
    resident_id: Option<Uuid>,
    /// An ECG study whose critical report opens this referral (green channel).
    ecg: Option<StudyId>,
    /// A preset urgency (a follow-up's emergency value proposes `emergency`).
    urgency: Option<String>,
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
    #[serde(default)]
    reason: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    preferred_date: String,
}

#[derive(Template)]
#[template(path = "referral/form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    direction: String,
    direction_label: String,
    resident: Option<(Uuid, String)>,
    urgencies: Vec<(String, String)>,
    pathways: Vec<(String, String)>,
    destinations: Vec<(String, String)>,
    icd10: &'static [(&'static str, &'static str)],
    f: ReferralForm,
    error: Option<String>,
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

/// Destinations: hospital departments for upward referrals, clinics for downward ones.
async fn destinations(
    state: &AppState,
    direction: Direction,
) -> Result<Vec<(String, String)>, ApiError> {
    let c = state.community.id;
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
                    .filter(|d| d.active)
                {
                    out.push((
                        format!("{}/{}", i.id, d.id),
                        format!("{} · {}", i.name, d.name),
                    ));
                }
            }
            Direction::Down if i.kind().is_some_and(|k| k.holds_residents()) => {
                out.push((i.id.to_string(), i.name))
            }
            _ => {}
        }
    }
    Ok(out)
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
    let page = FormPage {
        chrome: Chrome::for_user(user, "referrals"),
        csrf: user.csrf.clone(),
        direction: direction.as_str().into(),
        direction_label: label(lang, "direction", direction.as_str()),
        resident,
        urgencies: [Urgency::Routine, Urgency::Urgent, Urgency::Emergency]
            .iter()
            .map(|u| (u.as_str().to_string(), label(lang, "urgency", u.as_str())))
            .collect(),
        pathways: Pathway::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), label(lang, "pathway", p.as_str())))
            .collect(),
        destinations: destinations(state, direction).await.ui(lang)?,
        icd10: yigong_domain::icd10::CODES,
        f,
        error: error.map(|e| e.message(lang)),
    };
    Ok((status, render(&page)).into_response())
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<NewParams>,
) -> UiResult<Response> {
    user.require(receives(&user)).ui(user.lang)?;
    let form = match p.ecg {
        Some(study) => from_ecg(&state, &user, study).await?,
        None => ReferralForm {
            urgency: match p.urgency.as_deref() {
                Some(u @ ("emergency" | "urgent")) => u.to_string(),
                _ => "routine".into(),
            },
            ..Default::default()
        },
    };
    form_page(&state, &user, p.resident_id, form, None).await
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
    let body = match (resident, to) {
        (Some(resident_id), Some(to_institution_id)) => Ok(ReferralBody {
            resident_id,
            direction: f.direction.clone(),
            urgency: f.urgency.clone(),
            pathway: Some(f.pathway.clone()),
            to_institution_id,
            to_department_id: dept,
            parent_id: None,
            reason: f.reason.clone(),
            icd10_code: f.icd10_code.clone(),
            icd10_text: None,
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
        Ok(r) => Ok(see_other(&format!("/referrals/{}", r.id))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            form_page(&state, &user, resident, f, Some(e)).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct OptionParams {
    resident_id: Option<String>,
}

/// `<datalist>` options for the resident picker (searched within the user's scope).
pub(crate) async fn resident_options(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<OptionParams>,
) -> UiResult<Response> {
    let params = crate::registry::api::residents::ListParams {
        q: p.resident_id,
        per_page: Some(20),
        ..Default::default()
    };
    let page = crate::registry::api::residents::search(&state, &user, &params)
        .await
        .ui(user.lang)?;
    let mut html = String::from("<datalist id=\"resident-options\">");
    for r in page.items {
        let text = format!("{} {} {}", r.name, r.id_number, r.institution_name)
            .replace(['<', '>', '"', '&'], "");
        html.push_str(&format!("<option value=\"{}\">{text}</option>", r.id));
    }
    html.push_str("</datalist>");
    Ok(axum::response::Html(html).into_response())
}
