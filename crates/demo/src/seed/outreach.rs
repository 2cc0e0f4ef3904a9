//! The demo's year of expert outreach (seed 000: 2,200 sessions at townships serving
//! 36,978 people): weekly templates of the lead hospital's attending physicians and above
//! at the townships, about three a week at each; a year of sessions expanded from them
//! (public holidays skipped, a few cancelled with a reason), each held one recorded with
//! the people served, procedures, teaching and a registered patient or two seen with a
//! township doctor; the next four weeks planned; and some duty and leave in the weeks
//! after, which the office meets when it plans them.

use crate::rng::Rng;
use std::collections::HashMap;
use time::{Date, Duration, Month};
use uuid::Uuid;
use yigong_domain::outreach::posting::title_level;
use yigong_domain::outreach::roster::{Template, expand};
use yigong_domain::outreach::session::{Absence, Status};
use yigong_domain::registry::InstitutionKind;
use yigong_store::audit::AuditEntry;
use yigong_store::outreach::{
    Absent, NewSession, NewTemplate, PastSession, SessionFilter, SessionRecord, Visit,
};
use yigong_store::{PageRequest, Store};

/// Weekly templates: with the year's holidays skipped and a few sessions cancelled, about
/// 2,200 sessions held a year.
pub const TEMPLATES: usize = 45;
/// People served by a held session: 9 to 25, 17 on average (seed 000: 36,978 / 2,200).
const SERVED: (u32, u32) = (9, 25);
/// Weeks planned ahead of today.
const WEEKS_AHEAD: i64 = 4;

/// The half-days a template takes: (start, end) in minutes.
const HALF_DAYS: [(i64, i64); 2] = [(8 * 60 + 30, 11 * 60 + 30), (14 * 60 + 30, 17 * 60)];

const CANCEL_REASONS: [&str; 3] = [
    "专家参加省级会诊，本次坐诊取消",
    "暴雨预警，卫生院暂停门诊",
    "专家临时值班，改期另行通知",
];

const SUMMARIES: [&str; 4] = [
    "慢病患者用药调整为主，带教乡镇医生规范血压测量。",
    "接诊颈肩腰腿痛患者，现场示范关节腔注射。",
    "开展糖尿病足筛查，讲解胰岛素注射技术。",
    "查房两名住院患者，讲授心电图常见异常识别。",
];

#[derive(Debug, Default, Clone, Copy)]
pub struct Added {
    pub templates: usize,
    pub held: usize,
    pub people: i64,
    pub planned: usize,
    pub bookings: usize,
}

/// Public holidays the office keeps off the roster, over the years around `today`.
pub fn holidays(today: Date) -> Vec<(Date, &'static str)> {
    let mut out = Vec::new();
    let spring: [(i32, Month, u8); 3] = [
        (2025, Month::January, 28),
        (2026, Month::February, 16),
        (2027, Month::February, 5),
    ];
    for year in today.year() - 1..=today.year() + 1 {
        let day = |m: Month, d: u8| Date::from_calendar_date(year, m, d).ok();
        let mut add = |first: Option<Date>, n: i64, name: &'static str| {
            if let Some(f) = first {
                out.extend((0..n).map(|k| (f + Duration::days(k), name)));
            }
        };
        add(day(Month::January, 1), 1, "元旦");
        if let Some((_, m, d)) = spring.iter().find(|(y, _, _)| *y == year) {
            add(day(*m, *d), 8, "春节");
        }
        add(day(Month::April, 5), 1, "清明节");
        add(day(Month::May, 1), 5, "劳动节");
        add(day(Month::October, 1), 7, "国庆节");
    }
    out
}

/// Each township's residents and staff.
type Places<'a> = HashMap<Uuid, (&'a [Uuid], &'a [Uuid])>;

/// The places and people the year is made of.
struct Cast {
    /// Townships with the residents registered there or at their villages, and their staff.
    townships: Vec<(Uuid, Vec<Uuid>, Vec<Uuid>)>,
    experts: Vec<Uuid>,
}

