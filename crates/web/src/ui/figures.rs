//! Figures pages (referral counts, ECG turnaround, chronic-care quality, contract
//! coverage): the period and the area they cover, chosen once and carried into the
//! drill-down links and the export; institutions listed in township order; and the low
//! performers of a table marked.

use crate::http::error::ApiError;
use crate::i18n::Lang;
use axum::http::StatusCode;
use serde::Deserialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::period::{PRESETS, Period};
use yigong_domain::registry::InstitutionKind;
use yigong_store::institutions::Institution;

/// What a figures page is asked for: a preset period or two days, and an area.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct FigureParams {
    /// One of the presets (`month`, `last_month`, `quarter`, `year`, `365`).
    pub period: Option<String>,
    /// With `to`: a span of days instead of a preset (`2026-11-01`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// An institution; a township stands for itself and its villages.
    pub area: Option<String>,
}

/// The period and area the figures cover.
#[derive(Debug, Clone)]
pub struct Scope {
    pub period: Period,
    /// The preset chosen, or empty for a span of days.
    pub preset: &'static str,
    /// The institution chosen, and it with its villages.
    pub area: Option<(Uuid, String)>,
    pub members: Option<Vec<Uuid>>,
}

fn refused(field: &'static str, code: &'static str) -> ApiError {
    ApiError::field(StatusCode::BAD_REQUEST, field, code)
}

impl Scope {
    /// The scope asked for, `default` the preset when none is; a malformed day, a span
    /// the wrong way round or an unknown area is refused by field.
    pub fn of(
        p: &FigureParams,
        institutions: &[Institution],
        default: &'static str,
    ) -> Result<Scope, ApiError> {
        let set = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let today = clock::today();
        let (period, preset) = match (set(&p.from), set(&p.to)) {
            (Some(f), Some(t)) => {
                let first = super::list::date(Some(&f)).ok_or(refused("from", "date_invalid"))?;
                let last = super::list::date(Some(&t)).ok_or(refused("to", "date_invalid"))?;
                let span = Period::between(first, last).ok_or(refused("to", "period_invalid"))?;
                (span, "")
            }
            _ => {
                let key = set(&p.period).unwrap_or_else(|| default.to_string());
                let preset = PRESETS
                    .iter()
                    .find(|k| **k == key)
                    .ok_or(refused("period", "invalid_field"))?;
                let span =
                    Period::preset(preset, today).ok_or(refused("period", "invalid_field"))?;
                (span, *preset)
            }
        };
        let area = match set(&p.area) {
            None => None,
            Some(a) => {
                let id: Uuid = a.parse().map_err(|_| refused("area", "invalid_field"))?;
                let inst = institutions
                    .iter()
                    .find(|i| i.id == id)
                    .ok_or(refused("area", "not_found"))?;
                Some((inst.id, inst.name.clone()))
            }
        };
        let members = area.as_ref().map(|(id, _)| {
            institutions
                .iter()
                .filter(|i| i.id == *id || i.parent_id == Some(*id))
                .map(|i| i.id)
                .collect()
        });
        Ok(Scope {
            period,
            preset,
            area,
            members,
        })
    }

    /// The first instant of the period.
    pub fn start(&self) -> OffsetDateTime {
        clock::start_of(self.period.first)
    }

    /// The instant after the period (its last day's end).
    pub fn end(&self) -> OffsetDateTime {
        clock::start_of(self.period.last) + time::Duration::days(1)
    }

    /// Whether an institution is in the area (every one when no area is chosen).
    pub fn covers(&self, institution: Uuid) -> bool {
        self.members
            .as_ref()
            .is_none_or(|m| m.contains(&institution))
    }

    /// The query pairs that ask for this scope again.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = if self.preset.is_empty() {
            vec![
                ("from", day(self.period.first)),
                ("to", day(self.period.last)),
            ]
        } else {
            vec![("period", self.preset.to_string())]
        };
        if let Some((id, _)) = &self.area {
            out.push(("area", id.to_string()));
        }
        out
    }

    /// `path?<scope>&<extra>`: a drill-down or export link.
    pub fn link(&self, path: &str, extra: &[(&str, String)]) -> String {
        let q: Vec<String> = self
            .pairs()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .map(|(k, v)| format!("{k}={}", super::encode(v)))
            .collect();
        format!("{path}?{}", q.join("&"))
    }

    /// For a file name: the period's days and the area's name.
    pub fn words(&self, lang: Lang) -> Vec<String> {
        let mut out = vec![super::list::period(
            lang,
            Some(&day(self.period.first)),
            Some(&day(self.period.last)),
        )];
        if let Some((_, name)) = &self.area {
            out.push(name.clone());
        }
        out
    }

    /// The period's days as a list's `from` and `to` filters, for drill-down links.
    pub fn list_days(&self) -> [(&'static str, String); 2] {
        [
            ("from", day(self.period.first)),
            ("to", day(self.period.last)),
        ]
    }
}

