//! Stored codes: the enums that the database, the API and the message catalogue all
//! spell as one short snake_case word (`requested`, `emergency`, `awaiting`).
//!
//! [`codes!`](crate::codes) gives such an enum its table once: `ALL`, `as_str`, `parse`,
//! `Display`, and `TryFrom<String>` so that a storage row can hold the enum itself and a
//! value outside the table fails the read instead of turning into a default.

/// A stored or submitted word that is not one of the enum's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

/// `codes!(Status { Requested => "requested", ... })` for an enum defined beside it.
#[macro_export]
macro_rules! codes {
    ($t:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),+];
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($t::$v),)+ _ => None }
            }
        }
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::TryFrom<String> for $t {
            type Error = $crate::code::UnknownCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $t::parse(&s).ok_or($crate::code::UnknownCode(s))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Light {
        Red,
        Green,
    }
    crate::codes!(Light { Red => "red", Green => "green" });

    #[test]
    fn a_code_reads_back_as_its_variant_and_a_stranger_is_refused() {
        assert_eq!(Light::ALL, &[Light::Red, Light::Green]);
        assert_eq!(Light::parse("green"), Some(Light::Green));
        assert_eq!(Light::Red.to_string(), "red");
        assert_eq!(Light::try_from("red".to_string()), Ok(Light::Red));
        assert_eq!(
            Light::try_from("amber".to_string()),
            Err(super::UnknownCode("amber".into()))
        );
    }
}
