//! The demo's year of teleconsultation (seed 000: 2,026 remote medical services and 101
//! surgical consultations a year): about 2,000 requests from the townships and villages,
//! about 100 of them surgical, each booked with one of the lead hospital's experts (eight
//! expert accounts are added, with the demo password), answered and mostly rated; the
//! last days' still waiting to be booked or answered.

use crate::rng::Rng;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::access::Role;
use yigong_domain::clock;
use yigong_domain::diagnostics::consult::{Kind, Slot, Status, clash};
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::accounts::NewAccount;
use yigong_store::diagnostics::{ConsultChange, NewConsult};

pub const YEARLY_CONSULTS: usize = 2_000;
const SURGICAL_PER_MILLE: u32 = 50;

/// `(username, display name, department code)` of the experts the demo adds.
const EXPERTS: [(&str, &str, &str); 8] = [
    ("expert_neuro", "陈主任（神经内科）", "neurology"),
    ("expert_resp", "杨主任（呼吸与危重症医学科）", "respiratory"),
    ("expert_endo", "黄主任（内分泌科）", "endocrinology"),
    ("expert_surgery", "何主任（普外科）", "general-surgery"),
    ("expert_ortho", "罗主任（骨科）", "orthopedics"),
    ("expert_obgyn", "高主任（妇产科）", "obstetrics-gynecology"),
    ("expert_peds", "林主任（儿科）", "pediatrics"),
    ("expert_onco", "梁主任（肿瘤科）", "oncology"),
];

const QUESTIONS: [(&str, &str); 6] = [
    (
        "反复头晕一月，血压控制不佳，请协助调整降压方案。",
        "建议加用氨氯地平，两周后复查血压；如伴肢体无力即转诊。",
    ),
    (
        "咳嗽咳痰两周伴低热，胸片示右下肺斑片影。",
        "考虑社区获得性肺炎，予阿莫西林克拉维酸口服，一周后复查胸片。",
    ),
    (
        "糖尿病患者空腹血糖波动 9–13 mmol/L，请调整用药。",
        "二甲双胍加量至每日 2 g，加用 DPP-4 抑制剂，三月后复查糖化血红蛋白。",
    ),
    (
        "腰腿痛伴左下肢麻木三周。",
        "考虑腰椎间盘突出症，先行保守治疗，必要时行腰椎 MR。",
    ),
    (
        "孕 32 周，血压 150/95 mmHg。",
        "考虑妊娠期高血压，建议今日转诊县医院产科评估。",
    ),
    (
        "患儿发热三天，皮疹，手足口腔疱疹。",
        "符合手足口病，居家隔离对症治疗，出现精神差、抽搐立即就诊。",
    ),
];
const SURGICAL: (&str, &str) = (
    "拟在本院行清创缝合及肌腱探查，请术前会诊。",
    "可在局麻下清创；如肌腱断裂超过一半，建议转县医院手外科修复。",
);

/// The expert accounts, added with the manager's password hash (the demo password).
async fn add_experts(store: &Store, community: Uuid) -> anyhow::Result<Vec<Uuid>> {
    let Some(manager) = store.find_account(community, "manager").await? else {
        return Ok(Vec::new());
    };
    let lead = manager.institution_id;
    let departments = store.list_departments(community, lead).await?;
    let mut ids = Vec::new();
    for (username, display, code) in EXPERTS {
        if let Some(a) = store.find_account(community, username).await? {
            ids.push(a.id);
            continue;
        }
        let new = NewAccount {
            username,
            display_name: display,
            password_hash: &manager.password_hash,
            role: Role::Specialist,
            institution_id: lead,
            department_id: departments.iter().find(|d| d.code == code).map(|d| d.id),
        };
        ids.push(store.create_account(community, &new).await?);
    }
    Ok(ids)
}

/// The first half-hour from `wanted` on that is clear of the expert's bookings, booked.
fn free_slot(booked: &mut Vec<Slot>, wanted: OffsetDateTime) -> OffsetDateTime {
    let mut slot = Slot {
        start: wanted,
        minutes: 30,
    };
    while clash(slot, booked).is_some() {
        slot.start += Duration::minutes(30);
    }
    booked.push(slot);
    slot.start
}

/// Adds the year; how many consultations, and how many surgical.
pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
) -> anyhow::Result<(usize, usize)> {
    let mut rng = Rng::new(seed ^ 0xc0c0);
    let experts = add_experts(store, community).await?;
    let institutions = store.list_institutions(community).await?;
    let clinic = |i: &Uuid| {
        institutions.iter().any(|x| {
            x.id == *i
                && matches!(
                    x.kind(),
                    Some(InstitutionKind::Township | InstitutionKind::Village)
                )
        })
    };
    let people: Vec<(Uuid, Uuid)> = store
        .resident_sample(community, 20_000)
        .await?
        .into_iter()
        .filter(|(_, i)| clinic(i))
        .collect();
    if experts.is_empty() || people.is_empty() {
        return Ok((0, 0));
    }
    let (now, today) = (OffsetDateTime::now_utc(), clock::today());
    let mut rows = Vec::with_capacity(YEARLY_CONSULTS);
    let mut busy: HashMap<Uuid, Vec<Slot>> = HashMap::new();
    for _ in 0..YEARLY_CONSULTS {
        let (resident, from) = rng.pick(&people);
        let surgical = rng.per_mille(SURGICAL_PER_MILLE);
        let (question, answer) = if surgical {
            SURGICAL
        } else {
            rng.pick(&QUESTIONS)
        };
        let day = today - Duration::days(i64::from(rng.range(0, 364)));
        let at = clock::start_of(day) + Duration::hours(8) + rng.minutes(0, 8 * 60);
        let expert = rng.pick(&experts);
        let booked = free_slot(
            busy.entry(expert).or_default(),
            at + Duration::hours(i64::from(rng.range(2, 48))),
        );
        let scheduled = booked < now;
        let answered = scheduled && booked + Duration::minutes(40) < now;
        let status = match (scheduled, answered) {
            (_, true) => Status::Answered,
            (true, false) => Status::Scheduled,
            _ => Status::Requested,
        };
        let change = ConsultChange {
            status,
            expert_id: scheduled.then_some(expert),
            scheduled_at: scheduled.then_some(booked),
            minutes: scheduled.then_some(30),
            opinion: if answered {
                answer.to_string()
            } else {
                String::new()
            },
            answered_at: answered.then(|| booked + Duration::minutes(30)),
            rating: (answered && rng.percent(80)).then(|| i64::from(rng.range(3, 5))),
            rating_comment: String::new(),
            referral_id: None,
        };
        let kind = if surgical {
            Kind::Surgical
        } else {
            Kind::General
        };
        let new = NewConsult {
            resident_id: resident,
            from_institution_id: from,
            kind,
            question: question.to_string(),
            links: Vec::new(),
        };
        rows.push((new, at, change));
    }
    let surgical = rows.iter().filter(|r| r.0.kind == Kind::Surgical).count();
    store.bulk_load_consults(community, &rows).await?;
    Ok((rows.len(), surgical))
}
