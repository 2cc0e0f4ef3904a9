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

#[cfg(test)]
mod tests {
    use super::*;

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
