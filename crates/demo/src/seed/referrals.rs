//! A year of referral history for the demo, shaped like seed 000 (about 1,290 referrals,
//! green-channel cases among them), so the worklists and counts show realistic figures.

use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::referral::{Direction, Milestone, Outcome, Pathway, Status, Urgency};
use yigong_store::referrals::{HistoryStep, NewReferral};

use crate::rng::Rng;

pub const YEARLY_REFERRALS: usize = 1290;

/// (weight, institution code, department code, ICD-10, reason, urgency, pathway)
type Case = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Urgency,
    Option<Pathway>,
);

const UP: &[Case] = &[
    (
        10,
        "LEAD",
        "cardiology",
        "I20.0",
        "活动后胸闷胸痛，心电图 ST-T 改变",
        Urgency::Routine,
        None,
    ),
    (
        4,
        "LEAD",
        "cardiology",
        "I21.9",
        "持续胸痛 1 小时，心电图 ST 段抬高",
        Urgency::Emergency,
        Some(Pathway::ChestPain),
    ),
    (
        6,
        "LEAD",
        "cardiology",
        "I48.9",
        "心悸，心电图示心房颤动",
        Urgency::Urgent,
        None,
    ),
    (
        3,
        "LEAD",
        "neurology",
        "I63.9",
        "突发言语不清、右侧肢体无力",
        Urgency::Emergency,
        Some(Pathway::Stroke),
    ),
    (
        6,
        "LEAD",
        "neurology",
        "G45.9",
        "反复头晕、一过性肢体麻木",
        Urgency::Urgent,
        None,
    ),
    (
        9,
        "LEAD",
        "respiratory",
        "J44.1",
        "慢阻肺急性加重，气促加重 3 天",
        Urgency::Urgent,
        None,
    ),
    (
        9,
        "LEAD",
        "respiratory",
        "J18.9",
        "发热咳嗽伴气促",
        Urgency::Routine,
        None,
    ),
    (
        8,
        "LEAD",
        "endocrinology",
        "E11.9",
        "血糖控制不佳，空腹血糖 13 mmol/L",
        Urgency::Routine,
        None,
    ),
    (
        4,
        "LEAD",
        "orthopedics",
        "S72.0",
        "跌倒后髋部疼痛、不能行走",
        Urgency::Urgent,
        None,
    ),
    (
        2,
        "LEAD",
        "emergency",
        "T14.9",
        "车祸外伤，多处骨折可能",
        Urgency::Emergency,
        Some(Pathway::Trauma),
    ),
    (
        5,
        "LEAD",
        "gastroenterology",
        "K92.2",
        "黑便 2 天，血红蛋白下降",
        Urgency::Urgent,
        None,
    ),
    (
        4,
        "LEAD",
        "nephrology",
        "N18.5",
        "肌酐进行性升高",
        Urgency::Routine,
        None,
    ),
    (
        3,
        "LEAD",
        "oncology",
        "C34.9",
        "胸片示肺部占位待查",
        Urgency::Routine,
        None,
    ),
    (
        1,
        "M-MCH",
        "obstetrics",
        "O14.1",
        "孕 34 周，血压 170/110 伴头痛",
        Urgency::Emergency,
        Some(Pathway::CriticalMaternal),
    ),
    (
        1,
        "M-MCH",
        "neonatology",
        "P07.3",
        "早产儿，呼吸急促",
        Urgency::Emergency,
        Some(Pathway::CriticalNeonatal),
    ),
    (
        3,
        "M-TCM",
        "rehabilitation",
        "M51.2",
        "腰腿痛，保守治疗效果差",
        Urgency::Routine,
        None,
    ),
];

