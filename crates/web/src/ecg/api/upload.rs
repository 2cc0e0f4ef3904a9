//! Uploading a recording: the multipart form, its checks, reading and measuring the
//! files, and the study stored with its audit row and announced to the live pages.

use super::*;

/// The fields of an upload besides its files.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub resident_id: Option<String>,
    pub recorded_at: Option<String>,
    pub symptom_onset_at: Option<String>,
    pub symptoms: String,
    pub chest_pain: bool,
    pub sample_rate: Option<String>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Reads a multipart upload: the named fields, and up to two `file` parts.
pub async fn read_form(mut mp: Multipart) -> ApiResult<UploadForm> {
    let mut form = UploadForm::default();
    let unreadable = || ApiError::new(StatusCode::BAD_REQUEST, "ecg_form_unreadable");
    while let Some(field) = mp.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name: String = field
                .file_name()
                .unwrap_or("upload")
                .chars()
                .take(100)
                .collect();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"))?;
            if bytes.is_empty() {
                continue;
            }
            if form.files.len() == 2 {
                return Err(unprocessable("file", "ecg_too_many_files"));
            }
            form.files.push((file_name, bytes.to_vec()));
            continue;
        }
        let value = field.text().await.map_err(|_| unreadable())?;
        let value = value.trim().to_string();
        let some = |v: String| if v.is_empty() { None } else { Some(v) };
        match name.as_str() {
            "resident_id" => form.resident_id = some(value),
            "recorded_at" => form.recorded_at = some(value),
            "symptom_onset_at" => form.symptom_onset_at = some(value),
            "symptoms" => form.symptoms = value,
            "chest_pain" => form.chest_pain = matches!(value.as_str(), "true" | "on" | "1"),
            "sample_rate" => form.sample_rate = some(value),
            _ => {}
        }
    }
    Ok(form)
}

/// An instant from a form: RFC 3339, or `YYYY-MM-DDTHH:MM` as a browser's
/// datetime-local field sends it (read as China time).
fn instant(raw: &str, field: &'static str) -> ApiResult<OffsetDateTime> {
    let utc = |t: OffsetDateTime| t.to_offset(time::UtcOffset::UTC);
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok(utc(t));
    }
    let local = format!("{}:00+08:00", raw.get(..16).unwrap_or(raw));
    OffsetDateTime::parse(&local, &Rfc3339)
        .map(utc)
        .map_err(|_| unprocessable(field, "date_invalid"))
}

/// An upload's fields, checked.
struct UploadFields {
    resident_id: Uuid,
    recorded_at: OffsetDateTime,
    symptom_onset_at: Option<OffsetDateTime>,
    sample_rate: Option<f64>,
}

/// Checks an upload's fields before its files are read: a resident named, times that are
/// not in the future and in order, notes that fit, a plausible sampling rate, a file.
fn upload_fields(form: &UploadForm) -> ApiResult<UploadFields> {
    let resident_id = form
        .resident_id
        .as_deref()
        .ok_or_else(|| unprocessable("resident", "required"))?;
    let resident_id =
        Uuid::parse_str(resident_id).map_err(|_| unprocessable("resident", "invalid_field"))?;
    let now = OffsetDateTime::now_utc();
    let recorded_at = match form.recorded_at.as_deref() {
        Some(raw) => instant(raw, "recorded_at")?,
        None => now,
    };
    if recorded_at > now + time::Duration::minutes(5) {
        return Err(unprocessable("recorded_at", "in_future"));
    }
    let symptom_onset_at = form
        .symptom_onset_at
        .as_deref()
        .map(|raw| instant(raw, "symptom_onset_at"))
        .transpose()?;
    if symptom_onset_at.is_some_and(|t| t > recorded_at) {
        return Err(unprocessable("symptom_onset_at", "onset_after_recording"));
    }
    if form.symptoms.chars().count() > 500 {
        return Err(unprocessable("symptoms", "too_long"));
    }
    let sample_rate = form
        .sample_rate
        .as_deref()
        .map(|raw| {
            raw.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && (50.0..=20_000.0).contains(f))
                .ok_or_else(|| unprocessable("sample_rate", "sample_rate_invalid"))
        })
        .transpose()?;
    if form.files.is_empty() {
        return Err(unprocessable("file", "required"));
    }
    Ok(UploadFields {
        resident_id,
        recorded_at,
        symptom_onset_at,
        sample_rate,
    })
}

/// Checks, reads, measures and stores an upload; shared by the API and the upload page.
pub async fn upload_study(
    state: &AppState,
    user: &CurrentUser,
    form: UploadForm,
) -> ApiResult<Study> {
    user.require(user.ecg.sends())?;
    let UploadFields {
        resident_id,
        recorded_at,
        symptom_onset_at,
        sample_rate,
    } = upload_fields(&form)?;
    let resident = match state
        .store
        .get_resident(state.community.id, resident_id)
        .await
    {
        Ok(r) if user.scope.allows(r.institution_id) => r,
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            return Err(unprocessable("resident", "not_found"));
        }
        Err(e) => return Err(e.into()),
    };
    // Reading and measuring are pure computation over a few megabytes at most.
    let files = form.files;
    let (format, recording, measured, files) = tokio::task::spawn_blocking(move || {
        let named: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let (format, recording) = read_upload(&named, sample_rate)?;
        let measured = measure::measure(&recording);
        Ok::<_, FormatError>((format, recording, measured, files))
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(format_error)?;
    if (recording.len() as f64) < MIN_SECONDS * recording.fs {
        return Err(unprocessable("file", "ecg_too_short"));
    }
    let alerts: Vec<&str> = measured.alerts.iter().map(|a| a.as_str()).collect();
    let urgency = Urgency::assess(&alerts, form.chest_pain);
    let new = NewStudy {
        resident_id: resident.id,
        from_institution_id: user.institution_id,
        uploaded_by: Some(user.account_id),
        urgency_rank: urgency.rank(),
        chest_pain: form.chest_pain,
        symptoms: form.symptoms,
        symptom_onset_at,
        recorded_at,
        format: format.as_str().to_string(),
        sample_rate: recording.fs,
        lead_count: recording.leads.len() as i32,
        samples_per_lead: recording.len() as i64,
        heart_rate: measured.heart_rate_bpm,
        alerts: alerts.join(","),
        measurements: serde_json::to_string(&measured).map_err(|_| ApiError::internal())?,
        files,
    };
    let entry = user.audit_entry("ecg.upload", "ecg_study", None, true, urgency.as_str());
    let id = state
        .store
        .create_study(state.community.id, &new, &entry)
        .await?;
    let study = state.store.get_study(state.community.id, id).await?;
    announce(state, &study);
    Ok(study)
}

/// Upload a recording (multipart: `file` once, or twice for a WFDB `.hea` and `.dat`;
/// `resident_id`, `recorded_at`, `symptom_onset_at`, `symptoms`, `chest_pain`,
/// `sample_rate` for a CSV without a time column).
#[utoipa::path(post, path = "/ecg/studies",
    request_body(content_type = "multipart/form-data", description = "`file` (once, or twice for a WFDB .hea and .dat), `resident_id`, `recorded_at`, `symptom_onset_at`, `symptoms`, `chest_pain`, `sample_rate`"),
    responses((status = 201, description = "The study with its automatic measurements"), (status = 422, description = "A field, or the file, is wrong: the message says what")))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<StudyDetail>)> {
    let form = read_form(mp).await?;
    let study = upload_study(&state, &user, form).await?;
    Ok((StatusCode::CREATED, Json(detail_from(&state, study).await?)))
}
