//! The message catalogue: every user-facing string, Simplified Chinese by default and
//! English on request (`?lang=en` or the `lang` cookie set by the language switch).
//! Browser language headers are ignored: the platform is Chinese unless asked.

mod catalogue;

use axum::http::HeaderMap;

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

    /// From the query string's `lang`, then the `lang` cookie; Chinese otherwise.
    pub fn detect(query: Option<&str>, headers: &HeaderMap) -> Self {
        if let Some(l) = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("lang="))
                .and_then(Lang::parse)
        }) {
            return l;
        }
        crate::auth::cookie(headers, "lang")
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
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

    /// The catalogue text for `key`; the key itself if it is missing (a test forbids that).
    pub fn t(self, key: &str) -> &'static str {
        match lookup(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => "?",
        }
    }
}

pub fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
    CATALOGUE
        .binary_search_by(|(k, _, _)| k.cmp(&key))
        .ok()
        .map(|i| (CATALOGUE[i].1, CATALOGUE[i].2))
}

pub use catalogue::CATALOGUE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        for w in CATALOGUE.windows(2) {
            assert!(w[0].0 < w[1].0, "{} must sort before {}", w[0].0, w[1].0);
        }
    }

    #[test]
    fn every_title_role_kind_and_field_error_has_both_languages() {
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
        for k in keys {
            let (zh, en) = lookup(&k).unwrap_or_else(|| panic!("missing {k}"));
            assert!(!zh.is_empty() && !en.is_empty());
        }
    }

    /// Every field and error code named in the HTTP edge's sources has a label: a
    /// missing one shows as "?" in a message.
    #[test]
    fn every_field_and_error_code_in_the_sources_has_a_label() {
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
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut texts,
        );
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
        ];
        for text in &texts {
            for (call, arg, kind) in calls {
                for name in literals(text, call, arg) {
                    let key = format!("{kind}.{name}");
                    if lookup(&key).is_none() {
                        missing.push(key);
                    }
                }
            }
        }
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
        let mut h = HeaderMap::new();
        h.insert("accept-language", "en-US,en;q=0.9".parse().expect("header"));
        assert_eq!(Lang::detect(None, &h), Lang::Zh, "Chinese unless asked");
        h.insert("cookie", "lang=en".parse().expect("header"));
        assert_eq!(Lang::detect(None, &h), Lang::En);
        assert_eq!(Lang::detect(Some("q=1&lang=zh"), &h), Lang::Zh);
    }
}
