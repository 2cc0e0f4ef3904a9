//! Mentoring (师带徒) and training through the API: the office pairs a master with an
//! apprentice with goals; the apprentice's clinic (or the office) notes the progress and
//! the techniques passed on; training events record attendance and scores. Counts of the
//! techniques a site can now do (seed 001: 98 new techniques).

use super::{day, places, plans, records, refuse, unprocessable};
use crate::api::{AppJson, AppQuery};
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_store::StoreError;
use yigong_store::outreach::{MentorshipRow, NewMentorship, NewTraining, NoteRow, TrainingRow};

/// The pairs in the user's reach (by the apprentice's clinic).
pub async fn pairs_for(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<MentorshipRow>> {
    let mine = places(user);
    Ok(state
        .store
        .mentorships(state.community.id)
        .await?
        .into_iter()
        .filter(|m| mine.as_ref().is_none_or(|p| p.contains(&m.institution_id)))
        .collect())
}

/// Master–apprentice pairs, the latest started first.
#[utoipa::path(get, path = "/outreach/mentorships", responses((status = 200, body = Vec<Object>)))]
pub async fn list_mentorships(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<MentorshipRow>>> {
    Ok(Json(pairs_for(&state, &user).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MentorshipBody {
    #[serde(default)]
    pub master_id: Option<Uuid>,
    #[serde(default)]
    pub apprentice_id: Option<Uuid>,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub started_on: String,
}

/// An active staff member as given.
async fn active_staff(state: &AppState, id: Option<Uuid>, field: &'static str) -> ApiResult<Uuid> {
    let id = id.ok_or_else(|| unprocessable(field, "required"))?;
    match state.store.get_staff(state.community.id, id).await {
        Ok(s) if s.active => Ok(id),
        Ok(_) | Err(StoreError::NotFound) => Err(unprocessable(field, "not_found")),
        Err(e) => Err(e.into()),
    }
}

/// Pairs a master with an apprentice (the office).
#[utoipa::path(post, path = "/outreach/mentorships", request_body = MentorshipBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_mentorship(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<MentorshipBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    if !plans(&user) {
        return Err(refuse(&state, &user, ("outreach.mentorship", "mentorship"), None).await);
    }
    let master = active_staff(&state, b.master_id, "master_id").await?;
    let apprentice = active_staff(&state, b.apprentice_id, "apprentice_id").await?;
    if master == apprentice {
        return Err(unprocessable("apprentice_id", "same_person"));
    }
    let goals = b.goals.trim();
    if goals.is_empty() {
        return Err(unprocessable("goals", "required"));
    }
    let started_on = if b.started_on.trim().is_empty() {
        today()
    } else {
        day(&b.started_on, "started_on")?
    };
    let new = NewMentorship {
        master_id: master,
        apprentice_id: apprentice,
        goals: goals.chars().take(500).collect(),
        started_on,
    };
    let entry = user.audit_entry("outreach.mentorship", "mentorship", None, true, "");
    let id = state
        .store
        .add_mentorship(state.community.id, &new, &entry)
        .await?;
    // The master's party points for taking an apprentice, once (the `mentoring` rule).
    let source = format!("mentoring:{id}");
    crate::party::api::award_event(&state, &user, master, ("mentoring", &source, &new.goals))
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PairView {
    #[schema(value_type = Object)]
    #[serde(flatten)]
    pub pair: MentorshipRow,
    #[schema(value_type = Vec<Object>)]
    pub notes: Vec<NoteRow>,
    /// Whether the user may add a note.
    pub can_note: bool,
}

/// A pair in reach with its notes (404 otherwise).
pub async fn pair_of(state: &AppState, user: &CurrentUser, id: Uuid) -> ApiResult<PairView> {
    let c = state.community.id;
    let pair = match state.store.get_mentorship(c, id).await {
        Ok(p) if places(user).is_none_or(|m| m.contains(&p.institution_id)) => p,
        Ok(_) | Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok(PairView {
        notes: state.store.mentoring_notes(c, id).await?,
        can_note: records(user, pair.institution_id),
        pair,
    })
}

#[utoipa::path(get, path = "/outreach/mentorships/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = PairView), (status = 404)))]
pub async fn mentorship(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<PairView>> {
    Ok(Json(pair_of(&state, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NoteBody {
    #[serde(default)]
    pub noted_on: String,
    #[serde(default)]
    pub note: String,
    /// The technique passed on, if one was (阑尾切除术, 清创缝合, …).
    #[serde(default)]
    pub technique: String,
}

/// A progress note on a pair, checked and written.
pub async fn note_pair(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &NoteBody,
) -> ApiResult<Uuid> {
    let pair = pair_of(state, user, id).await?;
    if !pair.can_note {
        return Err(refuse(
            state,
            user,
            ("outreach.mentoring_note", "mentorship"),
            Some(id),
        )
        .await);
    }
    let note = b.note.trim();
    if note.is_empty() {
        return Err(unprocessable("note", "required"));
    }
    let noted_on = if b.noted_on.trim().is_empty() {
        today()
    } else {
        day(&b.noted_on, "noted_on")?
    };
    if noted_on > today() {
        return Err(unprocessable("noted_on", "in_future"));
    }
    let note: String = note.chars().take(1000).collect();
    let technique: String = b.technique.trim().chars().take(60).collect();
    let entry = user.audit_entry("outreach.mentoring_note", "mentorship", Some(id), true, "");
    Ok(state
        .store
        .add_mentoring_note(
            state.community.id,
            (id, noted_on),
            (&note, &technique),
            &entry,
        )
        .await?)
}

/// Notes progress on a pair (the apprentice's clinic, or the office).
#[utoipa::path(post, path = "/outreach/mentorships/{id}/notes", params(("id" = Uuid, Path)), request_body = NoteBody,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
pub async fn add_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<NoteBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let note = note_pair(&state, &user, id, &b).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": note }))))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Trainings {
    #[schema(value_type = Vec<Object>)]
    pub trainings: Vec<TrainingRow>,
    /// Techniques passed on in the period, counted once per site.
    pub techniques: i64,
}

/// Training events in the period (this year by default) in reach, and the techniques
/// passed on.
pub async fn trainings_for(
    state: &AppState,
    user: &CurrentUser,
    q: &super::StatsQuery,
) -> ApiResult<Trainings> {
    let period = super::period_of(q)?;
    let mine = places(user);
    let c = state.community.id;
    Ok(Trainings {
        trainings: state
            .store
            .trainings(c, period)
            .await?
            .into_iter()
            .filter(|t| mine.as_ref().is_none_or(|p| p.contains(&t.institution_id)))
            .collect(),
        techniques: state.store.techniques_passed(c, period).await?,
    })
}

#[utoipa::path(get, path = "/outreach/trainings", params(super::StatsQuery),
    responses((status = 200, body = Trainings), (status = 422)))]
pub async fn list_trainings(
    State(state): State<AppState>,
    user: CurrentUser,
    AppQuery(q): AppQuery<super::StatsQuery>,
) -> ApiResult<Json<Trainings>> {
    Ok(Json(trainings_for(&state, &user, &q).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct Attendee {
    #[serde(default)]
    pub staff_id: Option<Uuid>,
    /// 0 to 100 if assessed.
    #[serde(default)]
    pub score: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TrainingBody {
    #[serde(default)]
    pub institution_id: Option<Uuid>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub trainer_id: Option<Uuid>,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
}

/// Records a training event with its attendance (the place's clinic, or the office).
#[utoipa::path(post, path = "/outreach/trainings", request_body = TrainingBody,
    responses((status = 201, body = Object), (status = 403), (status = 422)))]
pub async fn add_training(
    State(state): State<AppState>,
    user: CurrentUser,
    AppJson(b): AppJson<TrainingBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let place = b
        .institution_id
        .ok_or_else(|| unprocessable("institution_id", "required"))?;
    if !records(&user, place) {
        return Err(refuse(&state, &user, ("outreach.training", "training"), None).await);
    }
    let title = b.title.trim();
    if title.is_empty() {
        return Err(unprocessable("title", "required"));
    }
    let held_on = day(&b.held_on, "held_on")?;
    let trainer = match b.trainer_id {
        Some(t) => Some(active_staff(&state, Some(t), "trainer_id").await?),
        None => None,
    };
    let mut attendance: Vec<(Uuid, Option<i64>)> = Vec::new();
    for a in &b.attendees {
        let id = active_staff(&state, a.staff_id, "attendees").await?;
        if a.score.is_some_and(|s| !(0..=100).contains(&s)) {
            return Err(unprocessable("attendees", "out_of_range"));
        }
        if attendance.iter().all(|(s, _)| *s != id) {
            attendance.push((id, a.score));
        }
    }
    let new = NewTraining {
        institution_id: place,
        title: title.chars().take(200).collect(),
        held_on,
        trainer_id: trainer,
        attendance,
    };
    let entry = user.audit_entry("outreach.training", "training", None, true, "");
    let id = state
        .store
        .add_training(state.community.id, &new, &entry)
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}
