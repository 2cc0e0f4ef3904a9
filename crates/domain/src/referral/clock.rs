//! The green channel's clock: minutes from first contact against the pathway's target.

/// Minutes from first contact to admission, and whether that met the target.
pub fn green_channel_result(contact_to_admission_minutes: f64, target_minutes: i64) -> bool {
    contact_to_admission_minutes <= target_minutes as f64
}

/// Where a green-channel clock stands: the minutes counted, whether it still runs, and
/// its verdict (`Some(true)` within target, `Some(false)` a breach, `None` none yet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub elapsed_minutes: f64,
    pub running: bool,
    pub within_target: Option<bool>,
}

/// The clock from first contact: it stops at admission (judged against the target) or
/// when the case ended without one (withdrawn, refused, completed: no verdict, never a
/// breach on a closed case); until then it runs, and shows a breach once past target.
/// Times are minutes since any common origin.
pub fn green_clock(
    started: f64,
    admitted: Option<f64>,
    ended: Option<f64>,
    now: f64,
    target_minutes: i64,
) -> Clock {
    let (end, running) = match (admitted, ended) {
        (Some(a), _) => (a, false),
        (None, Some(e)) => (e, false),
        (None, None) => (now, true),
    };
    let elapsed = (end - started).max(0.0);
    let within = green_channel_result(elapsed, target_minutes);
    Clock {
        elapsed_minutes: elapsed,
        running,
        within_target: match (admitted, running) {
            (Some(_), _) => Some(within),
            (None, true) if !within => Some(false),
            _ => None,
        },
    }
}

/// A green-channel case's admission as the indicators keep it: the day (China time) of
/// the first admission, the whole seconds from the first contact (or, without one, the
/// referral being sent) to it, and the target in force when it was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admission {
    pub day: time::Date,
    pub seconds: i64,
    pub target_minutes: i64,
}

impl Admission {
    /// Within the target: whole seconds no more than the target's minutes.
    pub fn on_time(&self) -> bool {
        self.seconds <= self.target_minutes * 60
    }
}

/// The admission of a case from its first milestones; none before an admission or
/// without a start.
pub fn admission(
    first_contact: Option<time::OffsetDateTime>,
    sent: Option<time::OffsetDateTime>,
    admitted: Option<time::OffsetDateTime>,
    target_minutes: i64,
) -> Option<Admission> {
    let admitted = admitted?;
    let start = first_contact.or(sent)?;
    Some(Admission {
        day: crate::clock::local_date(admitted),
        seconds: (admitted - start).whole_seconds().max(0),
        target_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admission_counts_from_first_contact_in_whole_seconds_on_its_china_day() {
        use time::macros::{date, datetime};
        let contact = datetime!(2026-03-31 15:10 UTC);
        let sent = datetime!(2026-03-31 15:20 UTC);
        // Admitted at 00:10 on 1 April in China: sixty minutes from first contact exactly.
        let a = admission(
            Some(contact),
            Some(sent),
            Some(datetime!(2026-03-31 16:10 UTC)),
            60,
        )
        .expect("admitted");
        assert_eq!(
            (a.day, a.seconds, a.on_time()),
            (date!(2026 - 04 - 01), 3600, true)
        );
        // A second more is late; without a first contact the clock starts when sent.
        let late = admission(
            Some(contact),
            None,
            Some(datetime!(2026-03-31 16:10:01 UTC)),
            60,
        );
        assert_eq!(late.map(|a| a.on_time()), Some(false));
        let from_sent = admission(
            None,
            Some(sent),
            Some(datetime!(2026-03-31 16:10:01 UTC)),
            60,
        );
        assert_eq!(
            from_sent.map(|a| (a.seconds, a.on_time())),
            Some((3001, true))
        );
        assert_eq!(admission(Some(contact), None, None, 60), None);
        assert_eq!(admission(None, None, Some(sent), 60), None);
    }

    #[test]
    fn the_green_clock_stops_at_admission_or_when_the_case_ends() {
        // Admitted 80 minutes after contact against a 90-minute target: within, stopped.
        let c = green_clock(0.0, Some(80.0), Some(300.0), 1000.0, 90);
        assert_eq!(
            (c.elapsed_minutes, c.running, c.within_target),
            (80.0, false, Some(true))
        );
        // Admitted at 95: a breach, and it stays one.
        assert_eq!(
            green_clock(0.0, Some(95.0), None, 1000.0, 90).within_target,
            Some(false)
        );
        // Completed at 120 without an admission recorded: stopped there, no breach shown.
        let c = green_clock(0.0, None, Some(120.0), 1000.0, 90);
        assert_eq!(
            (c.elapsed_minutes, c.running, c.within_target),
            (120.0, false, None)
        );
        // Still open: runs to now, a breach once past target, nothing before.
        let c = green_clock(0.0, None, None, 60.0, 90);
        assert_eq!(
            (c.elapsed_minutes, c.running, c.within_target),
            (60.0, true, None)
        );
        assert_eq!(
            green_clock(0.0, None, None, 91.0, 90).within_target,
            Some(false)
        );
    }
}
