//! The search parameters of every resource this server exposes, in one table. The
//! server's query parser accepts exactly these (anything else is refused, never
//! ignored), and the CapabilityStatement declares exactly these, so the two cannot
//! drift apart.

use crate::ecg::LOINC;

/// FHIR search parameter types used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Token,
    /// A reference to a resource of this type (`Type/<id>` or `<id>`).
    Reference(&'static str),
    Number,
}

impl ParamType {
    pub fn code(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Token => "token",
            ParamType::Reference(_) => "reference",
            ParamType::Number => "number",
        }
    }
}

/// One search parameter of one resource.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    /// What it matches, for the CapabilityStatement's `documentation`.
    pub doc: &'static str,
}

/// A resource type with its interactions and search parameters.
#[derive(Debug)]
pub struct Resource {
    pub name: &'static str,
    /// Whether `POST /<name>` creates one.
    pub create: bool,
    /// Whether a search is refused without `patient`.
    pub needs_patient: bool,
    pub params: &'static [Param],
}

impl Resource {
    /// The named parameter, paging parameters included.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().chain(PAGING).find(|p| p.name == name)
    }
}

const fn p(name: &'static str, ty: ParamType, doc: &'static str) -> Param {
    Param { name, ty, doc }
}

use ParamType::*;

/// Paging parameters, which every search takes.
pub const PAGING: &[Param] = &[
    p("_count", Number, "Entries per page (1 to 200, default 20)"),
    p(
        "_offset",
        Number,
        "Entries to skip; the next link carries it",
    ),
];

const PATIENT: Param = p(
    "patient",
    Reference("Patient"),
    "Patient/<id>: the resident the resources are about",
);

/// Every resource this server exposes, in the order the CapabilityStatement lists them.
pub const RESOURCES: &[Resource] = &[
    Resource {
        name: "Patient",
        create: false,
        needs_patient: false,
        params: &[
            p("name", String, "Part of the name, or of the ID number"),
            p(
                "identifier",
                Token,
                "A whole resident ID number (urn:oid:2.16.156.10011.1.3)",
            ),
            p(
                "organization",
                Reference("Organization"),
                "The clinic that keeps the record",
            ),
        ],
    },
    Resource {
        name: "Organization",
        create: false,
        needs_patient: false,
        params: &[
            p("name", String, "Part of the name"),
            p(
                "identifier",
                Token,
                "An institution code (urn:yigong:institution-code)",
            ),
            p(
                "partof",
                Reference("Organization"),
                "The parent institution",
            ),
        ],
    },
    Resource {
        name: "Practitioner",
        create: false,
        needs_patient: false,
        params: &[
            p("name", String, "Part of the name"),
            p("identifier", Token, "A whole ID number"),
            p(
                "organization",
                Reference("Organization"),
                "The institution they work at",
            ),
        ],
    },
    Resource {
        name: "ServiceRequest",
        create: true,
        needs_patient: false,
        params: &[
            PATIENT,
            p(
                "status",
                Token,
                "draft, active, on-hold, revoked or completed",
            ),
        ],
    },
    Resource {
        name: "Task",
        create: false,
        needs_patient: false,
        params: &[
            p(
                "focus",
                Reference("ServiceRequest"),
                "ServiceRequest/<id>: the referral",
            ),
            PATIENT,
            p("status", Token, "The Task status of the referral"),
        ],
    },
    Resource {
        name: "Observation",
        create: false,
        needs_patient: true,
        params: &[
            PATIENT,
            p(
                "code",
                Token,
                "LOINC 85354-9 (blood pressure), 1558-6 (fasting glucose), 11524-6 (ECG)",
            ),
            p(
                "category",
                Token,
                "vital-signs, laboratory or procedure (ECG)",
            ),
        ],
    },
    Resource {
        name: "DiagnosticReport",
        create: false,
        needs_patient: false,
        params: &[PATIENT],
    },
    Resource {
        name: "Appointment",
        create: false,
        needs_patient: false,
        params: &[PATIENT],
    },
    Resource {
        name: "Communication",
        create: false,
        needs_patient: false,
        params: &[PATIENT],
    },
    Resource {
        name: "Schedule",
        create: false,
        needs_patient: false,
        params: &[p(
            "actor",
            Reference("Organization"),
            "The township the expert sits at",
        )],
    },
    Resource {
        name: "Slot",
        create: false,
        needs_patient: false,
        params: &[p(
            "schedule",
            Reference("Schedule"),
            "The session's schedule",
        )],
    },
    Resource {
        name: "PractitionerRole",
        create: false,
        needs_patient: false,
        params: &[
            p(
                "organization",
                Reference("Organization"),
                "The grassroots site of the posting",
            ),
            p(
                "practitioner",
                Reference("Practitioner"),
                "The staff member posted",
            ),
        ],
    },
    Resource {
        name: "CarePlan",
        create: false,
        needs_patient: true,
        params: &[PATIENT],
    },
    Resource {
        name: "Encounter",
        create: true,
        needs_patient: false,
        params: &[
            PATIENT,
            p(
                "service-provider",
                Reference("Organization"),
                "The institution the visit or stay was at",
            ),
            p("class", Token, "AMB (outpatient), EMER or IMP (inpatient)"),
            p(
                "identifier",
                Token,
                "urn:yigong:visit-no:<institution code>|<visit number>",
            ),
        ],
    },
];

