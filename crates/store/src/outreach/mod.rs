//! Expert outreach in the store: the office's templates and the sessions planned from
//! them, what keeps an expert away, the township's record of a session with the patients
//! seen, residents' bookings, and the counts of sessions and people served.

mod bookings;
mod history;
mod mentoring;
mod postings;
mod roster;
mod sessions;

pub use bookings::{Booked, BookingRow};
pub use history::PastSession;
pub use mentoring::{MentorshipRow, NewMentorship, NewTraining, NoteRow, TrainingRow};
pub use postings::{NewPosting, PostingRow};
pub use roster::{Absent, Commitment, NewSession, NewTemplate, TemplateRow};
pub use sessions::{ServedRow, SessionFilter, SessionRecord, SessionRow, Visit, VisitRow};
