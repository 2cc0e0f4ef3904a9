//! One engine for every "task with evidence, a status and a score": a branch's activity,
//! a star-rating criterion, an issue raised at a joint meeting, a first secretary's task.
//! Each moves Open → Working → Submitted → Evaluated → Closed, gathers evidence on the
//! way (attendance, minutes, a progress report, guidance, a receipt), and nothing closes
//! without an evaluation. Scores come from a score sheet of criteria with their maxima.

/// What a work item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkKind {
    /// 三会一课, a theme day, an organisational life meeting, democratic appraisal.
    Activity,
    /// A criterion of the star rating, with its evidence.
    StarCriterion,
    /// An issue raised at a joint meeting, assigned to a unit.
    JointIssue,
    /// A task of a first secretary's site.
    SiteTask,
}

crate::codes!(WorkKind {
    Activity => "activity",
    StarCriterion => "star_criterion",
    JointIssue => "joint_issue",
    SiteTask => "site_task"
});

/// Where a work item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkStatus {
    /// Planned, raised, or set.
    Open,
    /// Under way: held, being implemented, in progress.
    Working,
    /// Reported done, waiting for the reviewer.
    Submitted,
    /// Reviewed, with a score or a feedback evaluation.
    Evaluated,
    Closed,
}

crate::codes!(WorkStatus {
    Open => "open",
    Working => "working",
    Submitted => "submitted",
    Evaluated => "evaluated",
    Closed => "closed"
});

impl WorkStatus {
    /// Reported done, or beyond.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            WorkStatus::Submitted | WorkStatus::Evaluated | WorkStatus::Closed
        )
    }
}

/// What someone does to a work item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkStep {
    /// Begin (an issue must be assigned to a unit first).
    Start,
    /// Report it done, with at least one piece of evidence.
    Submit,
    /// The reviewer sends it back.
    Return,
    /// The reviewer's evaluation.
    Evaluate,
    Close,
}

crate::codes!(WorkStep {
    Start => "start",
    Submit => "submit",
    Return => "return",
    Evaluate => "evaluate",
    Close => "close"
});

/// Why a step is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkProblem {
    /// Not from this status.
    WrongStatus,
    /// A joint-meeting issue starts only once assigned to a unit.
    Unassigned,
    /// Submitted without evidence.
    NoEvidence,
    /// Closed without an evaluation.
    NotEvaluated,
}

impl WorkProblem {
    pub fn code(self) -> &'static str {
        match self {
            WorkProblem::WrongStatus => "work_wrong_status",
            WorkProblem::Unassigned => "work_unassigned",
            WorkProblem::NoEvidence => "work_no_evidence",
            WorkProblem::NotEvaluated => "work_not_evaluated",
        }
    }
}

/// What the rules look at besides the status.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkFacts {
    pub assigned: bool,
    pub evidence: usize,
}

/// The status after `step`, or why not.
pub fn step(
    kind: WorkKind,
    status: WorkStatus,
    action: WorkStep,
    facts: WorkFacts,
) -> Result<WorkStatus, WorkProblem> {
    use WorkStatus::*;
    match (status, action) {
        (Open, WorkStep::Start) if kind == WorkKind::JointIssue && !facts.assigned => {
            Err(WorkProblem::Unassigned)
        }
        (Open, WorkStep::Start) => Ok(Working),
        (Working, WorkStep::Submit) if facts.evidence == 0 => Err(WorkProblem::NoEvidence),
        (Working, WorkStep::Submit) => Ok(Submitted),
        (Submitted, WorkStep::Return) => Ok(Working),
        (Submitted, WorkStep::Evaluate) => Ok(Evaluated),
        (Evaluated, WorkStep::Close) => Ok(Closed),
        (Open | Working | Submitted, WorkStep::Close) => Err(WorkProblem::NotEvaluated),
        _ => Err(WorkProblem::WrongStatus),
    }
}

/// The status a work item reaches when evidence is filed on it (a progress report, a
/// star criterion's evidence): the first starts it, `done` submits it; an evaluated or
/// closed item takes no more, and a submitted one is not submitted twice.
pub fn evidence_step(
    kind: WorkKind,
    from: WorkStatus,
    done: bool,
) -> Result<WorkStatus, WorkProblem> {
    let facts = WorkFacts {
        assigned: true,
        evidence: 1,
    };
    let started = match from {
        WorkStatus::Open => step(kind, from, WorkStep::Start, facts),
        WorkStatus::Evaluated | WorkStatus::Closed => Err(WorkProblem::WrongStatus),
        _ => Ok(from),
    };
    match done {
        true => started.and_then(|s| step(kind, s, WorkStep::Submit, facts)),
        false => started,
    }
}

/// A criterion of a score sheet and the most it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub code: String,
    pub max: u32,
}

/// Why a score sheet cannot be totalled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreProblem {
    /// A criterion without a score.
    Unscored(String),
    /// A score above its criterion's maximum.
    AboveMax(String),
    /// A score for no criterion of the sheet.
    Unknown(String),
}

/// The total of a filled-in score sheet (a quarterly evaluation, a star rating): every
/// criterion scored once, none above its maximum.
pub fn total(sheet: &[Criterion], scores: &[(String, u32)]) -> Result<u32, ScoreProblem> {
    if let Some((code, _)) = scores
        .iter()
        .find(|(c, _)| !sheet.iter().any(|k| &k.code == c))
    {
        return Err(ScoreProblem::Unknown(code.clone()));
    }
    let mut sum = 0;
    for k in sheet {
        let (_, s) = scores
            .iter()
            .find(|(c, _)| *c == k.code)
            .ok_or_else(|| ScoreProblem::Unscored(k.code.clone()))?;
        if *s > k.max {
            return Err(ScoreProblem::AboveMax(k.code.clone()));
        }
        sum += s;
    }
    Ok(sum)
}

