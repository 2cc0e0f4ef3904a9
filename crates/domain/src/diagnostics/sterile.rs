//! Sterile supply (消毒供应): instrument packs sterilised in batches at the central unit,
//! dispatched to members, used on a patient, returned. A batch whose indicator failed is
//! recalled: every pack of it, sorted into those still to take back (where they are) and
//! those already used (the patients to follow up).

/// Where a pack is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A pack as the recall sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack<Id> {
    pub id: Id,
    pub batch: String,
    pub state: PackState,
}

/// A batch's recall: the packs to take back, and the packs already used.
#[derive(Debug, PartialEq, Eq)]
pub struct Recall<'a, Id> {
    pub retrieve: Vec<&'a Pack<Id>>,
    pub used: Vec<&'a Pack<Id>>,
}

/// Every pack of `batch`: those not used (in stock or out at a member) to take back,
/// those used to follow up. Returned packs are already back and are reprocessed anyway.
pub fn recall<'a, Id>(batch: &str, packs: &'a [Pack<Id>]) -> Recall<'a, Id> {
    let of_batch = || packs.iter().filter(move |p| p.batch == batch);
    Recall {
        retrieve: of_batch()
            .filter(|p| matches!(p.state, PackState::InStock | PackState::Dispatched))
            .collect(),
        used: of_batch().filter(|p| p.state == PackState::Used).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_batch_recalls_every_pack_of_it_and_names_those_used() {
        let pack = |id: u8, batch: &str, state| Pack {
            id,
            batch: batch.into(),
            state,
        };
        let packs = [
            pack(1, "B-0412", PackState::InStock),
            pack(2, "B-0412", PackState::Dispatched),
            pack(3, "B-0412", PackState::Used),
            pack(4, "B-0412", PackState::Returned),
            pack(5, "B-0413", PackState::Dispatched),
        ];
        let r = recall("B-0412", &packs);
        let ids = |v: &[&Pack<u8>]| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(&r.retrieve), [1, 2]);
        assert_eq!(ids(&r.used), [3]);
        assert!(recall("B-9999", &packs).retrieve.is_empty());
    }
}
