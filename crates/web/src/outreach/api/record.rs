//! The township's record of a held session: the people served, procedures, teaching
//! rounds and lectures, and the registered patients seen, each with the township doctor
//! who sat with the expert and the referral started there.

use super::sessions::changed;
use super::{reaches, records, refuse, unprocessable};
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::outreach::session as rules;
use yigong_store::StoreError;
use yigong_store::outreach::{SessionRecord, SessionRow, Visit};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct VisitBody {
    #[serde(default)]
    pub resident_id: Option<Uuid>,
    /// The township doctor who sat with the expert (a staff member of the place).
    #[serde(default)]
    pub doctor_id: Option<Uuid>,
    #[serde(default)]
    pub note: String,
    /// A referral of the patient started at the session.
    #[serde(default)]
    pub referral_id: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RecordBody {
    #[serde(default)]
    pub version: Option<i64>,
    /// Everyone the expert saw, registered or not.
    #[serde(default)]
    pub people_served: Option<i64>,
    #[serde(default)]
    pub procedures: Option<i64>,
    #[serde(default)]
    pub teaching_rounds: Option<i64>,
    #[serde(default)]
    pub lectures: Option<i64>,
    #[serde(default)]
    pub summary: String,
    /// The registered patients seen.
    #[serde(default)]
    pub visits: Vec<VisitBody>,
}

fn count(v: Option<i64>, field: &'static str) -> ApiResult<i64> {
    v.unwrap_or(0)
        .try_into()
        .ok()
        .filter(|n: &u16| *n <= 2000)
        .map(i64::from)
        .ok_or_else(|| unprocessable(field, "out_of_range"))
}

/// The body's visits, each patient reached by the user and listed once, each doctor of
/// the place, each referral the patient's.
async fn visits_of(
    state: &AppState,
    user: &CurrentUser,
    s: &SessionRow,
    b: &RecordBody,
) -> ApiResult<Vec<Visit>> {
    let c = state.community.id;
    let mut out: Vec<Visit> = Vec::new();
    for v in &b.visits {
        let Some(rid) = v.resident_id else {
            return Err(unprocessable("visits", "required"));
        };
        match state.store.get_resident(c, rid).await {
            Ok(r) if user.scope.allows(r.institution_id) => {}
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(unprocessable("visits", "not_found").with_detail(rid.to_string()));
            }
            Err(e) => return Err(e.into()),
        }
        if out.iter().any(|o| o.resident_id == rid) {
            return Err(unprocessable("visits", "duplicate").with_detail(rid.to_string()));
        }
        if let Some(d) = v.doctor_id {
            match state.store.get_staff(c, d).await {
                Ok(st) if st.institution_id == s.institution_id => {}
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(unprocessable("doctor_id", "not_found"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(r) = v.referral_id {
            match state.store.get_referral(c, r.into()).await {
                Ok(found) if found.resident_id == rid => {}
                Ok(_) | Err(StoreError::NotFound) => {
                    return Err(unprocessable("referral_id", "not_found"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        out.push(Visit {
            resident_id: rid,
            doctor_id: v.doctor_id,
            note: v.note.trim().chars().take(500).collect(),
            referral_id: v.referral_id,
        });
    }
    Ok(out)
}

/// Records a held session (or corrects its record): the township of the place, or the
/// office.
#[utoipa::path(put, path = "/outreach/sessions/{id}/record", params(("id" = Uuid, Path)), request_body = RecordBody,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<RecordBody>,
) -> ApiResult<StatusCode> {
    record_session(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The record of a session, checked and written.
pub async fn record_session(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    b: &RecordBody,
) -> ApiResult<()> {
    let c = state.community.id;
    let s = match state.store.get_session(c, id).await {
        Ok(s) if reaches(user, s.institution_id) => s,
        Ok(_) | Err(StoreError::NotFound) => {
            user.audit(
                state,
                "outreach.session_record",
                "outreach_session",
                Some(id),
                false,
                "",
            )
            .await?;
            return Err(ApiError::not_found());
        }
        Err(e) => return Err(e.into()),
    };
    if !records(user, s.institution_id) {
        return Err(refuse(
            state,
            user,
            ("outreach.session_record", "outreach_session"),
            Some(id),
        )
        .await);
    }
    let counts = [
        count(b.people_served, "people_served"),
        count(b.procedures, "procedures"),
        count(b.teaching_rounds, "teaching_rounds"),
        count(b.lectures, "lectures"),
    ];
    let summary = b.summary.trim();
    let mut problems: Vec<ApiError> = counts
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if summary.chars().count() > 2000 {
        problems.push(unprocessable("summary", "too_long"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let [served, procedures, teaching_rounds, lectures] = counts.map(|r| r.unwrap_or(0));
    let visits = visits_of(state, user, &s, b).await?;
    let listed = u32::try_from(visits.len()).unwrap_or(u32::MAX);
    rules::record(s.status, (s.day, today()), (served as u32, listed)).map_err(|r| {
        let status = if r == rules::Refusal::FewerThanListed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::CONFLICT
        };
        ApiError::field(status, "people_served", r.code())
    })?;
    let rec = SessionRecord {
        people_served: served,
        procedures,
        teaching_rounds,
        lectures,
        summary: summary.to_string(),
        visits,
    };
    let detail = format!("{served}");
    let entry = user.audit_entry(
        "outreach.session_record",
        "outreach_session",
        Some(id),
        true,
        &detail,
    );
    if !state
        .store
        .record_session(c, (id, b.version.unwrap_or(s.version)), &rec, &entry)
        .await?
    {
        return Err(changed());
    }
    // The expert's party points for the session, once (the party's `outreach` rule).
    let evidence = format!(
        "{} {} {}",
        s.institution_name,
        s.day,
        super::hhmm(s.start_min)
    );
    let source = format!("outreach:{id}");
    crate::party::api::award_event(state, user, s.expert_id, ("outreach", &source, &evidence))
        .await?;
    Ok(())
}
