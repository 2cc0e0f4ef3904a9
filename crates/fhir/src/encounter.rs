//! Encounter: a visit or stay at one of the community's institutions, as a hospital's or
//! township's system pushes it (create) and reads it back (read, search). The same row
//! as the encounter import's: the institution's visit number as identifier, the class
//! (AMB, EMER, IMP), the period, the ICD-10 diagnoses as reason codes, and the bill and
//! the insurance's share as two Money extensions in yuan.

use crate::{ICD10_SYSTEM, INSTITUTION_CODE_SYSTEM};
use serde_json::{Value, json};
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::{EncounterInput, Kind};

/// The visit number's system: one per institution, named by the institution's code.
pub const VISIT_NO_SYSTEM: &str = "urn:yigong:visit-no";
pub const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
pub const TOTAL_COST_URL: &str = "urn:yigong:encounter-total-cost";
pub const INSURANCE_PAID_URL: &str = "urn:yigong:encounter-insurance-paid";

pub struct EncounterData<'a> {
    pub id: Uuid,
    pub visit_no: &'a str,
    pub institution_id: Uuid,
    pub institution_code: &'a str,
    pub institution_name: &'a str,
    pub department: &'a str,
    pub resident_id: Option<Uuid>,
    pub kind: Kind,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// ICD-10 codes.
    pub diagnoses: &'a [String],
    pub total_fen: i64,
    pub insurance_fen: i64,
}

/// The FHIR class code of a kind of encounter.
pub fn class_code(kind: Kind) -> &'static str {
    match kind {
        Kind::Outpatient => "AMB",
        Kind::Emergency => "EMER",
        Kind::Inpatient => "IMP",
    }
}

fn kind_of_class(code: &str) -> Option<Kind> {
    [Kind::Outpatient, Kind::Emergency, Kind::Inpatient]
        .into_iter()
        .find(|k| class_code(*k) == code)
}

/// Fen as a FHIR decimal of yuan: 12345 is 123.45.
fn yuan(fen: i64) -> Value {
    serde_json::Number::from_f64(fen as f64 / 100.0).map_or(Value::Null, Value::Number)
}

fn money(url: &str, fen: i64) -> Value {
    json!({ "url": url, "valueMoney": { "value": yuan(fen), "currency": "CNY" } })
}

pub fn encounter(e: &EncounterData<'_>) -> Value {
    let mut period = json!({ "start": e.started_on.to_string() });
    if let Some(end) = e.ended_on {
        period["end"] = json!(end.to_string());
    }
    let mut r = json!({
        "resourceType": "Encounter",
        "id": e.id.to_string(),
        "extension": [
            money(TOTAL_COST_URL, e.total_fen),
            money(INSURANCE_PAID_URL, e.insurance_fen),
        ],
        "identifier": [{
            "system": format!("{VISIT_NO_SYSTEM}:{}", e.institution_code),
            "value": e.visit_no,
        }],
        "status": "finished",
        "class": { "system": ACT_CODE_SYSTEM, "code": class_code(e.kind) },
        "serviceType": { "text": e.department },
        "period": period,
        "reasonCode": e.diagnoses.iter().map(|code| json!({
            "coding": [{ "system": ICD10_SYSTEM, "code": code }]
        })).collect::<Vec<_>>(),
        "serviceProvider": {
            "reference": format!("Organization/{}", e.institution_id),
            "identifier": { "system": INSTITUTION_CODE_SYSTEM, "value": e.institution_code },
            "display": e.institution_name,
        },
    });
    if let Some(p) = e.resident_id {
        r["subject"] = json!({ "reference": format!("Patient/{p}") });
    }
    r
}

/// What a pushed Encounter says, before the store is asked who its patient and provider
/// are: the row as the import reads it, its ID number still to be filled in from the
/// patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterPush {
    pub patient: Uuid,
    pub provider: Uuid,
    pub row: EncounterInput,
}

