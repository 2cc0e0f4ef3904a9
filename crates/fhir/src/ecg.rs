//! ECG studies as FHIR R4: the recording as an Observation (LOINC 11524-6) with one
//! component per lead whose value is SampledData (origin 0 mV, period in milliseconds,
//! factor 0.001 mV so the data are whole microvolts), plus the heart rate; the reading
//! as a DiagnosticReport (category EC) whose result is that Observation, with the
//! reader's findings as coded conclusions.

use crate::Texts;
use crate::search::observation::{ECG, PROCEDURE};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

pub const LOINC: &str = "http://loinc.org";
/// ISO/IEEE 11073-10101 (MDC) nomenclature.
pub const MDC: &str = "urn:oid:2.16.840.1.113883.6.24";
pub const UCUM: &str = "http://unitsofmeasure.org";
/// Our coded ECG findings.
pub const FINDING_SYSTEM: &str = "urn:yigong:ecg-finding";
/// SampledData carries at most this many seconds of each lead (longer recordings are
/// cut; the stored file stays whole).
pub const MAX_SECONDS: f64 = 300.0;

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The MDC code of a standard lead (MDC_ECG_LEAD_*).
pub fn lead_code(name: &str) -> Option<(u32, &'static str)> {
    Some(match name {
        "I" => (131329, "MDC_ECG_LEAD_I"),
        "II" => (131330, "MDC_ECG_LEAD_II"),
        "V1" => (131331, "MDC_ECG_LEAD_V1"),
        "V2" => (131332, "MDC_ECG_LEAD_V2"),
        "V3" => (131333, "MDC_ECG_LEAD_V3"),
        "V4" => (131334, "MDC_ECG_LEAD_V4"),
        "V5" => (131335, "MDC_ECG_LEAD_V5"),
        "V6" => (131336, "MDC_ECG_LEAD_V6"),
        "III" => (131389, "MDC_ECG_LEAD_III"),
        "aVR" => (131390, "MDC_ECG_LEAD_AVR"),
        "aVL" => (131391, "MDC_ECG_LEAD_AVL"),
        "aVF" => (131392, "MDC_ECG_LEAD_AVF"),
        _ => return None,
    })
}

pub struct EcgObservation<'a> {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub from_institution_id: Uuid,
    pub recorded_at: OffsetDateTime,
    pub fs: f64,
    /// (lead name, samples in mV)
    pub leads: Vec<(&'a str, &'a [f32])>,
    pub heart_rate: Option<f64>,
}

pub fn ecg_observation(o: &EcgObservation<'_>, t: Texts<'_>) -> Value {
    let keep = ((MAX_SECONDS * o.fs) as usize).max(1);
    let mut components: Vec<Value> = o
        .leads
        .iter()
        .map(|(name, samples)| {
            let code = match lead_code(name) {
                Some((code, display)) => json!({"coding": [{"system": MDC, "code": code.to_string(), "display": display}], "text": name}),
                None => json!({"text": name}),
            };
            let mut data = String::with_capacity(samples.len().min(keep) * 5);
            for (k, v) in samples.iter().take(keep).enumerate() {
                if k > 0 {
                    data.push(' ');
                }
                data.push_str(&((f64::from(*v) * 1000.0).round() as i64).to_string());
            }
            json!({
                "code": code,
                "valueSampledData": {
                    "origin": {"value": 0, "unit": "mV", "system": UCUM, "code": "mV"},
                    "period": 1000.0 / o.fs,
                    "factor": 0.001,
                    "dimensions": 1,
                    "data": data,
                }
            })
        })
        .collect();
    if let Some(hr) = o.heart_rate {
        components.push(json!({
            "code": {"coding": [{"system": LOINC, "code": "8867-4", "display": "Heart rate"}]},
            "valueQuantity": {"value": (hr * 10.0).round() / 10.0, "unit": "/min", "system": UCUM, "code": "/min"},
        }));
    }
    json!({
        "resourceType": "Observation",
        "id": o.id.to_string(),
        "status": "final",
        "category": [{"coding": [{"system": PROCEDURE.0, "code": PROCEDURE.1, "display": "Procedure"}]}],
        "code": {"coding": [{"system": ECG.0, "code": ECG.1, "display": "EKG study"}], "text": t("fhir.ecg")},
        "subject": {"reference": format!("Patient/{}", o.resident_id), "display": o.resident_name},
        "effectiveDateTime": instant(o.recorded_at),
        "performer": [{"reference": format!("Organization/{}", o.from_institution_id)}],
        "component": components,
    })
}

