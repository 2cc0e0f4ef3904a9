//! What the referral page shows around the referral itself: a link to the resident's
//! record where the user reaches it, the appointment given at acceptance, the summary
//! with its ECG reference as a link, the patient's recent follow-ups and ECGs, and the
//! two parties as the printed 转诊单 names them.

use super::*;
use yigong_domain::ecg::EcgScope;
use yigong_store::ecg::StudyFilter;

/// A part of the summary: text, or a link with its label.
pub(super) enum Part {
    Text(String),
    Link(String, &'static str),
}

/// One party of the printed form: institution, its address, and the doctor.
pub(super) struct Party {
    pub name: String,
    pub address: String,
    pub doctor: String,
}

pub(super) struct Around {
    pub resident_link: Option<String>,
    pub appointment: Option<String>,
    pub summary: Vec<Part>,
    /// (date, reading) of the last follow-ups.
    pub visits: Vec<(String, String)>,
    /// (link, date, status) of the last ECG studies the user may open.
    pub studies: Vec<(String, String, String)>,
    pub from: Party,
    pub to: Party,
}

/// The summary with each `/ecg/<id>` reference made a link.
pub(super) fn linked(lang: Lang, summary: &str) -> Vec<Part> {
    let mut parts = vec![];
    let mut rest = summary;
    while let Some(at) = rest.find("/ecg/") {
        let id = rest.get(at + 5..at + 41).unwrap_or("");
        if Uuid::parse_str(id).is_err() {
            parts.push(Part::Text(rest[..at + 5].to_string()));
            rest = &rest[at + 5..];
            continue;
        }
        parts.push(Part::Text(rest[..at].to_string()));
        parts.push(Part::Link(
            format!("/ecg/{id}"),
            lang.t("referral.open_ecg"),
        ));
        rest = &rest[at + 41..];
    }
    parts.push(Part::Text(rest.to_string()));
    parts.retain(|p| !matches!(p, Part::Text(t) if t.is_empty()));
    parts
}

/// The doctor who took the step to `status` first (the sender: the first event).
fn recorder(timeline: &[(String, String, String, String, String)], class: &str) -> String {
    timeline
        .iter()
        .find(|e| class.is_empty() || e.4 == class)
        .map(|e| e.2.clone())
        .unwrap_or_default()
}

pub(super) async fn around(
    state: &AppState,
    user: &CurrentUser,
    r: &Referral,
    timeline: &[(String, String, String, String, String)],
) -> Result<Around, ApiError> {
    let lang = user.lang;
    let c = state.community.id;
    let resident = state.store.get_resident(c, r.resident_id).await?;
    let visits = state
        .store
        .visits_of(c, r.resident_id)
        .await?
        .into_iter()
        .take(3)
        .map(|v| {
            let reading = match (v.systolic, v.diastolic, v.glucose) {
                (Some(s), Some(d), Some(g)) => format!("{s}/{d} mmHg · {g} mmol/L"),
                (Some(s), Some(d), None) => format!("{s}/{d} mmHg"),
                (_, _, Some(g)) => format!("{g} mmol/L"),
                _ => "—".into(),
            };
            (v.visit_on.to_string(), reading)
        })
        .collect();
    let filter = match &user.ecg {
        EcgScope::None => None,
        EcgScope::Senders(ids) => Some(StudyFilter::Senders(ids.clone())),
        EcgScope::Reader | EcgScope::All => Some(StudyFilter::All),
    };
    let studies = match filter {
        Some(f) => state
            .store
            .list_studies(
                c,
                &f,
                Some(r.resident_id),
                yigong_store::PageRequest::new(None, Some(3)),
            )
            .await?
            .items
            .into_iter()
            .map(|s| {
                let status = lang.t(&format!("ecg.status.{}", s.status.as_str()));
                (
                    format!("/ecg/{}", s.id),
                    local(s.created_at),
                    status.to_string(),
                )
            })
            .collect(),
        None => vec![],
    };
    let from_address = state
        .store
        .get_institution(c, r.from_institution_id)
        .await?
        .address;
    let to_address = state
        .store
        .get_institution(c, r.to_institution_id)
        .await?
        .address;
    Ok(Around {
        resident_link: user
            .scope
            .allows(resident.institution_id)
            .then(|| format!("/residents/{}", r.resident_id)),
        appointment: r.appointment_at.map(local),
        summary: linked(lang, &r.summary),
        visits,
        studies,
        from: Party {
            name: r.from_name.clone(),
            address: from_address,
            doctor: recorder(timeline, ""),
        },
        to: Party {
            name: match &r.to_department_name {
                Some(d) => format!("{} · {d}", r.to_name),
                None => r.to_name.clone(),
            },
            address: to_address,
            doctor: recorder(timeline, "status-accepted"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ecg_reference_in_a_summary_becomes_a_link() {
        let id = "01a2270b-146c-71eb-97c2-72715bd5a495";
        let parts = linked(Lang::Zh, &format!("心电图报告：室速。（/ecg/{id}）"));
        assert_eq!(parts.len(), 3);
        assert!(matches!(&parts[0], Part::Text(t) if t == "心电图报告：室速。（"));
        assert!(matches!(&parts[1], Part::Link(href, _) if *href == format!("/ecg/{id}")));
        assert!(matches!(&parts[2], Part::Text(t) if t == "）"));
        let plain = linked(Lang::Zh, "血压 150/90，/ecg/ 不是编号");
        assert!(
            matches!(&plain[..], [Part::Text(a), Part::Text(b)] if format!("{a}{b}") == "血压 150/90，/ecg/ 不是编号")
        );
    }
}
