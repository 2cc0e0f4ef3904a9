//! The community office forms a family-doctor team (组建团队): first the township, then
//! one person for each "1+2+1" role from the levels that role belongs to, optional
//! helpers, the leader and the villages covered (each ticked deliberately). The same form
//! changes a team later, and the team can be disbanded once its contracts have moved.
//! The API checks the composition; a refused form comes back filled in with the reason.

use crate::family::api::{MemberBody, TeamBody};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::ui::pages::see_other;
use crate::ui::picker::{Choice, Picker};
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::family::MemberRole;
use yigong_domain::registry::InstitutionKind;
use yigong_store::institutions::Institution;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams/new", get(form).post(create))
        .route("/teams/{id}/edit", get(edit_form).post(update))
        .route("/teams/{id}/disband", post(disband))
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
    /// Where the form posts: `/teams/new`, or the team's edit address.
    action: String,
    /// The team being changed (its township cannot change).
    editing: Option<Uuid>,
}

type Fields = HashMap<String, String>;

fn uuid_of(f: &Fields, key: &str) -> Option<Uuid> {
    f.get(key).and_then(|v| Uuid::parse_str(v.trim()).ok())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    (f, editing): (&Fields, Option<Uuid>),
    error: Option<ApiError>,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let status = error.as_ref().map(|e| e.status);
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
        villages = village_choices(&institutions, t, f);
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
        action: editing.map_or_else(|| "/teams/new".into(), |id| format!("/teams/{id}/edit")),
        editing,
    };
    let status = match (&view.error, status) {
        (Some(_), Some(s)) => s,
        _ => StatusCode::OK,
    };
    Ok((status, render(&view)).into_response())
}

/// The township's village clinics, each with whether it is ticked as submitted: a fresh
/// form ticks none, so each village a team covers is chosen.
fn village_choices(
    institutions: &[Institution],
    township: Uuid,
    f: &Fields,
) -> Vec<(Uuid, String, bool)> {
    institutions
        .iter()
        .filter(|i| i.kind == "village" && i.parent_id == Some(township))
        .map(|i| {
            (
                i.id,
                i.name.clone(),
                f.contains_key(&format!("village_{}", i.id)),
            )
        })
        .collect()
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
    page(&state, &user, (&f, None), None).await
}

/// The team a submitted form describes.
fn body_of(f: &Fields) -> TeamBody {
    let members: Vec<MemberBody> = MemberRole::ALL
        .iter()
        .filter_map(|r| {
            Some(MemberBody {
                staff_id: uuid_of(f, &format!("member_{}", r.as_str()))?,
                role: r.as_str().to_string(),
            })
        })
        .collect();
    let leader = f.get("leader").map(String::as_str).unwrap_or("");
    TeamBody {
        name: f.get("name").cloned().unwrap_or_default(),
        institution_id: uuid_of(f, "township").unwrap_or_default(),
        leader_staff_id: uuid_of(f, &format!("member_{leader}")).unwrap_or_default(),
        members,
        villages: f
            .keys()
            .filter_map(|k| k.strip_prefix("village_"))
            .filter_map(|v| Uuid::parse_str(v).ok())
            .collect(),
    }
}

/// A refusal the form shows again (a role named in it in the user's language).
fn refused(lang: crate::i18n::Lang, mut e: ApiError) -> Option<ApiError> {
    if !matches!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
    ) {
        return None;
    }
    if let Some(role) = e.detail.as_deref().and_then(MemberRole::parse) {
        e.detail = Some(
            lang.t(&format!("family.role.{}", role.as_str()))
                .to_string(),
        );
    }
    Some(e)
}

async fn create(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let lang = user.lang;
    match crate::family::api::create_for(&state, &user, &body_of(&f)).await {
        Ok(d) => Ok(see_other(&format!("/teams/{}?done=created", d.team.id))),
        Err(e) => match refused(lang, e.clone()) {
            Some(e) => page(&state, &user, (&f, None), Some(e)).await,
            None => Err(UiError(e, lang)),
        },
    }
}

/// The form of an existing team, filled in from it.
async fn edit_form(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let lang = user.lang;
    user.require(user.role.edits_registry()).ui(lang)?;
    let d = crate::family::api::detail_of(&state, &user, id)
        .await
        .ui(lang)?;
    let mut f = Fields::new();
    f.insert("township".into(), d.team.institution_id.to_string());
    f.insert("name".into(), d.team.name.clone());
    for m in &d.members {
        f.insert(format!("member_{}", m.role), m.staff_id.to_string());
        if m.staff_id == d.team.leader_staff_id {
            f.insert("leader".into(), m.role.clone());
        }
    }
    for (v, _) in &d.villages {
        f.insert(format!("village_{v}"), "on".into());
    }
    page(&state, &user, (&f, Some(id)), None).await
}

async fn update(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<Fields>,
) -> UiResult<Response> {
    let lang = user.lang;
    match crate::family::api::update_for(&state, &user, id, &body_of(&f)).await {
        Ok(_) => Ok(see_other(&format!("/teams/{id}?done=saved"))),
        Err(e) => match refused(lang, e.clone()) {
            Some(e) => page(&state, &user, (&f, Some(id)), Some(e)).await,
            None => Err(UiError(e, lang)),
        },
    }
}

async fn disband(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
) -> UiResult<Response> {
    let lang = user.lang;
    match crate::family::api::disband_for(&state, &user, id).await {
        Ok(()) => Ok(see_other(&format!("/teams/{id}?done=disbanded"))),
        Err(e) if e.status == StatusCode::CONFLICT => {
            super::teams::team_page(&state, &user, id, None, Some(e)).await
        }
        Err(e) => Err(UiError(e, lang)),
    }
}
