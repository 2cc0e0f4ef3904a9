//! The message catalogue: every user-facing string, Simplified Chinese by default and
//! English on request (`?lang=en` or the `lang` cookie set by the language switch).
//! Browser language headers are ignored: the platform is Chinese unless asked.
//!
//! The messages are data: Fluent files, one per context and locale, under
//! `locales/<locale>/<context>.ftl`, compiled into the binary. A message id is the key the
//! code uses with `-` for `.` (`error.not_found` is `error-not_found`).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// From the query string's `lang`, then the `lang` cookie's value; Chinese otherwise.
    pub fn detect(query: Option<&str>, cookie: Option<&str>) -> Self {
        if let Some(l) = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::parse)
        }) {
            return l;
        }
        cookie.and_then(Lang::parse).unwrap_or_default()
    }

    /// Comma-separated codes as their labels under `prefix` (`family.group`, …), joined
    /// as the language lists things.
    pub fn labels(self, prefix: &str, codes: &str) -> String {
        codes
            .split(',')
            .filter(|c| !c.is_empty())
            .map(|c| self.t(&format!("{prefix}.{c}")))
            .collect::<Vec<_>>()
            .join(if self == Lang::Zh { "、" } else { ", " })
    }

    /// The catalogue text for `key`; "?" if it is missing (tests forbid that).
    pub fn t(self, key: &str) -> &'static str {
        catalogue(self).texts.get(key).copied().unwrap_or("?")
    }

    /// The label of an ECG finding code (`ecg.finding.<code>`).
    pub fn finding(self, code: &str) -> &'static str {
        self.t(&format!("ecg.finding.{code}"))
    }

    /// The name of a listed ICD-10 code in this language (`icd10.<code>`); none for a
    /// code the list does not hold.
    pub fn icd10(self, code: &str) -> Option<&'static str> {
        catalogue(self).texts.get(&format!("icd10.{code}")).copied()
    }

    /// The text for `key` with its variables (`{ $name }`) filled in.
    pub fn tr(self, key: &str, args: &[(&str, &str)]) -> String {
        let c = catalogue(self);
        let Some(pattern) = c
            .bundle
            .get_message(&key.replace('.', "-"))
            .and_then(|m| m.value())
        else {
            return "?".into();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.to_string());
        }
        let mut errors = vec![];
        c.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }
}

/// The message files: (context, Simplified Chinese, English). A new context adds its
/// pair of files here.
const FILES: &[(&str, &str, &str)] = &[
    (
        "indicators",
        include_str!("../../locales/zh-CN/indicators.ftl"),
        include_str!("../../locales/en/indicators.ftl"),
    ),
    (
        "diagnostics",
        include_str!("../../locales/zh-CN/diagnostics.ftl"),
        include_str!("../../locales/en/diagnostics.ftl"),
    ),
    (
        "outreach",
        include_str!("../../locales/zh-CN/outreach.ftl"),
        include_str!("../../locales/en/outreach.ftl"),
    ),
    (
        "party",
        include_str!("../../locales/zh-CN/party.ftl"),
        include_str!("../../locales/en/party.ftl"),
    ),
    (
        "icd10",
        include_str!("../../locales/zh-CN/icd10.ftl"),
        include_str!("../../locales/en/icd10.ftl"),
    ),
    (
        "shell",
        include_str!("../../locales/zh-CN/shell.ftl"),
        include_str!("../../locales/en/shell.ftl"),
    ),
    (
        "errors",
        include_str!("../../locales/zh-CN/errors.ftl"),
        include_str!("../../locales/en/errors.ftl"),
    ),
    (
        "fields",
        include_str!("../../locales/zh-CN/fields.ftl"),
        include_str!("../../locales/en/fields.ftl"),
    ),
    (
        "registry",
        include_str!("../../locales/zh-CN/registry.ftl"),
        include_str!("../../locales/en/registry.ftl"),
    ),
    (
        "referral",
        include_str!("../../locales/zh-CN/referral.ftl"),
        include_str!("../../locales/en/referral.ftl"),
    ),
    (
        "ecg",
        include_str!("../../locales/zh-CN/ecg.ftl"),
        include_str!("../../locales/en/ecg.ftl"),
    ),
    (
        "chronic",
        include_str!("../../locales/zh-CN/chronic.ftl"),
        include_str!("../../locales/en/chronic.ftl"),
    ),
    (
        "family",
        include_str!("../../locales/zh-CN/family.ftl"),
        include_str!("../../locales/en/family.ftl"),
    ),
    (
        "screening",
        include_str!("../../locales/zh-CN/screening.ftl"),
        include_str!("../../locales/en/screening.ftl"),
    ),
    (
        "fhir",
        include_str!("../../locales/zh-CN/fhir.ftl"),
        include_str!("../../locales/en/fhir.ftl"),
    ),
    (
        "admin",
        include_str!("../../locales/zh-CN/admin.ftl"),
        include_str!("../../locales/en/admin.ftl"),
    ),
];

