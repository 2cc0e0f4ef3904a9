//! The demo's year of the shared diagnostic centres (seed 000): about 3,000 orders from
//! the townships and villages to the lead hospital's laboratory, imaging and pathology
//! centres, with their results, a few critical values (the latest not yet acknowledged),
//! the last days' orders still on the worklists; the member hospitals' own results; the
//! laboratories' quality assessments (one member failed); and recognition at work: about
//! 120 earlier results reused instead of repeated, and about 60 tests repeated with a
//! reason (seed 002).

use super::sites::entry;
use crate::rng::Rng;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::diagnostics::catalogue::{Centre, ITEMS, Item, Urgency, flag};
use yigong_domain::diagnostics::recognition::{DEFAULT_ITEMS, RepeatReason};
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::diagnostics::{NewOrder, NewResult, PastOrder, PastReuse, ResultValue};

/// Orders sent to the centres in a year, and results of the members' own departments.
pub const YEARLY_ORDERS: usize = 3_000;
const MEMBER_RESULTS: usize = 600;
const REUSES: usize = 120;
const REPEATS: usize = 60;

/// What the demo's diagnostic year added.
#[derive(Debug, Clone, Copy, Default)]
pub struct Added {
    pub orders: usize,
    pub reused: usize,
    pub repeated: usize,
}

/// Relative frequency of each catalogue item, in the order of [`ITEMS`].
const WEIGHTS: [u32; 11] = [30, 10, 10, 8, 10, 12, 10, 5, 3, 1, 1];

/// A report's findings and impression for an imaging or pathology item.
fn report_text(item: &str, critical: bool) -> (&'static str, &'static str) {
    match (item, critical) {
        ("ct_head", true) => (
            "右侧基底节区见团片状高密度影，周围水肿，中线结构左移。",
            "右侧基底节区脑出血，请立即处理。",
        ),
        ("ct_head" | "mr_head", _) => (
            "脑实质未见明显异常信号或密度影，脑室系统无扩大。",
            "颅内未见明显异常。",
        ),
        ("ct_chest", _) => (
            "双肺纹理增多，右下肺见少许条索影，纵隔未见肿大淋巴结。",
            "右下肺少许慢性炎症。",
        ),
        ("xray_chest", _) => (
            "双肺纹理稍增多，心影不大，双膈面光滑。",
            "心肺未见明显异常。",
        ),
        ("ultrasound_abdomen", _) => ("肝脏形态正常，实质回声稍增强，胆囊壁光滑。", "轻度脂肪肝。"),
        _ => (
            "送检组织为慢性炎症改变，未见异型细胞。",
            "慢性炎症，未见恶性证据。",
        ),
    }
}

/// Values of a laboratory item: mostly normal, some out of range, rarely critical.
fn values(rng: &mut Rng, item: &Item, critical: bool) -> Vec<ResultValue> {
    item.analytes
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let span = a.high - a.low;
            let v = if critical && n == 0 && a.critical_high.is_some() {
                a.critical_high.unwrap_or(a.high) + span * 0.1
            } else if critical && n == 0 {
                a.critical_low.unwrap_or(a.low) * 0.9
            } else if rng.percent(15) {
                a.high + span * f64::from(rng.range(5, 40)) / 100.0
            } else {
                a.low + span * f64::from(rng.range(10, 90)) / 100.0
            };
            let v = (v * 10.0).round() / 10.0;
            ResultValue {
                analyte: a.code.to_string(),
                value: v,
                unit: a.unit.to_string(),
                ref_low: a.low,
                ref_high: a.high,
                flag: flag(a, v),
            }
        })
        .collect()
}

/// Minutes from order to report, as the centres manage them: about one in ten late.
fn took(rng: &mut Rng, item: &Item, urgency: Urgency) -> Duration {
    let late = rng.percent(10);
    match (item.centre, urgency, late) {
        (Centre::Pathology, Urgency::Routine, _) => rng.minutes(2 * 1440, 7 * 1440),
        (_, Urgency::Urgent, false) => rng.minutes(15, 55),
        (_, Urgency::Urgent, true) => rng.minutes(55, 120),
        (Centre::Laboratory, Urgency::Routine, false) => rng.minutes(40, 200),
        (_, Urgency::Routine, false) => rng.minutes(20, 110),
        (_, Urgency::Routine, true) => rng.minutes(110, 480),
    }
}

