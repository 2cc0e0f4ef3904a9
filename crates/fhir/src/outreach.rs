//! Expert outreach as FHIR R4: a dated session as a Schedule (the expert and the township,
//! its planning horizon the session's hours) with one Slot (free while places remain,
//! busy when full or held, busy-unavailable when cancelled), and a posting as a
//! PractitionerRole (the staff member at the grassroots site over the posting's days).

use serde_json::{Value, json};
use time::Date;
use uuid::Uuid;

/// Our posting kinds.
pub const POSTING_KIND_SYSTEM: &str = "urn:yigong:posting-kind";

/// A session as the builders read it.
pub struct SessionData<'a> {
    pub id: Uuid,
    pub expert_id: Uuid,
    /// The expert's name and title, as shown.
    pub expert: &'a str,
    /// The department or specialty the residents come for.
    pub service: &'a str,
    pub institution_id: Uuid,
    pub institution_name: &'a str,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    pub capacity: i64,
    pub booked: i64,
    /// `planned`, `held` or `cancelled`.
    pub status: &'a str,
    pub note: &'a str,
}

/// A day and minutes after midnight as a China-time instant.
fn at(day: Date, min: i64) -> String {
    let min = min.clamp(0, 1439);
    format!("{day}T{:02}:{:02}:00+08:00", min / 60, min % 60)
}

pub fn schedule(s: &SessionData) -> Value {
    let mut v = json!({
        "resourceType": "Schedule",
        "id": s.id.to_string(),
        "active": s.status != "cancelled",
        "actor": [
            {"reference": format!("Practitioner/{}", s.expert_id), "display": s.expert},
            {"reference": format!("Organization/{}", s.institution_id), "display": s.institution_name},
        ],
        "planningHorizon": {"start": at(s.day, s.start_min), "end": at(s.day, s.end_min)},
    });
    if !s.service.is_empty() {
        v["serviceType"] = json!([{"text": s.service}]);
    }
    if !s.note.is_empty() {
        v["comment"] = json!(s.note);
    }
    v
}

/// The FHIR Slot status of a session.
pub fn slot_status(s: &SessionData) -> &'static str {
    match s.status {
        "cancelled" => "busy-unavailable",
        "held" => "busy",
        _ if s.booked >= s.capacity => "busy",
        _ => "free",
    }
}

pub fn slot(s: &SessionData) -> Value {
    json!({
        "resourceType": "Slot",
        "id": s.id.to_string(),
        "schedule": {"reference": format!("Schedule/{}", s.id)},
        "status": slot_status(s),
        "start": at(s.day, s.start_min),
        "end": at(s.day, s.end_min),
        "overbooked": false,
        "comment": format!("{}/{}", s.booked, s.capacity),
    })
}

/// A posting as the builder reads it.
pub struct PostingData<'a> {
    pub id: Uuid,
    pub staff_id: Uuid,
    pub staff_name: &'a str,
    pub institution_id: Uuid,
    pub institution_name: &'a str,
    pub kind: &'a str,
    pub kind_label: &'a str,
    pub start: Date,
    pub end: Option<Date>,
    pub today: Date,
}

pub fn practitioner_role(p: &PostingData) -> Value {
    let mut period = json!({"start": p.start.to_string()});
    if let Some(end) = p.end {
        period["end"] = json!(end.to_string());
    }
    json!({
        "resourceType": "PractitionerRole",
        "id": p.id.to_string(),
        "active": p.start <= p.today && p.end.is_none_or(|e| e >= p.today),
        "period": period,
        "practitioner": {"reference": format!("Practitioner/{}", p.staff_id), "display": p.staff_name},
        "organization": {"reference": format!("Organization/{}", p.institution_id), "display": p.institution_name},
        "code": [{"coding": [{"system": POSTING_KIND_SYSTEM, "code": p.kind, "display": p.kind_label}], "text": p.kind_label}],
    })
}