/// Whole fen of a Money extension's yuan, as text for the import's checks; the field
/// named when it is missing or not a whole number of fen.
fn fen_of(v: &Value, url: &str, field: &'static str) -> Result<String, &'static str> {
    let value = v["extension"]
        .as_array()
        .and_then(|xs| xs.iter().find(|x| x["url"] == url))
        .and_then(|x| x["valueMoney"]["value"].as_f64())
        .ok_or(field)?;
    let fen = (value * 100.0).round();
    if (value * 100.0 - fen).abs() > 1e-6 || !(0.0..1e15).contains(&fen) {
        return Err(field);
    }
    Ok(format!("{fen:.0}"))
}

fn reference(v: &Value, ty: &str) -> Option<Uuid> {
    v["reference"].as_str()?.strip_prefix(ty)?.parse().ok()
}

/// Reads a pushed Encounter; `Err` names the first element that is missing or wrong
/// (the import's checks then name every problem of the row itself).
pub fn encounter_push(v: &Value) -> Result<EncounterPush, &'static str> {
    if v["resourceType"] != "Encounter" {
        return Err("resourceType");
    }
    let patient = reference(&v["subject"], "Patient/").ok_or("subject")?;
    let provider = reference(&v["serviceProvider"], "Organization/").ok_or("serviceProvider")?;
    let visit_no = v["identifier"]
        .as_array()
        .and_then(|ids| ids.iter().find_map(|i| i["value"].as_str()))
        .ok_or("identifier")?;
    let kind = v["class"]["code"]
        .as_str()
        .and_then(kind_of_class)
        .ok_or("class")?;
    let day = |field: &str| -> String {
        // A dateTime's day is its first ten characters.
        let s = v["period"][field].as_str().unwrap_or_default();
        s.get(..10).unwrap_or(s).to_string()
    };
    let diagnoses: Vec<&str> = v["reasonCode"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .flat_map(|c| c["coding"].as_array().into_iter().flatten())
                .filter(|c| c["system"] == ICD10_SYSTEM)
                .filter_map(|c| c["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    Ok(EncounterPush {
        patient,
        provider,
        row: EncounterInput {
            visit_no: visit_no.to_string(),
            department: v["serviceType"]["text"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            id_number: String::new(),
            kind: kind.as_str().to_string(),
            started_on: day("start"),
            ended_on: day("end"),
            diagnoses: diagnoses.join(";"),
            total_fen: fen_of(v, TOTAL_COST_URL, "extension")?,
            insurance_fen: fen_of(v, INSURANCE_PAID_URL, "extension")?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn stay() -> EncounterData<'static> {
        static DX: [String; 0] = [];
        EncounterData {
            id: Uuid::from_u128(9),
            visit_no: "ZY-0001",
            institution_id: Uuid::from_u128(1),
            institution_code: "T01",
            institution_name: "城关镇卫生院",
            department: "住院部",
            resident_id: Some(Uuid::from_u128(2)),
            kind: Kind::Inpatient,
            started_on: date!(2026 - 05 - 02),
            ended_on: Some(date!(2026 - 05 - 09)),
            diagnoses: &DX,
            total_fen: 352_050,
            insurance_fen: 250_000,
        }
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_row() {
        let dx = vec!["J18.9".to_string(), "I10".to_string()];
        let data = EncounterData {
            diagnoses: &dx,
            ..stay()
        };
        let r = encounter(&data);
        assert_eq!(r["class"]["code"], "IMP");
        assert_eq!(r["identifier"][0]["system"], "urn:yigong:visit-no:T01");
        assert_eq!(r["extension"][0]["valueMoney"]["value"], 3520.5);
        let push = encounter_push(&r).expect("reads back");
        assert_eq!(
            push,
            EncounterPush {
                patient: Uuid::from_u128(2),
                provider: Uuid::from_u128(1),
                row: EncounterInput {
                    visit_no: "ZY-0001".into(),
                    department: "住院部".into(),
                    id_number: String::new(),
                    kind: "inpatient".into(),
                    started_on: "2026-05-02".into(),
                    ended_on: "2026-05-09".into(),
                    diagnoses: "J18.9;I10".into(),
                    total_fen: "352050".into(),
                    insurance_fen: "250000".into(),
                },
            }
        );
    }

    #[test]
    fn a_wrong_element_is_named() {
        let good = encounter(&stay());
        let broken = |path: &[&str], v: Value| {
            let mut r = good.clone();
            let mut at = &mut r;
            for p in &path[..path.len() - 1] {
                at = &mut at[*p];
            }
            at[path[path.len() - 1]] = v;
            encounter_push(&r).expect_err("refused")
        };
        assert_eq!(broken(&["resourceType"], json!("Patient")), "resourceType");
        assert_eq!(
            broken(&["subject"], json!({"reference": "Group/1"})),
            "subject"
        );
        assert_eq!(broken(&["serviceProvider"], json!({})), "serviceProvider");
        assert_eq!(broken(&["class", "code"], json!("HH")), "class");
        assert_eq!(broken(&["identifier"], json!([])), "identifier");
        assert_eq!(
            broken(&["extension"], json!([money(TOTAL_COST_URL, 100)])),
            "extension"
        );
        let mut third_of_a_fen = good.clone();
        third_of_a_fen["extension"][0]["valueMoney"]["value"] = json!(1.003);
        assert_eq!(encounter_push(&third_of_a_fen), Err("extension"));
    }
}
