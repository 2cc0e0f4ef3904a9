//! The community office forms a family-doctor team (组建团队): first the township, then
//! one person for each "1+2+1" role from the levels that role belongs to, optional
//! helpers, the leader and the villages covered. The API checks the composition; a
//! refused form comes back filled in with the reason in Chinese.

use crate::family::api::{MemberBody, TeamBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::see_other;
use crate::ui::picker::{Choice, Picker};
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::family::MemberRole;
use yigong_domain::registry::InstitutionKind;
use yigong_store::institutions::Institution;

pub fn router() -> Router<AppState> {
    Router::new().route("/teams/new", get(form).post(create))
}

/// One role's row: a searchable picker over the people whose level fits it.
struct RoleSelect {
    role: &'static str,
    label: &'static str,
    required: bool,
    picker: String,
}

#[derive(Template)]
#[template(path = "family/team_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    /// (id, name, chosen)
    townships: Vec<(Uuid, String, bool)>,
    township: Option<Uuid>,
    name: String,
    roles: Vec<RoleSelect>,
    leader: String,
    /// (id, name, checked)
    villages: Vec<(Uuid, String, bool)>,
    error: Option<String>,
}

type Fields = HashMap<String, String>;

fn uuid_of(f: &Fields, key: &str) -> Option<Uuid> {
    f.get(key).and_then(|v| Uuid::parse_str(v.trim()).ok())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    f: &Fields,
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let institutions = state
        .store
        .list_institutions(state.community.id)
        .await
        .map_err(|e| UiError(e.into(), lang))?;
    let townships: Vec<(Uuid, String)> = institutions
        .iter()
        .filter(|i| i.kind == "township")
        .map(|i| (i.id, i.name.clone()))
        .collect();
    let township = uuid_of(f, "township").filter(|t| townships.iter().any(|x| x.0 == *t));
    let mut roles = Vec::new();
    let mut villages = Vec::new();
    let mut name = f.get("name").cloned().unwrap_or_default();
    if let Some(t) = township {
        villages = village_choices(&institutions, t, f, error.is_none());
        let staff = candidates(state, lang, &institutions, t)
            .await
            .map_err(|e| UiError(e, lang))?;
        roles = role_selects(lang, f, &staff);
        if name.is_empty() {
            let township_name = townships
                .iter()
                .find(|x| x.0 == t)
                .map_or("", |x| x.1.as_str());
            name = lang.tr("family.default_team_name", &[("township", township_name)]);
        }
    }
    let view = FormPage {
        chrome: Chrome::for_user(user, "teams"),
        csrf: user.csrf.clone(),
        townships: townships
            .into_iter()
            .map(|(id, n)| (id, n, township == Some(id)))
            .collect(),
        township,
        name,
        roles,
        leader: f
            .get("leader")
            .cloned()
            .unwrap_or_else(|| MemberRole::TownshipClinician.as_str().into()),
        villages,
        error: error.map(|e| e.message(lang)),
    };
    let status = if view.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&view)).into_response())
}

/// The township's village clinics, each with whether it is ticked: as submitted, or all
/// of them on a fresh form.
fn village_choices(
    institutions: &[Institution],
    township: Uuid,
    f: &Fields,
    fresh: bool,
) -> Vec<(Uuid, String, bool)> {
    let mut villages: Vec<(Uuid, String, bool)> = institutions
        .iter()
        .filter(|i| i.kind == "village" && i.parent_id == Some(township))
        .map(|i| {
            (
                i.id,
                i.name.clone(),
                f.contains_key(&format!("village_{}", i.id)),
            )
        })
        .collect();
    if fresh && !villages.iter().any(|v| v.2) {
        for v in &mut villages {
            v.2 = true;
        }
    }
    villages
}

/// The people a team of `township` may draw on: the county hospitals', the township's
/// and its villages', each with department, title and place.
async fn candidates(
    state: &AppState,
    lang: crate::i18n::Lang,
    institutions: &[Institution],
    township: Uuid,
) -> Result<Vec<(Choice, InstitutionKind)>, ApiError> {
    let places = institutions.iter().filter(|i| {
        i.id == township
            || i.parent_id == Some(township)
            || matches!(
                i.kind(),
                Some(InstitutionKind::Lead | InstitutionKind::Member)
            )
    });
    let mut staff = Vec::new();
    for place in places {
        let Some(kind) = place.kind() else { continue };
        let q = yigong_store::staff::StaffQuery {
            institution: Some(place.id),
            ..Default::default()
        };
        let all =
            yigong_store::PageRequest::new(None, Some(yigong_store::PageRequest::MAX_PER_PAGE));
        let found = state
            .store
            .search_staff(state.community.id, &q, all)
            .await?;
        staff.extend(found.items.into_iter().map(|s| {
            let title = lang.t(&format!("title.{}", s.title));
            let detail = [
                s.department_name.as_deref().unwrap_or(""),
                title,
                &place.name,
            ]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
            (Choice::new(s.id, &s.name, &detail), kind)
        }));
    }
    Ok(staff)
}

/// One picker per team role, offering the people whose level fits it.
fn role_selects(
    lang: crate::i18n::Lang,
    f: &Fields,
    staff: &[(Choice, InstitutionKind)],
) -> Vec<RoleSelect> {
    MemberRole::ALL
        .iter()
        .map(|role| {
            let name = format!("member_{}", role.as_str());
            let label = lang.t(&format!("family.role.{}", role.as_str()));
            let required = matches!(
                role,
                MemberRole::Specialist
                    | MemberRole::TownshipClinician
                    | MemberRole::PublicHealth
                    | MemberRole::VillageDoctor
            );
            let choices = staff
                .iter()
                .filter(|s| role.fits(s.1))
                .map(|s| s.0.clone())
                .collect();
            let chosen = f.get(&name).map_or("", |v| v.trim());
            RoleSelect {
                role: role.as_str(),
                label,
                required,
                picker: Picker::new(lang, &name, label, choices)
                    .required(required)
                    .chosen(chosen)
                    .html(),
            }
        })
        .collect()
}

async fn form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(f): Query<Fields>,
) -> UiResult<Response> {
    page(&state, &user, &f, None).await
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let lang = user.lang;
    let members: Vec<MemberBody> = MemberRole::ALL
        .iter()
        .filter_map(|r| {
            Some(MemberBody {
                staff_id: uuid_of(&f, &format!("member_{}", r.as_str()))?,
                role: r.as_str().to_string(),
            })
        })
        .collect();
    let leader = f.get("leader").map(String::as_str).unwrap_or("");
    let body = TeamBody {
        name: f.get("name").cloned().unwrap_or_default(),
        institution_id: uuid_of(&f, "township").unwrap_or_default(),
        leader_staff_id: uuid_of(&f, &format!("member_{leader}")).unwrap_or_default(),
        members,
        villages: f
            .keys()
            .filter_map(|k| k.strip_prefix("village_"))
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect(),
    };
    match crate::family::api::create_for(&state, &user, &body).await {
        Ok(d) => Ok(see_other(&format!("/teams/{}", d.team.id))),
        Err(mut e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            // A role named in the reason reads in the user's language.
            if let Some(role) = e.detail.as_deref().and_then(MemberRole::parse) {
                e.detail = Some(
                    lang.t(&format!("family.role.{}", role.as_str()))
                        .to_string(),
                );
            }
            page(&state, &user, &f, Some(e)).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}
