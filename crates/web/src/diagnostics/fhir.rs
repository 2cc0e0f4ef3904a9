//! Orders over FHIR: `ServiceRequest/<order>`, `DiagnosticReport/<order>` and
//! `Observation/<order>-<analyte>`, and the orders a ServiceRequest search finds. The
//! resource types are shared with referrals and ECG studies, whose handlers hand an id
//! over when it names an order. Reads are audited like the API's.

use crate::diagnostics::api::load;
use crate::fhir::{Fhir, FhirError, FhirResult, SearchParams};
use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use serde_json::Value;
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue;
use yigong_domain::diagnostics::order::{Scope, Status};
use yigong_domain::ids::OrderId;
use yigong_fhir as fhir;
use yigong_store::PageRequest;
use yigong_store::diagnostics::{Order, OrderFilter, OrderNarrowing, ResultValue};

/// Whether `id` names an order (of any reach): the shared handlers ask before loading.
pub(crate) async fn is_order(state: &AppState, id: Uuid) -> Result<bool, FhirError> {
    match state
        .store
        .get_order(state.community.id, OrderId::from(id))
        .await
    {
        Ok(_) => Ok(true),
        Err(yigong_store::StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn data<'a>(user: &CurrentUser, o: &'a Order, values: &'a [ResultValue]) -> fhir::OrderData<'a> {
    let item = catalogue::item(&o.item_code);
    fhir::OrderData {
        id: o.id.uuid(),
        item_code: &o.item_code,
        item_name: user.lang.t(&format!("diagnostics.item.{}", o.item_code)),
        loinc: item.and_then(|i| i.loinc),
        centre: o.centre.as_str(),
        status: o.status.as_str(),
        urgent: o.urgency.as_str() == "urgent",
        question: &o.question,
        resident_id: o.resident_id,
        resident_name: &o.resident_name,
        from_institution_id: o.from_institution_id,
        from_name: &o.from_institution_name,
        performer_id: o.performer_id,
        performer_name: &o.performer_name,
        created_at: o.created_at,
        reported_at: o.reported_at,
        impression: &o.impression,
        values: values.iter().map(|v| v.analyte.as_str()).collect(),
    }
}

pub(crate) async fn read_request(state: &AppState, user: &CurrentUser, id: Uuid) -> FhirResult {
    let o = load(state, user, OrderId::from(id)).await?;
    Ok(Fhir(
        StatusCode::OK,
        fhir::order_request(&data(user, &o, &[])),
    ))
}

pub(crate) async fn read_report(state: &AppState, user: &CurrentUser, id: Uuid) -> FhirResult {
    let o = load(state, user, OrderId::from(id)).await?;
    let values = state.store.order_values(state.community.id, o.id).await?;
    Ok(Fhir(
        StatusCode::OK,
        fhir::order_report(&data(user, &o, &values)),
    ))
}

/// `Observation/<order>-<analyte>`: one laboratory value.
pub(crate) async fn read_value(state: &AppState, user: &CurrentUser, raw: &str) -> FhirResult {
    let not_found = || FhirError(ApiError::not_found());
    let (id, analyte) = raw.split_at_checked(36).ok_or_else(not_found)?;
    let id: Uuid = id.parse().map_err(|_| not_found())?;
    let analyte = analyte.strip_prefix('-').ok_or_else(not_found)?;
    let o = load(state, user, OrderId::from(id)).await?;
    let values = state.store.order_values(state.community.id, o.id).await?;
    let v = values
        .iter()
        .find(|v| v.analyte == analyte)
        .ok_or_else(not_found)?;
    let a = catalogue::item(&o.item_code)
        .and_then(|i| i.analytes.iter().find(|a| a.code == analyte))
        .ok_or_else(not_found)?;
    let reported_at = o.reported_at.ok_or_else(not_found)?;
    Ok(Fhir(
        StatusCode::OK,
        fhir::lab_observation(&fhir::ValueData {
            order_id: id,
            analyte,
            name: user.lang.t(&format!("diagnostics.analyte.{analyte}")),
            loinc: a.loinc,
            value: v.value,
            unit: &v.unit,
            low: v.ref_low,
            high: v.ref_high,
            flag: v.flag.as_str(),
            resident_id: o.resident_id,
            resident_name: &o.resident_name,
            reported_at,
        }),
    ))
}

/// The orders a search finds (by `patient`, and by ServiceRequest `status` when
/// `by_status`): `skip` of them skipped, at most `take` returned, with how many match in
/// all; none for a user without orders in reach.
async fn search_orders(
    state: &AppState,
    user: &CurrentUser,
    (p, by_status): (&SearchParams, bool),
    (skip, take): (i64, i64),
) -> Result<(Vec<Order>, i64), FhirError> {
    let filter = match &user.diagnostics {
        Scope::All => OrderFilter::All,
        Scope::Centre(c) => OrderFilter::Centre(*c),
        Scope::Orderers(ids) => OrderFilter::Orderers(ids.clone()),
        Scope::None | Scope::Sterile => return Ok((Vec::new(), 0)),
    };
    let tokens = if by_status {
        p.tokens("status")
    } else {
        Vec::new()
    };
    let statuses: Vec<Status> = tokens
        .iter()
        .flat_map(|t| {
            ["active", "completed", "revoked"]
                .into_iter()
                .filter(|s| t.matches(("http://hl7.org/fhir/request-status", s)))
                .flat_map(fhir::order_statuses_of)
        })
        .filter_map(|s| Status::parse(s))
        .collect();
    let any_status = tokens.is_empty();
    if !any_status && statuses.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let mut found = Vec::new();
    let mut total = 0;
    // One list per status asked for (the store narrows to one at a time).
    let lists: Vec<Option<Status>> = if any_status {
        vec![None]
    } else {
        statuses.into_iter().map(Some).collect()
    };
    let (mut skip, mut take) = (skip, take);
    for status in lists {
        let n = OrderNarrowing {
            resident: p.reference("patient"),
            status,
            ..OrderNarrowing::default()
        };
        let page = PageRequest::at_offset(skip, take.max(1));
        let got = state
            .store
            .find_orders(state.community.id, &filter, &n, page)
            .await?;
        total += got.total;
        let items: Vec<Order> = got.items.into_iter().take(take.max(0) as usize).collect();
        take -= items.len() as i64;
        skip = (skip - got.total).max(0);
        found.extend(items);
    }
    user.audit_list(state, "diagnostics.search.fhir", "diag_order", total)
        .await?;
    Ok((found, total))
}

/// The orders a ServiceRequest search finds, as ServiceRequests (see [`search_orders`]).
pub(crate) async fn search_requests(
    state: &AppState,
    user: &CurrentUser,
    p: &SearchParams,
    window: (i64, i64),
) -> Result<(Vec<Value>, i64), FhirError> {
    let (found, total) = search_orders(state, user, (p, true), window).await?;
    let entries = found
        .iter()
        .map(|o| fhir::order_request(&data(user, o, &[])))
        .collect();
    Ok((entries, total))
}

/// The orders' results a DiagnosticReport search finds, as DiagnosticReports.
pub(crate) async fn search_reports(
    state: &AppState,
    user: &CurrentUser,
    p: &SearchParams,
    window: (i64, i64),
) -> Result<(Vec<Value>, i64), FhirError> {
    let (found, total) = search_orders(state, user, (p, false), window).await?;
    let mut entries = Vec::with_capacity(found.len());
    for o in &found {
        let values = state.store.order_values(state.community.id, o.id).await?;
        entries.push(fhir::order_report(&data(user, o, &values)));
    }
    Ok((entries, total))
}
