//! Teleconsultations as FHIR R4: the session as an Appointment (proposed until booked,
//! booked with the expert and the time, fulfilled once answered) and the expert's opinion
//! as a Communication about it.

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Our consultation kinds.
pub const CONSULT_KIND_SYSTEM: &str = "urn:yigong:consultation-kind";

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A consultation as the builders read it.
pub struct ConsultData<'a> {
    pub id: Uuid,
    /// `general` or `surgical`, and its label.
    pub kind: &'a str,
    pub kind_label: &'a str,
    /// Our status: `requested`, `scheduled`, `answered` or `cancelled`.
    pub status: &'a str,
    pub question: &'a str,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub from_institution_id: Uuid,
    pub from_name: &'a str,
    pub expert_name: Option<&'a str>,
    pub scheduled_at: Option<OffsetDateTime>,
    pub minutes: Option<i64>,
    pub opinion: &'a str,
    pub answered_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The FHIR Appointment status of a consultation.
pub fn appointment_status(status: &str) -> &'static str {
    match status {
        "scheduled" => "booked",
        "answered" => "fulfilled",
        "cancelled" => "cancelled",
        _ => "proposed",
    }
}

/// The consultation as an Appointment.
pub fn appointment(c: &ConsultData) -> Value {
    let mut participants = vec![
        json!({"actor": {"reference": format!("Patient/{}", c.resident_id), "display": c.resident_name}, "status": "accepted"}),
        json!({"actor": {"reference": format!("Organization/{}", c.from_institution_id), "display": c.from_name}, "status": "accepted"}),
    ];
    if let Some(expert) = c.expert_name {
        participants.push(json!({"actor": {"display": expert}, "status": "accepted"}));
    }
    let mut v = json!({
        "resourceType": "Appointment",
        "id": c.id.to_string(),
        "status": appointment_status(c.status),
        "serviceType": [{"coding": [{"system": CONSULT_KIND_SYSTEM, "code": c.kind, "display": c.kind_label}], "text": c.kind_label}],
        "description": c.question,
        "created": instant(c.created_at),
        "participant": participants,
    });
    if let (Some(start), Some(minutes)) = (c.scheduled_at, c.minutes) {
        v["start"] = json!(instant(start));
        v["end"] = json!(instant(start + Duration::minutes(minutes)));
        v["minutesDuration"] = json!(minutes);
    }
    v
}

/// The expert's opinion as a Communication about the Appointment
/// (`Communication/<consultation>-opinion`); none before it is given.
pub fn opinion(c: &ConsultData) -> Option<Value> {
    let sent = c.answered_at?;
    let mut v = json!({
        "resourceType": "Communication",
        "id": format!("{}-opinion", c.id),
        "status": "completed",
        "subject": {"reference": format!("Patient/{}", c.resident_id), "display": c.resident_name},
        "about": [{"reference": format!("Appointment/{}", c.id)}],
        "sent": instant(sent),
        "recipient": [{"reference": format!("Organization/{}", c.from_institution_id), "display": c.from_name}],
        "payload": [{"contentString": c.opinion}],
    });
    if let Some(expert) = c.expert_name {
        v["sender"] = json!({"display": expert});
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(status: &'static str) -> ConsultData<'static> {
        ConsultData {
            id: Uuid::from_u128(9),
            kind: "surgical",
            kind_label: "手术会诊",
            status,
            question: "请术前会诊",
            resident_id: Uuid::from_u128(1),
            resident_name: "张三",
            from_institution_id: Uuid::from_u128(2),
            from_name: "茅台镇卫生院",
            expert_name: None,
            scheduled_at: None,
            minutes: None,
            opinion: "",
            answered_at: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_request_is_proposed_a_booking_has_its_times_an_answer_its_opinion() {
        let a = appointment(&data("requested"));
        assert_eq!(a["status"], "proposed");
        assert!(a.get("start").is_none());
        assert!(opinion(&data("requested")).is_none());
        let mut booked = data("answered");
        booked.expert_name = Some("何主任");
        booked.scheduled_at = Some(OffsetDateTime::UNIX_EPOCH);
        booked.minutes = Some(30);
        booked.opinion = "可在局麻下清创";
        booked.answered_at = Some(OffsetDateTime::UNIX_EPOCH + Duration::minutes(30));
        let a = appointment(&booked);
        assert_eq!(a["status"], "fulfilled");
        assert_eq!(a["end"], "1970-01-01T00:30:00Z");
        assert_eq!(a["participant"][2]["actor"]["display"], "何主任");
        let c = opinion(&booked).expect("opinion");
        assert_eq!(
            c["about"][0]["reference"],
            format!("Appointment/{}", booked.id)
        );
        assert_eq!(c["payload"][0]["contentString"], "可在局麻下清创");
    }
}
