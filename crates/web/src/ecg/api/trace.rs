//! A study's trace on ECG paper (25 mm/s, 10 mm/mV), as SVG.

use super::{format_error, load};
use crate::api::AppQuery;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yigong_domain::ids::StudyId;
use yigong_ecg::{FormatError, read_upload, render};

#[derive(Debug, Default, Deserialize)]
pub struct TraceQuery {
    /// `12` (3×4 with a rhythm strip, the default for 12-lead recordings) or a lead name
    /// for that lead at full length.
    pub lead: Option<String>,
}

/// The trace on standard ECG paper, as SVG.
#[utoipa::path(get, path = "/ecg/studies/{id}/trace.svg",
    params(("id" = Uuid, Path), ("lead" = Option<String>, Query, description = "`12` or a lead name")),
    responses((status = 200, content_type = "image/svg+xml", description = "25 mm/s, 10 mm/mV"), (status = 404)))]
pub async fn trace(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<StudyId>,
    AppQuery(q): AppQuery<TraceQuery>,
) -> ApiResult<Response> {
    let study = load(&state, &user, id, "ecg.read").await?;
    let files = state.store.study_files(state.community.id, id).await?;
    let fs = study.sample_rate;
    let measurements = state
        .store
        .study_measurements(state.community.id, id)
        .await?;
    let svg = tokio::task::spawn_blocking(move || {
        let named: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let (_, recording) = read_upload(&named, Some(fs))?;
        let beats: Vec<usize> = serde_json::from_str::<serde_json::Value>(&measurements)
            .ok()
            .and_then(|m| serde_json::from_value(m["beats"].clone()).ok())
            .unwrap_or_default();
        let layout = match q.lead.as_deref() {
            None | Some("12") if recording.is_twelve_lead() => render::Layout::TwelveLead,
            None | Some("12") => render::Layout::Lead(recording.leads[0].name.clone()),
            Some(name) => render::Layout::Lead(name.to_string()),
        };
        Ok::<_, FormatError>(render::svg(&recording, &layout, &beats))
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(format_error)?;
    let svg = svg.ok_or_else(|| ApiError::field(StatusCode::NOT_FOUND, "lead", "not_found"))?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}
