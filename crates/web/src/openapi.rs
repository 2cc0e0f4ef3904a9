//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' annotations, then
//! completed by the conventions every operation shares (see [`conventions`]).

use crate::api;
use axum::Json;
use serde_json::{Value, json};
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Yigong API", description = "County medical community platform (医共体信息平台)"),
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

/// The document served at `/api/v1/openapi.json`, built once from the API's router:
/// every route there is in it, and nothing else.
pub fn document_json() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
            .nest("/api/v1", api::router())
            .into_openapi();
        conventions(serde_json::to_value(doc).expect("the document serialises"))
    })
}

#[utoipa::path(get, path = "/openapi.json", security(()),
    responses((status = 200, description = "This document (OpenAPI 3.1)")))]
pub async fn document() -> Json<Value> {
    Json(document_json().clone())
}

const ERROR_REF: &str = "#/components/schemas/Error";

/// Operations that count identifier look-ups or logins and answer 429 past the limit.
const THROTTLED: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/residents"),
    ("post", "/api/v1/residents"),
    ("put", "/api/v1/residents/{id}"),
];

/// What every operation shares, written once instead of on each handler:
/// - a unique `operationId` (method and path) and the tag without the module path;
/// - `{id}` in a path is a UUID (other path parameters are declared on the handler);
/// - the error answers each operation can give, all in the error shape `Error`:
///   400, 401, 403 and 422 everywhere (a malformed or a rule-breaking path, query or
///   body), 404 for a record that does not exist or is out of reach,
///   413 and 415 for a body too large or of another type, 429 where look-ups are counted.
fn conventions(mut doc: Value) -> Value {
    doc["components"]["schemas"]["Error"] = json!({
        "type": "object",
        "description": "Every error answer: a stable code and a message in the request's language.",
        "required": ["error"],
        "properties": { "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": { "type": "string", "description": "snake_case, stable" },
                "message": { "type": "string" },
                "field": { "type": "string", "description": "The field at fault, when one is" }
            }
        }}
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            complete_operation(method, path, op);
        }
    }
    doc
}

fn complete_operation(method: &str, path: &str, op: &mut Value) {
    let name = path
        .trim_start_matches("/api/v1/")
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        .replace("__", "_");
    op["operationId"] = json!(format!("{method}_{}", name.trim_end_matches('_')));
    if let Some(tags) = op["tags"].as_array_mut() {
        for tag in tags.iter_mut() {
            if let Some(t) = tag.as_str() {
                *tag = json!(t.trim_start_matches("api::"));
            }
        }
    }
    let path_params = path_parameters(path);
    if path_params.contains(&"id") && !declares(op, "id") {
        let params = op["parameters"].as_array_mut().map(std::mem::take);
        let mut params = params.unwrap_or_default();
        params.insert(
            0,
            json!({ "name": "id", "in": "path", "required": true,
                    "schema": { "type": "string", "format": "uuid" } }),
        );
        op["parameters"] = json!(params);
    }
    let has_body = op.get("requestBody").is_some();
    let mut errors: Vec<(&str, &str)> = vec![
        ("400", "A malformed path, query or body"),
        ("401", "Not signed in, or the session has ended"),
        ("403", "The role may not do this"),
        (
            "422",
            "A query parameter or field breaks a rule: the message says which",
        ),
    ];
    if !path_params.is_empty() {
        errors.push(("404", "No such record within the user's reach"));
    }
    if has_body {
        errors.push(("413", "The body is too large"));
        errors.push(("415", "The body is not of the declared type"));
    }
    if THROTTLED.contains(&(method, path)) {
        errors.push(("429", "Too many attempts: try again later"));
    }
    let responses = &mut op["responses"];
    for (code, description) in errors {
        if responses.get(code).is_none() {
            responses[code] = json!({ "description": description });
        }
    }
    if let Some(responses) = responses.as_object_mut() {
        for (code, response) in responses.iter_mut() {
            if code.starts_with('4') && response.get("content").is_none() {
                response["content"] =
                    json!({ "application/json": { "schema": { "$ref": ERROR_REF } } });
                if response["description"].as_str().is_none_or(str::is_empty) {
                    response["description"] = json!("An error in the error shape");
                }
            }
        }
    }
}

/// The `{name}` parameters of a path template.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn declares(op: &Value, name: &str) -> bool {
    op["parameters"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parameter_is_declared_and_operation_ids_are_unique() {
        let doc = document_json();
        let mut ids = std::collections::HashSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                for name in path_parameters(path) {
                    assert!(declares(op, name), "{method} {path}: {{{name}}} undeclared");
                }
                let id = op["operationId"].as_str().expect("operationId");
                assert!(ids.insert(id.to_string()), "{id} twice");
                for (code, response) in op["responses"].as_object().expect("responses") {
                    if code.starts_with('4') {
                        assert_eq!(
                            response["content"]["application/json"]["schema"]["$ref"], ERROR_REF,
                            "{method} {path} {code}"
                        );
                    }
                }
                assert!(op["responses"].get("401").is_some(), "{method} {path}");
            }
        }
        assert!(ids.contains("get_residents_id"), "{ids:?}");
    }

    #[test]
    fn query_parameters_are_in_the_query() {
        let doc = document_json();
        let params = doc["paths"]["/api/v1/residents"]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let q = params.iter().find(|p| p["name"] == "q").expect("q");
        assert_eq!(q["in"], "query");
        assert_ne!(q["required"], true);
    }

    #[test]
    fn path_parameters_are_read_from_the_template() {
        assert_eq!(
            path_parameters("/api/v1/referrals/{id}/{action}"),
            vec!["id", "action"]
        );
        assert!(path_parameters("/api/v1/residents").is_empty());
    }
}
