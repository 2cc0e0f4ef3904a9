//! Postings (派驻) and exchanges (派一送一) through the API, with the official indicator:
//! physicians of intermediate title or above posted to the grassroots at least six months
//! of the year (only the days inside it counted) per 10,000 residents. The office records
//! them; every staff role reads them within its reach (no patient data).

use super::{day, places, plans, refuse, unprocessable};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::outreach::posting::{self as rules, Direction, Kind, Posting};
use yigong_domain::registry::InstitutionKind;
use yigong_store::StoreError;
use yigong_store::outreach::{NewPosting, PostingRow};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostingQuery {
    /// The year (this year by default).
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub year: i32,
    /// Physicians of intermediate title or above posted at least six months in the year.
    pub counted: usize,
    pub residents: i64,
    /// Per 10,000 residents, to two decimals; none without residents.
    pub per_10000: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Postings {
    #[schema(value_type = Vec<Object>)]
    pub postings: Vec<PostingRow>,
    /// Exchanges (two postings each) in the year.
    pub exchanges: usize,
    pub indicator: Indicator,
}

/// The year's first and last day.
fn year_span(year: i32) -> Option<(Date, Date)> {
    Some((
        Date::from_calendar_date(year, Month::January, 1).ok()?,
        Date::from_calendar_date(year, Month::December, 31).ok()?,
    ))
}

/// The postings of a year in the user's reach and the county's indicator.
pub async fn postings_for(
    state: &AppState,
    user: &CurrentUser,
    year: Option<i32>,
) -> ApiResult<Postings> {
    let year = year.unwrap_or_else(|| today().year());
    let span = year_span(year).ok_or_else(|| unprocessable("year", "out_of_range"))?;
    let c = state.community.id;
    let all = state.store.postings(c, span).await?;
    let counted: Vec<(Uuid, Posting)> = all
        .iter()
        .filter(|p| p.direction == Direction::Down)
        .map(|p| {
            let (physician, intermediate_or_above) = rules::title_level(&p.title);
            (
                p.staff_id,
                Posting {
                    start: p.start_on,
                    end: p.end_on,
                    physician,
                    intermediate_or_above,
                },
            )
        })
        .collect();
    let residents = state.store.count_residents(c).await?;
    let t = today();
    let people = counted
        .iter()
        .filter(|(_, p)| rules::counts(p, year, t))
        .map(|(id, _)| *id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let per = rules::per_10000(&counted, year, t, u64::try_from(residents).unwrap_or(0))
        .map(|v| (v * 100.0).round() / 100.0);
    let mine = places(user);
    let mut exchanges: Vec<Uuid> = all.iter().filter_map(|p| p.exchange_id).collect();
    exchanges.sort();
    exchanges.dedup();
    Ok(Postings {
        exchanges: exchanges.len(),
        postings: all
            .into_iter()
            .filter(|p| mine.as_ref().is_none_or(|m| m.contains(&p.institution_id)))
            .collect(),
        indicator: Indicator {
            year,
            counted: people,
            residents,
            per_10000: per,
        },
    })
}

/// The year's postings and the official indicator.
#[utoipa::path(get, path = "/outreach/postings", params(PostingQuery),
    responses((status = 200, body = Postings), (status = 422)))]
