//! Builders of FHIR R4 resources as JSON values.

use crate::{FHIR_VERSION, ID_CARD_SYSTEM, INSTITUTION_CODE_SYSTEM, TITLE_SYSTEM, Texts};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// What a Patient is built from.
pub struct PatientData<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub sex: &'a str,
    pub birth_date: Date,
    /// The whole ID number, or `None` where the reader sees it masked: a mask is no
    /// identifier value.
    pub id_number: Option<&'a str>,
    pub phone: &'a str,
    pub address: &'a str,
    pub active: bool,
    pub organization_id: Uuid,
    pub organization_name: &'a str,
    pub updated_at: OffsetDateTime,
}

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn gender(sex: &str) -> &'static str {
    match sex {
        "male" => "male",
        "female" => "female",
        _ => "unknown",
    }
}

/// Splits a Chinese name into family and given parts (compound surnames respected).
fn human_name(name: &str) -> Value {
    let given = yigong_domain::text::given_name(name);
    let family: String = name
        .chars()
        .take(name.chars().count() - given.chars().count())
        .collect();
    let mut n = json!({ "use": "official", "text": name });
    if !family.is_empty() {
        n["family"] = json!(family);
    }
    if !given.is_empty() {
        n["given"] = json!([given]);
    }
    n
}

pub fn patient(p: &PatientData<'_>, t: Texts<'_>) -> Value {
    let mut v = json!({
        "resourceType": "Patient",
        "id": p.id.to_string(),
        "meta": { "lastUpdated": instant(p.updated_at) },
        "active": p.active,
        "name": [human_name(p.name)],
        "telecom": [{ "system": "phone", "value": p.phone, "use": "mobile" }],
        "gender": gender(p.sex),
        "birthDate": p.birth_date.to_string(),
        "managingOrganization": {
            "reference": format!("Organization/{}", p.organization_id),
            "display": p.organization_name,
        },
    });
    if let Some(id_number) = p.id_number {
        v["identifier"] = json!([{
            "use": "official",
            "type": { "text": t("fhir.id_card") },
            "system": ID_CARD_SYSTEM,
            "value": id_number,
        }]);
    }
    if !p.address.is_empty() {
        v["address"] = json!([{ "use": "home", "text": p.address, "country": "CN" }]);
    }
    v
}

pub struct OrganizationData<'a> {
    pub id: Uuid,
    pub code: &'a str,
    pub name: &'a str,
    /// lead, member, township, village, bureau
    pub kind: &'a str,
    pub kind_label: &'a str,
    pub address: &'a str,
    pub active: bool,
    pub parent_id: Option<Uuid>,
}

pub fn organization(o: &OrganizationData<'_>) -> Value {
    let (code, display) = if o.kind == "bureau" {
        ("govt", "Government")
    } else {
        ("prov", "Healthcare Provider")
    };
    let mut v = json!({
        "resourceType": "Organization",
        "id": o.id.to_string(),
        "identifier": [{ "use": "official", "system": INSTITUTION_CODE_SYSTEM, "value": o.code }],
        "active": o.active,
        "type": [{
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": code,
                "display": display,
            }],
            "text": o.kind_label,
        }],
        "name": o.name,
    });
    if !o.address.is_empty() {
        v["address"] = json!([{ "text": o.address, "country": "CN" }]);
    }
    if let Some(p) = o.parent_id {
        v["partOf"] = json!({ "reference": format!("Organization/{p}") });
    }
    v
}

pub struct PractitionerData<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub sex: &'a str,
    /// As for [`PatientData::id_number`].
    pub id_number: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub title: &'a str,
    pub title_label: &'a str,
    pub active: bool,
}