/// One locale's messages: the Fluent bundle, and every message without variables
/// formatted once.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    texts: HashMap<String, &'static str>,
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static ZH: OnceLock<Catalogue> = OnceLock::new();
    static EN: OnceLock<Catalogue> = OnceLock::new();
    match lang {
        Lang::Zh => ZH.get_or_init(|| load(lang, FILES.iter().map(|f| f.1))),
        Lang::En => EN.get_or_init(|| load(lang, FILES.iter().map(|f| f.2))),
    }
}

/// The message ids of a file, or what is wrong with it.
fn parse(source: &'static str) -> Result<(FluentResource, Vec<String>), String> {
    let resource =
        FluentResource::try_new(source.to_string()).map_err(|(_, errors)| format!("{errors:?}"))?;
    let ids = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect::<Vec<String>>();
    Ok((resource, ids))
}

fn load(lang: Lang, sources: impl Iterator<Item = &'static str>) -> Catalogue {
    let locale = lang.code().parse().expect("a valid locale code");
    let mut bundle = FluentBundle::new_concurrent(vec![locale]);
    bundle.set_use_isolating(false);
    let mut ids = vec![];
    for source in sources {
        // The files are compiled in, and a test parses every one of them.
        let (resource, mut more) = parse(source).expect("the message files parse");
        ids.append(&mut more);
        bundle
            .add_resource(resource)
            .expect("no message id in two files");
    }
    let mut texts = HashMap::with_capacity(ids.len());
    for id in ids {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = vec![];
        let text = bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned();
        texts.insert(id.replace('-', "."), &*Box::leak(text.into_boxed_str()));
    }
    Catalogue { bundle, texts }
}

/// The keys under `prefix`, without it (`audit.action.` → `resident.read`, …), sorted.
pub fn keys_under(prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> = catalogue(Lang::Zh)
        .texts
        .keys()
        .filter_map(|k| k.strip_prefix(prefix))
        .map(str::to_string)
        .collect();
    keys.sort();
    keys
}

