//! Chronic-disease management as FHIR R4: a CarePlan per register (hypertension or
//! diabetes management, with the next follow-up as a scheduled activity), and the
//! readings of each visit as Observations: blood pressure (LOINC 85354-9 with systolic
//! 8480-6 and diastolic 8462-4 components, mm[Hg]) and fasting glucose (LOINC 1558-6,
//! mmol/L).

use crate::Texts;
use crate::ecg::{LOINC, UCUM};
use crate::search::observation::{BLOOD_PRESSURE, GLUCOSE, LABORATORY, VITAL_SIGNS};
use serde_json::{Value, json};
use time::Date;
use uuid::Uuid;

/// The id of a visit's blood-pressure Observation.
pub fn bp_id(visit: Uuid) -> String {
    format!("{visit}-bp")
}

/// The id of a visit's fasting-glucose Observation.
pub fn glucose_id(visit: Uuid) -> String {
    format!("{visit}-glu")
}

pub struct Visit<'a> {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub institution_id: Uuid,
    pub visit_on: Date,
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub glucose: Option<f64>,
}

fn vital(id: String, v: &Visit<'_>, code: Value) -> Value {
    json!({
        "resourceType": "Observation",
        "id": id,
        "status": "final",
        "category": [{"coding": [{"system": VITAL_SIGNS.0, "code": VITAL_SIGNS.1, "display": "Vital Signs"}]}],
        "code": code,
        "subject": {"reference": format!("Patient/{}", v.resident_id), "display": v.resident_name},
        "effectiveDateTime": v.visit_on.to_string(),
        "performer": [{"reference": format!("Organization/{}", v.institution_id)}],
    })
}

/// The Observations of one visit: blood pressure and fasting glucose, as measured.
pub fn visit_observations(v: &Visit<'_>, t: Texts<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
        let mut o = vital(
            bp_id(v.id),
            v,
            json!({"coding": [{"system": BLOOD_PRESSURE.0, "code": BLOOD_PRESSURE.1, "display": "Blood pressure panel with all children optional"}], "text": t("fhir.blood_pressure")}),
        );
        let quantity =
            |value: i32| json!({"value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"});
        o["component"] = json!([
            {"code": {"coding": [{"system": LOINC, "code": "8480-6", "display": "Systolic blood pressure"}]}, "valueQuantity": quantity(s)},
            {"code": {"coding": [{"system": LOINC, "code": "8462-4", "display": "Diastolic blood pressure"}]}, "valueQuantity": quantity(d)},
        ]);
        out.push(o);
    }
    if let Some(g) = v.glucose {
        let mut o = vital(
            glucose_id(v.id),
            v,
            json!({"coding": [{"system": GLUCOSE.0, "code": GLUCOSE.1, "display": "Fasting glucose [Mass/volume] in Serum or Plasma"}], "text": t("fhir.fasting_glucose")}),
        );
        o["category"] = json!([{"coding": [{"system": LABORATORY.0, "code": LABORATORY.1, "display": "Laboratory"}]}]);
        o["valueQuantity"] =
            json!({"value": g, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"});
        out.push(o);
    }
    out
}

pub struct Plan<'a> {
    pub id: Uuid,
    /// `managed` or `ended`
    pub status: &'a str,
    /// `hypertension` or `diabetes`
    pub disease: &'a str,
    pub title: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub enrolled_on: Date,
    pub next_due: Date,
    pub last_controlled: Option<bool>,
}

/// The management plan of one register.
pub fn care_plan(p: &Plan<'_>, t: Texts<'_>) -> Value {
    let icd = match p.disease {
        "hypertension" => "I10",
        _ => "E11",
    };
    let icd_text = yigong_domain::icd10::name_of(icd).unwrap_or_default();
    let mut v = json!({
        "resourceType": "CarePlan",
        "id": p.id.to_string(),
        "status": if p.status == "managed" { "active" } else { "completed" },
        "intent": "plan",
        "category": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": icd, "display": icd_text}], "text": p.title}],
        "title": p.title,
        "description": t("fhir.chronic_standard"),
        "subject": {"reference": format!("Patient/{}", p.resident_id), "display": p.resident_name},
        "period": {"start": p.enrolled_on.to_string()},
        "activity": [{
            "detail": {
                "kind": "Appointment",
                "code": {"text": t("fhir.follow_up")},
                "status": if p.status == "managed" { "scheduled" } else { "stopped" },
                "scheduledPeriod": {"start": p.next_due.to_string()},
                "description": t("fhir.follow_up_in_person"),
            }
        }],
    });
    if let Some(controlled) = p.last_controlled {
        v["note"] = json!([{"text": t(if controlled { "fhir.last_controlled" } else { "fhir.last_uncontrolled" })}]);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_visit_gives_a_blood_pressure_panel_and_a_glucose() {
        let id = Uuid::now_v7();
        let obs = visit_observations(
            &Visit {
                id,
                resident_id: Uuid::now_v7(),
                resident_name: "张三",
                institution_id: Uuid::now_v7(),
                visit_on: date!(2026 - 11 - 20),
                systolic: Some(152),
                diastolic: Some(96),
                glucose: Some(7.4),
            },
            &|k| k,
        );
        assert_eq!(obs.len(), 2);
        assert_eq!(obs[0]["id"], format!("{id}-bp"));
        assert_eq!(obs[0]["code"]["coding"][0]["code"], "85354-9");
        assert_eq!(
            obs[0]["component"][0]["code"]["coding"][0]["code"],
            "8480-6"
        );
        assert_eq!(obs[0]["component"][1]["valueQuantity"]["value"], 96);
        assert_eq!(obs[1]["code"]["coding"][0]["code"], "1558-6");
        assert_eq!(obs[1]["valueQuantity"]["unit"], "mmol/L");
    }

    #[test]
    fn the_plan_schedules_the_next_visit() {
        let p = care_plan(
            &Plan {
                id: Uuid::now_v7(),
                status: "managed",
                disease: "diabetes",
                title: "2 型糖尿病患者健康管理",
                resident_id: Uuid::now_v7(),
                resident_name: "张三",
                enrolled_on: date!(2025 - 03 - 01),
                next_due: date!(2026 - 12 - 04),
                last_controlled: Some(false),
            },
            &|k| k,
        );
        assert_eq!(p["status"], "active");
        assert_eq!(
            p["activity"][0]["detail"]["scheduledPeriod"]["start"],
            "2026-12-04"
        );
        assert_eq!(p["category"][0]["coding"][0]["code"], "E11");
    }
}
