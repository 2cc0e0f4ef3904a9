//! Calling overdue patients (as Simple.org does): the outcome of a call decides whether
//! the patient stays on the overdue list, when to call again, and what the register
//! says of them. A call that reached the patient gives them a week to come; a wrong
//! number keeps them on the list for a home visit instead of another call; a patient
//! who moved away or died leaves the list, and the register records why.

/// What a call to an overdue patient found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    /// Reached: the patient will come.
    WillCome,
    /// The number is wrong or no longer in use.
    WrongNumber,
    /// The patient lives elsewhere now.
    Moved,
    /// The patient has died.
    Died,
}

crate::codes!(CallOutcome {
    WillCome => "will_come",
    WrongNumber => "wrong_number",
    Moved => "moved",
    Died => "died",
});

/// Where the register stands after a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterStatus {
    /// Under management: visits are due by the standard's schedule.
    Active,
    /// Moved away: no longer this clinic's to follow up.
    Moved,
    /// Died: closed.
    Deceased,
}

/// What follows a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterCall {
    pub status: RegisterStatus,
    /// Days until the patient shows on the overdue list again (a reached patient has a
    /// week to come); `None` when the list shows them as before.
    pub quiet_days: Option<u32>,
    /// Whether the next step is a home visit rather than another call.
    pub visit_at_home: bool,
}

/// Days a reached patient is given to come before they are overdue again.
pub const WILL_COME_DAYS: u32 = 7;

impl CallOutcome {
    /// The rule for each outcome.
    pub fn after(self) -> AfterCall {
        match self {
            CallOutcome::WillCome => AfterCall {
                status: RegisterStatus::Active,
                quiet_days: Some(WILL_COME_DAYS),
                visit_at_home: false,
            },
            CallOutcome::WrongNumber => AfterCall {
                status: RegisterStatus::Active,
                quiet_days: None,
                visit_at_home: true,
            },
            CallOutcome::Moved => AfterCall {
                status: RegisterStatus::Moved,
                quiet_days: None,
                visit_at_home: false,
            },
            CallOutcome::Died => AfterCall {
                status: RegisterStatus::Deceased,
                quiet_days: None,
                visit_at_home: false,
            },
        }
    }
}

impl AfterCall {
    /// Whether the patient stays on the overdue list on `day` for a call made on
    /// `called` (days counted from any common origin).
    pub fn overdue_on(&self, called: i64, day: i64) -> bool {
        match (self.status, self.quiet_days) {
            (RegisterStatus::Active, Some(quiet)) => day >= called + i64::from(quiet),
            (RegisterStatus::Active, None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reached_patient_has_a_week_to_come_before_they_are_overdue_again() {
        let after = CallOutcome::WillCome.after();
        assert_eq!(after.status, RegisterStatus::Active);
        assert!(!after.visit_at_home);
        // Called on day 100: off the list through day 106, back on day 107.
        assert!(!after.overdue_on(100, 100));
        assert!(!after.overdue_on(100, 106));
        assert!(after.overdue_on(100, 107));
    }

    #[test]
    fn a_wrong_number_keeps_the_patient_on_the_list_for_a_home_visit() {
        let after = CallOutcome::WrongNumber.after();
        assert_eq!(after.status, RegisterStatus::Active);
        assert!(after.visit_at_home);
        assert!(after.overdue_on(100, 100));
    }

    #[test]
    fn moved_and_died_leave_the_list_and_say_why_in_the_register() {
        let moved = CallOutcome::Moved.after();
        assert_eq!(moved.status, RegisterStatus::Moved);
        assert!(!moved.overdue_on(100, 100) && !moved.overdue_on(100, 1000));
        let died = CallOutcome::Died.after();
        assert_eq!(died.status, RegisterStatus::Deceased);
        assert!(!died.overdue_on(100, 100) && !died.overdue_on(100, 1000));
    }

    #[test]
    fn outcomes_read_back_from_their_codes() {
        for o in CallOutcome::ALL {
            assert_eq!(CallOutcome::parse(o.as_str()), Some(*o));
        }
        assert_eq!(CallOutcome::parse("busy"), None);
    }
}
