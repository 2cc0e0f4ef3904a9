//! An administrator's correction of a definition: the official wording of its name,
//! numerator, denominator and note, its version, source and target, laid over the
//! built-in texts once the official documents are to hand. The formula is not
//! corrected: it is code, tested against an independent engine.

use super::{Better, Definition, misses_target, target_text};
use crate::registry::FieldError;

/// The versions a definition may carry.
pub const VERSIONS: [&str; 4] = ["2020", "2024", "provincial", "community"];

/// What an administrator corrected; `None` keeps the built-in value.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    pub name: Option<String>,
    pub numerator: Option<String>,
    pub denominator: Option<String>,
    pub note: Option<String>,
    pub version: Option<String>,
    pub source: Option<String>,
    pub target: Option<f64>,
}

impl Correction {
    pub fn is_empty(&self) -> bool {
        *self == Correction::default()
    }
}

/// A correction as typed: an empty field keeps the built-in value.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CorrectionInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub numerator: String,
    #[serde(default)]
    pub denominator: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub target: String,
}

/// Checks a correction; every problem named at its field.
pub fn validate_correction(i: &CorrectionInput) -> Result<Correction, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut text = |field: &'static str, value: &str, max: usize| -> Option<String> {
        let v = value.trim();
        if v.chars().count() > max {
            problems.push(FieldError::new(field, "too_long"));
        }
        (!v.is_empty()).then(|| v.to_string())
    };
    let name = text("name", &i.name, 100);
    let numerator = text("numerator", &i.numerator, 500);
    let denominator = text("denominator", &i.denominator, 500);
    let note = text("note", &i.note, 1000);
    let source = text("source", &i.source, 300);
    let version = match i.version.trim() {
        "" => None,
        v if VERSIONS.contains(&v) => Some(v.to_string()),
        _ => {
            problems.push(FieldError::new("version", "indicator_version_invalid"));
            None
        }
    };
    let target = match i.target.trim() {
        "" => None,
        t => {
            let v = t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
            if v.is_none() {
                problems.push(FieldError::new("target", "appraisal_target_invalid"));
            }
            v
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Correction {
        name,
        numerator,
        denominator,
        note,
        version,
        source,
        target,
    })
}

/// A definition as a page shows it, in one language, its correction laid over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub def: &'static Definition,
    pub name: String,
    pub dimension: String,
    pub numerator: String,
    pub denominator: String,
    pub note: String,
    pub version: String,
    pub source: String,
    pub target: Option<f64>,
    /// Whether an administrator corrected anything.
    pub corrected: bool,
}

impl Shown {
    /// `def` in Chinese (`zh`) or English, with `correction` over it: a corrected text
    /// is the official wording and shows in either language.
    pub fn of(def: &'static Definition, zh: bool, correction: Option<&Correction>) -> Shown {
        let pick = |t: super::Text| if zh { t.zh } else { t.en }.to_string();
        let c = correction.cloned().unwrap_or_default();
        Shown {
            def,
            name: c.name.unwrap_or_else(|| pick(def.name)),
            dimension: pick(def.dimension),
            numerator: c.numerator.unwrap_or_else(|| pick(def.numerator)),
            denominator: c.denominator.unwrap_or_else(|| pick(def.denominator)),
            note: c.note.unwrap_or_else(|| pick(def.note)),
            version: c.version.unwrap_or_else(|| def.version.to_string()),
            source: c.source.unwrap_or_else(|| def.source.to_string()),
            target: c.target.or(def.target),
            corrected: correction.is_some_and(|c| !c.is_empty()),
        }
    }

    pub fn better(&self) -> Better {
        self.def.better
    }

    pub fn target_text(&self) -> Option<String> {
        target_text(self.target, self.def.better)
    }

    pub fn misses_target(&self, value: f64) -> bool {
        misses_target(self.target, self.def.better, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::catalog::find;

    #[test]
    fn a_correction_replaces_what_it_names_and_keeps_the_rest() {
        let d = find("primary_visit_share").expect("listed");
        let c = validate_correction(&CorrectionInput {
            name: " 基层医疗卫生机构诊疗量占比 ".into(),
            version: "2024".into(),
            source: "国卫基层发〔2024〕XX号 附件 指标7".into(),
            target: "70".into(),
            ..CorrectionInput::default()
        })
        .expect("valid");
        let zh = Shown::of(d, true, Some(&c));
        assert_eq!(zh.name, "基层医疗卫生机构诊疗量占比");
        assert_eq!(
            zh.numerator, d.numerator.zh,
            "not corrected: the built-in text"
        );
        assert_eq!(zh.source, "国卫基层发〔2024〕XX号 附件 指标7");
        assert_eq!(
            (zh.target, zh.target_text().as_deref()),
            (Some(70.0), Some("≥ 70"))
        );
        assert!(zh.misses_target(65.0) && zh.corrected);
        // The official wording shows in English too; what was not corrected is English.
        let en = Shown::of(d, false, Some(&c));
        assert_eq!(
            (en.name.as_str(), en.note.as_str()),
            ("基层医疗卫生机构诊疗量占比", d.note.en)
        );
        let plain = Shown::of(d, false, None);
        assert_eq!(
            (plain.name.as_str(), plain.target, plain.corrected),
            (d.name.en, d.target, false)
        );
    }

    #[test]
    fn a_wrong_correction_is_refused_field_by_field() {
        let e = validate_correction(&CorrectionInput {
            version: "2099".into(),
            target: "-1".into(),
            name: "名".repeat(101),
            ..CorrectionInput::default()
        })
        .expect_err("refused");
        let fields: Vec<(&str, &str)> = e.iter().map(|p| (p.field, p.code)).collect();
        assert_eq!(
            fields,
            [
                ("name", "too_long"),
                ("version", "indicator_version_invalid"),
                ("target", "appraisal_target_invalid")
            ]
        );
        let empty = validate_correction(&CorrectionInput::default()).expect("valid");
        assert!(empty.is_empty());
    }
}
