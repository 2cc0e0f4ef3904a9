//! Where a member is (流动党员 · 组织关系转接): settled in their branch, away as a mobile
//! member (working elsewhere for a time, still of the branch), or transferred out of the
//! community. A transfer to another branch of the community moves the member and settles
//! them there. A member transferred out takes no further move and is no longer counted.

/// Where a member stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mobility {
    Settled,
    Mobile,
    Transferred,
}

crate::codes!(Mobility {
    Settled => "settled",
    Mobile => "mobile",
    Transferred => "transferred"
});

/// What the branch records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Leaves for a time (外出流动), still of the branch.
    Leave,
    /// Comes back and is settled again.
    Return,
    /// To another branch of the community (组织关系转接).
    Transfer,
    /// Out of the community (组织关系转出).
    TransferOut,
}

crate::codes!(Move {
    Leave => "leave",
    Return => "return",
    Transfer => "transfer",
    TransferOut => "transfer_out"
});

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveProblem {
    /// The member was transferred out: nothing more is recorded here.
    TransferredOut,
    /// Leaving while away, or returning while settled.
    NotFromHere,
}

impl MoveProblem {
    pub fn code(self) -> &'static str {
        match self {
            MoveProblem::TransferredOut => "member_transferred",
            MoveProblem::NotFromHere => "move_not_from_here",
        }
    }
}

/// Where a move leaves the member, or why not.
pub fn apply(from: Mobility, mv: Move) -> Result<Mobility, MoveProblem> {
    match (from, mv) {
        (Mobility::Transferred, _) => Err(MoveProblem::TransferredOut),
        (Mobility::Settled, Move::Leave) => Ok(Mobility::Mobile),
        (Mobility::Mobile, Move::Return) => Ok(Mobility::Settled),
        (_, Move::Transfer) => Ok(Mobility::Settled),
        (_, Move::TransferOut) => Ok(Mobility::Transferred),
        (Mobility::Mobile, Move::Leave) | (Mobility::Settled, Move::Return) => {
            Err(MoveProblem::NotFromHere)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_leaves_returns_and_is_transferred_once() {
        use Mobility::*;
        assert_eq!(apply(Settled, Move::Leave), Ok(Mobile));
        assert_eq!(apply(Mobile, Move::Return), Ok(Settled));
        assert_eq!(apply(Mobile, Move::Leave), Err(MoveProblem::NotFromHere));
        assert_eq!(apply(Settled, Move::Return), Err(MoveProblem::NotFromHere));
        // A mobile member transferred to another branch is settled there.
        assert_eq!(apply(Mobile, Move::Transfer), Ok(Settled));
        assert_eq!(apply(Settled, Move::TransferOut), Ok(Transferred));
        for mv in Move::ALL {
            assert_eq!(
                apply(Transferred, *mv),
                Err(MoveProblem::TransferredOut),
                "{mv}"
            );
        }
    }
}
