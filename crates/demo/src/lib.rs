//! A deterministic demo county medical community (医共体), modelled on 仁怀市, Guizhou.
//!
//! [`generate`] builds, from a seed alone, the lead hospital, its member hospitals,
//! 21 township health centres with about 200 village clinics, the county health
//! bureau, their departments, about 1,500 staff and any number of residents. No I/O,
//! no clock, no operating-system randomness: the same seed always gives the same
//! community. [`seed`] stores such a community, and each context's history, in a store.

mod departments;
pub mod encounters;
mod names;
mod people;
mod places;
mod residents;
mod rng;
pub mod seed;
mod staff;
#[cfg(test)]
mod tests;

use yigong_domain::registry::{InstitutionKind, ValidResident, ValidStaff};

/// The whole demo community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// For example 仁怀市医共体.
    pub name: String,
    pub institutions: Vec<DemoInstitution>,
    pub departments: Vec<DemoDepartment>,
    pub staff: Vec<DemoStaff>,
    pub residents: Vec<DemoResident>,
}

/// An institution; index 0 is the lead hospital, index 4 the first township centre
/// (茅台镇卫生院) and index 5 its first village clinic; the bureau comes last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInstitution {
    /// Index of the parent in [`Community::institutions`].
    pub parent: Option<usize>,
    pub kind: InstitutionKind,
    /// Unique, ASCII letters, digits and `-`: `LEAD`, `M-TCM`, `T01`, `T01-V03`, `BUREAU`.
    pub code: String,
    pub name: String,
    pub address: String,
}

/// A department; its code is unique within its institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDepartment {
    /// Index into [`Community::institutions`].
    pub institution: usize,
    pub code: String,
    pub name: String,
}

/// A staff member of an institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStaff {
    /// Index into [`Community::institutions`].
    pub institution: usize,
    /// Index into [`Community::departments`]; `None` for village doctors and the bureau.
    pub department: Option<usize>,
    pub staff: ValidStaff,
}

/// A resident registered at a village clinic (mostly) or a township centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoResident {
    /// Index into [`Community::institutions`].
    pub institution: usize,
    pub resident: ValidResident,
}

/// Builds the demo community for `seed` with exactly `residents` residents.
///
/// Institutions, departments and staff do not depend on `residents`, only on `seed`.
pub fn generate(seed: u64, residents: usize) -> Community {
    let mut root = rng::Rng::new(seed);
    let mut place_rng = root.fork();
    let mut staff_rng = root.fork();
    let mut resident_rng = root.fork();

    let (institutions, sites) = places::build(&mut place_rng);
    let (departments, ranges) = departments::build(&sites);
    let mut ids = people::IdRegistry::new();
    let staff = staff::generate(&mut staff_rng, &sites, &departments, &ranges, &mut ids);
    let residents = residents::generate(&mut resident_rng, &sites, residents, &mut ids);

    Community {
        name: "仁怀市医共体".to_string(),
        institutions,
        departments,
        staff,
        residents,
    }
}
