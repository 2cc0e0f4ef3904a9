//! Departments of each kind of institution, with the staff profile and relative size
//! of each department.

use crate::DemoDepartment;
use crate::places::{Plan, Site};
use std::ops::Range;

/// Which occupations a department employs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Physicians and nurses; the number is the nurses' share in percent.
    Clinical(u32),
    /// Physicians who read studies, with technicians (ECG, imaging, pathology).
    Diagnostic,
    /// Technicians only (laboratory, sterile supply).
    Technical,
    Pharmacy,
    /// The nursing department: nurses only.
    Nursing,
    Admin,
    /// Public health physicians (CDC, township public health).
    PublicHealth,
}

/// One department definition.
#[derive(Debug, Clone, Copy)]
pub struct DeptDef {
    pub code: &'static str,
    pub name: &'static str,
    pub profile: Profile,
    /// Relative share of the institution's staff.
    pub weight: u32,
}

const fn dept(code: &'static str, name: &'static str, profile: Profile, weight: u32) -> DeptDef {
    DeptDef {
        code,
        name,
        profile,
        weight,
    }
}

use Profile::{Admin, Clinical, Diagnostic, Nursing, Pharmacy, PublicHealth, Technical};

const LEAD: &[DeptDef] = &[
    dept("emergency", "急诊科", Clinical(55), 30),
    dept("cardiology", "心血管内科", Clinical(55), 34),
    dept("neurology", "神经内科", Clinical(55), 30),
    dept("respiratory", "呼吸与危重症医学科", Clinical(55), 30),
    dept("gastroenterology", "消化内科", Clinical(55), 24),
    dept("endocrinology", "内分泌科", Clinical(55), 18),
    dept("nephrology", "肾内科", Clinical(55), 18),
    dept("oncology", "肿瘤科", Clinical(55), 20),
    dept("icu", "重症医学科", Clinical(65), 26),
    dept("general-surgery", "普外科", Clinical(55), 34),
    dept("orthopedics", "骨科", Clinical(55), 32),
    dept("neurosurgery", "神经外科", Clinical(55), 22),
    dept("urology", "泌尿外科", Clinical(55), 18),
    dept("obstetrics-gynecology", "妇产科", Clinical(60), 34),
    dept("pediatrics", "儿科", Clinical(55), 28),
    dept("ophthalmology", "眼科", Clinical(45), 10),
    dept("ent", "耳鼻咽喉科", Clinical(45), 10),
    dept("stomatology", "口腔科", Clinical(40), 10),
    dept("rehabilitation", "康复医学科", Clinical(35), 14),
    dept("anesthesiology", "麻醉科", Clinical(40), 22),
    dept("ecg", "心电诊断中心", Diagnostic, 10),
    dept("imaging", "医学影像科", Diagnostic, 26),
    dept("laboratory", "检验科", Technical, 22),
    dept("pathology", "病理科", Diagnostic, 10),
    dept("pharmacy", "药剂科", Pharmacy, 20),
    dept("sterile-supply", "消毒供应中心", Technical, 10),
    dept("nursing", "护理部", Nursing, 6),
    dept("medical-affairs", "医务科", Admin, 8),
];

const TCM: &[DeptDef] = &[
    dept("tcm-internal", "中医内科", Clinical(45), 40),
    dept("acupuncture", "针灸推拿科", Clinical(30), 20),
    dept("tcm-orthopedics", "中医骨伤科", Clinical(50), 25),
    dept("rehabilitation", "康复科", Clinical(40), 18),
    dept("preventive", "治未病科", Clinical(30), 8),
    dept("emergency", "急诊科", Clinical(55), 15),
    dept("imaging", "医学影像科", Diagnostic, 10),
    dept("laboratory", "检验科", Technical, 10),
    dept("pharmacy", "中药房", Pharmacy, 14),
    dept("nursing", "护理部", Nursing, 4),
    dept("office", "院办公室", Admin, 6),
];