pub fn practitioner(p: &PractitionerData<'_>, t: Texts<'_>) -> Value {
    let identifier = p
        .id_number
        .map(|id| json!([{ "use": "official", "type": { "text": t("fhir.id_card") }, "system": ID_CARD_SYSTEM, "value": id }]));
    let mut v = json!({
        "resourceType": "Practitioner",
        "id": p.id.to_string(),
        "active": p.active,
        "name": [human_name(p.name)],
        "gender": gender(p.sex),
        "qualification": [{
            "code": {
                "coding": [{ "system": TITLE_SYSTEM, "code": p.title, "display": p.title_label }],
                "text": p.title_label,
            }
        }],
    });
    if let Some(phone) = p.phone.filter(|s| !s.is_empty()) {
        v["telecom"] = json!([{ "system": "phone", "value": phone, "use": "work" }]);
    }
    if let Some(identifier) = identifier {
        v["identifier"] = identifier;
    }
    v
}

/// A searchset Bundle of `(fullUrl, resource)` entries.
pub fn searchset(
    self_url: &str,
    total: i64,
    entries: Vec<(String, Value)>,
    next_url: Option<String>,
) -> Value {
    let mut links = vec![json!({ "relation": "self", "url": self_url })];
    if let Some(n) = next_url {
        links.push(json!({ "relation": "next", "url": n }));
    }
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries.into_iter().map(|(url, r)| json!({
            "fullUrl": url,
            "resource": r,
            "search": { "mode": "match" },
        })).collect::<Vec<_>>(),
    })
}

/// The server's CapabilityStatement, its resources and search parameters taken from
/// [`crate::search::RESOURCES`].
pub fn capability_statement(base_url: &str, software_version: &str, date: Date) -> Value {
    let resources: Vec<Value> = crate::search::RESOURCES
        .iter()
        .map(|r| {
            let mut interaction = vec![json!({ "code": "read" }), json!({ "code": "search-type" })];
            if r.create {
                interaction.push(json!({ "code": "create" }));
            }
            let mut v = json!({
                "type": r.name,
                "interaction": interaction,
                "searchParam": r.params.iter().chain(crate::search::PAGING).map(|p| json!({
                    "name": p.name, "type": p.ty.code(), "documentation": p.doc,
                })).collect::<Vec<_>>(),
            });
            if r.needs_patient {
                v["documentation"] = json!("A search must name the patient.");
            }
            v
        })
        .collect();
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date.to_string(),
        "publisher": "Yigong",
        "kind": "instance",
        "software": { "name": "Yigong", "version": software_version },
        "implementation": { "description": "Yigong county medical community platform", "url": base_url },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "cors": false,
                "description": "Bearer token from POST /api/v1/auth/login",
            },
            "resource": resources,
        }],
    })
}

/// An OperationOutcome with one issue. `code` is a FHIR issue-type code.
pub fn operation_outcome(code: &str, diagnostics: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patient_shape() {
        let id = Uuid::now_v7();
        let p = patient(
            &PatientData {
                id,
                name: "欧阳娜娜",
                sex: "female",
                birth_date: time::macros::date!(1990 - 01 - 02),
                id_number: Some("11010519491231002X"),
                phone: "13800138000",
                address: "",
                active: true,
                organization_id: id,
                organization_name: "卫生室",
                updated_at: OffsetDateTime::UNIX_EPOCH,
            },
            &|k| k,
        );
        assert_eq!(p["name"][0]["family"], "欧阳");
        assert_eq!(p["name"][0]["given"][0], "娜娜");
        assert_eq!(p["identifier"][0]["system"], ID_CARD_SYSTEM);
        assert_eq!(p["birthDate"], "1990-01-02");
        assert_eq!(p["meta"]["lastUpdated"], "1970-01-01T00:00:00Z");
        assert!(p.get("address").is_none());
    }

    #[test]
    fn bundle_counts() {
        let b = searchset(
            "http://x/fhir/r4/Patient",
            5,
            vec![("u".into(), json!({}))],
            Some("n".into()),
        );
        assert_eq!(b["total"], 5);
        assert_eq!(b["link"][1]["relation"], "next");
        assert_eq!(b["entry"][0]["search"]["mode"], "match");
    }
}
