//! The indicators the platform computes, as data: code, version, dimension, the texts a
//! manager reads (name, what the numerator and denominator count, a calculation note,
//! the source), the unit, a target, and the formula. An administrator's corrections to
//! the texts, version, source and target are stored per community and laid over these
//! defaults; the formula stays as written here.
//!
//! The official texts (the 2020 trial and 2024 monitoring systems for tight county
//! medical communities) are not to hand; every definition below says where it comes
//! from and what is assumed.

use super::formula::{Formula, Shape, Source, Term, all, lead, primary};
use super::tally::Measure::*;
use chronic::CHRONIC;
use flows::FLOWS;
use std::sync::LazyLock;

mod chronic;
mod correction;
mod definition;
mod flows;
pub use correction::{Correction, CorrectionInput, Shown, VERSIONS, validate_correction};
use definition::t;
pub use definition::{Better, Definition, Text, Unit, misses_target, target_text};

const ENCOUNTERS: &[Source] = &[Source::Encounters];
const BOTH: &[Source] = &[Source::Encounters, Source::Outside];
const IN_COUNTY: &[Term] = &[all(Visits), all(Stays)];
const EVERYWHERE: &[Term] = &[all(Visits), all(Stays), all(OutVisits), all(OutStays)];

const DIVISION: Text = t("促分工", "Division of labour");
const INSURANCE: Text = t("医保基金", "Insurance fund");
const SERVICE: Text = t("服务量", "Service volume");
const REFERRAL: Text = t("双向转诊", "Two-way referral");
const REMOTE: Text = t("远程医疗", "Remote services");
const OUTREACH: Text = t("专家下沉", "Expert outreach");
// seeds/000_…txt and seeds/004_…txt report sessions held and people served.
const OUTREACH_SOURCE: &str = "医共体专家下沉报道中的“下沉坐诊次数、服务群众人次”口径";
// seeds/004_…txt: a township uploads a chest-pain ECG through the network and the lead
// hospital's experts answer in time to guide its treatment.
const ECG_SOURCE: &str =
    "恒口示范区医共体报道：“心电一张网”基层上传、总院专家及时诊断；10分钟时限为本平台口径";
// The population: official figures per township and year where the office entered
// them, the registry's count elsewhere (see `indicators::population`).
const RESIDENTS: Text = t(
    "常住人口数（乡镇有官方数的取官方数，否则取本平台登记的居民数；取统计期最后一个月所在年度）",
    "Residents (the official figure where the office entered one for the township and year, otherwise the platform's registered residents; of the year of the period's last month)",
);
const REFERRAL_SOURCE: &str =
    "《紧密型县域医疗卫生共同体监测指标体系（2024版）》上下转诊指标（条文未到手，按公开资料整理）";

/// Every built-in indicator.
pub static CATALOG: LazyLock<Vec<Definition>> =
    LazyLock::new(|| FLOWS.iter().chain(CHRONIC.iter()).copied().collect());

/// The built-in definition of a code.
pub fn find(code: &str) -> Option<&'static Definition> {
    CATALOG.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests;