fn day(d: Date) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&f).unwrap_or_default()
}

/// One choice of the area filter.
pub struct AreaOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The area filter's choices under one heading: the hospitals, or a township with its
/// villages.
pub struct AreaGroup {
    pub label: String,
    pub options: Vec<AreaOption>,
}

/// What `figures_filters.html` shows: the presets, the days, the areas, the export.
pub struct Filters {
    pub action: &'static str,
    pub presets: Vec<(&'static str, &'static str, bool)>,
    pub from: String,
    pub to: String,
    pub groups: Vec<AreaGroup>,
    pub export_url: String,
    pub caption: String,
}

impl Filters {
    /// The filters of the page at `action`, its export at `action/export`.
    pub fn new(
        lang: Lang,
        action: &'static str,
        scope: &Scope,
        institutions: &[Institution],
    ) -> Self {
        let chosen = scope.area.as_ref().map(|(id, _)| *id);
        let option = |i: &Institution| AreaOption {
            id: i.id.to_string(),
            name: i.name.clone(),
            selected: Some(i.id) == chosen,
        };
        let mut groups = vec![AreaGroup {
            label: lang.t("figures.hospitals").to_string(),
            options: Vec::new(),
        }];
        for (i, _) in township_order(institutions) {
            if i.kind() == Some(InstitutionKind::Township) {
                groups.push(AreaGroup {
                    label: i.name.clone(),
                    options: Vec::new(),
                });
            }
            if let Some(g) = groups.last_mut() {
                g.options.push(option(i));
            }
        }
        groups.retain(|g| !g.options.is_empty());
        let mut caption = super::list::period(
            lang,
            Some(&day(scope.period.first)),
            Some(&day(scope.period.last)),
        );
        if let Some((_, name)) = &scope.area {
            caption = format!("{caption} · {name}");
        }
        Filters {
            action,
            presets: PRESETS
                .iter()
                .map(|k| {
                    (
                        *k,
                        lang.t(&format!("figures.period.{k}")),
                        *k == scope.preset,
                    )
                })
                .collect(),
            from: if scope.preset.is_empty() {
                day(scope.period.first)
            } else {
                String::new()
            },
            to: if scope.preset.is_empty() {
                day(scope.period.last)
            } else {
                String::new()
            },
            groups,
            export_url: scope.link(&format!("{action}/export"), &[]),
            caption,
        }
    }
}

/// Active care institutions in reading order: the lead and member hospitals, then each
/// township followed by its villages (depth 1); the bureau is left out.
pub fn township_order(institutions: &[Institution]) -> Vec<(&Institution, usize)> {
    let active: Vec<&Institution> = institutions.iter().filter(|i| i.active).collect();
    let of_kind = |k: InstitutionKind| {
        let mut v: Vec<&Institution> = active
            .iter()
            .copied()
            .filter(|i| i.kind() == Some(k))
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    };
    let mut out: Vec<(&Institution, usize)> = of_kind(InstitutionKind::Lead)
        .into_iter()
        .chain(of_kind(InstitutionKind::Member))
        .map(|i| (i, 0))
        .collect();
    let villages = of_kind(InstitutionKind::Village);
    for t in of_kind(InstitutionKind::Township) {
        out.push((t, 0));
        out.extend(
            villages
                .iter()
                .filter(|v| v.parent_id == Some(t.id))
                .map(|v| (*v, 1)),
        );
    }
    // Villages whose township is gone still count somewhere.
    let placed: Vec<Uuid> = out.iter().map(|(i, _)| i.id).collect();
    out.extend(
        villages
            .into_iter()
            .filter(|v| !placed.contains(&v.id))
            .map(|v| (v, 0)),
    );
    out
}

