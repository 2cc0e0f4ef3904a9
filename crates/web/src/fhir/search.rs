//! The query of a FHIR search, read against its resource's row of the parameter table
//! (`yigong_fhir::search::RESOURCES`, which the CapabilityStatement is built from), and
//! the searchset Bundle whose `self` and `next` links carry every filter of the query.

use super::{Fhir, FhirError, base_url};
use crate::http::error::ApiError;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use uuid::Uuid;
use yigong_fhir as fhir;
use yigong_fhir::search::{ParamType, Resource, Token};
use yigong_store::PageRequest;

/// A search query that holds only parameters its resource declares, each once, with
/// numbers and references already checked.
#[derive(Debug)]
pub struct SearchParams {
    resource: &'static Resource,
    /// The filters in the order given (paging and `_format` left out).
    filters: Vec<(String, String)>,
    page: PageRequest,
}

/// [`SearchParams`] as an extractor. Anything not in the table (`_include`,
/// `_revinclude`, chained `subject.name`, modifiers such as `name:exact`, `_sort`) is
/// refused with 400 and an OperationOutcome that names it, rather than ignored: an
/// ignored filter would answer as if it had matched.
pub struct FhirSearch(pub SearchParams);

fn invalid(code: &'static str, detail: &str) -> FhirError {
    FhirError(ApiError::new(StatusCode::BAD_REQUEST, code).with_detail(detail.to_string()))
}

/// The id in `Type/<id>` (the type must be `target`) or a bare `<id>`.
fn reference_id(target: &str, raw: &str) -> Option<Uuid> {
    let id = match raw.rsplit_once('/') {
        Some((ty, id)) if ty == target || ty.ends_with(&format!("/{target}")) => id,
        Some(_) => return None,
        None => raw,
    };
    id.trim().parse().ok()
}

impl SearchParams {
    /// Reads `pairs` as a search of `resource`.
    pub fn read(
        resource: &'static Resource,
        pairs: Vec<(String, String)>,
    ) -> Result<Self, FhirError> {
        let (mut filters, mut count, mut offset) = (Vec::new(), None, None);
        for (key, value) in pairs {
            if key == "_format" && value.contains("json") {
                continue;
            }
            let param = resource
                .param(&key)
                .ok_or_else(|| invalid("fhir_parameter_unsupported", &key))?;
            let value = value.trim().to_string();
            let seen = filters.iter().any(|(k, _)| *k == key)
                || (key == "_count" && count.is_some())
                || (key == "_offset" && offset.is_some());
            if seen {
                return Err(invalid("fhir_parameter_repeated", &key));
            }
            if value.is_empty() {
                continue;
            }
            match param.ty {
                ParamType::Number => {
                    let n = value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .ok_or_else(|| invalid("invalid_field", &key))?;
                    *(if key == "_count" {
                        &mut count
                    } else {
                        &mut offset
                    }) = Some(n);
                }
                ParamType::Reference(target) => {
                    reference_id(target, &value).ok_or_else(|| invalid("invalid_field", &key))?;
                    filters.push((key, value));
                }
                ParamType::String | ParamType::Token => filters.push((key, value)),
            }
        }
        if resource.needs_patient && !filters.iter().any(|(k, _)| k == "patient") {
            return Err(invalid("required", "patient"));
        }
        let page = PageRequest::at_offset(offset.unwrap_or(0), count.unwrap_or(20));
        Ok(SearchParams {
            resource,
            filters,
            page,
        })
    }

    /// The value of a filter, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.filters
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The id a reference parameter names (checked when the query was read).
    pub fn reference(&self, name: &str) -> Option<Uuid> {
        let target = match self.resource.param(name)?.ty {
            ParamType::Reference(target) => target,
            _ => return None,
        };
        reference_id(target, self.value(name)?)
    }

    /// The alternatives of a token parameter (none when it is not given).
    pub fn tokens(&self, name: &str) -> Vec<Token> {
        self.value(name).map(Token::parse_any).unwrap_or_default()
    }

    pub fn page(&self) -> PageRequest {
        self.page
    }

    /// `system|value` or `value`: `Some(None)` when the system is not `system` (nothing
    /// can match), `None` when no identifier was asked for.
    pub fn identifier_value(&self, system: &str) -> Option<Option<String>> {
        self.value("identifier")
            .map(|raw| match raw.split_once('|') {
                Some((s, v)) if s == system || s.is_empty() => Some(v.trim().to_string()),
                Some(_) => None,
                None => Some(raw.to_string()),
            })
    }

