//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations.

use crate::api;
use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(title = "Yigong API", description = "County medical community platform (医共体信息平台)"),
    paths(
        api::session::login, api::session::logout, api::session::me,
        api::institutions::list, api::institutions::detail, api::institutions::create, api::institutions::update,
        api::institutions::deactivate, api::institutions::reactivate, api::institutions::departments,
        api::institutions::create_department, api::institutions::deactivate_department,
        api::residents::list, api::residents::detail, api::residents::create, api::residents::update,
        api::residents::deactivate, api::residents::reactivate,
        api::staff::list, api::staff::detail, api::staff::create, api::staff::update,
        api::staff::deactivate, api::staff::reactivate,
        api::accounts::list, api::accounts::create, api::accounts::deactivate, api::accounts::reactivate, api::accounts::reset_password,
        api::audit::list,
        api::imports::upload, api::imports::rejects,
        api::referrals::create, api::referrals::list, api::referrals::detail, api::referrals::act,
        api::referrals::milestone, api::referrals::icd10_search,
        api::referral_stats::stats, api::referral_stats::attention,
        api::ecg::upload, api::ecg::list, api::ecg::detail, api::ecg::act, api::ecg::trace,
        api::ecg::findings, api::ecg::stats,
        api::chronic::worklist, api::chronic::detail, api::chronic::enrol, api::chronic::follow_up, api::chronic::quality, api::family::list, api::family::detail, api::family::create, api::family::create_contract, api::family::contract_action, api::family::contracts_due, api::family::contract_rates, api::family::contract_groups, api::screening::create, api::screening::of_resident, api::screening::pending, api::screening::decide,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
