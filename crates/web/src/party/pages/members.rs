//! A member's page with their development (the steps taken, who decided, and the form for
//! the next one, which names the first allowed day when it is too early), and the page
//! that adds an applicant or activist to a branch.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::party::api::{
    self as api, AdvanceBody, AwardBody, MemberView, MoveBody, NewMemberBody, PayBody,
};
use crate::state::AppState;
use crate::ui::form::{Done, Problems, flash, sent_back};
use crate::ui::pages::see_other;
use crate::ui::{Chrome, OrUi, UiError, UiResult, UiUser, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::party::dues::{DuesBasis, monthly_fen};
use yigong_domain::party::fund::{parse_yuan, yuan_text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/party/members/{id}", get(member).post(advance))
        .route("/party/members/{id}/points", post(points))
        .route("/party/members/{id}/pay", post(pay))
        .route("/party/members/{id}/moves", post(relocate))
        .route("/party/orgs/{id}/members/new", get(new_member).post(add))
}

#[derive(Debug, Default, Deserialize)]
struct StepForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    note: String,
}

/// The points form as typed.
#[derive(Debug, Default, Deserialize)]
struct PointsForm {
    #[serde(default)]
    rule: String,
    #[serde(default)]
    evidence: String,
}

/// The dues basis form as typed: the basis and the monthly pay in yuan.
#[derive(Debug, Default, Deserialize)]
struct PayForm {
    #[serde(default)]
    dues_basis: String,
    #[serde(default)]
    pay: String,
}

/// The move form as typed.
#[derive(Debug, Default, Deserialize)]
struct MoveForm {
    #[serde(default, rename = "move")]
    kind: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    moved_on: String,
    #[serde(default)]
    destination: String,
}

/// The forms of the member page, as typed (or as stored).
#[derive(Debug, Default)]
struct Typed {
    step: StepForm,
    points: PointsForm,
    pay: Option<PayForm>,
    moving: MoveForm,
}

#[derive(Template)]
#[template(path = "party/member.html")]
struct MemberPage {
    chrome: Chrome,
    view: MemberView,
    /// (code, label with its points) of the rules in force.
    rules: Vec<(String, String)>,
    csrf: String,
    f: StepForm,
    p: PointsForm,
    pay: PayForm,
    m: MoveForm,
    /// (id, name) of the branches a member may be transferred to.
    branches: Vec<(Uuid, String)>,
    /// The monthly dues the brackets give, in yuan.
    monthly: String,
    notice: Option<String>,
    problems: Problems,
}