const MCH: &[DeptDef] = &[
    dept("gynecology", "妇科", Clinical(50), 18),
    dept("obstetrics", "产科", Clinical(60), 24),
    dept("pediatrics", "儿科", Clinical(50), 20),
    dept("neonatology", "新生儿科", Clinical(65), 12),
    dept("child-health", "儿童保健科", Clinical(40), 12),
    dept("women-health", "妇女保健科", Clinical(40), 10),
    dept("ultrasound", "超声科", Diagnostic, 8),
    dept("laboratory", "检验科", Technical, 8),
    dept("pharmacy", "药剂科", Pharmacy, 5),
    dept("office", "院办公室", Admin, 5),
];

const CDC: &[DeptDef] = &[
    dept("infectious-disease", "传染病防制科", PublicHealth, 10),
    dept("chronic-disease", "慢性非传染性疾病防制科", PublicHealth, 9),
    dept("immunization", "免疫规划科", PublicHealth, 9),
    dept("hiv-tb", "艾滋病结核病防制科", PublicHealth, 5),
    dept("environmental-health", "环境与职业卫生科", PublicHealth, 6),
    dept("health-education", "健康教育科", PublicHealth, 5),
    dept("laboratory", "卫生检验科", Technical, 12),
    dept("office", "办公室", Admin, 6),
];

const TOWNSHIP: &[DeptDef] = &[
    dept("general", "全科", Clinical(40), 34),
    dept("tcm", "中医科", Clinical(20), 12),
    dept("public-health", "公共卫生科", PublicHealth, 18),
    dept("nursing", "护理部", Nursing, 20),
    dept("pharmacy", "药剂科", Pharmacy, 7),
    dept("medical-technology", "医技科", Technical, 9),
];

/// The departments an institution following `plan` has.
pub fn defs(plan: Plan) -> &'static [DeptDef] {
    match plan {
        Plan::Lead => LEAD,
        Plan::Tcm => TCM,
        Plan::Mch => MCH,
        Plan::Cdc => CDC,
        Plan::Township => TOWNSHIP,
        Plan::Village | Plan::Bureau => &[],
    }
}

/// Every department, and for each institution the range of its departments.
pub fn build(sites: &[Site]) -> (Vec<DemoDepartment>, Vec<Range<usize>>) {
    let mut departments = Vec::new();
    let mut ranges = Vec::with_capacity(sites.len());
    for (institution, site) in sites.iter().enumerate() {
        let start = departments.len();
        departments.extend(defs(site.plan).iter().map(|d| DemoDepartment {
            institution,
            code: d.code.to_string(),
            name: d.name.to_string(),
        }));
        ranges.push(start..departments.len());
    }
    (departments, ranges)
}

/// Splits `total` over `weights` by largest remainder, giving each at least `min`
/// when the total allows it.
pub fn apportion(total: usize, weights: &[u32], min: usize) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor_total = min.saturating_mul(n).min(total);
    let base = floor_total / n;
    let rest = total - base * n;
    let sum: u64 = weights.iter().map(|w| u64::from(*w)).sum::<u64>().max(1);
    let mut counts: Vec<usize> = Vec::with_capacity(n);
    let mut remainders: Vec<(u64, usize)> = Vec::with_capacity(n);
    for (i, w) in weights.iter().enumerate() {
        let exact = rest as u64 * u64::from(*w);
        counts.push(base + (exact / sum) as usize);
        remainders.push((exact % sum, i));
    }
    let assigned: usize = counts.iter().sum();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take(base * n + rest - assigned) {
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        for total in [0, 1, 5, 17, 30, 540] {
            let counts = apportion(total, &[34, 12, 18, 20, 7, 9], 2);
            assert_eq!(counts.iter().sum::<usize>(), total);
        }
        assert!(
            apportion(30, &[34, 12, 18, 20, 7, 9], 2)
                .iter()
                .all(|c| *c >= 2)
        );
    }

    #[test]
    fn codes_are_ascii_and_unique() {
        for plan in [Plan::Lead, Plan::Tcm, Plan::Mch, Plan::Cdc, Plan::Township] {
            let d = defs(plan);
            let mut codes: Vec<&str> = d.iter().map(|d| d.code).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), d.len());
            assert!(
                d.iter()
                    .all(|d| d.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
            );
        }
    }
}