/// The (Chinese, English) texts of `key`.
pub fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    Some((
        *catalogue(Lang::Zh).texts.get(key)?,
        *catalogue(Lang::En).texts.get(key)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every Rust source under `dir`.
    fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).expect("source"));
            }
        }
    }

    /// Every action the audit log records reads as words: each dotted code in the web
    /// sources that names a record (`resident.read`, …) and is not a message id itself,
    /// and the actions whose codes are built (`referral.<action>`, `ecg.<action>`,
    /// `<kind>.import`).
    #[test]
    fn every_audit_action_has_a_label() {
        const RECORDS: [&str; 10] = [
            "account",
            "chronic",
            "department",
            "ecg",
            "family",
            "institution",
            "referral",
            "resident",
            "staff",
            "screening",
        ];
        let mut texts = vec![];
        let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
        sources(&web, &mut texts);
        let mut codes: Vec<String> = vec!["login".into(), "request.refused".into()];
        for text in &texts {
            for literal in text.split('"').skip(1).step_by(2) {
                let dotted = literal.contains('.')
                    && literal
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_');
                let first = literal.split('.').next().unwrap_or("");
                // A message id, or the prefix of a family of them, is not an action.
                let message =
                    lookup(literal).is_some() || !keys_under(&format!("{literal}.")).is_empty();
                if dotted && RECORDS.contains(&first) && !message {
                    codes.push(literal.to_string());
                }
            }
        }
        let built = yigong_domain::referral::Action::ALL
            .iter()
            .map(|a| format!("referral.{}", a.as_str()))
            .chain(
                yigong_domain::ecg::Action::ALL
                    .iter()
                    .map(|a| format!("ecg.{}", a.as_str())),
            )
            .chain(["residents.import".to_string(), "staff.import".to_string()]);
        codes.extend(built);
        assert!(codes.len() > 40, "only {} codes found", codes.len());
        let missing: Vec<&String> = codes
            .iter()
            .filter(|c| lookup(&format!("audit.action.{c}")).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "audit actions without a label: {missing:?}"
        );
    }

    /// Every code the diagnosis picker offers has its name in both languages, the
    /// Chinese one as the list has it.
    #[test]
    fn every_listed_icd10_code_is_named_in_both_languages() {
        for (code, name) in yigong_domain::icd10::CODES {
            assert_eq!(Lang::Zh.icd10(code), Some(*name), "{code}");
            let en = Lang::En
                .icd10(code)
                .unwrap_or_else(|| panic!("{code} in English"));
            assert!(en.is_ascii() && !en.is_empty(), "{code}: {en}");
        }
        assert_eq!(Lang::En.icd10("I21.9"), Some("Acute myocardial infarction"));
        assert_eq!(Lang::En.icd10("X99.9"), None);
    }

    /// Every message file parses, and each context's two files define the same messages,
    /// no message in two contexts.
    #[test]
    fn both_languages_have_the_same_messages() {
        let mut seen = std::collections::BTreeSet::new();
        for (context, zh, en) in FILES {
            let (_, mut zh_ids) = parse(zh).unwrap_or_else(|e| panic!("zh-CN/{context}.ftl: {e}"));
            let (_, mut en_ids) = parse(en).unwrap_or_else(|e| panic!("en/{context}.ftl: {e}"));
            zh_ids.sort();
            en_ids.sort();
            assert_eq!(
                zh_ids, en_ids,
                "{context}.ftl: the same ids in both languages"
            );
            assert!(zh_ids.len() > 5, "{context}");
            for id in zh_ids {
                assert!(seen.insert(id.clone()), "{id} in two files");
            }
        }
        assert!(seen.len() > 500, "{}", seen.len());
        assert!(parse("x = {").is_err(), "a broken file is told");
    }

    #[test]
    fn variables_are_filled_in() {
        assert_eq!(Lang::Zh.tr("list.total", &[("n", "1,234")]), "共 1,234 条");
        assert_eq!(Lang::En.tr("list.total", &[("n", "3")]), "3 in all");
        assert_eq!(
            Lang::Zh.tr("family.default_team_name", &[("township", "茅台镇")]),
            "茅台镇家庭医生团队"
        );
        assert_eq!(
            Lang::Zh.t("error.not_found"),
            lookup("error.not_found").expect("there").0
        );
        assert_eq!(Lang::En.t("no.such.key"), "?");
        assert_eq!(Lang::En.tr("no.such.key", &[]), "?");
    }

    #[test]
    fn every_title_role_kind_and_finding_has_both_languages() {
        let mut keys: Vec<String> = yigong_domain::registry::TITLES
            .iter()
            .map(|t| format!("title.{t}"))
            .collect();
        keys.extend(
            yigong_domain::access::Role::ALL
                .iter()
                .map(|r| format!("role.{}", r.as_str())),
        );
        keys.extend(
            yigong_domain::access::Role::ALL
                .iter()
                .map(|r| format!("home.{}", r.as_str())),
        );
        keys.extend(
            yigong_domain::registry::InstitutionKind::ALL
                .iter()
                .map(|k| format!("kind.{}", k.as_str())),
        );
        keys.extend(
            yigong_domain::ecg::FINDINGS
                .iter()
                .map(|f| format!("ecg.finding.{}", f.code)),
        );
        for k in keys {
            let (zh, en) = lookup(&k).unwrap_or_else(|| panic!("missing {k}"));
            assert!(!zh.is_empty() && !en.is_empty());
        }
    }

    /// Every field and error code named in the workspace's sources (the use cases here,
    /// the HTTP edge, the domain rules) has a label: a missing one shows as "?" in a
    /// message.
    #[test]
    fn every_field_and_error_code_in_the_sources_has_a_label() {
        /// The string literal (if any) at argument `arg` of each `call(`.
        fn literals<'a>(text: &'a str, call: &str, arg: usize) -> Vec<&'a str> {
            text.match_indices(call)
                // not a mention inside a string literal (as in this test)
                .filter(|(at, _)| !text[..*at].ends_with('"'))
                .filter_map(|(at, _)| {
                    let args = &text[at + call.len()..];
                    let args = &args[..args.find(')').unwrap_or(args.len())];
                    let a = args.split(',').nth(arg)?.trim();
                    (a.len() > 2 && a.starts_with('"') && a.ends_with('"'))
                        .then(|| &a[1..a.len() - 1])
                })
                .collect()
        }
        let mut texts = vec![];
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for krate in ["app", "web", "domain"] {
            sources(&crates.join(krate).join("src"), &mut texts);
        }
        let mut missing = vec![];
        // unprocessable(field, code), ApiError::field(status, field, code),
        // ApiError::new(status, code).
        let calls = [
            ("unprocessable(", 0, "field"),
            ("unprocessable(", 1, "error"),
            ("ApiError::field(", 1, "field"),
            ("ApiError::field(", 2, "error"),
            ("ApiError::new(", 1, "error"),
            ("FieldError::new(", 0, "field"),
            ("FieldError::new(", 1, "error"),
            ("AppError::new(", 1, "error"),
            ("AppError::invalid(", 0, "error"),
        ];
        let mut named = 0;
        for text in &texts {
            for (call, arg, kind) in calls {
                for name in literals(text, call, arg) {
                    named += 1;
                    let key = format!("{kind}.{name}");
                    if lookup(&key).is_none() {
                        missing.push(key);
                    }
                }
            }
        }
        assert!(
            named > 100,
            "only {named} names read: are the sources where the test looks?"
        );
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "no label for {missing:?}");
    }

    #[test]
    fn codes_read_as_a_list_in_each_language() {
        assert_eq!(
            Lang::Zh.labels("family.group", "elderly,,disabled"),
            "65 岁及以上老年人、残疾人"
        );
        assert_eq!(
            Lang::En.labels("family.group", "elderly,disabled"),
            "Aged 65 and over, Disabled"
        );
        assert_eq!(Lang::Zh.labels("family.group", ""), "");
    }

    #[test]
    fn language_detection() {
        assert_eq!(Lang::detect(None, None), Lang::Zh, "Chinese unless asked");
        assert_eq!(Lang::detect(None, Some("en")), Lang::En);
        assert_eq!(Lang::detect(Some("q=1&lang=zh"), Some("en")), Lang::Zh);
        assert_eq!(Lang::detect(Some("lang=en"), None), Lang::En);
        assert_eq!(Lang::detect(None, Some("fr")), Lang::Zh);
    }
}
