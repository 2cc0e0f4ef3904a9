//! A branch's dues (党费) over the last twelve months: each member's monthly dues from the
//! published brackets, the months paid, the arrears, and six months unpaid in a row
//! flagged; a payment covers the oldest unpaid months at the member's rate. The branch
//! secretary and the committee record, the bureau reads, anyone else is told nothing.

use super::work::org_in_reach;
use crate::api::AppJson;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::dues::{
    DuesBasis, month_index, month_text, monthly_fen, six_months_unpaid, unpaid_months,
};
use yigong_store::party::{NewDues, PartyOrg};

/// One member's line of the dues sheet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberDues {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    /// `working`, `retired` or `fixed`.
    pub dues_basis: String,
    /// Monthly after-tax pay, in fen.
    pub pay_fen: i64,
    pub monthly_fen: i64,
    /// Months paid, `YYYY-MM`.
    pub paid: Vec<String>,
    /// Months before this one not paid, `YYYY-MM`.
    pub arrears: Vec<String>,
    pub arrears_fen: i64,
    /// Six months in a row unpaid.
    pub six_months_unpaid: bool,
    /// The months owed, this one included, as month indexes.
    #[serde(skip)]
    owed: Vec<i32>,
}

/// A branch's dues over the last twelve months.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DuesSheet {
    /// The twelve months shown, oldest first.
    pub months: Vec<String>,
    pub members: Vec<MemberDues>,
    /// Paid over the twelve months, in fen.
    pub paid_fen: i64,
    pub arrears_fen: i64,
    pub flagged: usize,
}

/// The twelve months up to this one, as month indexes.
fn window() -> (i32, i32) {
    let current = month_index(clock::today());
    (current - 11, current)
}

/// A branch's dues sheet, the organisation in reach checked first (and audited), with
/// the organisation and whether the user records for it.
pub async fn dues_of(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
) -> ApiResult<(PartyOrg, bool, DuesSheet)> {
    let (o, writes) = org_in_reach(state, user, org, "party.dues").await?;
    let sheet = sheet(state, o.id).await?;
    user.audit(state, "party.dues", "party_org", Some(org), true, "")
        .await?;
    Ok((o, writes, sheet))
}

/// The dues sheet of an organisation already found in reach.
async fn sheet(state: &AppState, org: Uuid) -> ApiResult<DuesSheet> {
    let c = state.community.id;
    let (first, current) = window();
    let members = state.store.dues_members(c, org).await?;
    let paid = state.store.dues_paid(c, org, (first, current)).await?;
    let mut lines = Vec::with_capacity(members.len());
    for m in members {
        let basis = DuesBasis::parse(&m.dues_basis).unwrap_or(DuesBasis::Working);
        let monthly = monthly_fen(basis, m.pay_fen);
        let mine: Vec<i32> = paid
            .iter()
            .filter(|p| p.member_id == m.id)
            .map(|p| p.month)
            .collect();
        // Owed from the month they joined, or from the window's start.
        let since = m.joined_on.map_or(first, |d| month_index(d).max(first));
        let owed = unpaid_months(since, current, &mine);
        let unpaid: Vec<i32> = owed.iter().copied().filter(|m| *m < current).collect();
        lines.push(MemberDues {
            owed,
            monthly_fen: monthly,
            paid: mine.iter().map(|m| month_text(*m)).collect(),
            arrears_fen: monthly * unpaid.len() as i64,
            six_months_unpaid: six_months_unpaid(&unpaid),
            arrears: unpaid.iter().map(|m| month_text(*m)).collect(),
            id: m.id,
            name: m.name,
            status: m.status,
            dues_basis: m.dues_basis,
            pay_fen: m.pay_fen,
        });
    }
    Ok(DuesSheet {
        months: (first..=current).map(month_text).collect(),
        paid_fen: paid.iter().map(|p| p.amount_fen).sum(),
        arrears_fen: lines.iter().map(|l| l.arrears_fen).sum(),
        flagged: lines.iter().filter(|l| l.six_months_unpaid).count(),
        members: lines,
    })
}

/// A branch's dues over the last twelve months.
#[utoipa::path(get, path = "/party/orgs/{id}/dues", params(("id" = Uuid, Path)),
    responses((status = 200, body = DuesSheet), (status = 404)))]
pub async fn dues(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
) -> ApiResult<Json<DuesSheet>> {
    Ok(Json(dues_of(&state, &user, org).await?.2))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PaymentBody {
    pub member_id: Option<Uuid>,
    /// How many of the oldest unpaid months it covers (1 to 12), the current one included.
    pub months: i32,
    /// `YYYY-MM-DD`, not after today.
    #[serde(default)]
    pub paid_on: String,
}

/// What a payment wrote: its months and the sum.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Payment {
    pub months: Vec<String>,
    pub amount_fen: i64,
}

