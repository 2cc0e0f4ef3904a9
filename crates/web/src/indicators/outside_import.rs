//! Importing care outside the county from an insurance settlement file, through the API
//! and on the office's page beside the slip form: the summary names every refused row
//! with its reasons; a file imported again registers nothing twice.

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ApiResult};
use crate::registry::api::imports::file_part;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use yigong_app::import::encounters::Importer;
use yigong_app::import::outside::{OutsideSummary, import};
use yigong_app::import::read_table;
use yigong_domain::clock::today;

/// The office only, checked (and a refusal audited) before the file is read.
pub async fn may_import(state: &AppState, user: &CurrentUser) -> ApiResult<()> {
    user.require_audited(
        state,
        user.role.edits_registry(),
        "outside.import",
        "outside_visit",
        None,
    )
    .await
}

/// Reads and imports a settlement file, for a caller that checked [`may_import`].
pub async fn import_file(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    bytes: &[u8],
) -> ApiResult<OutsideSummary> {
    let table = read_table(name, bytes).map_err(ApiError::from)?;
    let who = Importer {
        account_id: Some(user.account_id),
        username: &user.username,
    };
    let c = state.community.id;
    Ok(import(&state.store, c, (who, name), &table, today()).await?)
}

/// Imports care outside the county from the multipart field `file` (CSV or .xlsx with
/// the headers 结算单号, 身份证号, 就诊类型, 就诊日期, 出院日期, 就诊机构, 机构级别,
/// 总费用(元), 医保支付(元)).
#[utoipa::path(post, path = "/indicators/outside/import",
    request_body(content_type = "multipart/form-data", description = "`file`: an insurance settlement file, CSV or .xlsx"),
    responses((status = 200, body = Object), (status = 403), (status = 422)))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> ApiResult<Json<OutsideSummary>> {
    may_import(&state, &user).await?;
    let (name, bytes) = file_part(mp).await?;
    Ok(Json(import_file(&state, &user, &name, &bytes).await?))
}