/// A resident's booked place as the builder reads it.
pub struct BookingData<'a> {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: &'a str,
    pub session_id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: &'a str,
    pub day: Date,
    pub start_min: i64,
    pub end_min: i64,
    /// The session's status: `planned`, `held` or `cancelled`.
    pub status: &'a str,
    /// When it was booked (RFC 3339).
    pub created: &'a str,
    /// "Expert session", in the reader's language.
    pub service: &'a str,
}

/// A booked place as an Appointment on the session's Slot: booked, fulfilled once the
/// session is held, cancelled with it.
pub fn booking_appointment(b: &BookingData) -> Value {
    let status = match b.status {
        "held" => "fulfilled",
        "cancelled" => "cancelled",
        _ => "booked",
    };
    json!({
        "resourceType": "Appointment",
        "id": b.id.to_string(),
        "status": status,
        "serviceType": [{"text": b.service}],
        "slot": [{"reference": format!("Slot/{}", b.session_id)}],
        "start": at(b.day, b.start_min),
        "end": at(b.day, b.end_min),
        "created": b.created,
        "participant": [
            {"actor": {"reference": format!("Patient/{}", b.resident_id), "display": b.resident_name}, "status": "accepted"},
            {"actor": {"reference": format!("Practitioner/{}", b.expert_id), "display": b.expert_name}, "status": "accepted"},
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn session(status: &'static str, booked: i64) -> SessionData<'static> {
        SessionData {
            id: Uuid::from_u128(7),
            expert_id: Uuid::from_u128(1),
            expert: "李医生 主任医师",
            service: "心血管内科",
            institution_id: Uuid::from_u128(2),
            institution_name: "茅台镇卫生院",
            day: date!(2026 - 12 - 01),
            start_min: 510,
            end_min: 690,
            capacity: 20,
            booked,
            status,
            note: "",
        }
    }

    #[test]
    fn a_session_is_a_schedule_with_one_slot_that_fills() {
        let s = schedule(&session("planned", 3));
        assert_eq!(s["planningHorizon"]["start"], "2026-12-01T08:30:00+08:00");
        assert_eq!(s["planningHorizon"]["end"], "2026-12-01T11:30:00+08:00");
        assert_eq!(s["active"], true);
        assert_eq!(slot(&session("planned", 3))["status"], "free");
        assert_eq!(slot(&session("planned", 20))["status"], "busy");
        assert_eq!(slot(&session("cancelled", 0))["status"], "busy-unavailable");
        assert_eq!(slot(&session("planned", 3))["comment"], "3/20");
    }

    #[test]
    fn a_booking_follows_its_session() {
        let b = |status| BookingData {
            id: Uuid::from_u128(5),
            resident_id: Uuid::from_u128(6),
            resident_name: "张三",
            session_id: Uuid::from_u128(7),
            expert_id: Uuid::from_u128(1),
            expert_name: "李医生",
            day: date!(2026 - 12 - 01),
            start_min: 510,
            end_min: 690,
            status,
            created: "2026-11-30T09:00:00Z",
            service: "专家坐诊",
        };
        let a = booking_appointment(&b("planned"));
        assert_eq!(
            (a["status"].clone(), a["slot"][0]["reference"].clone()),
            (
                json!("booked"),
                json!(format!("Slot/{}", Uuid::from_u128(7)))
            )
        );
        assert_eq!(booking_appointment(&b("held"))["status"], "fulfilled");
        assert_eq!(booking_appointment(&b("cancelled"))["status"], "cancelled");
    }

    #[test]
    fn a_posting_is_active_only_within_its_days() {
        let mut p = PostingData {
            id: Uuid::from_u128(3),
            staff_id: Uuid::from_u128(4),
            staff_name: "王医生",
            institution_id: Uuid::from_u128(2),
            institution_name: "茅台镇卫生院",
            kind: "long_term",
            kind_label: "长期派驻",
            start: date!(2026 - 01 - 01),
            end: Some(date!(2026 - 06 - 30)),
            today: date!(2026 - 11 - 30),
        };
        assert_eq!(practitioner_role(&p)["active"], false);
        p.end = None;
        let r = practitioner_role(&p);
        assert_eq!(
            (r["active"].clone(), r["period"]["start"].clone()),
            (json!(true), json!("2026-01-01"))
        );
    }
}