async fn member_page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    (typed, notice, error): (Typed, Option<String>, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let v = api::view(state, user, id).await.ui(lang)?;
    let rules = api::rules(state)
        .await
        .ui(lang)?
        .into_iter()
        .map(|r| {
            let label = format!(
                "{}（{:+}）",
                lang.t(&format!("party.rule.{}", r.code)),
                r.points
            );
            (r.code, label)
        })
        .collect();
    let branches = if v.writes {
        let orgs = state.store.party_orgs(state.community.id).await.ui(lang)?;
        orgs.into_iter()
            .filter(|o| o.kind == "branch" && o.id != v.member.org_id)
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = MemberPage {
        chrome: Chrome::for_user(user, "party"),
        m: typed.moving,
        branches,
        pay: typed.pay.unwrap_or_else(|| PayForm {
            dues_basis: v.member.dues_basis.clone(),
            pay: yuan_text(v.member.pay_fen),
        }),
        monthly: yuan_text(monthly_fen(
            DuesBasis::parse(&v.member.dues_basis).unwrap_or(DuesBasis::Working),
            v.member.pay_fen,
        )),
        view: v,
        rules,
        csrf: user.csrf.clone(),
        f: typed.step,
        p: typed.points,
        notice,
        problems: Problems::of(user.lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn member(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Query(done): Query<Done>,
) -> UiResult<Response> {
    let notice = flash(user.lang, done.done.as_deref());
    member_page(&state, &user, id, (fresh(), notice, None)).await
}

async fn advance(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> UiResult<Response> {
    let body = AdvanceBody {
        on: f.on.clone(),
        note: f.note.clone(),
    };
    match api::step(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/members/{id}?done=member_advanced"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = Typed { step: f, ..fresh() };
            member_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

/// Both forms empty, the step dated today.
fn fresh() -> Typed {
    Typed {
        step: StepForm {
            on: yigong_domain::clock::today().to_string(),
            ..StepForm::default()
        },
        points: PointsForm::default(),
        pay: None,
        moving: MoveForm {
            moved_on: yigong_domain::clock::today().to_string(),
            ..MoveForm::default()
        },
    }
}

async fn relocate(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<MoveForm>,
) -> UiResult<Response> {
    let body = MoveBody {
        kind: f.kind.clone(),
        org_id: f.org_id.parse().ok(),
        moved_on: f.moved_on.clone(),
        destination: f.destination.clone(),
    };
    match api::relocate(&state, &user, id, &body).await {
        // A member transferred to another branch is out of a branch secretary's reach:
        // back to the branch they left.
        Ok(moved) if moved.org_id != moved.from_org_id => Ok(see_other(&format!(
            "/party/orgs/{}?done=member_moved",
            moved.from_org_id
        ))),
        Ok(_) => Ok(see_other(&format!(
            "/party/members/{id}?done=member_moved#moves"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = Typed {
                moving: f,
                ..fresh()
            };
            member_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn pay(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(f): Form<PayForm>,
) -> UiResult<Response> {
    // Yuan as typed; a malformed amount reaches the rules as nothing, refused at its field.
    let body = PayBody {
        dues_basis: f.dues_basis.clone(),
        pay_fen: parse_yuan(&f.pay).unwrap_or(-1),
    };
    match api::set_pay(&state, &user, id, &body).await {
        Ok(()) => Ok(see_other(&format!(
            "/party/members/{id}?done=pay_saved#dues"
        ))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let typed = Typed {
                pay: Some(f),
                ..fresh()
            };
            member_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

async fn points(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(id): Path<Uuid>,
    Form(p): Form<PointsForm>,
) -> UiResult<Response> {
    let body = AwardBody {
        rule: p.rule.clone(),
        evidence: p.evidence.clone(),
    };
    match api::give(&state, &user, id, &body).await {
        Ok(_) => Ok(see_other(&format!(
            "/party/members/{id}?done=points_awarded#points"
        ))),
        Err(e) if sent_back(&e) => {
            let typed = Typed {
                points: p,
                ..fresh()
            };
            member_page(&state, &user, id, (typed, None, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    since: String,
}

#[derive(Template)]
#[template(path = "party/member_new.html")]
struct NewPage {
    chrome: Chrome,
    org_id: Uuid,
    org: String,
    csrf: String,
    f: NewForm,
    problems: Problems,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    (f, error): (NewForm, Option<ApiError>),
) -> UiResult<Response> {
    let lang = user.lang;
    let (o, writes) = api::org_in_reach(state, user, org, "party.member_added")
        .await
        .ui(lang)?;
    if !writes {
        return Err(UiError(ApiError::not_found(), lang));
    }
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = NewPage {
        chrome: Chrome::for_user(user, "party"),
        org_id: o.id,
        org: o.name,
        csrf: user.csrf.clone(),
        f,
        problems: Problems::of(lang, error.as_ref()),
    };
    Ok((status, render(&page)).into_response())
}

async fn new_member(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(org): Path<Uuid>,
) -> UiResult<Response> {
    let f = NewForm {
        status: "applicant".into(),
        since: yigong_domain::clock::today().to_string(),
        ..NewForm::default()
    };
    new_page(&state, &user, org, (f, None)).await
}

async fn add(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Path(org): Path<Uuid>,
    Form(f): Form<NewForm>,
) -> UiResult<Response> {
    let body = NewMemberBody {
        name: f.name.clone(),
        status: f.status.clone(),
        since: f.since.clone(),
    };
    match api::add(&state, &user, org, &body).await {
        Ok(id) => Ok(see_other(&format!("/party/members/{id}?done=member_added"))),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            new_page(&state, &user, org, (f, Some(e))).await
        }
        Err(e) => Err(UiError(e, user.lang)),
    }
}
