//! Tests of the whole generated community.

use super::*;
use crate::people::{REFERENCE_DATE, age_on_reference};
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;
use yigong_domain::identity::ResidentIdNumber;
use yigong_domain::registry::{TITLES, validate_institution, validate_name};

const RESIDENTS: usize = 20_000;

fn community() -> &'static Community {
    static C: OnceLock<Community> = OnceLock::new();
    C.get_or_init(|| generate(42, RESIDENTS))
}

fn digest(c: &Community) -> u64 {
    let mut h = DefaultHasher::new();
    for s in &c.staff {
        (&s.staff.name, s.staff.id_number.as_str()).hash(&mut h);
    }
    for r in &c.residents {
        (&r.resident.name, r.resident.id_number.as_str()).hash(&mut h);
    }
    for i in &c.institutions {
        (&i.name, &i.code).hash(&mut h);
    }
    h.finish()
}

#[test]
fn same_seed_same_community() {
    let a = generate(7, 3_000);
    let b = generate(7, 3_000);
    assert_eq!(digest(&a), digest(&b));
    assert_eq!(a, b);
    let c = generate(8, 3_000);
    assert_ne!(digest(&a), digest(&c));
}

#[test]
fn staff_do_not_depend_on_resident_count() {
    let a = generate(9, 10);
    let b = generate(9, 1_000);
    assert_eq!(a.staff, b.staff);
    assert_eq!(a.institutions, b.institutions);
    assert_eq!(b.residents[..10], a.residents[..]);
}

#[test]
fn counts() {
    let c = community();
    let count = |k: InstitutionKind| c.institutions.iter().filter(|i| i.kind == k).count();
    assert_eq!(count(InstitutionKind::Lead), 1);
    assert_eq!(count(InstitutionKind::Member), 3);
    assert_eq!(count(InstitutionKind::Township), 21);
    assert!((180..=220).contains(&count(InstitutionKind::Village)));
    assert_eq!(count(InstitutionKind::Bureau), 1);
    assert!(
        (1_400..=1_600).contains(&c.staff.len()),
        "{}",
        c.staff.len()
    );
    assert_eq!(c.residents.len(), RESIDENTS);
    assert_eq!(generate(1, 0).residents.len(), 0);
    assert_eq!(generate(1, 1).residents.len(), 1);
    for seed in 0..20 {
        let n = generate(seed, 0).staff.len();
        assert!((1_400..=1_600).contains(&n), "seed {seed}: {n}");
    }
}

#[test]
fn hierarchy_and_order() {
    let c = community();
    let lead = &c.institutions[0];
    assert_eq!(
        (lead.kind, lead.name.as_str(), lead.parent),
        (InstitutionKind::Lead, "仁怀市人民医院", None)
    );
    let members: Vec<&str> = c.institutions[1..4]
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(
        members,
        ["仁怀市中医院", "仁怀市妇幼保健院", "仁怀市疾病预防控制中心"]
    );
    let first = &c.institutions[4];
    assert_eq!(first.name, "茅台镇卫生院");
    assert_eq!(first.kind, InstitutionKind::Township);
    assert_eq!(c.institutions[5].kind, InstitutionKind::Village);
    assert_eq!(c.institutions[5].parent, Some(4));
    assert!(c.institutions[5].name.ends_with("村卫生室"));
    let last = c.institutions.last().expect("institutions");
    assert_eq!((last.kind, last.parent), (InstitutionKind::Bureau, None));
    assert_eq!(last.name, "仁怀市卫生健康局");

    let mut villages_per_township: HashMap<usize, HashSet<&str>> = HashMap::new();
    for inst in &c.institutions {
        let parent_kind = inst.parent.map(|p| c.institutions[p].kind);
        assert_eq!(parent_kind, inst.kind.allowed_parent(), "{}", inst.name);
        if inst.kind == InstitutionKind::Village {
            let names = villages_per_township
                .entry(inst.parent.unwrap_or(usize::MAX))
                .or_default();
            assert!(names.insert(&inst.name), "duplicate {}", inst.name);
        }
    }
    assert_eq!(villages_per_township.len(), 21);
    assert!(
        villages_per_township
            .values()
            .all(|v| (6..=14).contains(&v.len()))
    );
}

#[test]
fn institution_codes_are_unique_and_valid() {
    let c = community();
    let mut codes = HashSet::new();
    for inst in &c.institutions {
        assert!(codes.insert(inst.code.as_str()), "duplicate {}", inst.code);
        assert!(
            validate_institution(&inst.name, &inst.code).is_ok(),
            "{}",
            inst.code
        );
        assert!(inst.name.chars().count() <= 60);
    }
    for code in ["LEAD", "M-TCM", "T01", "T01-V01", "BUREAU"] {
        assert!(codes.contains(code), "{code}");
    }
}

