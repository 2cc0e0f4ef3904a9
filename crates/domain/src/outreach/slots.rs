//! A session's slots as residents book them: the capacity holds, and a resident books a
//! session once.

/// Why a booking is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every place is taken.
    Full,
    /// The resident already holds a place in this session.
    AlreadyBooked,
    /// The session is over or cancelled.
    Closed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Full => "session_full",
            Refusal::AlreadyBooked => "session_already_booked",
            Refusal::Closed => "session_closed",
        }
    }
}

/// Whether one more place may be booked: `booked` places of `capacity` are taken,
/// `mine` whether this resident holds one, `open` whether the session still takes
/// bookings.
pub fn book(capacity: u16, booked: u16, mine: bool, open: bool) -> Result<u16, Refusal> {
    if !open {
        Err(Refusal::Closed)
    } else if mine {
        Err(Refusal::AlreadyBooked)
    } else if booked >= capacity {
        Err(Refusal::Full)
    } else {
        Ok(booked + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_place_goes_once_and_a_resident_books_a_session_once() {
        assert_eq!(book(2, 0, false, true), Ok(1));
        assert_eq!(book(2, 1, false, true), Ok(2));
        assert_eq!(book(2, 2, false, true), Err(Refusal::Full));
        assert_eq!(book(2, 1, true, true), Err(Refusal::AlreadyBooked));
        assert_eq!(book(2, 0, false, false), Err(Refusal::Closed));
        assert_eq!(Refusal::Full.code(), "session_full");
    }
}
