//! The demo's first-secretary programme as seed 001 runs it: two sites with 1,000,000
//! yuan for two years, their thirteen tasks, and what the months since the start left
//! behind: progress reports (tasks due by now reported done), monthly spending, and the
//! committee's evaluation of every quarter already over.

use crate::rng::Rng;
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::site::{EVALUATION_SHEET, Quarter, evaluation_sheet, template_tasks};
use yigong_domain::party::work::{grade, score_text, total};
use yigong_store::Store;
use yigong_store::audit::AuditEntry;
use yigong_store::party::{NewEvaluation, NewReport, NewSite, NewSpending};

const CATEGORIES: [(&str, &str); 5] = [
    ("设备购置", "心电图机、除颤仪"),
    ("人员培训", "骨干医生进修"),
    ("基础设施改造", "健康管理中心装修"),
    ("信息化建设", "远程会诊终端"),
    ("义诊宣传", "健康讲座与义诊"),
];

/// Who the seeded entries are recorded by: the site's secretary and the committee.
pub struct Actors {
    /// The account and its username.
    pub secretary: (Uuid, &'static str),
    pub committee: (Uuid, &'static str),
}

pub(super) fn entry<'a>(
    (account, username): (Uuid, &'a str),
    action: &'a str,
    entity: &'a str,
) -> AuditEntry<'a> {
    AuditEntry {
        account_id: Some(account),
        username,
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

/// 10:00 in China on `day`, or now if that is still to come.
pub(super) fn morning(day: Date) -> time::OffsetDateTime {
    (clock::start_of(day) + Duration::hours(10)).min(yigong_store::now())
}

/// Seed 001's programme: a first secretary from the lead hospital at the demo township
/// and another at a second township, each for two years with 1,000,000 yuan.
pub async fn add_sites(
    store: &Store,
    community: Uuid,
    places: &super::DemoPlaces,
    (mut who, other): (Actors, Uuid),
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x51735);
    let starts_on = clock::today() - Duration::days(200);
    let site = NewSite {
        institution_id: places.township,
        sending_institution_id: places.lead,
        secretary_account_id: who.secretary.0,
        starts_on,
        ends_on: starts_on + Duration::days(730),
        budget_fen: 100_000_000,
        tasks: template_tasks(starts_on),
    };
    add_site(store, community, site.clone(), &who, &mut rng).await?;
    who.secretary = (other, "specialist");
    let second = NewSite {
        institution_id: places.other_township,
        secretary_account_id: other,
        ..site
    };
    add_site(store, community, second, &who, &mut rng).await?;
    Ok(())
}

/// Creates a site from the template and fills the months from its start to today.
async fn add_site(
    store: &Store,
    community: Uuid,
    site: NewSite,
    who: &Actors,
    rng: &mut Rng,
) -> anyhow::Result<Uuid> {
    let today = clock::today();
    let id = store.insert_site(community, &site).await?;
    let mut day = site.starts_on + Duration::days(10);
    while day < today {
        let (category, note) = rng.pick(&CATEGORIES);
        let spending = NewSpending {
            amount_fen: i64::from(rng.range(20_000, 150_000)) * 100,
            category: category.into(),
            spent_on: day,
            note: note.into(),
            recorded_by: Some(who.secretary.0),
        };
        let e = entry(who.secretary, "party.spending", "fs_spending");
        store.record_spending(community, id, &spending, &e).await?;
        day += Duration::days(30);
    }
    report_tasks(store, (community, id), who, rng).await?;
    evaluate_quarters(store, (community, id), (site.starts_on, who), rng).await?;
    Ok(id)
}

/// A report on each task once it is due within three months; one due by now is
/// reported done a week before it fell due.
async fn report_tasks(
    store: &Store,
    (community, site): (Uuid, Uuid),
    who: &Actors,
    rng: &mut Rng,
) -> anyhow::Result<()> {
    let today = clock::today();
    for task in store.site_tasks(community, site).await? {
        let Some(due) = task.due_on else { continue };
        let started = due - Duration::days(90);
        if started >= today {
            continue;
        }
        let e = entry(who.secretary, "party.report", "party_evidence");
        let first = NewReport {
            task: task.id,
            text: format!("已制定方案并启动，完成进度约{}%", rng.range(20, 60)),
            from: "open",
            to: "working",
            at: morning(started.max(today - Duration::days(150))),
        };
        store.report_progress(community, site, &first, &e).await?;
        let finished = due - Duration::days(7);
        if finished < today {
            let done = NewReport {
                task: task.id,
                text: "已按期完成并投入使用，佐证材料已归档".into(),
                from: "working",
                to: "submitted",
                at: morning(finished),
            };
            store.report_progress(community, site, &done, &e).await?;
        }
    }
    Ok(())
}

/// The committee's evaluation of each quarter of the term that is over.
async fn evaluate_quarters(
    store: &Store,
    (community, site): (Uuid, Uuid),
    (starts_on, who): (Date, &Actors),
    rng: &mut Rng,
) -> anyhow::Result<()> {
    let current = Quarter::of(clock::today());
    let mut q = Quarter::of(starts_on);
    let sheet = evaluation_sheet();
    while q < current {
        let scores: Vec<(String, u32)> = EVALUATION_SHEET
            .iter()
            .map(|(code, max)| (code.to_string(), max - rng.range(0, max / 4 + 1)))
            .collect();
        let sum = total(&sheet, &scores).unwrap_or(0);
        let new = NewEvaluation {
            quarter: q.to_string(),
            scores: score_text(&sheet, &scores),
            total: sum as i32,
            grade: grade(sum, 100),
            comment: "按计划推进，资金使用规范".into(),
        };
        let e = entry(who.committee, "party.evaluate", "fs_evaluation");
        store.record_evaluation(community, site, &new, &e).await?;
        q = q.next();
    }
    Ok(())
}