/// One order placed `at` for `resident` from `clinic`, performed by `performer`.
fn order(
    rng: &mut Rng,
    (resident, clinic, performer): (Uuid, Uuid, Uuid),
    (item, at, now): (&Item, OffsetDateTime, OffsetDateTime),
    ordered_by: Option<Uuid>,
) -> PastOrder {
    let urgency = if rng.percent(15) {
        Urgency::Urgent
    } else {
        Urgency::Routine
    };
    let critical_limit = item
        .analytes
        .first()
        .is_some_and(|a| a.critical_low.is_some() || a.critical_high.is_some());
    let critical = rng.per_mille(8) && (critical_limit || item.code == "ct_head");
    let report_at = at + took(rng, item, urgency);
    let reported = (report_at < now).then(|| {
        let (findings, impression) = report_text(item.code, critical);
        let result = if item.centre == Centre::Laboratory {
            NewResult {
                values: values(rng, item, critical),
                critical,
                ..NewResult::default()
            }
        } else {
            NewResult {
                values: Vec::new(),
                findings: findings.into(),
                impression: impression.into(),
                critical,
            }
        };
        (report_at, None, result)
    });
    let acknowledged = match &reported {
        Some((t, _, r)) if r.critical && *t < now - Duration::days(2) => {
            ordered_by.map(|a| (*t + rng.minutes(5, 40), a))
        }
        _ => None,
    };
    PastOrder {
        order: NewOrder {
            resident_id: resident,
            item_code: item.code.to_string(),
            centre: item.centre,
            from_institution_id: clinic,
            performer_id: performer,
            urgency,
            question: String::new(),
            repeat: None,
            price_fen: item.price_fen,
        },
        ordered_by,
        created_at: at,
        received_at: (reported.is_none() && rng.percent(50)).then(|| at + Duration::minutes(20)),
        reported,
        acknowledged,
    }
}

/// An instant in the last `days` days, in the centres' working day (08:00–17:00 China time).
fn working_instant(rng: &mut Rng, today: time::Date, days: u32) -> OffsetDateTime {
    let day = today - Duration::days(i64::from(rng.range(0, days)));
    clock::start_of(day) + Duration::hours(8) + rng.minutes(0, 9 * 60)
}

/// Adds the year; `seed` keeps it the same on every run.
pub async fn add_history(store: &Store, community: Uuid, seed: u64) -> anyhow::Result<Added> {
    let mut rng = Rng::new(seed ^ 0xd1a9);
    let institutions = store.list_institutions(community).await?;
    let kind: HashMap<Uuid, InstitutionKind> = institutions
        .iter()
        .filter_map(|i| Some((i.id, i.kind()?)))
        .collect();
    let of = |k: InstitutionKind| {
        institutions
            .iter()
            .filter(|i| i.kind() == Some(k))
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    // The members that run their own laboratory and imaging: the hospitals.
    let hospitals: Vec<Uuid> = institutions
        .iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Member) && i.name.ends_with("医院"))
        .map(|i| i.id)
        .collect();
    let (Some(&lead), members) = (of(InstitutionKind::Lead).first(), hospitals) else {
        return Ok(Added::default());
    };
    let people = store.resident_sample(community, 20_000).await?;
    let clinics: Vec<(Uuid, Uuid)> = people
        .iter()
        .filter(|(_, i)| {
            matches!(
                kind.get(i),
                Some(InstitutionKind::Township | InstitutionKind::Village)
            )
        })
        .copied()
        .collect();
    if clinics.is_empty() || members.is_empty() {
        return Ok(Added::default());
    }
    add_quality(
        store,
        community,
        (lead, &members, &of(InstitutionKind::Township)),
    )
    .await?;
    let township = store
        .find_account(community, "township")
        .await?
        .map(|a| (a.id, a.institution_id));
    let (now, today) = (OffsetDateTime::now_utc(), clock::today());
    let mut rows = Vec::with_capacity(YEARLY_ORDERS + MEMBER_RESULTS);
    for _ in 0..YEARLY_ORDERS {
        let (resident, clinic) = rng.pick(&clinics);
        let item = &ITEMS[rng.weighted(&WEIGHTS)];
        let by = township.filter(|t| t.1 == clinic).map(|t| t.0);
        let at = working_instant(&mut rng, today, 364);
        rows.push(order(
            &mut rng,
            (resident, clinic, lead),
            (item, at, now),
            by,
        ));
    }
    for _ in 0..MEMBER_RESULTS {
        let (resident, _) = rng.pick(&clinics);
        let member = rng.pick(&members);
        let item = &ITEMS[rng.weighted(&WEIGHTS)];
        let at = working_instant(&mut rng, today, 364);
        rows.push(order(
            &mut rng,
            (resident, member, member),
            (item, at, now),
            None,
        ));
    }
    let ids = store.bulk_load_orders(community, &rows).await?;
    let (reused, repeated) =
        add_recognition(store, community, &mut rng, (&rows, &ids), now).await?;
    Ok(Added {
        orders: rows.len() + repeated,
        reused,
        repeated,
    })
}

