//! A community's settings of each catalogue item, as data: provinces publish their own
//! recognition lists and the community sets its own service levels and prices. An item
//! without a stored setting keeps our defaults ([`super::catalogue::ITEMS`],
//! [`super::recognition::DEFAULT_ITEMS`]).

use super::catalogue::{ITEMS, Item, Urgency};
use super::recognition::{DEFAULT_ITEMS, RecognisedItem};
use super::turnaround::{Clock, Target};
use crate::registry::InstitutionKind;

/// An item as the community runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub code: &'static str,
    pub price_fen: i64,
    pub routine: Target,
    pub urgent: Target,
    /// How an earlier result is recognised; none: never.
    pub recognition: Option<RecognisedItem>,
}

impl Settings {
    pub fn target(&self, urgency: Urgency) -> Target {
        match urgency {
            Urgency::Routine => self.routine,
            Urgency::Urgent => self.urgent,
        }
    }
}

/// A stored setting of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub code: String,
    pub price_fen: i64,
    pub routine_minutes: i64,
    pub routine_working: bool,
    pub urgent_minutes: i64,
    pub urgent_working: bool,
    /// Days an earlier result is recognised; none: not recognised.
    pub window_days: Option<u16>,
    pub lowest: InstitutionKind,
    pub needs_eqa: bool,
}

fn target(minutes: i64, working: bool) -> Target {
    Target {
        minutes,
        clock: if working { Clock::Working } else { Clock::Wall },
    }
}

/// Our defaults for an item.
pub fn defaults(item: &Item) -> Settings {
    Settings {
        code: item.code,
        price_fen: item.price_fen,
        routine: item.routine,
        urgent: item.urgent,
        recognition: DEFAULT_ITEMS.iter().find(|r| r.code == item.code).cloned(),
    }
}

/// Every item of the catalogue as the community runs it: its stored setting, else our
/// defaults. A stored setting of an item no longer in the catalogue is ignored.
pub fn effective(stored: &[Stored]) -> Vec<Settings> {
    ITEMS
        .iter()
        .map(|item| match stored.iter().find(|s| s.code == item.code) {
            None => defaults(item),
            Some(s) => Settings {
                code: item.code,
                price_fen: s.price_fen,
                routine: target(s.routine_minutes, s.routine_working),
                urgent: target(s.urgent_minutes, s.urgent_working),
                recognition: s.window_days.map(|window_days| RecognisedItem {
                    code: item.code,
                    window_days,
                    lowest: s.lowest,
                    needs_eqa: s.needs_eqa,
                }),
            },
        })
        .collect()
}

/// The field a stored setting gets wrong, if any.
pub fn check(s: &Stored) -> Result<(), &'static str> {
    const MONTH: i64 = 31 * 24 * 60;
    if !(0..=10_000_000).contains(&s.price_fen) {
        return Err("price_fen");
    }
    if !(1..=MONTH).contains(&s.routine_minutes) {
        return Err("routine_minutes");
    }
    if !(1..=MONTH).contains(&s.urgent_minutes) {
        return Err("urgent_minutes");
    }
    if s.window_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err("window_days");
    }
    if s.lowest == InstitutionKind::Bureau {
        return Err("lowest_level");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Stored {
        Stored {
            code: "ct_head".into(),
            price_fen: 18000,
            routine_minutes: 180,
            routine_working: true,
            urgent_minutes: 45,
            urgent_working: false,
            window_days: Some(14),
            lowest: InstitutionKind::Township,
            needs_eqa: false,
        }
    }

    #[test]
    fn a_stored_setting_replaces_the_defaults_of_its_item_only() {
        let all = effective(&[stored()]);
        assert_eq!(all.len(), ITEMS.len());
        let ct = all.iter().find(|s| s.code == "ct_head").expect("ct");
        assert_eq!(ct.price_fen, 18000);
        assert_eq!(ct.target(Urgency::Urgent), target(45, false));
        assert_eq!(
            ct.recognition.as_ref().map(|r| (r.window_days, r.lowest)),
            Some((14, InstitutionKind::Township))
        );
        let mr = all.iter().find(|s| s.code == "mr_head").expect("mr");
        assert_eq!(mr.recognition.as_ref().map(|r| r.window_days), Some(60));
        // An item set as not recognised.
        let off = Stored {
            window_days: None,
            ..stored()
        };
        let ct = effective(&[off])
            .into_iter()
            .find(|s| s.code == "ct_head")
            .expect("ct");
        assert_eq!(ct.recognition, None);
        // Electrolytes are not recognised by default (the value changes fast).
        assert_eq!(
            effective(&[])
                .iter()
                .find(|s| s.code == "electrolytes")
                .and_then(|s| s.recognition.clone()),
            None
        );
    }

    #[test]
    fn a_setting_out_of_bounds_names_its_field() {
        assert_eq!(check(&stored()), Ok(()));
        assert_eq!(
            check(&Stored {
                window_days: Some(0),
                ..stored()
            }),
            Err("window_days")
        );
        assert_eq!(
            check(&Stored {
                urgent_minutes: 0,
                ..stored()
            }),
            Err("urgent_minutes")
        );
        assert_eq!(
            check(&Stored {
                price_fen: -1,
                ..stored()
            }),
            Err("price_fen")
        );
        assert_eq!(
            check(&Stored {
                lowest: InstitutionKind::Bureau,
                ..stored()
            }),
            Err("lowest_level")
        );
    }
}
