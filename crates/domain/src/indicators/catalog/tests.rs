//! Each definition on a small county worked out by hand: a lead hospital L, a township
//! T and its village clinic V, May 2026 and May 2025.

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
    // Referrals accepted in May: T sent 5 up (4 to L, 1 to a member hospital this
    // small county leaves out), V sent 1 up to L; L received 5 and sent 3 down.
    t.add(may, T, &[(RefUp, 4 + 1)], 1);
    t.add(may, V, &[(RefUp, 1)], 1);
    t.add(may, L, &[(RefUpIn, 5), (RefDown, 3)], 1);
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
fn referrals_up_and_down_are_counts_at_their_senders() {
    // T sent 5 up (4 to L, 1 to M), V 1: 6; L sent 3 down.
    let up = whole("referrals_up");
    assert_eq!(
        (up.numerator, up.denominator, up.value, up.status),
        (6, 0, Some(6.0), Status::Ok)
    );
    check_count("referrals_down", 3);
    // The township with its village only: what they sent.
    let f = figure("referrals_up", &county(true), &|i| i == T || i == V);
    assert_eq!(f.value, Some(6.0));
    let f = figure("referrals_down", &county(true), &|i| i == T);
    assert_eq!((f.value, f.status), (Some(0.0), Status::Ok), "zero is real");
}

fn check_count(code: &str, n: i64) {
    let f = whole(code);
    assert_eq!((f.numerator, f.value), (n, Some(n as f64)), "{code}");
}

