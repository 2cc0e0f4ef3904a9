//! The registers behind a chronic-care figure: those of the year of the period's last
//! month that its counter counts (under management, standardised, controlled), at the
//! scope's institutions, the latest visit first.

use super::api::{Case, Scope};
use crate::http::error::ApiResult;
use crate::state::AppState;
use yigong_domain::chronic::STANDARD;
use yigong_domain::identity::mask_id_text;
use yigong_domain::indicators::chronic::{Register, counter_of, in_year};
use yigong_domain::indicators::formula::Term;
use yigong_domain::indicators::month::Span;
use yigong_store::chronic::counted::ListedRegister;

/// Whether every term of a part counts registers.
pub fn counts_registers(terms: &[Term]) -> bool {
    !terms.is_empty() && terms.iter().all(|t| counter_of(t.measure).is_some())
}

/// Every register the terms count over `span`, newest first.
pub async fn cases(
    state: &AppState,
    terms: &[Term],
    span: Span,
    scope: &Scope,
) -> ApiResult<Vec<Case>> {
    let year = span.last.year;
    let mut out = Vec::new();
    for t in terms {
        let Some((disease, k)) = counter_of(t.measure) else {
            continue;
        };
        let places: Vec<uuid::Uuid> = scope
            .kinds
            .iter()
            .filter(|(_, kind)| t.levels.holds(**kind))
            .map(|(i, _)| *i)
            .collect();
        let listed = state
            .store
            .registers_in_year(state.community.id, disease, &places, year)
            .await?;
        for (r, visits) in listed {
            let register = Register {
                disease,
                institution: r.institution_id,
                enrolled_on: r.enrolled_on,
                ended_on: r.ended_on,
            };
            if in_year(&register, &visits, &STANDARD, year)[k] {
                out.push(case(r, disease.as_str(), &visits));
            }
        }
    }
    out.sort_by(|a, b| (&b.day, b.id).cmp(&(&a.day, a.id)));
    Ok(out)
}

/// A register as a case: its latest visit of the year (or its enrolment), the year's
/// face-to-face visits, and whether the latest ended controlled.
fn case(
    r: ListedRegister,
    disease: &str,
    visits: &[yigong_domain::indicators::chronic::Visit],
) -> Case {
    let last = visits.iter().max_by_key(|v| v.on);
    let control = match last.and_then(|v| v.controlled) {
        Some(true) => "controlled",
        Some(false) => "uncontrolled",
        None => "unseen",
    };
    Case {
        id: r.id,
        source: "register".into(),
        kind: disease.into(),
        day: last.map_or(r.enrolled_on, |v| v.on).to_string(),
        place: r.place,
        level: r.level,
        resident_name: Some(r.resident_name),
        staff_name: None,
        id_number: mask_id_text(&r.id_number),
        diagnoses: control.into(),
        total_fen: 0,
        insurance_fen: 0,
        served: visits.iter().filter(|v| v.face_to_face).count() as i64,
    }
}
