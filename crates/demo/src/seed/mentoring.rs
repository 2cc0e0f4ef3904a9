//! The demo's postings, exchanges, mentoring and training over the year: attending
//! physicians and above posted to townships (most of them six months or more, some for a
//! shorter support or rounds), a few "send one up, bring one down" exchanges, master and
//! apprentice pairs with progress notes and the techniques passed on, and training events
//! at the townships with attendance and scores.

use super::outreach::demo_entry as entry;
use crate::rng::Rng;
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::outreach::posting::{Direction, Kind, title_level};
use yigong_domain::registry::InstitutionKind;
use yigong_store::Store;
use yigong_store::outreach::{NewMentorship, NewPosting, NewTraining};

/// Long postings (six months or more) and shorter ones.
const LONG: usize = 14;
const SHORT: usize = 10;
const EXCHANGES: usize = 3;
const PAIRS: usize = 8;
const TRAININGS: usize = 12;

const TECHNIQUES: [&str; 10] = [
    "清创缝合术",
    "关节腔注射",
    "心电图判读",
    "胰岛素泵使用",
    "腹腔镜阑尾切除术",
    "胃镜检查",
    "超声引导下穿刺",
    "小儿雾化治疗",
    "糖尿病足换药",
    "针刀松解术",
];

const COURSES: [&str; 4] = [
    "胸痛中心规范化救治培训",
    "基层高血压规范管理",
    "急诊心肺复苏实操",
    "院感防控与消毒供应",
];

#[derive(Debug, Default, Clone, Copy)]
pub struct Added {
    pub postings: usize,
    pub exchanges: usize,
    pub pairs: usize,
    pub notes: usize,
    pub trainings: usize,
}

pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<Added> {
    let mut rng = Rng::new(seed ^ 0x3e7f);
    let institutions = store.list_institutions(community).await?;
    let Some(lead) = institutions
        .iter()
        .find(|i| i.kind() == Some(InstitutionKind::Lead))
    else {
        return Ok(Added::default());
    };
    let townships: Vec<Uuid> = institutions
        .iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Township))
        .map(|i| i.id)
        .collect();
    let lead_staff = store.staff_of(community, lead.id).await?;
    let physicians: Vec<Uuid> = lead_staff
        .iter()
        .filter(|s| title_level(&s.title).1)
        .map(|s| s.id)
        .collect();
    if townships.is_empty() || physicians.len() < LONG + SHORT + EXCHANGES + PAIRS {
        return Ok(Added::default());
    }
    let mut added = Added::default();
    let mut next = physicians.iter().rev().copied();
    add_postings(
        store,
        community,
        (&mut rng, &mut next, (lead.id, &townships)),
        today,
        &mut added,
    )
    .await?;
    add_pairs(
        store,
        community,
        (&mut rng, &mut next, &townships),
        today,
        &mut added,
    )
    .await?;
    add_trainings(
        store,
        community,
        (&mut rng, &physicians, &townships),
        today,
        &mut added,
    )
    .await?;
    Ok(added)
}

