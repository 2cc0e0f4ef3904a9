//! The demo's joint meeting system and pairing (seed 000): a joint meeting of the lead
//! hospital's committee each quarter of the past year, with the issues raised at it taken
//! through implementation, guidance and feedback evaluation (the older ones closed, the
//! latest still under way, some at the demo township's branch); and lead-hospital
//! departments paired with township branches, with a joint activity each quarter (those
//! over a month old reviewed by the committee).

use super::sites::{entry, morning};
use crate::rng::Rng;
use anyhow::Context;
use time::{Date, Duration};
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::joint::{IssueStep, issue_step};
use yigong_domain::party::work::{WorkFacts, WorkStatus};
use yigong_store::Store;
use yigong_store::party::{IssueChange, NewIssue, NewJointActivity, NewJointMeeting, NewPairing};

/// Issues a county's joint meeting raises: (title, the opinion as collected).
const ISSUES: [(&str, &str); 8] = [
    (
        "乡镇卫生院心电图上传不及时",
        "部分卫生院夜间心电图上传后超过30分钟未获诊断，群众反映等待时间长。",
    ),
    (
        "下转患者随访衔接不畅",
        "县医院下转的术后患者，乡镇未在7天内完成首次随访。",
    ),
    (
        "村医慢病随访完成率偏低",
        "高血压、糖尿病患者季度随访完成率不足80%。",
    ),
    (
        "专家下沉排班与乡镇需求不匹配",
        "乡镇希望增加周末儿科和心内科坐诊。",
    ),
    ("三会一课记录不规范", "个别支部会议记录缺少出勤与议定事项。"),
    (
        "家庭医生签约群众知晓率低",
        "入户调查显示部分签约居民不知道自己的家庭医生。",
    ),
    (
        "胸痛救治时间节点记录缺失",
        "转诊绿色通道病例首次心电图时间未记录。",
    ),
    ("党费收缴台账未按月更新", "个别支部党费台账滞后两个月以上。"),
];

/// What each step of a seeded issue says.
fn said(step: IssueStep) -> &'static str {
    match step {
        IssueStep::Start => "已召开支委会研究，明确责任人与时限。",
        IssueStep::Report => "已完成第一轮整改，正在跟踪效果。",
        IssueStep::Submit => "整改措施已全部落实，相关制度已修订。",
        IssueStep::Guide => "请补充整改前后数据对比，并建立长效机制。",
        IssueStep::Evaluate => "整改到位，群众满意。",
        IssueStep::Assign | IssueStep::Close => "",
    }
}

/// How far each seeded issue goes, by how long ago its meeting was.
fn path(meeting: usize, issue: usize) -> &'static [IssueStep] {
    use IssueStep::*;
    const CLOSED: &[IssueStep] = &[Start, Report, Submit, Guide, Submit, Evaluate, Close];
    match (meeting, issue) {
        (0 | 1, _) => CLOSED,
        (2, 0) => &[Start, Submit, Evaluate],
        (2, _) => &[Start, Report, Submit],
        (_, 0) => &[Start, Report],
        (_, 1) => &[],
        _ => &[Start],
    }
}

pub async fn add_joint_work(
    store: &Store,
    community: Uuid,
    party: Uuid,
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x1017);
    let orgs = store.party_orgs(community).await?;
    let committee = orgs
        .iter()
        .find(|o| o.kind == "committee")
        .context("no committee")?;
    let ours = orgs
        .iter()
        .find(|o| o.secretary_account_id.is_some())
        .context("no demo branch")?;
    let townships: Vec<Uuid> = orgs
        .iter()
        .filter(|o| o.kind == "branch" && o.parent_id == Some(committee.id))
        .filter(|o| o.institution_id != committee.institution_id)
        .map(|o| o.id)
        .collect();
    let today = clock::today();
    let who = (party, "party");
    let mut next_issue = 0;
    for (m, days) in [330, 240, 150, 40].into_iter().enumerate() {
        let held_on = today - Duration::days(days);
        let quarter = (held_on.month() as u8 - 1) / 3 + 1;
        let meeting = NewJointMeeting {
            org_id: committee.id,
            held_on,
            title: format!("{}年第{quarter}季度医共体党建联席会议", held_on.year()),
            minutes: "医共体党委与各成员单位党组织负责人参会，通报上季度议题办理情况，征集本季度意见建议并逐项交办。".into(),
        };
        let e = entry(who, "party.joint_meeting", "party_work");
        let id = store.record_joint_meeting(community, &meeting, &e).await?;
        for i in 0..2 + m % 2 {
            let (title, detail) = ISSUES[next_issue % ISSUES.len()];
            next_issue += 1;
            // The latest meeting's first two issues go to the demo township's branch.
            let unit = if m == 3 && i < 2 {
                ours.id
            } else {
                townships[rng.range(0, townships.len() as u32 - 1) as usize]
            };
            let new = NewIssue {
                meeting: id,
                title: title.into(),
                detail: detail.into(),
                org_id: Some(unit),
                due_on: Some(held_on + Duration::days(60)),
                at: morning(held_on),
            };
            let issue = store
                .raise_issue(
                    community,
                    &new,
                    &entry(who, "party.joint_issue", "party_work"),
                )
                .await?;
            let score = 80 + rng.range(0, 15) as i32;
            walk(store, community, (issue, held_on), path(m, i), (who, score)).await?;
        }
    }
    add_pairings(store, community, (ours.id, &townships), who).await
}

