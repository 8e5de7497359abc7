//! Who uses the API.

use crate::wire::wire_enum;

wire_enum! {
    /// A user's role, which decides whose data they may see.
    pub enum Role as "role" {
        /// Runs their own job search.
        Seeker => "seeker",
        /// Sees the clients who granted access and sets their playbooks.
        Coach => "coach",
        /// Operates the service.
        Admin => "admin",
    }
}

wire_enum! {
    /// What an API key may do: `read` (`GET` requests) or `write` (every
    /// other method; a key with `write` can also read).
    pub enum Scope as "API key scope" {
        /// `GET` requests.
        Read => "read",
        /// Every other method.
        Write => "write",
    }
}

wire_enum! {
    /// What kind of principal made a change: an account by its role, or an
    /// API key.
    pub enum ActorKind as "actor type" {
        /// A seeker's account.
        Seeker => "seeker",
        /// A coach's account.
        Coach => "coach",
        /// An administrator's account.
        Admin => "admin",
        /// An API key.
        ApiKey => "api_key",
        /// An organization's token.
        OrgToken => "org_token",
        /// The server itself: the clock's events (`system:clock`) and a
        /// webhook it disabled (`system:webhooks`).
        System => "system",
    }
}

impl From<Role> for ActorKind {
    fn from(role: Role) -> Self {
        match role {
            Role::Seeker => Self::Seeker,
            Role::Coach => Self::Coach,
            Role::Admin => Self::Admin,
        }
    }
}

/// Who made a change: its kind and the account's (or the key's) id. Written
/// `<type>:<id>`, the form every `updated_by` column stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    /// The kind of principal.
    pub kind: ActorKind,
    /// The account's id, or the API key's.
    pub id: String,
}

/// Text that is not `<type>:<id>` with a known type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseActorError {
    /// No `:` between the type and the id.
    #[error("actor `{0}` is not `<type>:<id>`")]
    Shape(String),
    /// The type is not one of the actor types.
    #[error(transparent)]
    Kind(#[from] crate::ParseEnumError),
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind, self.id)
    }
}

impl std::str::FromStr for Actor {
    type Err = ParseActorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, id) = s
            .split_once(':')
            .ok_or_else(|| ParseActorError::Shape(s.to_owned()))?;
        Ok(Self {
            kind: kind.parse()?,
            id: id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_round_trips_through_its_stored_form() {
        for text in ["seeker:0192-a", "coach:c1", "admin:x:y", "api_key:k1"] {
            let actor: Actor = text.parse().unwrap();
            assert_eq!(actor.to_string(), text);
        }
        let key: Actor = "api_key:k1".parse().unwrap();
        assert_eq!(key.kind, ActorKind::ApiKey);
        assert_eq!(key.id, "k1");
    }

    #[test]
    fn malformed_actors_are_errors() {
        assert!(matches!(
            "seeker".parse::<Actor>(),
            Err(ParseActorError::Shape(_))
        ));
        assert!(matches!(
            "robot:1".parse::<Actor>(),
            Err(ParseActorError::Kind(_))
        ));
    }
}
