//! Typed identifiers: a referral's id and an ECG study's id are both UUIDs, but a
//! function that takes one must not be handed the other (or the community's).
//!
//! Each is a transparent wrapper: the same JSON string and the same stored value as
//! the bare UUID, converted at the storage and HTTP edges.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }
        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A two-way referral (双向转诊).
    ReferralId
);
typed_id!(
    /// An ECG study sent into the network (心电一张网).
    StudyId
);
typed_id!(
    /// An order to a shared diagnostic centre (检查检验申请).
    OrderId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_uuid_on_the_wire() {
        let raw = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let id = ReferralId::from(raw);
        assert_eq!(Uuid::from(id), raw);
        assert_eq!(id.to_string(), "01234567-89ab-cdef-0123-456789abcdef");
        let json = serde_json::to_string(&id).expect("serialises");
        assert_eq!(json, "\"01234567-89ab-cdef-0123-456789abcdef\"");
        assert_eq!(
            serde_json::from_str::<ReferralId>(&json).expect("parses"),
            id
        );
    }
}
