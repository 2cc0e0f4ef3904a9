//! The demo's star-rated branches (seeds 003 and 004): every branch rated last year on
//! the three-level scale, and this year's evidence under way: the demo township's branch
//! with some criteria submitted, and two other branches with everything submitted,
//! waiting for the committee's rating.

use super::sites::entry;
use crate::rng::Rng;
use time::Duration;
use uuid::Uuid;
use yigong_domain::clock;
use yigong_domain::party::star::{STAR_CRITERIA, THREE_LEVELS, scale_text, star_sheet};
use yigong_domain::party::work::{WorkKind, WorkStatus, evidence_step, score_text, stars, total};
use yigong_store::Store;
use yigong_store::party::{NewStarRating, StarEvidence};

/// What a branch files for each criterion.
fn evidence_text(criterion: &str) -> &'static str {
    match criterion {
        "leadership" => "支委会按期换届，书记为业务骨干（双带头人）。",
        "org_life" => "三会一课、主题党日按计划开展，记录完整。",
        "member_management" => "党员学习、积分、党费台账按月更新。",
        "integration" => "党员先锋岗覆盖胸痛、慢病管理等重点工作。",
        "service" => "开展义诊、入户随访和志愿服务。",
        _ => "各项制度上墙并执行，档案规范。",
    }
}

/// A rating with scores between 65 % and 100 % of each maximum.
fn rating(rng: &mut Rng, at: time::OffsetDateTime) -> NewStarRating {
    let scores: Vec<(String, u32)> = STAR_CRITERIA
        .iter()
        .map(|(code, max)| (code.to_string(), max - rng.range(0, max * 35 / 100)))
        .collect();
    let sheet = star_sheet();
    let sum = total(&sheet, &scores).unwrap_or(0);
    NewStarRating {
        scores: STAR_CRITERIA
            .iter()
            .zip(&scores)
            .map(|((code, _), (_, n))| (*code, *n as i32))
            .collect(),
        scores_text: score_text(&sheet, &scores),
        total: sum as i32,
        stars: stars(sum, &THREE_LEVELS) as i32,
        thresholds: scale_text(&THREE_LEVELS),
        comment: "年度述职评议，测评材料齐全。".into(),
        at,
    }
}

pub async fn add_stars(
    store: &Store,
    community: Uuid,
    (party, branch): (Uuid, Uuid),
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed ^ 0x57a2);
    let today = clock::today();
    let branches: Vec<_> = store
        .party_orgs(community)
        .await?
        .into_iter()
        .filter(|o| o.kind == "branch")
        .collect();
    let last_year = today.year() - 1;
    let rated_at = clock::start_of(today - Duration::days(i64::from(today.ordinal()) - 15))
        .min(yigong_store::now());
    let history: Vec<_> = branches
        .iter()
        .map(|o| (o.id, rating(&mut rng, rated_at)))
        .collect();
    store
        .insert_star_history(community, (last_year, rated_at, party), &history)
        .await?;
    // This year: the demo branch part of the way, two others ready to be rated.
    let ours = branches
        .iter()
        .find(|o| o.secretary_account_id == Some(branch));
    let ready = branches
        .iter()
        .filter(|o| o.secretary_account_id.is_none())
        .take(2);
    for (org, done) in ours
        .map(|o| (o.id, 3))
        .into_iter()
        .chain(ready.map(|o| (o.id, 6)))
    {
        for (n, (code, _)) in STAR_CRITERIA.iter().enumerate().take(done + 1) {
            let submit = n < done;
            let to = evidence_step(WorkKind::StarCriterion, WorkStatus::Open, submit)
                .map_err(|p| anyhow::anyhow!(p.code()))?;
            let e = StarEvidence {
                criterion: code,
                text: evidence_text(code).into(),
                from: WorkStatus::Open.as_str(),
                to: to.as_str(),
                at: yigong_store::now(),
            };
            let who = entry((party, "party"), "party.star_evidence", "party_evidence");
            store
                .file_star_evidence(community, (org, today.year()), &e, &who)
                .await?;
        }
    }
    Ok(())
}
