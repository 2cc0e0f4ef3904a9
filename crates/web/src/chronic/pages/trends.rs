//! A patient's blood pressure and glucose over their visits, as charts with the
//! standard's targets drawn in and the same readings as a table.

use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::chart::{Series, line_chart};
use uuid::Uuid;
use yigong_domain::chronic::STANDARD;
use yigong_store::StoreError;

pub struct Trends {
    pub bp: Option<String>,
    pub glucose: Option<String>,
    /// (date, blood pressure, glucose) of each visit, newest first.
    pub rows: Vec<(String, String, String)>,
}

/// The last year or so of a resident's readings (up to 24 visits); `None` before the
/// first. `age` picks the blood-pressure target.
pub async fn of(
    state: &AppState,
    lang: Lang,
    resident: Uuid,
    age: u32,
) -> Result<Option<Trends>, StoreError> {
    let visits = state.store.visits_of(state.community.id, resident).await?;
    if visits.is_empty() {
        return Ok(None);
    }
    let visits: Vec<_> = visits.into_iter().take(24).collect();
    let target = STANDARD.bp_target(age);
    let points = |f: &dyn Fn(&yigong_store::chronic::VisitRecord) -> Option<f64>| {
        visits
            .iter()
            .filter_map(|v| f(v).map(|x| (v.visit_on, x)))
            .collect::<Vec<_>>()
    };
    let systolic = points(&|v| v.systolic.map(f64::from));
    let diastolic = points(&|v| v.diastolic.map(f64::from));
    let glucose = points(&|v| v.glucose);
    let sys_target = f64::from(target.systolic_below);
    let dia_target = f64::from(target.diastolic_below);
    let bp = if systolic.is_empty() {
        None
    } else {
        line_chart(
            lang.t("chronic.bp_trend"),
            "mmHg",
            &[
                Series {
                    label: lang.t("field.systolic"),
                    colour: "#1f5fa8",
                    points: systolic,
                },
                Series {
                    label: lang.t("field.diastolic"),
                    colour: "#067647",
                    points: diastolic,
                },
            ],
            &[
                (sys_target, &target.systolic_below.to_string()),
                (dia_target, &target.diastolic_below.to_string()),
            ],
        )
    };
    let glucose_chart = if glucose.is_empty() {
        None
    } else {
        line_chart(
            lang.t("chronic.glucose_trend"),
            "mmol/L",
            &[Series {
                label: lang.t("field.glucose"),
                colour: "#9a5b00",
                points: glucose,
            }],
            &[(STANDARD.glucose_below, &STANDARD.glucose_below.to_string())],
        )
    };
    let rows = visits
        .iter()
        .map(|v| {
            let bp = match (v.systolic, v.diastolic) {
                (Some(s), Some(d)) => format!("{s}/{d}"),
                _ => "—".into(),
            };
            let g = v.glucose.map_or_else(|| "—".into(), |g| g.to_string());
            (v.visit_on.to_string(), bp, g)
        })
        .collect();
    Ok(Some(Trends {
        bp,
        glucose: glucose_chart,
        rows,
    }))
}