/// Postings of the lead hospital's physicians to the townships, and the exchanges.
async fn add_postings(
    store: &Store,
    community: Uuid,
    (rng, next, (lead, townships)): (&mut Rng, &mut impl Iterator<Item = Uuid>, (Uuid, &[Uuid])),
    today: Date,
    added: &mut Added,
) -> anyhow::Result<()> {
    let posting = |staff, place, kind, (start, end): (Date, Option<Date>)| NewPosting {
        staff_id: staff,
        institution_id: place,
        kind,
        direction: Direction::Down,
        start_on: start,
        end_on: end,
        note: String::new(),
    };
    for k in 0..LONG + SHORT {
        let Some(staff) = next.next() else { break };
        let place = townships[k % townships.len()];
        let (kind, days) = if k < LONG {
            (Kind::LongTerm, i64::from(rng.range(190, 360)))
        } else {
            (
                [Kind::Support, Kind::Rounds][k % 2],
                i64::from(rng.range(30, 120)),
            )
        };
        let start = today - Duration::days(i64::from(rng.range(0, 300)) + days / 2);
        let end = start + Duration::days(days);
        let p = posting(staff, place, kind, (start, (end < today).then_some(end)));
        store
            .add_postings(
                community,
                &[p],
                &entry("outreach.posting", "outreach_posting"),
            )
            .await?;
        added.postings += 1;
    }
    for k in 0..EXCHANGES {
        let (Some(down), place) = (next.next(), townships[(k * 3) % townships.len()]) else {
            break;
        };
        let Some(up) = store
            .staff_of(community, place)
            .await?
            .first()
            .map(|s| s.id)
        else {
            continue;
        };
        let start = today - Duration::days(i64::from(rng.range(30, 200)));
        let end = Some(start + Duration::days(90)).filter(|e| *e < today);
        let rows = [
            NewPosting {
                kind: Kind::Support,
                ..posting(down, place, Kind::Support, (start, end))
            },
            NewPosting {
                direction: Direction::Up,
                ..posting(up, lead, Kind::Support, (start, end))
            },
        ];
        store
            .add_postings(
                community,
                &rows,
                &entry("outreach.exchange", "outreach_posting"),
            )
            .await?;
        added.exchanges += 1;
    }
    Ok(())
}

async fn add_pairs(
    store: &Store,
    community: Uuid,
    (rng, masters, townships): (&mut Rng, &mut impl Iterator<Item = Uuid>, &[Uuid]),
    today: Date,
    added: &mut Added,
) -> anyhow::Result<()> {
    for k in 0..PAIRS {
        let Some(master) = masters.next() else { break };
        let place = townships[(k * 2 + 1) % townships.len()];
        let Some(apprentice) = store.staff_of(community, place).await?.get(1).map(|s| s.id) else {
            continue;
        };
        let started_on = today - Duration::days(i64::from(rng.range(60, 330)));
        let new = NewMentorship {
            master_id: master,
            apprentice_id: apprentice,
            goals: "一年内独立开展两项适宜技术，规范常见病诊疗".into(),
            started_on,
        };
        let id = store
            .add_mentorship(community, &new, &entry("outreach.mentorship", "mentorship"))
            .await?;
        added.pairs += 1;
        let span = (today - started_on).whole_days().max(1);
        for n in 0..rng.range(3, 6) {
            let day = started_on + Duration::days(span * i64::from(n + 1) / 7);
            let technique = if rng.percent(60) {
                TECHNIQUES[rng.index(TECHNIQUES.len())]
            } else {
                ""
            };
            let note = if technique.is_empty() {
                "跟师门诊，讨论疑难病例"
            } else {
                "现场带教，徒弟在指导下独立完成"
            };
            store
                .add_mentoring_note(
                    community,
                    (id, day),
                    (note, technique),
                    &entry("outreach.mentoring_note", "mentorship"),
                )
                .await?;
            added.notes += 1;
        }
    }
    Ok(())
}

async fn add_trainings(
    store: &Store,
    community: Uuid,
    (rng, trainers, townships): (&mut Rng, &[Uuid], &[Uuid]),
    today: Date,
    added: &mut Added,
) -> anyhow::Result<()> {
    for k in 0..TRAININGS {
        let place = townships[k % townships.len()];
        let staff = store.staff_of(community, place).await?;
        let attendance = staff
            .iter()
            .take(rng.range(5, 12) as usize)
            .map(|s| (s.id, rng.percent(80).then(|| i64::from(rng.range(50, 98)))))
            .collect();
        let t = NewTraining {
            institution_id: place,
            title: COURSES[k % COURSES.len()].into(),
            held_on: today - Duration::days(i64::from(rng.range(5, 330))),
            trainer_id: Some(rng.pick(trainers)),
            attendance,
        };
        store
            .add_training(community, &t, &entry("outreach.training", "training"))
            .await?;
        added.trainings += 1;
    }
    Ok(())
}
