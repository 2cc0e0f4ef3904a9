//! Text helpers for search: pinyin initials of Chinese names and search-key folding.

use pinyin::ToPinyin;

/// 拼音首字母 — lower-case pinyin initials of a name (`张小明` → `zxm`); Latin letters
/// are kept, other characters dropped.
pub fn pinyin_initials(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(first) = c.to_pinyin().and_then(|p| p.plain().chars().next()) {
            out.push(first);
        }
    }
    out
}

/// Full pinyin of a name without tones or spaces, ü as v (`张小明` → `zhangxiaoming`); Latin
/// letters are kept, other characters dropped.
pub fn pinyin_full(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for c in name.chars() {
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            // ü is typed as v on a keyboard (lǚ → lv).
            out.extend(p.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }));
        }
    }
    out
}

/// What a picker matches a typed query against: the name, its pinyin initials and its
/// full pinyin (`张小明 zxm zhangxiaoming`).
pub fn search_keys(name: &str) -> String {
    format!("{name} {} {}", pinyin_initials(name), pinyin_full(name))
}

/// The given name: the name without its surname (two characters for a compound surname).
pub fn given_name(name: &str) -> String {
    const COMPOUND: [&str; 12] = [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
        "令狐",
    ];
    let skip = if COMPOUND.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    name.chars().skip(skip).collect()
}

/// Reverses a string by characters (an index on reversed ID numbers serves suffix search).
pub fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// What kind of text a search box received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// Digits (and a trailing X): a fragment of an ID number, from its start or its end.
    IdFragment(String),
    /// Latin letters: pinyin initials.
    Initials(String),
    /// Anything else: a fragment of a name.
    Name(String),
}

impl SearchTerm {
    /// Classifies a query; `None` for an empty one.
    pub fn parse(q: &str) -> Option<Self> {
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        if q.bytes()
            .all(|b| b.is_ascii_digit() || b == b'x' || b == b'X')
            && q.bytes().any(|b| b.is_ascii_digit())
        {
            Some(SearchTerm::IdFragment(q.to_ascii_uppercase()))
        } else if q.bytes().all(|b| b.is_ascii_alphabetic()) {
            Some(SearchTerm::Initials(q.to_ascii_lowercase()))
        } else {
            Some(SearchTerm::Name(q.chars().take(30).collect()))
        }
    }
}

/// The smallest string greater than every string that starts with `prefix`, for an
/// index range scan `key >= prefix AND key < upper`.
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials() {
        assert_eq!(pinyin_initials("张小明"), "zxm");
        assert_eq!(pinyin_initials("欧阳娜娜"), "oynn");
        assert_eq!(pinyin_initials("Li 雷"), "lil");
    }

    #[test]
    fn full_pinyin_and_keys() {
        assert_eq!(pinyin_full("张小明"), "zhangxiaoming");
        assert_eq!(pinyin_full("心内科"), "xinneike");
        assert_eq!(search_keys("吕雷"), "吕雷 ll lvlei");
    }

    #[test]
    fn given_names() {
        assert_eq!(given_name("张小明"), "小明");
        assert_eq!(given_name("欧阳娜娜"), "娜娜");
    }

    #[test]
    fn terms() {
        assert_eq!(
            SearchTerm::parse(" 1234 "),
            Some(SearchTerm::IdFragment("1234".into()))
        );
        assert_eq!(
            SearchTerm::parse("002x"),
            Some(SearchTerm::IdFragment("002X".into()))
        );
        assert_eq!(
            SearchTerm::parse("ZXM"),
            Some(SearchTerm::Initials("zxm".into()))
        );
        assert_eq!(
            SearchTerm::parse("小明"),
            Some(SearchTerm::Name("小明".into()))
        );
        assert_eq!(SearchTerm::parse("  "), None);
        assert_eq!(
            SearchTerm::parse("x"),
            Some(SearchTerm::Initials("x".into()))
        );
    }

    #[test]
    fn upper_bound_sorts_after_extensions() {
        let up = prefix_upper_bound("张");
        assert!("张小明" < up.as_str() && "张" < up.as_str() && "章" > up.as_str());
    }
}
