//! Lists: the filters a list was asked for, carried into its sortable column heads, its
//! pager and its Excel export, and counts written as people write them (`12,345`).

use crate::i18n::Lang;
use crate::ui::{Pager, encode};

/// The column a list is sorted by, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: &'static str,
    pub desc: bool,
}

impl Sort {
    /// `sort=waiting&dir=desc`, kept only when the key is one of `keys`.
    pub fn parse(sort: Option<&str>, dir: Option<&str>, keys: &[&'static str]) -> Option<Sort> {
        let key = keys.iter().find(|k| Some(**k) == sort)?;
        Some(Sort {
            key,
            desc: dir == Some("desc"),
        })
    }
}

/// A column head: its label, and when the column sorts, the link that sorts by it.
pub struct Head {
    pub label: String,
    pub url: Option<String>,
    /// `▲` or `▼` on the column the list is sorted by.
    pub mark: &'static str,
    /// `aria-sort`: `ascending`, `descending`, or empty.
    pub aria: &'static str,
}

/// What a list was asked for: its path, filters and sort.
pub struct ListQuery {
    path: &'static str,
    filters: Vec<(&'static str, String)>,
    sort: Option<Sort>,
}

impl ListQuery {
    pub fn new(
        path: &'static str,
        filters: Vec<(&'static str, String)>,
        sort: Option<Sort>,
    ) -> Self {
        Self {
            path,
            filters,
            sort,
        }
    }

    /// The filters and sort that are set, as query pairs.
    fn pairs(&self, sort: Option<Sort>) -> Vec<(&str, String)> {
        let mut out: Vec<(&str, String)> = self
            .filters
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        if let Some(s) = sort {
            out.push(("sort", s.key.to_string()));
            if s.desc {
                out.push(("dir", "desc".into()));
            }
        }
        out
    }

    fn query(&self, sort: Option<Sort>) -> String {
        self.pairs(sort)
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The Excel file of the same rows: `<path>/export?<filters>`.
    pub fn export_url(&self) -> String {
        format!("{}/export?{}", self.path, self.query(self.sort))
    }

    pub fn pager(&self, lang: Lang, at: (i64, i64, i64)) -> Pager {
        let pairs = self.pairs(self.sort);
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Pager::new(lang, self.path, &borrowed, at)
    }

    /// A head sorting by `key` (ascending first; a second click reverses), back to page 1.
    pub fn head(&self, label: &str, key: Option<&'static str>) -> Head {
        let Some(key) = key else {
            return Head {
                label: label.to_string(),
                url: None,
                mark: "",
                aria: "",
            };
        };
        let current = self.sort.filter(|s| s.key == key);
        let next = Sort {
            key,
            desc: current.is_some_and(|s| !s.desc),
        };
        Head {
            label: label.to_string(),
            url: Some(format!("{}?{}", self.path, self.query(Some(next)))),
            mark: match current {
                Some(s) if s.desc => " ▼",
                Some(_) => " ▲",
                None => "",
            },
            aria: match current {
                Some(s) if s.desc => "descending",
                Some(_) => "ascending",
                None => "",
            },
        }
    }
}

/// A count with thousands separators: `1234567` → `1,234,567`.
pub use crate::ui::todo::count_text as count;

/// A date filter from a form (`2026-11-01`); empty or malformed is no filter.
pub fn date(s: Option<&str>) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    s.and_then(|s| time::Date::parse(s.trim(), &f).ok())
}

/// A period for a file name or heading: `2026-11-01至2026-11-30`; empty when unset.
pub fn period(lang: Lang, from: Option<&str>, to: Option<&str>) -> String {
    let (from, to) = (from.unwrap_or("").trim(), to.unwrap_or("").trim());
    if from.is_empty() && to.is_empty() {
        return String::new();
    }
    lang.tr("list.period", &[("from", from), ("to", to)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_toggle_and_keep_the_filters() {
        let keys = ["waiting", "urgency"];
        let sort = Sort::parse(Some("waiting"), None, &keys);
        let q = ListQuery::new(
            "/referrals",
            vec![
                ("status", "requested".into()),
                ("q", "张".into()),
                ("x", "".into()),
            ],
            sort,
        );
        let h = q.head("等待", Some("waiting"));
        assert_eq!(
            h.url.as_deref(),
            Some("/referrals?status=requested&q=%E5%BC%A0&sort=waiting&dir=desc")
        );
        assert_eq!((h.mark, h.aria), (" ▲", "ascending"));
        let other = q.head("紧急", Some("urgency"));
        assert_eq!(
            other.url.as_deref(),
            Some("/referrals?status=requested&q=%E5%BC%A0&sort=urgency")
        );
        assert_eq!(other.mark, "");
        assert!(q.head("居民", None).url.is_none());
        assert_eq!(
            q.export_url(),
            "/referrals/export?status=requested&q=%E5%BC%A0&sort=waiting"
        );
        assert_eq!(
            q.pager(Lang::Zh, (1, 20, 45)).next_url.as_deref(),
            Some("/referrals?status=requested&q=%E5%BC%A0&sort=waiting&page=2")
        );
        assert_eq!(Sort::parse(Some("id; DROP"), None, &keys), None);
        assert_eq!(
            Sort::parse(Some("urgency"), Some("desc"), &keys),
            Some(Sort {
                key: "urgency",
                desc: true
            })
        );
    }

    #[test]
    fn dates_from_forms() {
        assert_eq!(
            date(Some("2026-11-01")),
            Some(time::macros::date!(2026 - 11 - 01))
        );
        assert_eq!(date(Some("")), None);
        assert_eq!(date(Some("11/01/2026")), None);
        assert_eq!(date(None), None);
    }
}