/// Takes an issue through `steps` by the engine's rules, a week apart.
async fn walk(
    store: &Store,
    community: Uuid,
    (issue, from_day): (Uuid, Date),
    steps: &[IssueStep],
    (who, score): ((Uuid, &'static str), i32),
) -> anyhow::Result<()> {
    let mut status = WorkStatus::Open;
    for (n, s) in steps.iter().enumerate() {
        let facts = WorkFacts {
            assigned: true,
            evidence: 1,
        };
        let to = issue_step(status, *s, facts).map_err(|p| anyhow::anyhow!(p.code()))?;
        let text = said(*s);
        let change = IssueChange {
            from: status.as_str(),
            to: to.as_str(),
            org_id: None,
            score: (*s == IssueStep::Evaluate).then_some(score),
            evidence: s
                .evidence()
                .filter(|_| !text.is_empty())
                .map(|k| (k, text.to_string())),
            at: morning(from_day + Duration::days(7 * (n as i64 + 1))),
        };
        let e = entry(who, "party.joint_step", "party_work");
        store.change_issue(community, issue, &change, &e).await?;
        status = to;
    }
    Ok(())
}

/// Lead-hospital departments paired with township branches (the demo township's branch
/// among them), each with a joint activity a quarter since it began.
async fn add_pairings(
    store: &Store,
    community: Uuid,
    (ours, townships): (Uuid, &[Uuid]),
    who: (Uuid, &'static str),
) -> anyhow::Result<()> {
    let lead = store
        .list_institutions(community)
        .await?
        .into_iter()
        .find(|i| i.kind() == Some(yigong_domain::registry::InstitutionKind::Lead))
        .context("no lead hospital")?;
    let departments = store.list_departments(community, lead.id).await?;
    let others = townships.iter().filter(|t| **t != ours);
    let branches = std::iter::once(&ours).chain(others);
    let activities = [
        "联合义诊进乡村",
        "专题党课：基层首诊与分级诊疗",
        "慢病管理业务培训",
        "主题党日：入户随访",
    ];
    let today = clock::today();
    for (d, org) in departments.iter().take(4).zip(branches) {
        let since = today - Duration::days(300);
        let new = NewPairing {
            department_id: d.id,
            org_id: *org,
            since,
            note: format!("{}与乡镇支部结对共建", d.name),
        };
        let id = store
            .add_pairing(
                community,
                &new,
                &entry(who, "party.pairing", "party_pairing"),
            )
            .await?;
        for (q, title) in activities.iter().enumerate() {
            let held_on = since + Duration::days(20 + 90 * q as i64);
            if held_on > today {
                break;
            }
            let a = NewJointActivity {
                title: (*title).into(),
                held_on,
                minutes: format!("{}专家与支部党员共同参加，服务群众并交流业务。", d.name),
            };
            let e = entry(who, "party.joint_activity", "party_work");
            let activity = store.record_joint_activity(community, id, &a, &e).await?;
            // The committee has reviewed what was held more than a month ago.
            if held_on < today - Duration::days(30) {
                let e = entry(who, "party.review", "party_work");
                store
                    .review_work(community, activity, "活动记录完整", &e)
                    .await?;
            }
        }
    }
    Ok(())
}
