//! The joint meeting system of seed 000 (联席会议): the community's party committee meets
//! its member units, and each issue raised there runs opinion collection → implementation
//! → guidance → feedback evaluation. An issue is a work item of kind `joint_issue`; the
//! steps people take map onto the engine's (`work::step`), so "nothing closes without a
//! recorded evaluation" is the engine's rule, not a second copy of it.

use super::work::{WorkFacts, WorkKind, WorkProblem, WorkStatus, WorkStep, step};

/// What someone does to a joint-meeting issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueStep {
    /// The committee assigns (or reassigns) the issue to a unit, before work begins.
    Assign,
    /// The unit begins implementing it.
    Start,
    /// The unit reports progress; the issue stays under way.
    Report,
    /// The unit reports it implemented, for the committee's review.
    Submit,
    /// The committee's guidance: on an issue under way it is advice, on a submitted one
    /// it sends the issue back to the unit.
    Guide,
    /// The committee's feedback evaluation, with a score out of 100.
    Evaluate,
    Close,
}

crate::codes!(IssueStep {
    Assign => "assign",
    Start => "start",
    Report => "report",
    Submit => "submit",
    Guide => "guide",
    Evaluate => "evaluate",
    Close => "close"
});

/// Who takes a step: the committee, or the unit the issue is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Committee,
    Unit,
}

impl IssueStep {
    /// Whose step it is. The committee may also take the unit's steps on its behalf
    /// (a township without an account of its own reports by telephone).
    pub fn actor(self) -> Actor {
        match self {
            IssueStep::Start | IssueStep::Report | IssueStep::Submit => Actor::Unit,
            _ => Actor::Committee,
        }
    }

    /// Whether `actor` may take this step.
    pub fn allowed_to(self, actor: Actor) -> bool {
        actor == Actor::Committee || self.actor() == actor
    }

    /// The evidence the step records, if any: the kind it is stored under.
    pub fn evidence(self) -> Option<&'static str> {
        match self {
            IssueStep::Start | IssueStep::Report | IssueStep::Submit => Some("implementation"),
            IssueStep::Guide => Some("guidance"),
            IssueStep::Evaluate => Some("evaluation"),
            IssueStep::Assign | IssueStep::Close => None,
        }
    }

    /// Whether the step must come with text: a report, guidance and an evaluation say
    /// something; starting and submitting may (submitting needs some implementation
    /// report, this one or an earlier one).
    pub fn needs_text(self) -> bool {
        matches!(
            self,
            IssueStep::Report | IssueStep::Guide | IssueStep::Evaluate
        )
    }
}

/// The status an issue reaches by `action`, or why not. `facts.evidence` counts the
/// implementation reports, including one this step adds.
pub fn issue_step(
    status: WorkStatus,
    action: IssueStep,
    facts: WorkFacts,
) -> Result<WorkStatus, WorkProblem> {
    use WorkStatus::*;
    let engine = |s| step(WorkKind::JointIssue, status, s, facts);
    match (action, status) {
        (IssueStep::Assign, Open) => Ok(Open),
        (IssueStep::Assign, _) => Err(WorkProblem::WrongStatus),
        (IssueStep::Start, _) => engine(WorkStep::Start),
        (IssueStep::Report | IssueStep::Guide, Working) => Ok(Working),
        (IssueStep::Report, _) => Err(WorkProblem::WrongStatus),
        (IssueStep::Submit, _) => engine(WorkStep::Submit),
        (IssueStep::Guide, _) => engine(WorkStep::Return),
        (IssueStep::Evaluate, _) => engine(WorkStep::Evaluate),
        (IssueStep::Close, _) => engine(WorkStep::Close),
    }
}

/// The most an evaluation scores.
pub const EVALUATION_MAX: u32 = 100;

/// The steps open to `actor` on an issue at `status` (for the buttons a page offers).
pub fn next_steps(status: WorkStatus, actor: Actor, assigned: bool) -> Vec<IssueStep> {
    let facts = WorkFacts {
        assigned,
        evidence: 1,
    };
    IssueStep::ALL
        .iter()
        .copied()
        .filter(|s| s.allowed_to(actor) && issue_step(status, *s, facts).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkStatus::*;

    fn facts(assigned: bool, evidence: usize) -> WorkFacts {
        WorkFacts { assigned, evidence }
    }

    #[test]
    fn an_issue_runs_from_opinion_to_feedback_evaluation() {
        let f = facts(true, 1);
        assert_eq!(
            issue_step(Open, IssueStep::Assign, facts(false, 0)),
            Ok(Open)
        );
        assert_eq!(
            issue_step(Open, IssueStep::Start, facts(false, 0)),
            Err(WorkProblem::Unassigned)
        );
        assert_eq!(issue_step(Open, IssueStep::Start, f), Ok(Working));
        assert_eq!(issue_step(Working, IssueStep::Report, f), Ok(Working));
        assert_eq!(issue_step(Working, IssueStep::Guide, f), Ok(Working));
        assert_eq!(
            issue_step(Working, IssueStep::Submit, facts(true, 0)),
            Err(WorkProblem::NoEvidence)
        );
        assert_eq!(issue_step(Working, IssueStep::Submit, f), Ok(Submitted));
        // Guidance on a submitted issue sends it back.
        assert_eq!(issue_step(Submitted, IssueStep::Guide, f), Ok(Working));
        assert_eq!(issue_step(Submitted, IssueStep::Evaluate, f), Ok(Evaluated));
        assert_eq!(issue_step(Evaluated, IssueStep::Close, f), Ok(Closed));
    }

    #[test]
    fn nothing_closes_without_a_recorded_evaluation() {
        for early in [Open, Working, Submitted] {
            assert_eq!(
                issue_step(early, IssueStep::Close, facts(true, 3)),
                Err(WorkProblem::NotEvaluated),
                "{early}"
            );
        }
        // Nor is an issue evaluated before the unit reported it implemented.
        assert_eq!(
            issue_step(Working, IssueStep::Evaluate, facts(true, 3)),
            Err(WorkProblem::WrongStatus)
        );
        // Once under way it keeps its unit, and a closed issue takes no step.
        assert_eq!(
            issue_step(Working, IssueStep::Assign, facts(true, 1)),
            Err(WorkProblem::WrongStatus)
        );
        for s in IssueStep::ALL {
            assert!(issue_step(Closed, *s, facts(true, 1)).is_err(), "{s}");
        }
    }

    #[test]
    fn the_unit_implements_and_the_committee_guides_and_evaluates() {
        assert_eq!(
            next_steps(Open, Actor::Unit, true),
            vec![IssueStep::Start],
            "a unit starts its assigned issue"
        );
        assert!(next_steps(Open, Actor::Unit, false).is_empty());
        assert_eq!(
            next_steps(Working, Actor::Unit, true),
            vec![IssueStep::Report, IssueStep::Submit]
        );
        assert!(next_steps(Submitted, Actor::Unit, true).is_empty());
        assert_eq!(
            next_steps(Submitted, Actor::Committee, true),
            vec![IssueStep::Guide, IssueStep::Evaluate]
        );
        assert_eq!(
            next_steps(Open, Actor::Committee, false),
            vec![IssueStep::Assign]
        );
        assert_eq!(
            next_steps(Evaluated, Actor::Committee, true),
            vec![IssueStep::Close]
        );
        assert!(IssueStep::Evaluate.needs_text() && !IssueStep::Start.needs_text());
        assert_eq!(IssueStep::Guide.evidence(), Some("guidance"));
    }
}