/// The laboratories' external quality assessments this year: the lead hospital passed
/// in every centre, the members' laboratories passed but the last member's, and half the
/// townships' laboratories passed.
async fn add_quality(
    store: &Store,
    community: Uuid,
    (lead, members, townships): (Uuid, &[Uuid], &[Uuid]),
) -> anyhow::Result<()> {
    let Some(manager) = store.find_account(community, "manager").await? else {
        return Ok(());
    };
    let audit = entry(
        (manager.id, "manager"),
        "diagnostics.quality",
        "institution",
    );
    let on = clock::today() - Duration::days(120);
    for centre in Centre::ALL {
        store
            .record_quality(community, (lead, *centre, on, true), &audit)
            .await?;
    }
    for (n, m) in members.iter().enumerate() {
        store
            .record_quality(
                community,
                (*m, Centre::Laboratory, on, n + 1 < members.len()),
                &audit,
            )
            .await?;
    }
    for t in townships.iter().step_by(2) {
        store
            .record_quality(community, (*t, Centre::Laboratory, on, true), &audit)
            .await?;
    }
    Ok(())
}

/// Reuses and repeats of recognised results: a reuse some days after a result, by the
/// patient's clinic; a repeat with an official reason, pointing at the result it did not
/// reuse.
async fn add_recognition(
    store: &Store,
    community: Uuid,
    rng: &mut Rng,
    (rows, ids): (&[PastOrder], &[Uuid]),
    now: OffsetDateTime,
) -> anyhow::Result<(usize, usize)> {
    let recognised: Vec<(usize, u16)> = rows
        .iter()
        .enumerate()
        .filter_map(|(n, p)| {
            let rule = DEFAULT_ITEMS.iter().find(|r| r.code == p.order.item_code)?;
            let (at, _, _) = p.reported.as_ref()?;
            (*at < now - Duration::days(i64::from(rule.window_days) / 2 + 1))
                .then_some((n, rule.window_days))
        })
        .collect();
    if recognised.is_empty() {
        return Ok((0, 0));
    }
    let reasons = [
        RepeatReason::ConditionChanged,
        RepeatReason::FastChanging,
        RepeatReason::BeforeSurgery,
        RepeatReason::Emergency,
        RepeatReason::PatientRequest,
        RepeatReason::DoctorJudgement,
    ];
    let mut reuses = Vec::with_capacity(REUSES);
    let mut repeats = Vec::with_capacity(REPEATS);
    for k in 0..REUSES + REPEATS {
        let (n, window) = rng.pick(&recognised);
        let p = &rows[n];
        let Some((reported_at, _, _)) = &p.reported else {
            continue;
        };
        let at = *reported_at + Duration::days(i64::from(rng.range(1, u32::from(window) / 2)));
        if k < REUSES {
            reuses.push(PastReuse {
                resident_id: p.order.resident_id,
                item_code: p.order.item_code.clone(),
                result_id: ids[n],
                institution_id: p.order.from_institution_id,
                reused_by: p.ordered_by,
                price_fen: p.order.price_fen,
                at,
            });
        } else {
            let item = ITEMS
                .iter()
                .find(|i| i.code == p.order.item_code)
                .unwrap_or(&ITEMS[0]);
            let mut again = order(
                rng,
                (
                    p.order.resident_id,
                    p.order.from_institution_id,
                    p.order.performer_id,
                ),
                (item, at, now),
                p.ordered_by,
            );
            again.order.repeat = Some((rng.pick(&reasons), ids[n]));
            repeats.push(again);
        }
    }
    store.bulk_load_reuses(community, &reuses).await?;
    store.bulk_load_orders(community, &repeats).await?;
    Ok((reuses.len(), repeats.len()))
}