async fn cast(store: &Store, community: Uuid, rng: &mut Rng) -> anyhow::Result<Option<Cast>> {
    let institutions = store.list_institutions(community).await?;
    let Some(lead) = institutions
        .iter()
        .find(|i| i.kind() == Some(InstitutionKind::Lead))
    else {
        return Ok(None);
    };
    let mut experts: Vec<Uuid> = store
        .staff_of(community, lead.id)
        .await?
        .into_iter()
        .filter(|s| title_level(&s.title).1)
        .map(|s| s.id)
        .collect();
    rng.shuffle(&mut experts);
    let home_of: HashMap<Uuid, Uuid> = institutions
        .iter()
        .filter_map(|i| match i.kind() {
            Some(InstitutionKind::Township) => Some((i.id, i.id)),
            Some(InstitutionKind::Village) => i.parent_id.map(|p| (i.id, p)),
            _ => None,
        })
        .collect();
    let mut people: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (r, at) in store.resident_sample(community, 20_000).await? {
        if let Some(t) = home_of.get(&at) {
            people.entry(*t).or_default().push(r);
        }
    }
    let mut townships = Vec::new();
    for i in institutions
        .iter()
        .filter(|i| i.kind() == Some(InstitutionKind::Township))
    {
        let staff = store
            .staff_of(community, i.id)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        townships.push((i.id, people.remove(&i.id).unwrap_or_default(), staff));
    }
    if experts.is_empty() || townships.is_empty() {
        return Ok(None);
    }
    Ok(Some(Cast { townships, experts }))
}

/// The templates: township by township, three weekdays each, a different expert each.
fn templates(rng: &mut Rng, cast: &Cast) -> Vec<(Uuid, NewTemplate)> {
    (0..TEMPLATES)
        .map(|k| {
            let (place, _, _) = &cast.townships[k % cast.townships.len()];
            let (start_min, end_min) = HALF_DAYS[rng.index(HALF_DAYS.len())];
            let t = NewTemplate {
                expert_id: cast.experts[k % cast.experts.len()],
                institution_id: *place,
                weekday: i64::from(rng.range(1, 5)),
                start_min,
                end_min,
                capacity: i64::from(rng.range(4, 6)) * 5,
            };
            (yigong_store::new_id(), t)
        })
        .collect()
}

fn rule(t: &NewTemplate) -> Template {
    let at = |m: i64| {
        time::Time::from_hms((m / 60) as u8, (m % 60) as u8, 0).unwrap_or(time::Time::MIDNIGHT)
    };
    Template {
        weekday: time::Weekday::Sunday.nth_next(t.weekday as u8),
        start: at(t.start_min),
        end: at(t.end_min),
        capacity: t.capacity as u16,
    }
}

/// The record of a held session at a township with `people` and `staff`.
fn held(rng: &mut Rng, people: &[Uuid], staff: &[Uuid]) -> SessionRecord {
    let mut visits: Vec<Visit> = Vec::new();
    if !people.is_empty() {
        for _ in 0..rng.range(0, 2) {
            let r = rng.pick(people);
            if visits.iter().all(|v| v.resident_id != r) {
                visits.push(Visit {
                    resident_id: r,
                    doctor_id: (!staff.is_empty()).then(|| rng.pick(staff)),
                    note: String::new(),
                    referral_id: None,
                });
            }
        }
    }
    SessionRecord {
        people_served: i64::from(rng.range(SERVED.0, SERVED.1)),
        procedures: i64::from(rng.range(0, 3)),
        teaching_rounds: i64::from(rng.percent(25)),
        lectures: i64::from(rng.percent(15)),
        summary: SUMMARIES[rng.index(SUMMARIES.len())].to_string(),
        visits,
    }
}

