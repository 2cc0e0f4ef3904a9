//! Ids and instants as both engines store them, and dates as the API writes them.

use time::OffsetDateTime;
use uuid::Uuid;

/// Serialises a date as `YYYY-MM-DD` (for `#[serde(serialize_with)]`).
pub fn iso_date<S: serde::Serializer>(
    d: &time::Date,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// [`iso_date`] for an optional date.
pub fn opt_iso_date<S: serde::Serializer>(
    d: &Option<time::Date>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    // Microseconds: what PostgreSQL keeps, so values read back compare equal.
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}