const DOWN: &[(&str, &str, &str)] = &[
    (
        "Z48.8",
        "PCI 术后康复",
        "阿司匹林 100mg qd，阿托伐他汀 20mg qn；两周后复查心电图",
    ),
    (
        "I63.9",
        "脑梗死恢复期康复",
        "康复训练每日 2 次；血压控制在 140/90 以下；一月后复诊",
    ),
    (
        "E11.9",
        "糖尿病方案调整后回社区管理",
        "二甲双胍 0.5g tid；每周测空腹血糖两次；三月后复查糖化血红蛋白",
    ),
    (
        "J44.1",
        "慢阻肺急性加重好转",
        "噻托溴铵吸入 qd；戒烟；每月随访肺功能症状",
    ),
    (
        "I10",
        "高血压调整用药后随访",
        "氨氯地平 5mg qd；每周测血压；两周后随访",
    ),
];

/// Places and people the history is built from.
pub struct Directory {
    pub institutions_by_code: HashMap<String, Uuid>,
    pub departments: HashMap<(Uuid, String), Uuid>,
    pub residents: Vec<(Uuid, Uuid)>,
}

/// Builds `count` referrals spread over the year before `now`, with their steps.
pub fn history(
    seed: u64,
    count: usize,
    now: OffsetDateTime,
    dir: &Directory,
) -> Vec<(NewReferral, Vec<HistoryStep>)> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let (resident, clinic) = dir.residents[rng.below(dir.residents.len() as u64) as usize];
        // Later months are busier: the programme grew during the year.
        let day = 365 - (rng.below(365 * 365) as f64).sqrt() as i64;
        let created = now - Duration::days(day) - rng.minutes(0, 24 * 60);
        let at = (resident, clinic, created, now);
        out.push(if rng.percent(67) {
            upward(&mut rng, dir, at)
        } else {
            downward(&mut rng, dir, at)
        });
    }
    out
}

/// (resident, their clinic, created at, now)
type When = (Uuid, Uuid, OffsetDateTime, OffsetDateTime);

/// A referral from the resident's clinic up to a county hospital, drawn by the weights of
/// [`UP`], with what happened to it since.
fn upward(
    rng: &mut Rng,
    dir: &Directory,
    (resident, clinic, created, now): When,
) -> (NewReferral, Vec<HistoryStep>) {
    let total_weight: u64 = UP.iter().map(|c| c.0).sum();
    let mut w = rng.below(total_weight);
    let case = UP
        .iter()
        .find(|c| {
            if w < c.0 {
                true
            } else {
                w -= c.0;
                false
            }
        })
        .unwrap_or(&UP[0]);
    let (_, inst_code, dept_code, icd, reason, urgency, pathway) = *case;
    let to = dir
        .institutions_by_code
        .get(inst_code)
        .copied()
        .unwrap_or_default();
    let n = NewReferral {
        resident_id: resident,
        direction: Direction::Up,
        urgency,
        pathway,
        from_institution_id: clinic,
        to_institution_id: to,
        to_department_id: dir.departments.get(&(to, dept_code.to_string())).copied(),
        parent_id: None,
        reason: reason.into(),
        icd10_code: icd.into(),
        icd10_text: yigong_domain::icd10::name_of(icd)
            .unwrap_or_default()
            .into(),
        summary: String::new(),
        instructions: String::new(),
        preferred_date: None,
        created_by: None,
        created_at: created,
        first_contact_at: pathway.map(|_| created - rng.minutes(5, 15)),
    };
    (n, up_steps(rng, urgency, created, now))
}

