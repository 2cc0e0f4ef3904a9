//! The chronic-care indicators: hypertension and type 2 diabetes patients under
//! standardised management, and their control, per year (see
//! [`crate::indicators::chronic`]).

use super::*;

const CHRONIC_CARE: Text = t("慢病管理", "Chronic care");
const SOURCE: &str = "《国家基本公共卫生服务规范（第三版）》高血压、2型糖尿病患者健康管理服务规范；\
     《紧密型县域医疗卫生共同体监测指标体系（2024版）》慢病管理指标（条文未到手，按公开资料整理）";
const NOTE: Text = t(
    "年度指标：月度、季度统计期显示所在年度截至今日的数；在管患者指年内任一时间在册管理的患者（登记在年底前、未在年初前结案），计入管理机构；登记前、结案后的随访不计。",
    "A yearly figure: a month or quarter shows its year's figure to date; patients under management are those on the register at any time in the year (enrolled by its end, not ended before its start), counted at the managing clinic; visits before enrolment or after the end do not count.",
);

const fn rate(
    code: &'static str,
    name: Text,
    numerator: Text,
    denominator: Text,
    terms: (&'static [Term], &'static [Term]),
) -> Definition {
    Definition {
        code,
        version: "2024",
        dimension: CHRONIC_CARE,
        name,
        numerator,
        denominator,
        note: NOTE,
        source: SOURCE,
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: terms.0,
            denominator: terms.1,
            shape: Shape::Percent,
            needs: &[],
        },
    }
}

const HTN_MANAGED: Text = t(
    "年内在管高血压患者数",
    "Hypertension patients under management in the year",
);
const DM_MANAGED: Text = t(
    "年内在管2型糖尿病患者数",
    "Type 2 diabetes patients under management in the year",
);

pub(super) const CHRONIC: [Definition; 4] = [
    rate(
        "htn_standard_rate",
        t(
            "高血压患者规范管理率",
            "Hypertension patients under standardised management",
        ),
        t(
            "年内面对面随访不少于4次的在管高血压患者数（电话随访不计）",
            "Patients under management seen face to face at least four times in the year (phone calls do not count)",
        ),
        HTN_MANAGED,
        (&[all(HtnStandard)], &[all(HtnManaged)]),
    ),
    rate(
        "htn_control_rate",
        t(
            "管理人群血压控制率",
            "Blood pressure control among patients under management",
        ),
        t(
            "年内最后一次随访血压达标的在管高血压患者数（<140/90 mmHg，65岁及以上<150/90 mmHg）",
            "Patients under management whose last visit of the year was controlled (below 140/90 mmHg, 150/90 from age 65)",
        ),
        HTN_MANAGED,
        (&[all(HtnControlled)], &[all(HtnManaged)]),
    ),
    rate(
        "dm_standard_rate",
        t(
            "2型糖尿病患者规范管理率",
            "Type 2 diabetes patients under standardised management",
        ),
        t(
            "年内面对面随访不少于4次的在管2型糖尿病患者数（电话随访不计）",
            "Patients under management seen face to face at least four times in the year (phone calls do not count)",
        ),
        DM_MANAGED,
        (&[all(DmStandard)], &[all(DmManaged)]),
    ),
    rate(
        "dm_control_rate",
        t(
            "管理人群血糖控制率",
            "Blood glucose control among patients under management",
        ),
        t(
            "年内最后一次随访空腹血糖达标的在管2型糖尿病患者数（<7.0 mmol/L）",
            "Patients under management whose last visit of the year was controlled (fasting glucose below 7.0 mmol/L)",
        ),
        DM_MANAGED,
        (&[all(DmControlled)], &[all(DmManaged)]),
    ),
];