#[test]
fn the_lead_hospitals_downward_share_of_its_referrals() {
    // L sent 3 down and received 5 from below: 3 / 8.
    check("lead_down_share", 3, 8, 37.5);
    // Without the lead hospital in scope there is nothing to divide.
    let f = figure("lead_down_share", &county(true), &|i| i == T);
    assert_eq!((f.value, f.status), (None, Status::NoDenominator));
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
    for d in CATALOG.iter() {
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

#[test]
fn remote_ecgs_and_the_urgent_ones_read_on_time() {
    // T sent 7 ECGs that were read, 4 urgent, 3 of them on time; V sent 2 routine ones.
    let may = Month::parse("2026-05").expect("a month");
    let mut t = Tally::default();
    t.add(
        may,
        T,
        &[(EcgRead, 7), (EcgUrgent, 4), (EcgUrgentOnTime, 3)],
        1,
    );
    t.add(may, V, &[(EcgRead, 2)], 1);
    let f = figure("ecg_remote_reads", &t, &|_| true);
    assert_eq!((f.numerator, f.value), (9, Some(9.0)));
    let f = figure("ecg_urgent_on_time", &t, &|_| true);
    assert_eq!((f.numerator, f.denominator, f.value), (3, 4, Some(75.0)));
    // The village alone sent no urgent ones: nothing to divide.
    let f = figure("ecg_urgent_on_time", &t, &|i| i == V);
    assert_eq!(f.status, Status::NoDenominator);
}

#[test]
fn outreach_sessions_and_the_people_they_served() {
    // T held 3 sessions serving 41 people, V none; L's counters are not outreach.
    let may = Month::parse("2026-05").expect("a month");
    let mut t = Tally::default();
    t.add(may, T, &[(OutreachHeld, 3), (OutreachServed, 41)], 1);
    t.add(may, L, &[(Visits, 10)], 1);
    let f = figure("outreach_sessions", &t, &|_| true);
    assert_eq!((f.numerator, f.value), (3, Some(3.0)));
    let f = figure("outreach_people_served", &t, &|i| i == T || i == V);
    assert_eq!((f.numerator, f.value), (41, Some(41.0)));
    let f = figure("outreach_people_served", &t, &|i| i == V);
    assert_eq!((f.value, f.status), (Some(0.0), Status::Ok));
}

#[test]
fn per_10000_figures_divide_by_the_residents_of_the_periods_year() {
    // 2026's residents (kept at January): T 8,000, V 2,000, L 0; 2025's: 9,000 in T.
    // Physicians posted six months or more in 2026: 2 at T, 1 at V; one at L (a
    // hospital, not the grassroots) does not count. In May 2026 T had 12 ECGs read and
    // 3 teleconsultations answered.
    let jan = Month::parse("2026-01").expect("a month");
    let may = Month::parse("2026-05").expect("a month");
    let mut t = Tally::default();
    t.add(jan, T, &[(Residents, 8_000), (Posted, 2)], 1);
    t.add(jan, V, &[(Residents, 2_000), (Posted, 1)], 1);
    t.add(jan, L, &[(Posted, 1)], 1);
    t.add(
        Month::parse("2025-01").expect("a month"),
        T,
        &[(Residents, 9_000)],
        1,
    );
    t.add(may, T, &[(EcgRead, 12), (ConsultAnswered, 3)], 1);
    // May 2026 reads the stock of 2026 though January is outside the span:
    // (12 + 3) × 10,000 ÷ 10,000 = 15; 3 × 10,000 ÷ 10,000 = 3.
    let f = figure("remote_diagnoses_per_10k", &t, &|_| true);
    assert_eq!(
        (f.numerator, f.denominator, f.value),
        (15, 10_000, Some(15.0))
    );
    let f = figure("posted_physicians_per_10k", &t, &|_| true);
    assert_eq!(
        (f.numerator, f.denominator, f.value),
        (3, 10_000, Some(3.0))
    );
    // The village alone: 1 × 10,000 ÷ 2,000 = 5.
    let f = figure("posted_physicians_per_10k", &t, &|i| i == V);
    assert_eq!((f.numerator, f.denominator, f.value), (1, 2_000, Some(5.0)));
    // May 2025 reads 2025's 9,000 residents and has no reads: 0 per 10,000.
    let d = find("remote_diagnoses_per_10k").expect("listed");
    let f = evaluate(
        &d.formula,
        &t,
        Span::parse("2025-05").expect("a month"),
        &kind_of,
        &|_| true,
    );
    assert_eq!((f.numerator, f.denominator, f.value), (0, 9_000, Some(0.0)));
    // A year without residents has nothing to divide by.
    let f = evaluate(
        &d.formula,
        &t,
        Span::parse("2024").expect("a year"),
        &kind_of,
        &|_| true,
    );
    assert_eq!(f.status, Status::NoDenominator);
}

#[test]
fn green_channel_cases_admitted_within_their_target() {
    // T sent 5 green-channel cases admitted in May, 4 within target; V sent 1, late.
    let may = Month::parse("2026-05").expect("a month");
    let mut t = Tally::default();
    t.add(may, T, &[(GreenAdmitted, 5), (GreenOnTime, 4)], 1);
    t.add(may, V, &[(GreenAdmitted, 1)], 1);
    let f = figure("green_channel_on_time", &t, &|_| true);
    assert_eq!((f.numerator, f.denominator), (4, 6));
    // 4 × 100 ÷ 6 = 66.666…, to four decimals.
    assert_eq!(f.value, Some(66.6667));
    let f = figure("green_channel_on_time", &t, &|i| i == V);
    assert_eq!((f.numerator, f.denominator, f.value), (0, 1, Some(0.0)));
}

#[test]
fn chronic_patients_under_standardised_management_and_control() {
    use crate::chronic::{Disease, STANDARD};
    use crate::indicators::chronic::{Register, Visit, add_register, at_year};
    use time::{Date, macros::date};
    let seen = |days: &[(Date, bool)]| -> Vec<Visit> {
        days.iter()
            .map(|&(on, ok)| Visit {
                on,
                controlled: Some(ok),
                face_to_face: true,
            })
            .collect()
    };
    let four = |last: bool| {
        seen(&[
            (date!(2026 - 02 - 01), true),
            (date!(2026 - 04 - 01), false),
            (date!(2026 - 06 - 01), true),
            (date!(2026 - 08 - 01), last),
        ])
    };
    let reg = |disease, institution, enrolled_on, ended_on| Register {
        disease,
        institution,
        enrolled_on,
        ended_on,
    };
    use Disease::{Diabetes as Dm, Hypertension as Htn};
    let mut kept = Tally::default();
    for (r, v) in [
        // Hypertension, 2026: r1 and r2 four visits each (r2 enrolled in February, its
        // visits from the 1st count), both ending controlled; r3 ended in 2025; r4 two
        // visits, the last controlled; r5 enrolled in October, not seen yet.
        (reg(Htn, V, date!(2025 - 03 - 01), None), four(true)),
        (reg(Htn, V, date!(2026 - 02 - 01), None), four(true)),
        (
            reg(Htn, V, date!(2024 - 01 - 01), Some(date!(2025 - 12 - 01))),
            vec![],
        ),
        (
            reg(Htn, T, date!(2023 - 05 - 01), None),
            seen(&[
                (date!(2026 - 03 - 01), false),
                (date!(2026 - 09 - 01), true),
            ]),
        ),
        (reg(Htn, T, date!(2026 - 10 - 01), None), vec![]),
        // Diabetes, 2026: d1 one controlled visit; d2 managed June to September with
        // four visits, the last uncontrolled; d3 four visits, the last controlled.
        (
            reg(Dm, T, date!(2026 - 01 - 10), None),
            seen(&[(date!(2026 - 03 - 01), true)]),
        ),
        (
            reg(Dm, T, date!(2026 - 06 - 01), Some(date!(2026 - 09 - 30))),
            seen(&[
                (date!(2026 - 06 - 02), true),
                (date!(2026 - 07 - 01), true),
                (date!(2026 - 08 - 01), true),
                (date!(2026 - 09 - 01), false),
            ]),
        ),
        (reg(Dm, V, date!(2025 - 01 - 01), None), four(true)),
    ] {
        add_register(&mut kept, &r, &v, &STANDARD, 1);
    }
    let measures = [
        HtnManaged,
        HtnStandard,
        HtnControlled,
        DmManaged,
        DmStandard,
        DmControlled,
    ];
    let t = at_year(&kept, &measures, 2026);
    // Hypertension: managed r1, r2, r4, r5 = 4; standard r1, r2 = 2 (50 %); controlled
    // r1, r2, r4 = 3 (75 %).
    let f = figure("htn_standard_rate", &t, &|_| true);
    assert_eq!((f.numerator, f.denominator, f.value), (2, 4, Some(50.0)));
    let f = figure("htn_control_rate", &t, &|_| true);
    assert_eq!((f.numerator, f.denominator, f.value), (3, 4, Some(75.0)));
    // Diabetes: managed d1, d2, d3 = 3; standard d2, d3 = 2; controlled d1, d3 = 2.
    let f = figure("dm_standard_rate", &t, &|_| true);
    // 2 × 100 ÷ 3, kept to four decimals.
    assert_eq!((f.numerator, f.denominator, f.value), (2, 3, Some(66.6667)));
    let f = figure("dm_control_rate", &t, &|_| true);
    assert_eq!((f.numerator, f.denominator), (2, 3));
    // The township alone: r4 and r5 managed, r4 controlled, neither standard.
    let f = figure("htn_control_rate", &t, &|i| i == T);
    assert_eq!((f.numerator, f.denominator, f.value), (1, 2, Some(50.0)));
    let f = figure("htn_standard_rate", &t, &|i| i == T);
    assert_eq!((f.numerator, f.denominator, f.value), (0, 2, Some(0.0)));
    // 2027, nothing written yet: the four still managed, none seen.
    let next = at_year(&kept, &measures, 2027);
    let d = find("htn_standard_rate").expect("listed");
    let span = Span::parse("2027-03").expect("a month");
    let f = evaluate(&d.formula, &next, span, &kind_of, &|_| true);
    assert_eq!((f.numerator, f.denominator, f.value), (0, 4, Some(0.0)));
}
