//! The indicators the platform computes, as data: code, version, dimension, the texts a
//! manager reads (name, what the numerator and denominator count, a calculation note,
//! the source), the unit, a target, and the formula. An administrator's corrections to
//! the texts, version, source and target are stored per community and laid over these
//! defaults; the formula stays as written here.
//!
//! The official texts (the 2020 trial and 2024 monitoring systems for tight county
//! medical communities) are not to hand; every definition below says where it comes
//! from and what is assumed.

use super::formula::{Formula, Shape, Source, Term, all, primary};
use super::tally::Measure::*;

/// How a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
}

crate::codes!(Unit { Percent => "percent" });

/// Whether a higher value is better (the target is a floor) or a lower one (a ceiling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Higher,
    Lower,
}

/// Texts in both languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub zh: &'static str,
    pub en: &'static str,
}

const fn t(zh: &'static str, en: &'static str) -> Text {
    Text { zh, en }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Definition {
    pub code: &'static str,
    /// `2020` (trial system), `2024` (monitoring system), `provincial` or `community`
    /// (the community's own reporting, from its documents).
    pub version: &'static str,
    pub dimension: Text,
    pub name: Text,
    pub numerator: Text,
    pub denominator: Text,
    pub note: Text,
    pub source: &'static str,
    pub unit: Unit,
    pub target: Option<f64>,
    pub better: Better,
    pub formula: Formula,
}

impl Definition {
    /// The target as a page shows it: "≥ 90" for a floor, "≤ 5" for a ceiling.
    pub fn target_text(&self) -> Option<String> {
        let sign = match self.better {
            Better::Higher => '≥',
            Better::Lower => '≤',
        };
        self.target.map(|t| format!("{sign} {t:.0}"))
    }

    /// Whether a value falls short of the target: under a floor or over a ceiling.
    pub fn misses_target(&self, value: f64) -> bool {
        match (self.target, self.better) {
            (Some(t), Better::Higher) => value < t,
            (Some(t), Better::Lower) => value > t,
            (None, _) => false,
        }
    }
}

const ENCOUNTERS: &[Source] = &[Source::Encounters];
const BOTH: &[Source] = &[Source::Encounters, Source::Outside];
const IN_COUNTY: &[Term] = &[all(Visits), all(Stays)];
const EVERYWHERE: &[Term] = &[all(Visits), all(Stays), all(OutVisits), all(OutStays)];

const DIVISION: Text = t("促分工", "Division of labour");
const INSURANCE: Text = t("医保基金", "Insurance fund");
const SERVICE: Text = t("服务量", "Service volume");

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
];