fn unprocessable(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, code)
}

/// Records a member's payment of their oldest unpaid months (the secretary of the
/// branch or the committee); 409 `nothing_due` when every month is paid.
pub async fn pay(
    state: &AppState,
    user: &CurrentUser,
    org: Uuid,
    b: &PaymentBody,
) -> ApiResult<Payment> {
    let (_, writes) = org_in_reach(state, user, org, "party.dues").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let sheet = sheet(state, org).await?;
    let mut problems = Vec::new();
    let member = b
        .member_id
        .and_then(|id| sheet.members.iter().find(|m| m.id == id));
    if member.is_none() {
        problems.push(unprocessable("member_id", "invalid_field"));
    }
    if !(1..=12).contains(&b.months) {
        problems.push(unprocessable("months", "invalid_field"));
    }
    let paid_on = crate::ui::list::date(Some(&b.paid_on)).filter(|d| *d <= clock::today());
    if paid_on.is_none() {
        problems.push(unprocessable("paid_on", "date_invalid"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let (Some(m), Some(paid_on)) = (member, paid_on) else {
        return Err(ApiError::internal());
    };
    let due: Vec<i32> = m.owed.iter().copied().take(b.months as usize).collect();
    if due.is_empty() || m.monthly_fen <= 0 {
        return Err(ApiError::field(
            StatusCode::CONFLICT,
            "months",
            "nothing_due",
        ));
    }
    let new = NewDues {
        member_id: m.id,
        months: due.iter().map(|m| (*m, paid_on)).collect(),
        amount_fen: m.monthly_fen,
    };
    let entry = user.audit_entry("party.dues_paid", "party_member", Some(m.id), true, "");
    let written = state
        .store
        .record_dues(state.community.id, &new, &entry)
        .await?;
    Ok(Payment {
        months: due.iter().map(|i| month_text(*i)).collect(),
        amount_fen: m.monthly_fen * written as i64,
    })
}

/// Records a member's dues payment.
#[utoipa::path(post, path = "/party/orgs/{id}/dues", params(("id" = Uuid, Path)), request_body = PaymentBody,
    responses((status = 201, body = Payment), (status = 404), (status = 409, description = "`nothing_due`"), (status = 422)))]
pub async fn record_payment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(org): Path<Uuid>,
    AppJson(b): AppJson<PaymentBody>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    Ok((
        StatusCode::CREATED,
        Json(pay(&state, &user, org, &b).await?),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PayBody {
    /// `working`, `retired` or `fixed`.
    #[serde(default)]
    pub dues_basis: String,
    /// Monthly after-tax pay in fen (0 for a fixed basis).
    pub pay_fen: i64,
}

/// Sets what a member's dues are worked out from (the branch secretary or the committee).
pub async fn set_pay(
    state: &AppState,
    user: &CurrentUser,
    member: Uuid,
    b: &PayBody,
) -> ApiResult<()> {
    let (m, _, writes) = super::member_in_reach(state, user, member, "party.pay").await?;
    if !writes {
        return Err(ApiError::not_found());
    }
    let mut problems = Vec::new();
    let basis = DuesBasis::parse(&b.dues_basis);
    if basis.is_none() {
        problems.push(unprocessable("dues_basis", "invalid_field"));
    }
    // Up to 1,000,000 yuan a month; a fixed basis reads no pay.
    if !(0..=100_000_000).contains(&b.pay_fen)
        || (basis != Some(DuesBasis::Fixed) && b.pay_fen == 0)
    {
        problems.push(unprocessable("pay_fen", "invalid_field"));
    }
    if let Some(e) = ApiError::all(problems) {
        return Err(e);
    }
    let basis = basis.unwrap_or(DuesBasis::Working);
    let entry = user.audit_entry(
        "party.pay",
        "party_member",
        Some(m.id),
        true,
        basis.as_str(),
    );
    state
        .store
        .set_member_pay(
            state.community.id,
            m.id,
            (basis.as_str(), b.pay_fen),
            &entry,
        )
        .await?;
    Ok(())
}

/// Sets a member's dues basis and monthly pay.
#[utoipa::path(put, path = "/party/members/{id}/pay", params(("id" = Uuid, Path)), request_body = PayBody,
    responses((status = 204), (status = 404), (status = 422)))]
pub async fn update_pay(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    AppJson(b): AppJson<PayBody>,
) -> ApiResult<StatusCode> {
    set_pay(&state, &user, id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}
