//! The home page as a to-do list. Each context names the cards it adds for the signed-in
//! user (`Context::todo`); the home shows the late and critical first.
//!
//! A card is a count and a link to the list behind it (or a headline figure and the
//! page it comes from). A card shows only a number: no names and no rows. So building it
//! reads no patient record and writes no audit row. The list it links to audits as it
//! always does.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiResult;
use crate::state::AppState;
use std::future::Future;
use std::pin::Pin;

/// How loudly a card asks for attention; the home shows the loudest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    /// Work that is late or critical.
    Alert,
    /// Work that is due.
    Due,
    /// A figure to know, nothing to do.
    Plain,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Plain => "plain",
            Tone::Due => "due",
            Tone::Alert => "alert",
        }
    }
}

/// One card: its label (a message key), its value as shown, and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub key: &'static str,
    pub value: String,
    pub href: String,
    pub tone: Tone,
    /// A headline figure of the community rather than work to do.
    pub headline: bool,
}

impl Card {
    /// A count of things to do. The card asks for attention only when there are some.
    pub fn count(key: &'static str, n: i64, href: &str, tone: Tone) -> Self {
        Self {
            key,
            value: count_text(n),
            href: href.to_string(),
            tone: if n > 0 { tone } else { Tone::Plain },
            headline: false,
        }
    }

    /// A headline figure (a share, a median), already written out; `href` is the page
    /// behind it, or empty where the role does not open that page.
    pub fn figure(key: &'static str, value: String, href: &str) -> Self {
        Self {
            key,
            value,
            href: href.to_string(),
            tone: Tone::Plain,
            headline: true,
        }
    }
}

/// A count with thousands grouped: `1,290` (both languages group by three).
pub fn count_text(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a whole percentage, `87%`; a dash when there is nothing to divide.
pub fn percent_text(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

/// A share already divided, as a whole percentage (`0.87` → `87%`); a dash for none.
pub fn share_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.0}%", v * 100.0))
}

pub type CardsFuture<'a> = Pin<Box<dyn Future<Output = ApiResult<Vec<Card>>> + Send + 'a>>;

/// A context's cards for a user (none when the context has nothing for the role).
pub type Cards = for<'a> fn(&'a AppState, &'a CurrentUser) -> CardsFuture<'a>;

/// For a context that adds no cards.
pub fn no_cards<'a>(_: &'a AppState, _: &'a CurrentUser) -> CardsFuture<'a> {
    Box::pin(async { Ok(Vec::new()) })
}

/// Every context's cards for this user: the late and critical first, then what is
/// due, then the rest, each in the order of the contexts.
pub async fn cards(state: &AppState, user: &CurrentUser) -> ApiResult<Vec<Card>> {
    let mut out = Vec::new();
    for context in crate::contexts::CONTEXTS {
        out.extend((context.todo)(state, user).await?);
    }
    out.sort_by_key(|c| c.tone);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_three() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(999), "999");
        assert_eq!(count_text(1290), "1,290");
        assert_eq!(count_text(1_234_567), "1,234,567");
        assert_eq!(count_text(-4500), "-4,500");
    }

    #[test]
    fn shares_round_to_whole_percent() {
        assert_eq!(percent_text(2, 3), "67%");
        assert_eq!(percent_text(1, 8), "13%");
        assert_eq!(percent_text(0, 5), "0%");
        assert_eq!(percent_text(3, 0), "—");
    }

    #[test]
    fn a_count_of_nothing_asks_for_no_attention() {
        let none = Card::count("k", 0, "/x", Tone::Alert);
        assert_eq!(none.tone, Tone::Plain);
        let some = Card::count("k", 3, "/x", Tone::Alert);
        assert_eq!((some.tone, some.value.as_str()), (Tone::Alert, "3"));
    }
}
