//! Referrals as FHIR R4: a ServiceRequest (category: patient referral) and a Task that
//! carries the workflow status (requested, accepted, rejected, in-progress, completed,
//! cancelled) with the ServiceRequest as its focus.

use crate::Texts;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

pub const ICD10_SYSTEM: &str = "http://hl7.org/fhir/sid/icd-10";
pub const GREEN_CHANNEL_SYSTEM: &str = "urn:yigong:green-channel";
pub const DIRECTION_SYSTEM: &str = "urn:yigong:referral-direction";

pub struct ReferralData<'a> {
    pub id: Uuid,
    pub direction: &'a str,
    pub direction_label: &'a str,
    pub urgency: &'a str,
    pub pathway: Option<&'a str>,
    /// Our status; `task_status` is its FHIR Task.status.
    pub status: &'a str,
    pub status_label: &'a str,
    pub task_status: &'a str,
    /// Its FHIR ServiceRequest.status.
    pub request_status: &'a str,
    pub status_reason: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub from_institution_id: Uuid,
    pub from_name: &'a str,
    pub to_institution_id: Uuid,
    pub to_name: &'a str,
    pub parent_id: Option<Uuid>,
    pub reason: &'a str,
    pub icd10_code: &'a str,
    pub icd10_text: &'a str,
    pub summary: &'a str,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Our urgency as ServiceRequest.priority.
pub fn priority(urgency: &str) -> &'static str {
    match urgency {
        "emergency" => "stat",
        "urgent" => "urgent",
        _ => "routine",
    }
}

/// ServiceRequest.priority back to our urgency.
pub fn urgency_of(priority: &str) -> Option<&'static str> {
    match priority {
        "stat" => Some("emergency"),
        "urgent" | "asap" => Some("urgent"),
        "routine" => Some("routine"),
        _ => None,
    }
}

pub fn service_request(r: &ReferralData<'_>, t: Texts<'_>) -> Value {
    let mut code = vec![
        json!({ "system": DIRECTION_SYSTEM, "code": r.direction, "display": r.direction_label }),
    ];
    if let Some(p) = r.pathway {
        code.push(json!({ "system": GREEN_CHANNEL_SYSTEM, "code": p }));
    }
    let mut v = json!({
        "resourceType": "ServiceRequest",
        "id": r.id.to_string(),
        "meta": { "lastUpdated": instant(r.updated_at) },
        "status": r.request_status,
        "intent": "order",
        "category": [{
            "coding": [{ "system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral" }],
            "text": t("fhir.referral"),
        }],
        "priority": priority(r.urgency),
        "code": { "coding": code, "text": r.direction_label },
        "subject": { "reference": format!("Patient/{}", r.resident_id), "display": r.resident_name },
        "authoredOn": instant(r.created_at),
        "requester": { "reference": format!("Organization/{}", r.from_institution_id), "display": r.from_name },
        "performer": [{ "reference": format!("Organization/{}", r.to_institution_id), "display": r.to_name }],
        "reasonCode": [{
            "coding": [{ "system": ICD10_SYSTEM, "code": r.icd10_code, "display": r.icd10_text }],
            "text": r.reason,
        }],
    });
    if let Some(p) = r.parent_id {
        v["basedOn"] = json!([{ "reference": format!("ServiceRequest/{p}") }]);
    }
    if !r.summary.is_empty() {
        v["note"] = json!([{ "text": r.summary }]);
    }
    v
}

pub fn task(r: &ReferralData<'_>) -> Value {
    let mut v = json!({
        "resourceType": "Task",
        "id": r.id.to_string(),
        "meta": { "lastUpdated": instant(r.updated_at) },
        "basedOn": [{ "reference": format!("ServiceRequest/{}", r.id) }],
        "status": r.task_status,
        "businessStatus": { "coding": [{ "system": "urn:yigong:referral-status", "code": r.status }], "text": r.status_label },
        "intent": "order",
        "priority": priority(r.urgency),
        "focus": { "reference": format!("ServiceRequest/{}", r.id) },
        "for": { "reference": format!("Patient/{}", r.resident_id) },
        "authoredOn": instant(r.created_at),
        "lastModified": instant(r.updated_at),
        "requester": { "reference": format!("Organization/{}", r.from_institution_id) },
        "owner": { "reference": format!("Organization/{}", r.to_institution_id) },
    });
    if !r.status_reason.is_empty() {
        v["statusReason"] = json!({ "text": r.status_reason });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_round_trip() {
        for u in ["emergency", "urgent", "routine"] {
            assert_eq!(urgency_of(priority(u)), Some(u));
        }
        assert_eq!(urgency_of("whenever"), None);
    }
}