/// The resource named `name`.
pub fn resource(name: &str) -> Option<&'static Resource> {
    RESOURCES.iter().find(|r| r.name == name)
}

/// The observation-category code system.
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// A coding: system and code.
pub type Coding = (&'static str, &'static str);

/// The codes and categories of the Observations this server makes, so that a search
/// can be matched before a resource is built.
pub mod observation {
    use super::{Coding, LOINC, OBSERVATION_CATEGORY};
    pub const BLOOD_PRESSURE: Coding = (LOINC, "85354-9");
    pub const GLUCOSE: Coding = (LOINC, "1558-6");
    pub const ECG: Coding = (LOINC, "11524-6");
    pub const VITAL_SIGNS: Coding = (OBSERVATION_CATEGORY, "vital-signs");
    pub const LABORATORY: Coding = (OBSERVATION_CATEGORY, "laboratory");
    pub const PROCEDURE: Coding = (OBSERVATION_CATEGORY, "procedure");
}

/// One value of a token parameter: `code`, `system|code` or `|code` (no system).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    system: Option<std::string::String>,
    code: std::string::String,
}

impl Token {
    /// The comma-separated alternatives of a token parameter (any one may match).
    pub fn parse_any(raw: &str) -> Vec<Token> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.split_once('|') {
                Some((system, code)) => Token {
                    system: Some(system.to_string()),
                    code: code.to_string(),
                },
                None => Token {
                    system: None,
                    code: s.to_string(),
                },
            })
            .collect()
    }

    /// Whether this token matches the coding. A token with an empty system (`|code`)
    /// asks for a coding without one, which no coding here is.
    pub fn matches(&self, (system, code): Coding) -> bool {
        self.code == code && self.system.as_deref().is_none_or(|s| s == system)
    }
}

/// Whether any of `wanted` matches any of `codings`; no tokens asked means a match.
pub fn any_matches(wanted: &[Token], codings: &[Coding]) -> bool {
    wanted.is_empty() || wanted.iter().any(|t| codings.iter().any(|c| t.matches(*c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_with_and_without_system() {
        let t = Token::parse_any("http://loinc.org|85354-9, 1558-6,|11524-6");
        assert_eq!(t.len(), 3);
        assert!(t[0].matches(observation::BLOOD_PRESSURE));
        assert!(!t[0].matches(observation::GLUCOSE));
        assert!(t[1].matches(observation::GLUCOSE));
        assert!(!t[2].matches(observation::ECG), "|code asks for no system");
        assert!(!Token::parse_any("urn:other|85354-9")[0].matches(observation::BLOOD_PRESSURE));
        assert!(any_matches(&[], &[observation::ECG]));
        assert!(any_matches(
            &Token::parse_any("procedure"),
            &[observation::ECG, observation::PROCEDURE]
        ));
        assert!(!any_matches(
            &Token::parse_any("laboratory"),
            &[observation::VITAL_SIGNS]
        ));
    }

    #[test]
    fn every_resource_pages_and_names_are_unique() {
        for r in RESOURCES {
            assert!(r.param("_count").is_some() && r.param("_offset").is_some());
            let mut names: Vec<_> = r.params.iter().map(|p| p.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), r.params.len(), "{}", r.name);
            assert_eq!(
                r.needs_patient,
                r.name == "Observation" || r.name == "CarePlan"
            );
        }
        assert!(resource("Patient").is_some());
        assert!(resource("MedicationRequest").is_none());
    }
}