pub async fn add_history(
    store: &Store,
    community: Uuid,
    seed: u64,
    today: Date,
) -> anyhow::Result<Added> {
    let mut rng = Rng::new(seed ^ 0x0e7a);
    let Some(cast) = cast(store, community, &mut rng).await? else {
        return Ok(Added::default());
    };
    let templates = templates(&mut rng, &cast);
    store.bulk_load_templates(community, &templates).await?;
    let off = holidays(today);
    store.bulk_load_holidays(community, &off).await?;
    let off_days: Vec<Date> = off.iter().map(|(d, _)| *d).collect();
    let place: Places<'_> = cast
        .townships
        .iter()
        .map(|(id, p, s)| (*id, (p.as_slice(), s.as_slice())))
        .collect();
    let (mut past, mut added) = (
        Vec::new(),
        Added {
            templates: templates.len(),
            ..Added::default()
        },
    );
    let ahead = today + Duration::days(7 * WEEKS_AHEAD - 1);
    for (id, t) in &templates {
        for (day, _) in expand(&[rule(t)], (today - Duration::days(365), ahead), &off_days) {
            let session = NewSession {
                expert_id: t.expert_id,
                institution_id: t.institution_id,
                template_id: Some(*id),
                day,
                start_min: t.start_min,
                end_min: t.end_min,
                capacity: t.capacity,
            };
            let (status, note, record) = if day >= today {
                added.planned += 1;
                (Status::Planned, String::new(), SessionRecord::default())
            } else if rng.per_mille(15) {
                (
                    Status::Cancelled,
                    CANCEL_REASONS[rng.index(CANCEL_REASONS.len())].to_string(),
                    SessionRecord::default(),
                )
            } else {
                let (people, staff) = place.get(&t.institution_id).copied().unwrap_or((&[], &[]));
                let r = held(&mut rng, people, staff);
                added.held += 1;
                added.people += r.people_served;
                (Status::Held, String::new(), r)
            };
            past.push(PastSession {
                session,
                status,
                note,
                record,
            });
        }
    }
    store.bulk_load_sessions(community, &past).await?;
    add_absences(store, community, &templates, today).await?;
    added.bookings = add_bookings(store, community, (&mut rng, &place), today).await?;
    Ok(added)
}

/// Residents' bookings of the next two weeks' sessions: a fifth to a half of the places.
async fn add_bookings(
    store: &Store,
    community: Uuid,
    (rng, place): (&mut Rng, &Places<'_>),
    today: Date,
) -> anyhow::Result<usize> {
    let f = SessionFilter {
        status: Some(Status::Planned),
        from: Some(today),
        to: Some(today + Duration::days(13)),
        ..SessionFilter::default()
    };
    let sessions = store
        .find_sessions(community, &f, PageRequest::new(Some(1), Some(200)))
        .await?;
    let audit = demo_entry("portal.book", "outreach_session");
    let mut n = 0;
    for s in sessions.items {
        let Some((people, _)) = place.get(&s.institution_id) else {
            continue;
        };
        let want = s.capacity * i64::from(rng.range(20, 50)) / 100;
        for _ in 0..want.min(people.len() as i64) {
            if store
                .book_session(community, (s.id, rng.pick(people)), today, &audit)
                .await?
                .is_ok()
            {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The audit row of what the demo writes through the store's own writes.
pub fn demo_entry(action: &'static str, entity: &'static str) -> AuditEntry<'static> {
    AuditEntry {
        account_id: None,
        username: "demo",
        action,
        entity,
        entity_id: None,
        allowed: true,
        ip: "",
        detail: "",
        method: "",
        path: "",
    }
}

/// Leave and duty on some template days after the planned weeks: planning those weeks
/// meets them.
async fn add_absences(
    store: &Store,
    community: Uuid,
    templates: &[(Uuid, NewTemplate)],
    today: Date,
) -> anyhow::Result<()> {
    let audit = demo_entry("outreach.absence", "outreach_absence");
    let first = today + Duration::days(7 * WEEKS_AHEAD);
    for (k, (_, t)) in templates.iter().take(6).enumerate() {
        let Some((day, _)) = expand(&[rule(t)], (first, first + Duration::days(27)), &[])
            .into_iter()
            .nth(k % 3)
        else {
            continue;
        };
        let (kind, start_min, end_min) = if k % 2 == 0 {
            (Absence::Leave, 0, 1439)
        } else {
            (Absence::Duty, t.start_min, t.end_min)
        };
        let a = Absent {
            id: Uuid::nil(),
            expert_id: t.expert_id,
            day,
            kind,
            start_min,
            end_min,
            note: if kind == Absence::Leave {
                "年休假".into()
            } else {
                "急诊值班".into()
            },
        };
        store.add_absence(community, &a, &audit).await?;
    }
    Ok(())
}
