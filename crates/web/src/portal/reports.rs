//! A resident's own released reports (ECG reports once signed, test results once
//! reported), their referrals and the notices pushed to them; and the push itself: when a
//! report is released, a notice goes out on the window's channel.

use super::auth::CurrentResident;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use yigong_domain::access::ReferralScope;
use yigong_domain::diagnostics::order::Status as OrderStatus;
use yigong_domain::ecg::Status as StudyStatus;
use yigong_store::PageRequest;
use yigong_store::diagnostics::{Order, OrderFilter, OrderNarrowing};
use yigong_store::ecg::{Study, StudyFilter};
use yigong_store::portal::Notice;
use yigong_store::referrals::ReferralFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reports))
        .routes(routes!(report))
        .routes(routes!(referrals))
        .routes(routes!(notices))
        .routes(routes!(live))
}

/// The notices pushed to this resident as they come, until the session ends.
#[utoipa::path(get, path = "/portal/live", responses((status = 200, content_type = "text/event-stream",
    description = "Server-sent events: a `notice` event (its id and kind) whenever a report of the resident is released"), (status = 401)))]
pub async fn live(
    State(state): State<AppState>,
    me: CurrentResident,
) -> axum::response::sse::Sse<
    impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let rx = state.portal_live.subscribe();
    let until = me.expires_at;
    let resident = me.resident.id;
    let events = futures_util::stream::unfold(rx, move |mut rx| async move {
        let left = until - OffsetDateTime::now_utc();
        let expiry = tokio::time::sleep(left.try_into().unwrap_or_default());
        tokio::pin!(expiry);
        loop {
            tokio::select! {
                () = &mut expiry => return None,
                got = rx.recv() => match got {
                    Ok(n) if n.resident == resident => {
                        let data = serde_json::to_string(&n).unwrap_or_default();
                        return Some((Ok(Event::default().event("notice").data(data)), rx));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => return Some((Ok(Event::default().event("notice").data("{}")), rx)),
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// A released report, as the resident's list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnReport {
    pub id: Uuid,
    /// `ecg` or `order`.
    pub kind: String,
    /// The test's catalogue code (`ecg` for an ECG).
    pub item: String,
    pub clinic: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reported_at: OffsetDateTime,
    /// The conclusion or impression as signed.
    pub conclusion: String,
    pub critical: bool,
}

/// A signed ECG report as the resident reads it.
async fn ecg_line(state: &AppState, s: Study) -> ApiResult<OwnReport> {
    let conclusion = state
        .store
        .study_report(state.community.id, s.id)
        .await?
        .map(|r| r.conclusion)
        .unwrap_or_default();
    Ok(OwnReport {
        id: s.id.uuid(),
        kind: "ecg".into(),
        item: "ecg".into(),
        clinic: s.from_institution_name,
        reported_at: s.reported_at.unwrap_or(s.recorded_at),
        conclusion,
        critical: s.critical,
    })
}

/// A reported test result as the resident reads it.
fn order_line(o: Order) -> OwnReport {
    OwnReport {
        id: o.id.uuid(),
        kind: "order".into(),
        item: o.item_code,
        clinic: o.from_institution_name,
        reported_at: o.reported_at.unwrap_or(o.created_at),
        conclusion: o.impression,
        critical: o.critical,
    }
}

/// The resident's released reports, the latest first.
pub async fn reports_of(state: &AppState, me: &CurrentResident) -> ApiResult<Vec<OwnReport>> {
    let (c, rid) = (state.community.id, me.resident.id);
    let page = PageRequest::new(Some(1), Some(50));
    let mut out = Vec::new();
    for s in state
        .store
        .list_studies(c, &StudyFilter::All, Some(rid), page)
        .await?
        .items
    {
        if s.status != StudyStatus::Reported || s.resident_id != rid {
            continue;
        }
        out.push(ecg_line(state, s).await?);
    }
    let n = OrderNarrowing {
        resident: Some(rid),
        ..OrderNarrowing::default()
    };
    for o in state
        .store
        .find_orders(c, &OrderFilter::All, &n, page)
        .await?
        .items
    {
        if o.status != OrderStatus::Reported || o.resident_id != rid {
            continue;
        }
        out.push(order_line(o));
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.reported_at));
    me.audit(state, ("portal.reports", "resident"), Some(rid), true)
        .await?;
    Ok(out)
}

/// The resident's released reports, ECGs and test results together.
#[utoipa::path(get, path = "/portal/reports", responses((status = 200, body = Vec<OwnReport>), (status = 401)))]
pub async fn reports(
    State(state): State<AppState>,
    me: CurrentResident,
) -> ApiResult<Json<Vec<OwnReport>>> {
    Ok(Json(reports_of(&state, &me).await?))
}

/// One of the resident's released reports; anyone else's, or one not released, is 404,
/// audited.
pub async fn report_of(state: &AppState, me: &CurrentResident, id: Uuid) -> ApiResult<OwnReport> {
    let (c, rid) = (state.community.id, me.resident.id);
    let found = match state.store.get_study(c, id.into()).await {
        Ok(s) if s.resident_id == rid && s.status == StudyStatus::Reported => {
            Some(ecg_line(state, s).await?)
        }
        Ok(_) | Err(yigong_store::StoreError::NotFound) => {
            match state.store.get_order(c, id.into()).await {
                Ok(o) if o.resident_id == rid && o.status == OrderStatus::Reported => {
                    Some(order_line(o))
                }
                Ok(_) | Err(yigong_store::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    me.audit(
        state,
        ("portal.report", "report"),
        Some(id),
        found.is_some(),
    )
    .await?;
    found.ok_or_else(ApiError::not_found)
}

#[utoipa::path(get, path = "/portal/reports/{id}", params(("id" = Uuid, Path)),
    responses((status = 200, body = OwnReport), (status = 401), (status = 404)))]
pub async fn report(
    State(state): State<AppState>,
    me: CurrentResident,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<OwnReport>> {
    Ok(Json(report_of(&state, &me, id).await?))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnReferral {
    pub id: Uuid,
    pub direction: String,
    pub status: String,
    pub from: String,
    pub to: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// The resident's referrals, the latest first.
pub async fn referrals_of(state: &AppState, me: &CurrentResident) -> ApiResult<Vec<OwnReferral>> {
    let f = ReferralFilter {
        resident_id: Some(me.resident.id),
        ..Default::default()
    };
    let page = state
        .store
        .list_referrals(
            state.community.id,
            &ReferralScope::All,
            &f,
            PageRequest::new(Some(1), Some(50)),
        )
        .await?;
    me.audit(
        state,
        ("portal.referrals", "resident"),
        Some(me.resident.id),
        true,
    )
    .await?;
    Ok(page
        .items
        .into_iter()
        .filter(|r| r.resident_id == me.resident.id)
        .map(|r| OwnReferral {
            id: r.id.uuid(),
            direction: r.direction.as_str().to_string(),
            status: r.status.as_str().to_string(),
            from: r.from_name,
            to: r.to_name,
            created_at: r.created_at,
        })
        .collect())
}

#[utoipa::path(get, path = "/portal/referrals", responses((status = 200, body = Vec<OwnReferral>), (status = 401)))]
pub async fn referrals(
    State(state): State<AppState>,
    me: CurrentResident,
) -> ApiResult<Json<Vec<OwnReferral>>> {
    Ok(Json(referrals_of(&state, &me).await?))
}

/// The notices pushed to the resident, the latest first.
#[utoipa::path(get, path = "/portal/notices", responses((status = 200, body = Vec<Object>), (status = 401)))]
pub async fn notices(
    State(state): State<AppState>,
    me: CurrentResident,
) -> ApiResult<Json<Vec<Notice>>> {
    Ok(Json(
        state
            .store
            .notices(state.community.id, me.resident.id, 50)
            .await?,
    ))
}

/// The message of a released report: it names no result (the resident reads it signed
/// in). Residents' messages go out in Chinese.
pub fn report_text() -> &'static str {
    crate::i18n::Lang::Zh.t("portal.sms_report")
}

/// Pushes a notice to `resident` about `(kind, id)`: recorded with the channel, sent
/// through it with `text`, and told to their open window.
pub async fn push(state: &AppState, resident: Uuid, (kind, id): (&str, Uuid), text: &str) {
    let c = state.community.id;
    let Ok(r) = state.store.get_resident(c, resident).await else {
        return;
    };
    let channel = state.messenger.channel();
    if let Ok(notice) = state
        .store
        .add_notice(c, (resident, kind, id), channel)
        .await
    {
        state.messenger.send(&r.phone, text);
        let _ = state.portal_live.send(crate::state::LiveNotice {
            resident,
            id: notice,
            kind: kind.to_string(),
        });
    }
}