#[test]
fn departments() {
    let c = community();
    let mut seen = HashSet::new();
    for d in &c.departments {
        assert!(
            seen.insert((d.institution, d.code.as_str())),
            "duplicate {}",
            d.code
        );
        assert!(d.code.is_ascii() && !d.code.is_empty());
        assert_ne!(c.institutions[d.institution].kind, InstitutionKind::Village);
    }
    let at = |i: usize, code: &str| {
        c.departments
            .iter()
            .find(|d| d.institution == i && d.code == code)
    };
    assert_eq!(
        at(0, "cardiology").map(|d| d.name.as_str()),
        Some("心血管内科")
    );
    assert_eq!(at(0, "ecg").map(|d| d.name.as_str()), Some("心电诊断中心"));
    let lead = c.departments.iter().filter(|d| d.institution == 0).count();
    assert!((22..=32).contains(&lead), "{lead}");
    for t in 4..c.institutions.len() {
        if c.institutions[t].kind == InstitutionKind::Township {
            let n = c.departments.iter().filter(|d| d.institution == t).count();
            assert!((4..=7).contains(&n));
        }
    }
}

#[test]
fn ids_are_unique_and_valid() {
    let c = community();
    let mut ids = HashSet::new();
    for s in &c.staff {
        let id = &s.staff.id_number;
        assert_eq!(ResidentIdNumber::parse(id.as_str()).as_ref(), Ok(id));
        assert_eq!(s.staff.sex, id.sex());
        assert!(ids.insert(id.as_str()), "duplicate {id}");
    }
    for r in &c.residents {
        let v = &r.resident;
        assert_eq!(
            ResidentIdNumber::parse(v.id_number.as_str()).as_ref(),
            Ok(&v.id_number)
        );
        assert_eq!(v.id_number.region_code(), "520382");
        assert_eq!(v.sex, v.id_number.sex());
        assert_eq!(v.birth_date, v.id_number.birth_date());
        assert!(v.birth_date <= REFERENCE_DATE);
        assert!(
            ids.insert(v.id_number.as_str()),
            "duplicate {}",
            v.id_number
        );
    }
}

#[test]
fn people_pass_the_registry_rules() {
    let c = community();
    for s in &c.staff {
        let v = &s.staff;
        assert_eq!(validate_name(&v.name).as_deref(), Ok(v.name.as_str()));
        assert!(TITLES.contains(&v.title), "{}", v.title);
        assert!(v.specialty.chars().count() <= 50 && !v.specialty.is_empty());
        assert!(v.phone.is_some());
        let age = age_on_reference(v.id_number.birth_date());
        assert!((22..=62).contains(&age), "{age}");
        match c.institutions[s.institution].kind {
            InstitutionKind::Village => {
                assert_eq!(v.title, "village_doctor");
                assert_eq!(s.department, None);
            }
            InstitutionKind::Bureau => assert_eq!(s.department, None),
            _ => {
                let d = s.department.map(|d| &c.departments[d]).expect("department");
                assert_eq!(d.institution, s.institution);
                assert_eq!(v.specialty, d.name);
            }
        }
    }
    for r in &c.residents {
        let v = &r.resident;
        assert_eq!(validate_name(&v.name).as_deref(), Ok(v.name.as_str()));
        assert_eq!(v.phone.as_str().len(), 11);
        assert!(v.address.starts_with("贵州省仁怀市"));
        assert!(v.address.chars().count() <= 200);
    }
}

#[test]
fn residents_live_at_grassroots_sites() {
    let c = community();
    let mut at_village = 0usize;
    for r in &c.residents {
        let kind = c.institutions[r.institution].kind;
        assert!(kind.holds_residents(), "{kind:?}");
        if kind == InstitutionKind::Village {
            at_village += 1;
            let village = c.institutions[r.institution]
                .name
                .trim_end_matches("卫生室");
            assert!(
                r.resident.address.contains(village),
                "{}",
                r.resident.address
            );
        }
    }
    let share = at_village * 100 / c.residents.len();
    assert!((85..=95).contains(&share), "{share}");
}

#[test]
fn realistic_distributions() {
    let c = community();
    let hospital_staff: Vec<&DemoStaff> = c
        .staff
        .iter()
        .filter(|s| c.institutions[s.institution].kind == InstitutionKind::Lead)
        .collect();
    assert!((500..=650).contains(&hospital_staff.len()));
    let nurses = hospital_staff
        .iter()
        .filter(|s| s.staff.title.ends_with("nurse"))
        .count();
    let share = nurses * 100 / hospital_staff.len();
    assert!((38..=52).contains(&share), "nurses {share}%");
    let chiefs = hospital_staff
        .iter()
        .filter(|s| s.staff.title == "chief_physician")
        .count();
    let attending = hospital_staff
        .iter()
        .filter(|s| s.staff.title == "attending_physician")
        .count();
    assert!(chiefs > 0 && chiefs < attending);
    let cardiology = c
        .departments
        .iter()
        .position(|d| d.institution == 0 && d.code == "cardiology");
    assert!(
        c.staff
            .iter()
            .any(|s| s.department == cardiology && s.staff.title == "chief_physician")
    );

    let ages: Vec<i32> = c
        .residents
        .iter()
        .map(|r| age_on_reference(r.resident.birth_date))
        .collect();
    let old = ages.iter().filter(|a| **a >= 65).count() * 100 / ages.len();
    let young = ages.iter().filter(|a| **a < 15).count() * 100 / ages.len();
    assert!((14..=30).contains(&old), "65+: {old}%");
    assert!((12..=28).contains(&young), "<15: {young}%");
    let men = c
        .residents
        .iter()
        .filter(|r| r.resident.sex == yigong_domain::identity::Sex::Male)
        .count()
        * 100
        / c.residents.len();
    assert!((45..=56).contains(&men), "men {men}%");
}
