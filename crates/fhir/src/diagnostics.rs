//! Orders to the shared diagnostic centres as FHIR R4: the order as a ServiceRequest
//! (category laboratory, imaging or pathology procedure), each laboratory value as an
//! Observation (LOINC, UCUM quantity, reference range, interpretation), and the result
//! as a DiagnosticReport based on the order and pointing at its values.

use crate::ecg::{LOINC, UCUM};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// Our catalogue's item codes.
pub const ITEM_SYSTEM: &str = "urn:yigong:diagnostic-item";
const SNOMED: &str = "http://snomed.info/sct";
const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const SECTION: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// An order as the builders read it.
pub struct OrderData<'a> {
    pub id: Uuid,
    pub item_code: &'a str,
    pub item_name: &'a str,
    pub loinc: Option<&'a str>,
    /// `laboratory`, `imaging` or `pathology`.
    pub centre: &'a str,
    /// Our status: `ordered`, `received`, `reported` or `cancelled`.
    pub status: &'a str,
    pub urgent: bool,
    pub question: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub from_institution_id: Uuid,
    pub from_name: &'a str,
    pub performer_id: Uuid,
    pub performer_name: &'a str,
    pub created_at: OffsetDateTime,
    pub reported_at: Option<OffsetDateTime>,
    pub impression: &'a str,
    /// Analyte codes of the values, whose Observations the report lists.
    pub values: Vec<&'a str>,
}

/// A laboratory value as the builder reads it.
pub struct ValueData<'a> {
    pub order_id: Uuid,
    pub analyte: &'a str,
    pub name: &'a str,
    pub loinc: &'a str,
    pub value: f64,
    /// UCUM.
    pub unit: &'a str,
    pub low: f64,
    pub high: f64,
    /// `N`, `L`, `H`, `LL` or `HH`.
    pub flag: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub reported_at: OffsetDateTime,
}

/// The FHIR request status of an order.
pub fn order_request_status(status: &str) -> &'static str {
    match status {
        "reported" => "completed",
        "cancelled" => "revoked",
        _ => "active",
    }
}

/// Our statuses a ServiceRequest status stands for.
pub fn order_statuses_of(request_status: &str) -> &'static [&'static str] {
    match request_status {
        "completed" => &["reported"],
        "revoked" => &["cancelled"],
        "active" => &["ordered", "received"],
        _ => &[],
    }
}

fn category(centre: &str) -> (&'static str, &'static str) {
    match centre {
        "laboratory" => ("108252007", "Laboratory procedure"),
        "imaging" => ("363679005", "Imaging"),
        _ => ("108257001", "Anatomic pathology procedure"),
    }
}

fn section(centre: &str) -> &'static str {
    match centre {
        "laboratory" => "LAB",
        "imaging" => "RAD",
        _ => "PAT",
    }
}

fn code(o: &OrderData) -> Value {
    let mut coding =
        vec![json!({"system": ITEM_SYSTEM, "code": o.item_code, "display": o.item_name})];
    if let Some(l) = o.loinc {
        coding.insert(0, json!({"system": LOINC, "code": l}));
    }
    json!({"coding": coding, "text": o.item_name})
}

/// The order as a ServiceRequest.
pub fn order_request(o: &OrderData) -> Value {
    let (sct, sct_display) = category(o.centre);
    let mut v = json!({
        "resourceType": "ServiceRequest",
        "id": o.id.to_string(),
        "status": order_request_status(o.status),
        "intent": "order",
        "category": [{"coding": [{"system": SNOMED, "code": sct, "display": sct_display}]}],
        "priority": if o.urgent { "urgent" } else { "routine" },
        "code": code(o),
        "subject": {"reference": format!("Patient/{}", o.resident_id), "display": o.resident_name},
        "authoredOn": instant(o.created_at),
        "requester": {"reference": format!("Organization/{}", o.from_institution_id), "display": o.from_name},
        "performer": [{"reference": format!("Organization/{}", o.performer_id), "display": o.performer_name}],
    });
    if !o.question.is_empty() {
        v["reasonCode"] = json!([{"text": o.question}]);
    }
    v
}

