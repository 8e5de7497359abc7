//! Closed sets of names that travel as snake_case strings: one macro gives each
//! enum its serde form, `as_str`, `Display`, `FromStr` and the `ALL` list that
//! the OpenAPI document enumerates.

use thiserror::Error;

/// A string that names no value of a wire enum; says which names would do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {what} `{value}`; expected one of: {}", expected.join(", "))]
pub struct ParseEnumError {
    /// What was being parsed, in words ("stage", "interaction kind").
    pub what: &'static str,
    /// The string that was given.
    pub value: String,
    /// Every accepted name.
    pub expected: Vec<&'static str>,
}

/// Declares a wire enum: `pub enum Name as "what" { Variant => "name", … }`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (the order of the OpenAPI enum).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire name, as serde writes it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::ParseEnumError {
                        what: $what,
                        value: s.to_owned(),
                        expected: Self::ALL.iter().map(|v| v.as_str()).collect(),
                    }),
                }
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {

    use std::fmt::{Debug, Display};
    use std::str::FromStr;

    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use crate::{
        Channel, ContactRole, Direction, InteractionKind, Medium, PromiseWhat, RejectionReason,
        Role, Stage,
    };

    /// Every name parses back to its value, serde agrees with `as_str`, and
    /// names are unique.
    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + Debug + Display + FromStr + for<'de> Deserialize<'de>,
        T::Err: Debug,
    {
        let mut names: Vec<String> = all.iter().map(ToString::to_string).collect();
        for (value, name) in all.iter().zip(&names) {
            assert_eq!(name.parse::<T>().unwrap(), *value);
            let de: StrDeserializer<'_, DeError> = name.as_str().into_deserializer();
            assert_eq!(
                T::deserialize(de).unwrap(),
                *value,
                "serde name of {value:?}"
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    #[test]
    fn every_wire_enum_round_trips() {
        round_trips(Stage::ALL);
        round_trips(RejectionReason::ALL);
        round_trips(InteractionKind::ALL);
        round_trips(Direction::ALL);
        round_trips(Medium::ALL);
        round_trips(ContactRole::ALL);
        round_trips(Channel::ALL);
        round_trips(PromiseWhat::ALL);
        round_trips(Role::ALL);
        round_trips(crate::ActorKind::ALL);
        round_trips(crate::EventType::ALL);
    }

    #[test]
    fn unknown_name_lists_the_accepted_ones() {
        let err = "Final".parse::<Stage>().unwrap_err();
        assert_eq!(err.value, "Final");
        assert_eq!(err.expected.len(), Stage::ALL.len());
        assert!(
            err.to_string()
                .starts_with("unknown stage `Final`; expected one of: prospect, applied, ")
        );
    }
}