/// The built-in definition of a code.
pub fn find(code: &str) -> Option<&'static Definition> {
    CATALOG.iter().find(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    // Each definition on a small county worked out by hand: a lead hospital L, a township
    // T and its village clinic V, May 2026 and May 2025.

    use super::*;
    use crate::indicators::formula::{Figure, Status, evaluate};
    use crate::indicators::month::{Month, Span};
    use crate::indicators::tally::Tally;
    use crate::registry::InstitutionKind;
    use uuid::Uuid;

    const L: Uuid = Uuid::from_u128(1);
    const T: Uuid = Uuid::from_u128(2);
    const V: Uuid = Uuid::from_u128(3);

    fn kind_of(i: Uuid) -> Option<InstitutionKind> {
        match i {
            L => Some(InstitutionKind::Lead),
            T => Some(InstitutionKind::Township),
            V => Some(InstitutionKind::Village),
            _ => None,
        }
    }

    fn county(with_outside: bool) -> Tally {
        let may = Month::parse("2026-05").expect("a month");
        let last_may = Month::parse("2025-05").expect("a month");
        let mut t = Tally::default();
        t.add(
            may,
            L,
            &[(Visits, 40), (Stays, 9), (Fund, 900_000), (Cost, 1_500_000)],
            1,
        );
        t.add(
            may,
            T,
            &[(Visits, 45), (Stays, 1), (Fund, 100_000), (Cost, 200_000)],
            1,
        );
        t.add(may, V, &[(Visits, 15), (Fund, 20_000), (Cost, 30_000)], 1);
        if with_outside {
            // Residents of T: 5 visits and 2 stays outside, 3 of the 7 referred.
            t.add(
                may,
                T,
                &[
                    (OutVisits, 5),
                    (OutStays, 2),
                    (OutFund, 380_000),
                    (OutCost, 600_000),
                    (OutReferred, 3),
                ],
                1,
            );
        }
        t.add(last_may, L, &[(Visits, 50), (Cost, 1_000_000)], 1);
        t.add(last_may, T, &[(Visits, 30), (Cost, 500_000)], 1);
        // A month outside the span, which no figure may pick up.
        t.add(
            Month::parse("2026-04").expect("a month"),
            L,
            &[(Visits, 999), (Stays, 99)],
            1,
        );
        t
    }

    fn figure(code: &str, tally: &Tally, scope: &dyn Fn(Uuid) -> bool) -> Figure {
        let d = find(code).expect("a listed code");
        evaluate(
            &d.formula,
            tally,
            Span::parse("2026-05").expect("valid"),
            &kind_of,
            scope,
        )
    }

    fn whole(code: &str) -> Figure {
        figure(code, &county(true), &|_| true)
    }

    fn check(code: &str, numerator: i64, denominator: i64, value: f64) {
        let f = whole(code);
        assert_eq!(
            (f.numerator, f.denominator, f.value, f.status),
            (numerator, denominator, Some(value), Status::Ok),
            "{code}"
        );
    }

    #[test]
    fn in_county_share_of_stays() {
        // 9 + 1 stays in the county, 2 outside: 10 / 12.
        check("ip_in_county_share", 10, 12, 83.3333);
    }

    #[test]
    fn county_care_rate_counts_visits_and_stays_on_both_sides() {
        // In: 100 visits + 10 stays = 110; out: 5 + 2 = 7; 110 / 117 = 94.01709…
        check("county_care_rate", 110, 117, 94.0171);
    }

    #[test]
    fn primary_share_of_visits_leaves_stays_out() {
        // T 45 + V 15 of 100 visits; the 10 stays count in neither part.
        check("primary_visit_share", 60, 100, 60.0);
        // Scoped to the township alone, all its visits are primary care.
        let f = figure("primary_visit_share", &county(true), &|i| i == T);
        assert_eq!((f.numerator, f.denominator, f.value), (45, 45, Some(100.0)));
    }

    #[test]
    fn fund_spent_in_the_county_and_at_the_grassroots() {
        // 900,000 + 100,000 + 20,000 = 1,020,000 in; 380,000 out: 1,020,000 / 1,400,000.
        check("fund_in_county_share", 1_020_000, 1_400_000, 72.8571);
        // 120,000 / 1,020,000 = 11.76470…
        check("fund_primary_share", 120_000, 1_020_000, 11.7647);
    }

    #[test]
    fn ordered_referral_rate_of_outside_care() {
        // 3 of 7 outside visits and stays came with a referral.
        check("ordered_referral_rate", 3, 7, 42.8571);
    }

    #[test]
    fn growth_over_the_same_month_a_year_before() {
        // Visits 100 against 80: +25 %.
        check("visits_yoy", 100, 80, 25.0);
        // Billed 1,730,000 against 1,500,000: +15.3333 %.
        check("revenue_yoy", 1_730_000, 1_500_000, 15.3333);
    }

    #[test]
    fn a_figure_whose_input_was_never_imported_says_so_instead_of_zero() {
        let f = figure("county_care_rate", &county(false), &|_| true);
        assert_eq!((f.value, f.status), (None, Status::NoData));
        let f = figure("primary_visit_share", &Tally::default(), &|_| true);
        assert_eq!((f.value, f.status), (None, Status::NoData));
        // Growth needs the year before too: the village had no visits in May 2025.
        let f = figure("visits_yoy", &county(true), &|i| i == V);
        assert_eq!((f.value, f.status), (None, Status::NoData));
    }

    #[test]
    fn every_code_is_unique_and_every_definition_has_its_texts() {
        let mut codes: Vec<&str> = CATALOG.iter().map(|d| d.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOG.len());
        for d in CATALOG {
            for text in [d.name, d.numerator, d.denominator, d.note, d.dimension] {
                assert!(!text.zh.is_empty() && !text.en.is_empty(), "{}", d.code);
            }
            assert!(["2020", "2024", "provincial", "community"].contains(&d.version));
            assert!(!d.source.is_empty());
        }
    }

    #[test]
    fn a_floor_is_missed_below_it_and_a_ceiling_above_it() {
        let floor = Definition {
            target: Some(90.0),
            ..CATALOG[0]
        };
        let ceiling = Definition {
            target: Some(5.0),
            better: Better::Lower,
            ..CATALOG[0]
        };
        let none = Definition {
            target: None,
            ..CATALOG[0]
        };
        assert_eq!(floor.target_text().as_deref(), Some("≥ 90"));
        assert_eq!(ceiling.target_text().as_deref(), Some("≤ 5"));
        assert_eq!(none.target_text(), None);
        assert!(floor.misses_target(89.99) && !floor.misses_target(90.0));
        assert!(ceiling.misses_target(5.01) && !ceiling.misses_target(5.0));
        assert!(!none.misses_target(0.0));
    }
}
