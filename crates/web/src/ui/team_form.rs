//! The community office forms a family-doctor team (组建团队): first the township, then
//! one person for each "1+2+1" role from the levels that role belongs to, optional
//! helpers, the leader and the villages covered. The API checks the composition; a
//! refused form comes back filled in with the reason in Chinese.

use super::pages::see_other;
use super::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use crate::api::family::{MemberBody, TeamBody};
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::state::AppState;
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

pub fn router() -> Router<AppState> {
    Router::new().route("/teams/new", get(form).post(create))
}

/// One role's select; candidates are (id, name · place, chosen).
struct RoleSelect {
    role: &'static str,
    label: &'static str,
    required: bool,
    candidates: Vec<(Uuid, String, bool)>,
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
    let c = state.community.id;
    let institutions = state
        .store
        .list_institutions(c)
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
        villages = institutions
            .iter()
            .filter(|i| i.kind == "village" && i.parent_id == Some(t))
            .map(|i| {
                (
                    i.id,
                    i.name.clone(),
                    f.contains_key(&format!("village_{}", i.id)),
                )
            })
            .collect();
        if !villages.iter().any(|v| v.2) && error.is_none() {
            for v in &mut villages {
                v.2 = true;
            }
        }
        // The people each role may draw on: the county hospitals, the township and its
        // villages, each as far as the role fits its level.
        let places: Vec<(Uuid, String, InstitutionKind)> = institutions
            .iter()
            .filter(|i| {
                i.id == t
                    || i.parent_id == Some(t)
                    || matches!(
                        i.kind(),
                        Some(InstitutionKind::Lead | InstitutionKind::Member)
                    )
            })
            .filter_map(|i| Some((i.id, i.name.clone(), i.kind()?)))
            .collect();
        let mut staff: Vec<(Uuid, String, InstitutionKind)> = Vec::new();
        for (id, place, kind) in &places {
            let q = yigong_store::staff::StaffQuery {
                institution: Some(*id),
                ..Default::default()
            };
            let found = state
                .store
                .search_staff(
                    c,
                    &q,
                    yigong_store::PageRequest::new(
                        None,
                        Some(yigong_store::PageRequest::MAX_PER_PAGE),
                    ),
                )
                .await
                .map_err(|e| UiError(e.into(), lang))?;
            staff.extend(
                found
                    .items
                    .into_iter()
                    .map(|s| (s.id, format!("{} · {place}", s.name), *kind)),
            );
        }
        for role in MemberRole::ALL {
            roles.push(RoleSelect {
                role: role.as_str(),
                label: lang.t(&format!("family.role.{}", role.as_str())),
                required: matches!(
                    role,
                    MemberRole::Specialist
                        | MemberRole::TownshipClinician
                        | MemberRole::PublicHealth
                        | MemberRole::VillageDoctor
                ),
                candidates: {
                    let chosen = uuid_of(f, &format!("member_{}", role.as_str()));
                    staff
                        .iter()
                        .filter(|s| role.fits(s.2))
                        .map(|s| (s.0, s.1.clone(), chosen == Some(s.0)))
                        .collect()
                },
            });
        }
        if name.is_empty() {
            let township_name = townships
                .iter()
                .find(|x| x.0 == t)
                .map(|x| x.1.clone())
                .unwrap_or_default();
            name = format!("{township_name}家庭医生团队");
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
    match crate::api::family::create_for(&state, &user, &body).await {
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