/// A laboratory value as an Observation (`Observation/<order>-<analyte>`).
pub fn lab_observation(v: &ValueData) -> Value {
    let q = |x: f64| json!({"value": x, "unit": v.unit, "system": UCUM, "code": v.unit});
    json!({
        "resourceType": "Observation",
        "id": format!("{}-{}", v.order_id, v.analyte),
        "status": "final",
        "category": [{"coding": [{"system": crate::search::OBSERVATION_CATEGORY, "code": "laboratory"}]}],
        "code": {"coding": [{"system": LOINC, "code": v.loinc}], "text": v.name},
        "subject": {"reference": format!("Patient/{}", v.resident_id), "display": v.resident_name},
        "effectiveDateTime": instant(v.reported_at),
        "valueQuantity": q(v.value),
        "interpretation": [{"coding": [{"system": INTERPRETATION, "code": v.flag}]}],
        "referenceRange": [{"low": q(v.low), "high": q(v.high)}],
    })
}

/// The order's result as a DiagnosticReport (`registered` until reported).
pub fn order_report(o: &OrderData) -> Value {
    let status = match o.status {
        "reported" => "final",
        "cancelled" => "cancelled",
        _ => "registered",
    };
    let mut v = json!({
        "resourceType": "DiagnosticReport",
        "id": o.id.to_string(),
        "basedOn": [{"reference": format!("ServiceRequest/{}", o.id)}],
        "status": status,
        "category": [{"coding": [{"system": SECTION, "code": section(o.centre)}]}],
        "code": code(o),
        "subject": {"reference": format!("Patient/{}", o.resident_id), "display": o.resident_name},
        "effectiveDateTime": instant(o.created_at),
        "performer": [{"reference": format!("Organization/{}", o.performer_id), "display": o.performer_name}],
    });
    if let Some(at) = o.reported_at {
        v["issued"] = json!(instant(at));
    }
    if !o.values.is_empty() {
        v["result"] = json!(
            o.values
                .iter()
                .map(|a| json!({"reference": format!("Observation/{}-{a}", o.id)}))
                .collect::<Vec<_>>()
        );
    }
    if !o.impression.is_empty() {
        v["conclusion"] = json!(o.impression);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(status: &'static str) -> OrderData<'static> {
        OrderData {
            id: Uuid::from_u128(7),
            item_code: "electrolytes",
            item_name: "电解质",
            loinc: None,
            centre: "laboratory",
            status,
            urgent: true,
            question: "乏力",
            resident_id: Uuid::from_u128(1),
            resident_name: "张三",
            from_institution_id: Uuid::from_u128(2),
            from_name: "茅台镇卫生院",
            performer_id: Uuid::from_u128(3),
            performer_name: "人民医院",
            created_at: OffsetDateTime::UNIX_EPOCH,
            reported_at: None,
            impression: "",
            values: vec![],
        }
    }

    #[test]
    fn an_order_is_an_active_request_until_reported() {
        let r = order_request(&order("received"));
        assert_eq!(r["status"], "active");
        assert_eq!(r["priority"], "urgent");
        assert_eq!(r["category"][0]["coding"][0]["code"], "108252007");
        assert_eq!(r["code"]["coding"][0]["system"], ITEM_SYSTEM);
        assert_eq!(order_request_status("reported"), "completed");
        assert_eq!(order_statuses_of("active"), ["ordered", "received"]);
        let mut done = order("reported");
        done.values = vec!["k", "na"];
        done.reported_at = Some(OffsetDateTime::UNIX_EPOCH);
        let d = order_report(&done);
        assert_eq!(d["status"], "final");
        assert_eq!(d["category"][0]["coding"][0]["code"], "LAB");
        assert_eq!(
            d["result"][1]["reference"],
            "Observation/00000000-0000-0000-0000-000000000007-na"
        );
        assert_eq!(
            d["basedOn"][0]["reference"],
            format!("ServiceRequest/{}", done.id)
        );
    }

    #[test]
    fn a_value_carries_its_unit_range_and_flag() {
        let v = lab_observation(&ValueData {
            order_id: Uuid::from_u128(7),
            analyte: "k",
            name: "钾",
            loinc: "2823-3",
            value: 6.8,
            unit: "mmol/L",
            low: 3.5,
            high: 5.3,
            flag: "HH",
            resident_id: Uuid::from_u128(1),
            resident_name: "张三",
            reported_at: OffsetDateTime::UNIX_EPOCH,
        });
        assert_eq!(v["code"]["coding"][0]["code"], "2823-3");
        assert_eq!(v["valueQuantity"]["value"], 6.8);
        assert_eq!(v["valueQuantity"]["system"], UCUM);
        assert_eq!(v["referenceRange"][0]["high"]["value"], 5.3);
        assert_eq!(v["interpretation"][0]["coding"][0]["code"], "HH");
    }
}