/// A referral from the lead hospital down to the resident's clinic, accepted and
/// completed as time allows.
fn downward(
    rng: &mut Rng,
    dir: &Directory,
    (resident, clinic, created, now): When,
) -> (NewReferral, Vec<HistoryStep>) {
    let (icd, reason, instructions) = DOWN[rng.below(DOWN.len() as u64) as usize];
    let lead = dir
        .institutions_by_code
        .get("LEAD")
        .copied()
        .unwrap_or_default();
    let n = NewReferral {
        resident_id: resident,
        direction: Direction::Down,
        urgency: Urgency::Routine,
        pathway: None,
        from_institution_id: lead,
        to_institution_id: clinic,
        to_department_id: None,
        parent_id: None,
        reason: reason.into(),
        icd10_code: icd.into(),
        icd10_text: yigong_domain::icd10::name_of(icd)
            .unwrap_or_default()
            .into(),
        summary: String::new(),
        instructions: instructions.into(),
        preferred_date: None,
        created_by: None,
        created_at: created,
        first_contact_at: None,
    };
    let mut steps = Vec::new();
    let acked = created + rng.minutes(30, 48 * 60);
    if acked < now {
        steps.push(step(acked, Some(Status::Accepted), None, None, None));
        let done = acked + Duration::days(3 + rng.below(27) as i64);
        if done < now {
            steps.push(step(
                done,
                Some(Status::Completed),
                None,
                Some(Outcome::FollowUpTaken),
                None,
            ));
        }
    }
    (n, steps)
}

fn step(
    at: OffsetDateTime,
    status: Option<Status>,
    milestone: Option<Milestone>,
    outcome: Option<Outcome>,
    reason: Option<&str>,
) -> HistoryStep {
    HistoryStep {
        at,
        status,
        milestone,
        outcome,
        reason: reason.map(str::to_string),
    }
}

/// The steps of an upward referral, cut off at `now`.
fn up_steps(
    rng: &mut Rng,
    urgency: Urgency,
    created: OffsetDateTime,
    now: OffsetDateTime,
) -> Vec<HistoryStep> {
    let mut steps = Vec::new();
    if rng.percent(4) {
        let at = created + rng.minutes(20, 240);
        if at < now {
            steps.push(step(
                at,
                Some(Status::Rejected),
                None,
                None,
                Some("床位已满，建议转中医院"),
            ));
        }
        return steps;
    }
    if rng.percent(2) {
        let at = created + rng.minutes(10, 120);
        if at < now {
            steps.push(step(
                at,
                Some(Status::Cancelled),
                None,
                None,
                Some("患者家属要求暂缓转诊"),
            ));
        }
        return steps;
    }
    let (accept, arrive) = match urgency {
        Urgency::Emergency => (rng.minutes(1, 6), rng.minutes(18, 38)),
        Urgency::Urgent => (rng.minutes(10, 180), rng.minutes(4 * 60, 24 * 60)),
        Urgency::Routine => (rng.minutes(60, 48 * 60), rng.minutes(24 * 60, 7 * 24 * 60)),
    };
    let accepted = created + accept;
    let arrived = created + arrive.max(accept + Duration::minutes(5));
    let emergency = urgency == Urgency::Emergency;
    if accepted >= now {
        return steps;
    }
    steps.push(step(
        accepted,
        Some(Status::Accepted),
        emergency.then_some(Milestone::Accepted),
        None,
        None,
    ));
    if emergency {
        let departed = accepted + rng.minutes(2, 8);
        steps.push(step(
            departed,
            None,
            Some(Milestone::AmbulanceDeparted),
            None,
            None,
        ));
    }
    if arrived >= now {
        return steps;
    }
    steps.push(step(
        arrived,
        Some(Status::Arrived),
        emergency.then_some(Milestone::Arrived),
        None,
        None,
    ));
    if emergency {
        // Mostly inside the hour from first contact; some breach it.
        let admitted = arrived
            + if rng.percent(80) {
                rng.minutes(3, 10)
            } else {
                rng.minutes(25, 45)
            };
        steps.push(step(admitted, None, Some(Milestone::Admitted), None, None));
    }
    let done = arrived + Duration::days(1 + rng.below(12) as i64);
    if done < now {
        let outcome = match rng.below(10) {
            0..=4 => Outcome::ReferredDown,
            5..=8 => Outcome::OutpatientDone,
            _ => Outcome::Closed,
        };
        let reason = (outcome == Outcome::Closed).then_some("患者转外地治疗");
        steps.push(step(
            done,
            Some(Status::Completed),
            None,
            Some(outcome),
            reason,
        ));
    }
    steps
}