pub async fn list_postings(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<PostingQuery>,
) -> ApiResult<Json<Postings>> {
    Ok(Json(postings_for(&state, &user, q.year).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PostingBody {
    #[serde(default)]
    pub staff_id: Option<Uuid>,
    /// The grassroots site.
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    /// `long_term`, `support` or `rounds`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub start_on: String,
    /// The last day; empty: still posted.
    #[serde(default)]
    pub end_on: String,
    #[serde(default)]
    pub note: String,
}

/// An active staff member as given, and where they work.
async fn staff_of(
    state: &AppState,
    id: Option<Uuid>,
    field: &'static str,
) -> ApiResult<(Uuid, InstitutionKind, Uuid)> {
    let c = state.community.id;
    let id = id.ok_or_else(|| unprocessable(field, "required"))?;
    let s = match state.store.get_staff(c, id).await {
        Ok(s) if s.active => s,
        Ok(_) | Err(StoreError::NotFound) => return Err(unprocessable(field, "not_found")),
        Err(e) => return Err(e.into()),
    };
    let home = state.store.get_institution(c, s.institution_id).await?;
    let kind = home
        .kind()
        .ok_or_else(|| unprocessable(field, "not_found"))?;
    Ok((id, kind, home.id))
}

fn hospital(k: InstitutionKind) -> bool {
    matches!(k, InstitutionKind::Lead | InstitutionKind::Member)
}

/// The days of a posting, checked.
fn days_of(start: &str, end: &str) -> ApiResult<(Date, Option<Date>)> {
    let start = day(start, "start_on")?;
    let end = match end.trim() {
        "" => None,
        e => Some(day(e, "end_on")?),
    };
    if end.is_some_and(|e| e < start) {
        return Err(unprocessable("end_on", "end_before_start"));
    }
    Ok((start, end))
}

/// Records a posting of a hospital's staff member to a grassroots site (the office).
#[utoipa::path(post, path = "/outreach/postings", request_body = PostingBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_posting(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<PostingBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.posting", "outreach_posting"),
            None,
        )
        .await);
    }
    let (staff, home, _) = staff_of(&state, b.staff_id, "staff_id").await?;
    if !hospital(home) {
        return Err(unprocessable("staff_id", "not_an_expert"));
    }
    let site = super::roster::site_of(&state, b.institution_id).await?;
    let kind = Kind::parse(b.kind.trim()).ok_or_else(|| unprocessable("kind", "invalid_field"))?;
    let (start_on, end_on) = days_of(&b.start_on, &b.end_on)?;
    let new = NewPosting {
        staff_id: staff,
        institution_id: site,
        kind,
        direction: Direction::Down,
        start_on,
        end_on,
        note: b.note.trim().chars().take(200).collect(),
    };
    let entry = user.audit_entry(
        "outreach.posting",
        "outreach_posting",
        None,
        true,
        kind.as_str(),
    );
    let ids = state
        .store
        .add_postings(state.community.id, &[new], &entry)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": ids.first() })),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ExchangeBody {
    /// Who goes down: a staff member of the lead or a member hospital.
    #[serde(default)]
    pub down_staff_id: Option<Uuid>,
    /// Who comes up: a staff member of a township or village clinic.
    #[serde(default)]
    pub up_staff_id: Option<Uuid>,
    #[serde(default)]
    pub start_on: String,
    #[serde(default)]
    pub end_on: String,
}

/// Records an exchange (派一送一, the office): the one goes to the other's clinic and the
/// other comes up to the one's hospital, over the same days.
#[utoipa::path(post, path = "/outreach/exchanges", request_body = ExchangeBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_exchange(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<ExchangeBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.exchange", "outreach_posting"),
            None,
        )
        .await);
    }
    let (down, down_home, hospital_id) = staff_of(&state, b.down_staff_id, "down_staff_id").await?;
    let (up, up_home, clinic_id) = staff_of(&state, b.up_staff_id, "up_staff_id").await?;
    if !hospital(down_home) {
        return Err(unprocessable("down_staff_id", "not_an_expert"));
    }
    if hospital(up_home) {
        return Err(unprocessable("up_staff_id", "not_grassroots"));
    }
    let (start_on, end_on) = days_of(&b.start_on, &b.end_on)?;
    let half = |staff, institution_id, direction| NewPosting {
        staff_id: staff,
        institution_id,
        kind: Kind::Support,
        direction,
        start_on,
        end_on,
        note: String::new(),
    };
    let rows = [
        half(down, clinic_id, Direction::Down),
        half(up, hospital_id, Direction::Up),
    ];
    let entry = user.audit_entry("outreach.exchange", "outreach_posting", None, true, "");
    let ids = state
        .store
        .add_postings(state.community.id, &rows, &entry)
        .await?;
    let exchange = state
        .store
        .get_posting(state.community.id, ids[0])
        .await?
        .exchange_id;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "ids": ids, "exchange_id": exchange })),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EndBody {
    #[serde(default)]
    pub end_on: String,
}

/// Ends a posting (and the other half of its exchange) on a day (the office).
#[utoipa::path(post, path = "/outreach/postings/{id}/end", params(("id" = Uuid, Path)), request_body = EndBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn end_posting(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<EndBody>,
) -> ApiResult<StatusCode> {
    if !plans(&user) {
        return Err(refuse(
            &state,
            &user,
            ("outreach.posting_end", "outreach_posting"),
            Some(id),
        )
        .await);
    }
    let d = day(&b.end_on, "end_on")?;
    match state.store.get_posting(state.community.id, id).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    }
    let entry = user.audit_entry(
        "outreach.posting_end",
        "outreach_posting",
        Some(id),
        true,
        "",
    );
    if state
        .store
        .end_posting(state.community.id, (id, d), &entry)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(StatusCode::CONFLICT, "posting_not_running"))
    }
}
