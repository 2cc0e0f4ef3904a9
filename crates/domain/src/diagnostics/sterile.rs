//! Sterile supply (消毒供应): instrument packs sterilised in batches at the central unit,
//! dispatched to members, used on a patient, returned. A batch whose indicator failed is
//! recalled: every pack of it, sorted into those still to take back (where they are) and
//! those already used (the patients to follow up).

/// How a batch was sterilised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Pressure steam (压力蒸汽).
    Steam,
    /// Low-temperature hydrogen peroxide plasma (过氧化氢低温等离子).
    Plasma,
    /// Ethylene oxide (环氧乙烷).
    EthyleneOxide,
}

crate::codes!(Method {
    Steam => "steam",
    Plasma => "plasma",
    EthyleneOxide => "ethylene_oxide"
});

/// The batch's indicator result: the biological indicator is read after the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Pending,
    Passed,
    Failed,
}

crate::codes!(Indicator {
    Pending => "pending",
    Passed => "passed",
    Failed => "failed"
});

/// The kinds of instrument pack the central unit supplies.
pub const PACK_KINDS: [&str; 6] = [
    "suture",
    "dressing",
    "debridement",
    "delivery",
    "iud",
    "minor_surgery",
];

/// Where a pack is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackState {
    /// At the central unit.
    InStock,
    /// At a member, not used yet.
    Dispatched,
    /// Used in a procedure.
    Used,
    /// Back at the central unit for reprocessing.
    Returned,
}

crate::codes!(PackState {
    InStock => "in_stock",
    Dispatched => "dispatched",
    Used => "used",
    Returned => "returned"
});

/// What happens to a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackAction {
    /// Sent from the central unit to a member.
    Dispatch,
    /// Opened for a procedure at the member.
    Use,
    /// Back at the central unit.
    Return,
}

crate::codes!(PackAction {
    Dispatch => "dispatch",
    Use => "use",
    Return => "return"
});

/// Why a pack step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackRefusal {
    /// The pack is not where the step starts from.
    WrongState,
    /// Its batch failed its indicator: the pack may only come back.
    Recalled,
}

impl PackRefusal {
    pub fn code(self) -> &'static str {
        match self {
            PackRefusal::WrongState => "pack_wrong_state",
            PackRefusal::Recalled => "pack_recalled",
        }
    }
}

/// Where a pack goes on `action`; a pack of a failed batch only comes back.
pub fn step(
    state: PackState,
    action: PackAction,
    indicator: Indicator,
) -> Result<PackState, PackRefusal> {
    let recalled = indicator == Indicator::Failed;
    match (action, state) {
        (PackAction::Dispatch | PackAction::Use, _) if recalled => Err(PackRefusal::Recalled),
        (PackAction::Dispatch, PackState::InStock) => Ok(PackState::Dispatched),
        (PackAction::Use, PackState::Dispatched) => Ok(PackState::Used),
        (PackAction::Return, PackState::Dispatched | PackState::Used) => Ok(PackState::Returned),
        _ => Err(PackRefusal::WrongState),
    }
}

/// A pack as the recall sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack<Id> {
    pub id: Id,
    pub batch: String,
    pub state: PackState,
    /// Opened on a patient (it may be back since).
    pub used: bool,
}

/// A batch's recall: the packs to take back, and the packs already used.
#[derive(Debug, PartialEq, Eq)]
pub struct Recall<'a, Id> {
    pub retrieve: Vec<&'a Pack<Id>>,
    pub used: Vec<&'a Pack<Id>>,
}

/// Every pack of `batch`: those not used (in stock or out at a member) to take back,
/// those used to follow up (back since or not). Packs back unused are reprocessed anyway.
pub fn recall<'a, Id>(batch: &str, packs: &'a [Pack<Id>]) -> Recall<'a, Id> {
    let of_batch = || packs.iter().filter(move |p| p.batch == batch);
    Recall {
        retrieve: of_batch()
            .filter(|p| matches!(p.state, PackState::InStock | PackState::Dispatched))
            .collect(),
        used: of_batch()
            .filter(|p| p.used || p.state == PackState::Used)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_goes_out_is_used_and_comes_back_unless_its_batch_failed() {
        use PackAction::*;
        use PackState::*;
        let ok = Indicator::Pending;
        assert_eq!(step(InStock, Dispatch, ok), Ok(Dispatched));
        assert_eq!(step(Dispatched, Use, Indicator::Passed), Ok(Used));
        assert_eq!(step(Used, Return, ok), Ok(Returned));
        assert_eq!(step(Dispatched, Return, ok), Ok(Returned));
        assert_eq!(step(InStock, Use, ok), Err(PackRefusal::WrongState));
        assert_eq!(step(Used, Use, ok), Err(PackRefusal::WrongState));
        assert_eq!(step(Returned, Dispatch, ok), Err(PackRefusal::WrongState));
        // A failed batch's packs are neither sent nor opened, only brought back.
        let failed = Indicator::Failed;
        assert_eq!(step(InStock, Dispatch, failed), Err(PackRefusal::Recalled));
        assert_eq!(step(Dispatched, Use, failed), Err(PackRefusal::Recalled));
        assert_eq!(step(Dispatched, Return, failed), Ok(Returned));
        assert_eq!(PackRefusal::Recalled.code(), "pack_recalled");
    }

    #[test]
    fn a_failed_batch_recalls_every_pack_of_it_and_names_those_used() {
        let pack = |id: u8, batch: &str, state| Pack {
            id,
            batch: batch.into(),
            state,
            used: false,
        };
        let packs = [
            pack(1, "B-0412", PackState::InStock),
            pack(2, "B-0412", PackState::Dispatched),
            pack(3, "B-0412", PackState::Used),
            pack(4, "B-0412", PackState::Returned),
            pack(5, "B-0413", PackState::Dispatched),
            Pack {
                used: true,
                ..pack(6, "B-0412", PackState::Returned)
            },
        ];
        let r = recall("B-0412", &packs);
        let ids = |v: &[&Pack<u8>]| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(&r.retrieve), [1, 2]);
        // Used and back since: its patient is followed up all the same.
        assert_eq!(ids(&r.used), [3, 6]);
        assert!(recall("B-9999", &packs).retrieve.is_empty());
    }
}