pub struct EcgReport<'a> {
    pub id: Uuid,
    /// Our status: `awaiting`, `reading` or `reported`.
    pub status: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub recorded_at: OffsetDateTime,
    pub reported_at: Option<OffsetDateTime>,
    pub reader_name: Option<&'a str>,
    /// (code, label)
    pub findings: Vec<(&'a str, &'a str)>,
    pub conclusion: &'a str,
}

pub fn ecg_report(r: &EcgReport<'_>, t: Texts<'_>) -> Value {
    let status = match r.status {
        "reported" => "final",
        "reading" => "partial",
        _ => "registered",
    };
    let mut v = json!({
        "resourceType": "DiagnosticReport",
        "id": r.id.to_string(),
        "status": status,
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "EC", "display": "Electrocardiac (e.g., EKG, EEC, Holter)"}]}],
        "code": {"coding": [{"system": ECG.0, "code": ECG.1, "display": "EKG study"}], "text": t("fhir.ecg_report")},
        "subject": {"reference": format!("Patient/{}", r.resident_id), "display": r.resident_name},
        "effectiveDateTime": instant(r.recorded_at),
        "result": [{"reference": format!("Observation/{}", r.id)}],
    });
    if let Some(at) = r.reported_at {
        v["issued"] = json!(instant(at));
    }
    if let Some(reader) = r.reader_name {
        v["resultsInterpreter"] = json!([{"display": reader}]);
    }
    if !r.conclusion.is_empty() {
        v["conclusion"] = json!(r.conclusion);
    }
    if !r.findings.is_empty() {
        v["conclusionCode"] = json!(r
            .findings
            .iter()
            .map(|(code, label)| json!({"coding": [{"system": FINDING_SYSTEM, "code": code, "display": label}], "text": label}))
            .collect::<Vec<_>>());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads_become_sampled_data_in_microvolts() {
        let samples = [0.0f32, 1.0, -0.25];
        let o = ecg_observation(
            &EcgObservation {
                id: Uuid::now_v7(),
                resident_id: Uuid::now_v7(),
                resident_name: "张三",
                from_institution_id: Uuid::now_v7(),
                recorded_at: OffsetDateTime::UNIX_EPOCH,
                fs: 500.0,
                leads: vec![("aVF", &samples), ("Pleth", &samples)],
                heart_rate: Some(72.04),
            },
            &|k| k,
        );
        let c = &o["component"];
        assert_eq!(c[0]["code"]["coding"][0]["code"], "131392");
        assert_eq!(c[0]["valueSampledData"]["data"], "0 1000 -250");
        assert_eq!(c[0]["valueSampledData"]["period"], 2.0);
        assert_eq!(c[1]["code"]["text"], "Pleth");
        assert_eq!(c[2]["valueQuantity"]["value"], 72.0);
    }

    #[test]
    fn the_report_points_at_its_recording_and_follows_the_reading() {
        let id = Uuid::now_v7();
        let mut r = EcgReport {
            id,
            status: "awaiting",
            resident_id: Uuid::now_v7(),
            resident_name: "张三",
            recorded_at: OffsetDateTime::UNIX_EPOCH,
            reported_at: None,
            reader_name: None,
            findings: vec![],
            conclusion: "",
        };
        let v = ecg_report(&r, &|k| k);
        assert_eq!(v["status"], "registered");
        assert_eq!(v["result"][0]["reference"], format!("Observation/{id}"));
        assert!(v.get("conclusionCode").is_none());
        r.status = "reported";
        r.findings = vec![("stemi_inferior", "下壁 ST 段抬高")];
        r.conclusion = "急性下壁心肌梗死";
        r.reported_at = Some(OffsetDateTime::UNIX_EPOCH);
        let v = ecg_report(&r, &|k| k);
        assert_eq!(v["status"], "final");
        assert_eq!(
            v["conclusionCode"][0]["coding"][0]["code"],
            "stemi_inferior"
        );
    }
}
