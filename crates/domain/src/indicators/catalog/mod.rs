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

mod correction;
mod definition;
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

pub const CATALOG: &[Definition] = &[
    Definition {
        code: "ip_in_county_share",
        version: "2020",
        dimension: DIVISION,
        name: t("县域内住院人次占比", "In-county share of inpatient stays"),
        numerator: t(
            "县域内医疗机构出院人次",
            "Stays discharged by the county's institutions",
        ),
        denominator: t(
            "县域内出院人次 + 本县居民县外住院人次",
            "In-county stays + residents' stays outside the county",
        ),
        note: t(
            "住院按出院日期计入月份；县外住院取自县外就诊登记（手工登记或医保结算导入）。",
            "A stay counts in its discharge month; outside stays come from the register of care outside the county (entered, or imported from insurance settlement).",
        ),
        source: "国卫办基层发〔2020〕12号 监测指标（条文未到手，按公开资料整理）",
        unit: Unit::Percent,
        target: Some(90.0),
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(Stays)],
            denominator: &[all(Stays), all(OutStays)],
            shape: Shape::Percent,
            needs: BOTH,
        },
    },
    Definition {
        code: "county_care_rate",
        version: "2020",
        dimension: DIVISION,
        name: t("县域就诊率", "County care rate"),
        numerator: t("县域内门急诊人次 + 出院人次", "In-county visits + stays"),
        denominator: t(
            "县域内门急诊和出院人次 + 本县居民县外门急诊和住院人次",
            "In-county visits and stays + residents' visits and stays outside the county",
        ),
        note: t(
            "县域外流出率 = 100 − 本指标。",
            "The outflow rate is 100 minus this figure.",
        ),
        source: "国卫办基层发〔2020〕12号 监测指标（条文未到手，按公开资料整理）",
        unit: Unit::Percent,
        target: Some(90.0),
        better: Better::Higher,
        formula: Formula {
            numerator: IN_COUNTY,
            denominator: EVERYWHERE,
            shape: Shape::Percent,
            needs: BOTH,
        },
    },
    Definition {
        code: "primary_visit_share",
        version: "2024",
        dimension: DIVISION,
        name: t(
            "县域内基层医疗卫生机构门急诊人次占比",
            "Primary-care share of in-county outpatient and emergency visits",
        ),
        numerator: t(
            "乡镇卫生院和村卫生室门急诊人次",
            "Visits at township health centres and village clinics",
        ),
        denominator: t(
            "县域内全部门急诊人次",
            "All in-county outpatient and emergency visits",
        ),
        note: t(
            "只计门诊和急诊，住院记录不计入分子分母。",
            "Only outpatient and emergency visits count; inpatient rows count in neither part.",
        ),
        source: "《紧密型县域医疗卫生共同体监测指标体系（2024版）》指标7（条文未到手）",
        unit: Unit::Percent,
        target: Some(65.0),
        better: Better::Higher,
        formula: Formula {
            numerator: &[primary(Visits)],
            denominator: &[all(Visits)],
            shape: Shape::Percent,
            needs: ENCOUNTERS,
        },
    },
    Definition {
        code: "fund_in_county_share",
        version: "2024",
        dimension: INSURANCE,
        name: t(
            "县域内医保基金支出占比",
            "Share of the insurance fund spent in the county",
        ),
        numerator: t(
            "县域内医疗机构医保基金支付额",
            "Fund paid to the county's institutions",
        ),
        denominator: t(
            "县域内支付额 + 本县居民县外就医支付额",
            "Paid in the county + paid for residents' care outside it",
        ),
        note: t(
            "金额以分计，门诊和住院合计。",
            "Amounts in fen, visits and stays together.",
        ),
        source: "《紧密型县域医疗卫生共同体监测指标体系（2024版）》指标8（条文未到手）",
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(Fund)],
            denominator: &[all(Fund), all(OutFund)],
            shape: Shape::Percent,
            needs: BOTH,
        },
    },
    Definition {
        code: "fund_primary_share",
        version: "2024",
        dimension: INSURANCE,
        name: t(
            "基层医保基金支出占比",
            "Primary-care share of the fund spent in the county",
        ),
        numerator: t(
            "乡镇卫生院和村卫生室医保基金支付额",
            "Fund paid to townships and villages",
        ),
        denominator: t(
            "县域内医疗机构医保基金支付额",
            "Fund paid to the county's institutions",
        ),
        note: t(
            "金额以分计，门诊和住院合计。",
            "Amounts in fen, visits and stays together.",
        ),
        source: "《紧密型县域医疗卫生共同体监测指标体系（2024版）》指标9（条文未到手）",
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[primary(Fund)],
            denominator: &[all(Fund)],
            shape: Shape::Percent,
            needs: ENCOUNTERS,
        },
    },
    Definition {
        code: "ordered_referral_rate",
        version: "provincial",
        dimension: DIVISION,
        name: t(
            "县外就诊有序转诊率",
            "Share of outside care that came with a referral",
        ),
        numerator: t(
            "有转诊单的县外门急诊和住院人次",
            "Outside visits and stays with a referral",
        ),
        denominator: t(
            "本县居民县外门急诊和住院人次",
            "Residents' visits and stays outside the county",
        ),
        note: t(
            "转诊须为同一患者、未被拒绝、且不晚于就诊日期。",
            "The referral must be the same patient's, not refused, and dated no later than the visit.",
        ),
        source: "省级考核常用口径（公开资料整理）",
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(OutReferred)],
            denominator: &[all(OutVisits), all(OutStays)],
            shape: Shape::Percent,
            needs: &[Source::Outside],
        },
    },
    Definition {
        code: "visits_yoy",
        version: "community",
        dimension: SERVICE,
        name: t(
            "门急诊人次同比增长",
            "Outpatient and emergency visits, year over year",
        ),
        numerator: t("本期门急诊人次", "Visits in the period"),
        denominator: t(
            "上年同期门急诊人次",
            "Visits in the same period a year before",
        ),
        note: t(
            "（本期 − 上年同期）÷ 上年同期 × 100；按机构筛选即为该机构（如第一书记帮扶点）的增长。",
            "(This period − the same period a year before) ÷ the year before × 100; filtered by institution it is that site's growth (e.g. a first secretary's site).",
        ),
        // seeds/001_…txt
        source: "《湖南日报》2024-08-08 湘潭市第一书记报道：“22个基层医疗机构门诊人次同比增长24.97%”",
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(Visits)],
            denominator: &[all(Visits)],
            shape: Shape::Growth,
            needs: ENCOUNTERS,
        },
    },
    Definition {
        code: "revenue_yoy",
        version: "community",
        dimension: SERVICE,
        name: t("医疗业务收入同比增长", "Medical revenue, year over year"),
        numerator: t(
            "本期门急诊和住院费用总额",
            "Billed for visits and stays in the period",
        ),
        denominator: t(
            "上年同期费用总额",
            "Billed in the same period a year before",
        ),
        note: t(
            "以导入的费用总额（分）计；按机构筛选即为该机构的增长。",
            "From the imported totals (fen); filtered by institution it is that site's growth.",
        ),
        // seeds/001_…txt
        source: "《湖南日报》2024-08-08 湘潭市第一书记报道：“医疗业务收入同比增长14.46%”",
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(Cost)],
            denominator: &[all(Cost)],
            shape: Shape::Growth,
            needs: ENCOUNTERS,
        },
    },
    Definition {
        code: "referrals_up",
        version: "2024",
        dimension: REFERRAL,
        name: t("上转患者人次", "Patients referred up"),
        numerator: t(
            "接收方已接收的上转单（计入转出机构）",
            "Upward referrals the receiver accepted (counted at the sender)",
        ),
        denominator: t("—", "—"),
        note: t(
            "按接收时间（北京时间）计入月份；被拒绝或接收前撤回的不计。按机构筛选即为该机构转出的人次。",
            "Counted in the month of acceptance (China time); refused ones and ones withdrawn before acceptance do not count. Filtered by institution it is what that institution sent up.",
        ),
        source: REFERRAL_SOURCE,
        unit: Unit::Count,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(RefUp)],
            denominator: &[],
            shape: Shape::Count,
            needs: &[],
        },
    },
    Definition {
        code: "referrals_down",
        version: "2024",
        dimension: REFERRAL,
        name: t("下转患者人次", "Patients referred down"),
        numerator: t(
            "基层已确认接收的下转单（计入转出机构）",
            "Downward referrals the grassroots acknowledged (counted at the sender)",
        ),
        denominator: t("—", "—"),
        note: t(
            "按基层确认接收的时间（北京时间）计入月份。",
            "Counted in the month the grassroots acknowledged it (China time).",
        ),
        source: REFERRAL_SOURCE,
        unit: Unit::Count,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(RefDown)],
            denominator: &[],
            shape: Shape::Count,
            needs: &[],
        },
    },
    Definition {
        code: "lead_down_share",
        version: "2024",
        dimension: REFERRAL,
        name: t(
            "牵头医院下转患者占比",
            "Lead hospital's downward share of its referrals",
        ),
        numerator: t(
            "牵头医院下转患者人次",
            "Referrals the lead hospital sent down",
        ),
        denominator: t(
            "牵头医院下转人次 + 牵头医院接收的上转人次",
            "Sent down by the lead hospital + referrals it received from below",
        ),
        note: t(
            "口径为假设：牵头医院参与的转诊中下转所占比例；官方条文到手后由管理员修订。",
            "An assumed reading: the downward share of the referrals the lead hospital took part in; an administrator corrects it once the official text is to hand.",
        ),
        source: REFERRAL_SOURCE,
        unit: Unit::Percent,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[lead(RefDown)],
            denominator: &[lead(RefDown), lead(RefUpIn)],
            shape: Shape::Percent,
            needs: &[],
        },
    },
    Definition {
        code: "ecg_remote_reads",
        version: "community",
        dimension: REMOTE,
        name: t("远程心电诊断人次", "ECGs read remotely"),
        numerator: t(
            "县级专家出具报告的基层上传心电图（计入上传机构）",
            "ECGs uploaded and reported by the county's readers (counted at the sender)",
        ),
        denominator: t("—", "—"),
        note: t(
            "按出具报告的时间（北京时间）计入月份。",
            "Counted in the month of the report (China time).",
        ),
        source: ECG_SOURCE,
        unit: Unit::Count,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(EcgRead)],
            denominator: &[],
            shape: Shape::Count,
            needs: &[],
        },
    },
    Definition {
        code: "ecg_urgent_on_time",
        version: "community",
        dimension: REMOTE,
        name: t(
            "急诊心电10分钟内出具报告率",
            "Urgent ECGs reported within ten minutes",
        ),
        numerator: t(
            "上传后10分钟内出具报告的急诊和加急心电图",
            "Urgent and emergency ECGs reported within ten minutes of upload",
        ),
        denominator: t(
            "已出具报告的急诊和加急心电图",
            "Urgent and emergency ECGs reported",
        ),
        note: t(
            "按报告月份统计已出报告者；尚未出报告的见心电网络统计页。",
            "Reported ECGs by the month of their report; those still waiting show on the ECG network's statistics.",
        ),
        source: ECG_SOURCE,
        unit: Unit::Percent,
        target: Some(90.0),
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(EcgUrgentOnTime)],
            denominator: &[all(EcgUrgent)],
            shape: Shape::Percent,
            needs: &[],
        },
    },
    Definition {
        code: "outreach_sessions",
        version: "community",
        dimension: OUTREACH,
        name: t("专家下沉坐诊次数", "Expert outreach sessions held"),
        numerator: t(
            "乡镇卫生院记录为已开展的专家坐诊（计入开展地点）",
            "Sessions the township recorded as held (counted where held)",
        ),
        denominator: t("—", "—"),
        note: t(
            "按坐诊日期计入月份；计划中和已取消的不计。",
            "Counted in the month of the session's day; planned and cancelled ones do not count.",
        ),
        source: OUTREACH_SOURCE,
        unit: Unit::Count,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(OutreachHeld)],
            denominator: &[],
            shape: Shape::Count,
            needs: &[],
        },
    },
    Definition {
        code: "outreach_people_served",
        version: "community",
        dimension: OUTREACH,
        name: t("专家下沉服务群众人次", "People served by expert outreach"),
        numerator: t(
            "已开展坐诊记录的服务人次之和",
            "The people served, as the held sessions recorded them",
        ),
        denominator: t("—", "—"),
        note: t(
            "按坐诊日期计入月份；更正坐诊记录即更正本数。",
            "Counted in the month of the session's day; correcting a session's record corrects this figure.",
        ),
        source: OUTREACH_SOURCE,
        unit: Unit::Count,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(OutreachServed)],
            denominator: &[],
            shape: Shape::Count,
            needs: &[],
        },
    },
    Definition {
        code: "green_channel_on_time",
        version: "community",
        dimension: REFERRAL,
        name: t(
            "急危重症绿色通道时限达标率",
            "Green-channel admissions within the pathway's target",
        ),
        numerator: t(
            "从首次接诊（无记录时为发出转诊）到入院在该路径时限内的绿色通道病例",
            "Green-channel cases admitted within the pathway's target from first contact (or, without one, from the referral being sent)",
        ),
        denominator: t(
            "已入院的绿色通道病例（计入转出机构）",
            "Green-channel cases admitted, at the institution that sent them",
        ),
        note: t(
            "按入院时间（北京时间）计入月份；时限取记录入院时该路径生效的时限（胸痛、卒中等路径可分别设定），之后修改时限不改变已记录病例的判定。",
            "Counted in the month of admission (China time), against the pathway's target in force when the admission was recorded (chest pain, stroke and the others each have their own); changing a target later does not re-judge recorded cases.",
        ),
        source: "恒口示范区医共体报道：急危重症患者绿色通道上转；时限为本平台按路径设定的口径",
        unit: Unit::Percent,
        target: Some(90.0),
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(GreenOnTime)],
            denominator: &[all(GreenAdmitted)],
            shape: Shape::Percent,
            needs: &[],
        },
    },
    Definition {
        code: "posted_physicians_per_10k",
        version: "2024",
        dimension: OUTREACH,
        name: t(
            "每万常住人口派驻基层半年以上医师数",
            "Physicians posted to the grassroots for six months or more per 10,000 residents",
        ),
        numerator: t(
            "年内在基层派驻满6个月（183天，只计年内天数）的中级及以上职称医师人数（每人只计一次，计入派驻天数最多的地点）",
            "Physicians of intermediate title or above posted at least six months (183 days, only those inside the year) to a grassroots site, each counted once, at the site of their longest posting",
        ),
        denominator: RESIDENTS,
        note: t(
            "年度指标：月度、季度统计期显示所在年度截至今日的人数；派驻记录见专家下沉 → 派驻。",
            "A yearly figure: a month or quarter shows its year's count to date; the postings are under expert outreach → postings.",
        ),
        source: "《紧密型县域医疗卫生共同体监测指标体系（2024版）》资源下沉指标（条文未到手，按公开资料整理）",
        unit: Unit::PerTenThousand,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[primary(Posted)],
            denominator: &[all(Residents)],
            shape: Shape::PerTenThousand,
            needs: &[],
        },
    },
    Definition {
        code: "remote_diagnoses_per_10k",
        version: "2024",
        dimension: REMOTE,
        name: t(
            "每万常住人口远程诊断人次",
            "Remote diagnoses per 10,000 residents",
        ),
        numerator: t(
            "统计期内出具报告的远程心电诊断和专家已答复的远程会诊人次（计入申请机构）",
            "Remote ECG reads reported and teleconsultations answered in the period, at the institution that asked",
        ),
        denominator: RESIDENTS,
        note: t(
            "心电按报告时间、会诊按专家答复时间（北京时间）计入月份；一个月的数即该月的人次。影像、检验的远程诊断待共享诊断中心出具远程报告后计入。",
            "ECGs by the time of the report, teleconsultations by the time of the expert's answer (China time); a month's figure is that month's. Remote imaging and laboratory reads will count once the shared diagnostic centres issue remote reports.",
        ),
        source: "《紧密型县域医疗卫生共同体监测指标体系（2024版）》远程医疗指标（条文未到手，按公开资料整理）",
        unit: Unit::PerTenThousand,
        target: None,
        better: Better::Higher,
        formula: Formula {
            numerator: &[all(EcgRead), all(ConsultAnswered)],
            denominator: &[all(Residents)],
            shape: Shape::PerTenThousand,
            needs: &[],
        },
    },
];

/// The built-in definition of a code.
pub fn find(code: &str) -> Option<&'static Definition> {
    CATALOG.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests;