    /// The search's URL at the page starting at `offset`, with every filter.
    fn url(&self, base: &str, offset: i64) -> String {
        let mut pairs: Vec<(&str, String)> = self
            .filters
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.push(("_count", self.page.per_page.to_string()));
        pairs.push(("_offset", offset.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{base}/{}?{query}", self.resource.name)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FhirSearch {
    type Rejection = FhirError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, FhirError> {
        let name = parts.uri.path().rsplit('/').next().unwrap_or_default();
        let resource =
            fhir::search::resource(name).ok_or_else(|| FhirError(ApiError::not_found()))?;
        let pairs = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| invalid("invalid_field", &e.body_text()))?
            .0;
        SearchParams::read(resource, pairs).map(FhirSearch)
    }
}

/// The searchset Bundle of one page of `resources` (each with its `id`) out of `total`.
pub(crate) fn bundle(
    headers: &HeaderMap,
    p: &SearchParams,
    total: i64,
    resources: Vec<Value>,
) -> Fhir {
    let base = base_url(headers);
    let offset = p.page.offset();
    let next_offset = offset + p.page.per_page;
    let next = (next_offset < total).then(|| p.url(&base, next_offset));
    let ty = p.resource.name;
    let entries = resources
        .into_iter()
        .map(|r| {
            let id = r["id"].as_str().unwrap_or_default().to_string();
            (format!("{base}/{ty}/{id}"), r)
        })
        .collect();
    Fhir(
        StatusCode::OK,
        fhir::searchset(&p.url(&base, offset), total, entries, next),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(ty: &str, query: &[(&str, &str)]) -> Result<SearchParams, FhirError> {
        let pairs = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SearchParams::read(fhir::search::resource(ty).expect("resource"), pairs)
    }

    fn code(r: Result<SearchParams, FhirError>) -> (&'static str, String) {
        let e = r.expect_err("refused").0;
        (e.code, e.detail.unwrap_or_default())
    }

    #[test]
    fn reads_only_declared_parameters() {
        let id = Uuid::now_v7();
        let p = read(
            "ServiceRequest",
            &[
                ("patient", &format!("Patient/{id}")),
                ("status", "active"),
                ("_count", "5"),
                ("_offset", "7"),
            ],
        )
        .expect("read");
        assert_eq!(p.reference("patient"), Some(id));
        assert_eq!(p.value("status"), Some("active"));
        assert_eq!((p.page().per_page, p.page().offset()), (5, 7));
        assert_eq!(
            p.url("http://h/fhir/r4", 12),
            format!(
                "http://h/fhir/r4/ServiceRequest?patient=Patient%2F{id}&status=active&_count=5&_offset=12"
            )
        );
        assert_eq!(
            code(read("Patient", &[("status", "active")])),
            ("fhir_parameter_unsupported", "status".into())
        );
        assert_eq!(
            code(read("Patient", &[("name:exact", "王")])).0,
            "fhir_parameter_unsupported"
        );
        assert_eq!(
            code(read("Patient", &[("name", "a"), ("name", "b")])),
            ("fhir_parameter_repeated", "name".into())
        );
        assert_eq!(
            code(read(
                "ServiceRequest",
                &[("patient", &format!("Organization/{id}"))]
            )),
            ("invalid_field", "patient".into())
        );
        assert_eq!(
            code(read("Patient", &[("_count", "-1")])),
            ("invalid_field", "_count".into())
        );
        assert_eq!(code(read("CarePlan", &[])), ("required", "patient".into()));
        let p = read("Patient", &[("name", ""), ("_format", "json")]).expect("read");
        assert_eq!(p.value("name"), None);
    }

    #[test]
    fn identifiers_by_system() {
        let p = read("Patient", &[("identifier", "urn:x|42")]).expect("read");
        assert_eq!(p.identifier_value("urn:y"), Some(None));
        assert_eq!(p.identifier_value("urn:x"), Some(Some("42".into())));
        let p = read("Patient", &[("identifier", "|42")]).expect("read");
        assert_eq!(p.identifier_value("urn:y"), Some(Some("42".into())));
        assert_eq!(
            read("Patient", &[])
                .expect("read")
                .identifier_value("urn:y"),
            None
        );
    }
}