/// A filled-in sheet as `code=n` pairs in the sheet's order, `;`-separated (an unscored
/// criterion as 0).
pub fn score_text(sheet: &[Criterion], scores: &[(String, u32)]) -> String {
    sheet
        .iter()
        .map(|k| {
            let n = scores.iter().find(|(c, _)| *c == k.code).map_or(0, |s| s.1);
            format!("{}={n}", k.code)
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A quarterly evaluation's grade from its total out of `of`: excellent from 90 %, good
/// from 80 %, pass from 60 %.
pub fn grade(total: u32, of: u32) -> &'static str {
    let pct = (total * 100).checked_div(of).unwrap_or(0);
    match pct {
        90.. => "excellent",
        80..=89 => "good",
        60..=79 => "pass",
        _ => "fail",
    }
}

/// Stars from a rating's total: one for each threshold reached (regions use three or
/// five levels), thresholds ascending.
pub fn stars(total: u32, thresholds: &[u32]) -> usize {
    thresholds.iter().take_while(|t| total >= **t).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUE: WorkKind = WorkKind::JointIssue;

    fn facts(assigned: bool, evidence: usize) -> WorkFacts {
        WorkFacts { assigned, evidence }
    }

    #[test]
    fn an_issue_moves_to_its_evaluation_and_never_closes_without_one() {
        use WorkStatus::*;
        let f = facts(true, 1);
        assert_eq!(
            step(ISSUE, Open, WorkStep::Start, facts(false, 0)),
            Err(WorkProblem::Unassigned)
        );
        assert_eq!(step(ISSUE, Open, WorkStep::Start, f), Ok(Working));
        assert_eq!(
            step(ISSUE, Working, WorkStep::Submit, facts(true, 0)),
            Err(WorkProblem::NoEvidence)
        );
        assert_eq!(step(ISSUE, Working, WorkStep::Submit, f), Ok(Submitted));
        assert_eq!(step(ISSUE, Submitted, WorkStep::Return, f), Ok(Working));
        assert_eq!(step(ISSUE, Submitted, WorkStep::Evaluate, f), Ok(Evaluated));
        for early in [Open, Working, Submitted] {
            assert_eq!(
                step(ISSUE, early, WorkStep::Close, f),
                Err(WorkProblem::NotEvaluated)
            );
        }
        assert_eq!(step(ISSUE, Evaluated, WorkStep::Close, f), Ok(Closed));
        assert_eq!(
            step(ISSUE, Closed, WorkStep::Start, f),
            Err(WorkProblem::WrongStatus)
        );
        // An activity needs no assignment to be held.
        assert_eq!(
            step(WorkKind::Activity, Open, WorkStep::Start, facts(false, 0)),
            Ok(Working)
        );
    }

    #[test]
    fn a_quarterly_score_totals_each_criterion_within_its_maximum() {
        let sheet = vec![
            Criterion {
                code: "tasks".into(),
                max: 40,
            },
            Criterion {
                code: "funds".into(),
                max: 20,
            },
            Criterion {
                code: "outcomes".into(),
                max: 40,
            },
        ];
        let s = |v: &[(&str, u32)]| -> Vec<(String, u32)> {
            v.iter().map(|(c, n)| (c.to_string(), *n)).collect()
        };
        let t = total(
            &sheet,
            &s(&[("tasks", 36), ("funds", 18), ("outcomes", 31)]),
        );
        assert_eq!(t, Ok(85));
        let typed = s(&[("outcomes", 31), ("tasks", 36), ("funds", 18)]);
        assert_eq!(score_text(&sheet, &typed), "tasks=36;funds=18;outcomes=31");
        assert_eq!(grade(85, 100), "good");
        assert_eq!(grade(90, 100), "excellent");
        assert_eq!(grade(59, 100), "fail");
        assert_eq!(
            total(&sheet, &s(&[("tasks", 41), ("funds", 1), ("outcomes", 1)])),
            Err(ScoreProblem::AboveMax("tasks".into()))
        );
        assert_eq!(
            total(&sheet, &s(&[("tasks", 1), ("funds", 1)])),
            Err(ScoreProblem::Unscored("outcomes".into()))
        );
        assert_eq!(
            total(
                &sheet,
                &s(&[("tasks", 1), ("funds", 1), ("outcomes", 1), ("luck", 5)])
            ),
            Err(ScoreProblem::Unknown("luck".into()))
        );
    }

    #[test]
    fn evidence_starts_an_item_and_done_submits_it_once() {
        use WorkStatus::*;
        let k = WorkKind::StarCriterion;
        assert_eq!(evidence_step(k, Open, false), Ok(Working));
        assert_eq!(evidence_step(k, Open, true), Ok(Submitted));
        assert_eq!(evidence_step(k, Working, false), Ok(Working));
        assert_eq!(evidence_step(k, Working, true), Ok(Submitted));
        assert_eq!(evidence_step(k, Submitted, false), Ok(Submitted));
        assert_eq!(
            evidence_step(k, Submitted, true),
            Err(WorkProblem::WrongStatus)
        );
        assert_eq!(
            evidence_step(k, Evaluated, false),
            Err(WorkProblem::WrongStatus)
        );
    }

    #[test]
    fn stars_count_the_thresholds_reached() {
        let five = [60, 70, 80, 90, 95];
        assert_eq!(stars(85, &five), 3);
        assert_eq!(stars(59, &five), 0);
        assert_eq!(stars(100, &five), 5);
        assert_eq!(stars(75, &[60, 75, 90]), 2);
    }
}