/// The rows to mark as low performers: those with a rate below `threshold` among rows
/// with at least `min_count` cases (fewer cases say little).
pub fn low(rate: Option<f64>, count: u64, threshold: f64, min_count: u64) -> bool {
    count >= min_count && rate.is_some_and(|r| r < threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(name: &str, kind: &str, code: &str, parent: Option<Uuid>) -> Institution {
        Institution {
            id: Uuid::now_v7(),
            community_id: Uuid::nil(),
            parent_id: parent,
            kind: kind.into(),
            code: code.into(),
            name: name.into(),
            address: String::new(),
            active: true,
        }
    }

    #[test]
    fn townships_come_with_their_villages() {
        let lead = inst("县医院", "lead", "A01", None);
        let t1 = inst("城关镇", "township", "T01", None);
        let t2 = inst("河口镇", "township", "T02", None);
        let v2 = inst("河口村", "village", "V03", Some(t2.id));
        let v1 = inst("东关村", "village", "V01", Some(t1.id));
        let bureau = inst("卫健局", "bureau", "B01", None);
        let all = vec![
            v2.clone(),
            bureau,
            t2.clone(),
            v1.clone(),
            lead.clone(),
            t1.clone(),
        ];
        let order: Vec<(&str, usize)> = township_order(&all)
            .into_iter()
            .map(|(i, d)| (i.name.as_str(), d))
            .collect();
        assert_eq!(
            order,
            [
                ("县医院", 0),
                ("城关镇", 0),
                ("东关村", 1),
                ("河口镇", 0),
                ("河口村", 1)
            ]
        );
        let p = FigureParams {
            period: Some("year".into()),
            area: Some(t1.id.to_string()),
            ..Default::default()
        };
        let scope = Scope::of(&p, &all, "month").expect("a scope");
        assert!(scope.covers(t1.id) && scope.covers(v1.id));
        assert!(!scope.covers(t2.id) && !scope.covers(v2.id));
        let f = Filters::new(Lang::Zh, "/referrals/stats", &scope, &all);
        let groups: Vec<(&str, usize)> = f
            .groups
            .iter()
            .map(|g| (g.label.as_str(), g.options.len()))
            .collect();
        assert_eq!(groups, [("医院", 1), ("城关镇", 2), ("河口镇", 2)]);
        assert!(f.groups[1].options[0].selected);
        assert_eq!(
            f.export_url,
            format!("/referrals/stats/export?period=year&area={}", t1.id)
        );
    }

    #[test]
    fn a_span_of_days_or_a_preset_and_refusals_by_field() {
        let p = FigureParams {
            from: Some("2026-01-01".into()),
            to: Some("2026-01-31".into()),
            ..Default::default()
        };
        let s = Scope::of(&p, &[], "month").expect("a span");
        assert_eq!(s.period.days(), 31);
        assert_eq!(
            s.link("/referrals", &[("direction", "up".into())]),
            "/referrals?from=2026-01-01&to=2026-01-31&direction=up"
        );
        assert_eq!(s.start(), time::macros::datetime!(2025-12-31 16:00 UTC));
        assert_eq!(s.end(), time::macros::datetime!(2026-01-31 16:00 UTC));
        let field = |p: FigureParams| Scope::of(&p, &[], "month").err().and_then(|e| e.field);
        let backwards = FigureParams {
            from: Some("2026-02-01".into()),
            to: Some("2026-01-01".into()),
            ..Default::default()
        };
        assert_eq!(field(backwards), Some("to"));
        let bad_day = FigureParams {
            from: Some("1.1.2026".into()),
            to: Some("2026-01-01".into()),
            ..Default::default()
        };
        assert_eq!(field(bad_day), Some("from"));
        let preset = FigureParams {
            period: Some("decade".into()),
            ..Default::default()
        };
        assert_eq!(field(preset), Some("period"));
        let area = FigureParams {
            area: Some(Uuid::now_v7().to_string()),
            ..Default::default()
        };
        assert_eq!(field(area), Some("area"));
        assert_eq!(
            Scope::of(&FigureParams::default(), &[], "365")
                .expect("default")
                .preset,
            "365"
        );
    }

    #[test]
    fn low_performers_need_enough_cases() {
        assert!(low(Some(0.4), 10, 0.6, 5));
        assert!(!low(Some(0.4), 4, 0.6, 5));
        assert!(!low(Some(0.7), 10, 0.6, 5));
        assert!(!low(None, 10, 0.6, 5));
    }
}
