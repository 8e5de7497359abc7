//! Organizations (career centres): the roles in one, how its members share
//! their search, and what its tokens may do. docs/organizations.md.

use crate::wire::wire_enum;

wire_enum! {
    /// An account's place in an organization.
    pub enum OrgRole as "organization role" {
        /// Manages the organization and sees every member, as a coach of
        /// all of them.
        Admin => "admin",
        /// Coaches the members of their groups, or those assigned to them.
        Coach => "coach",
        /// A seeker who joined.
        Member => "member",
    }
}

wire_enum! {
    /// Who a member's search is shared with when they join (the
    /// organization's admins always are).
    pub enum GrantPolicy as "grant policy" {
        /// Every coach of the member's group.
        GroupCoaches => "group_coaches",
        /// Only the member's assigned coach.
        AssignedCoach => "assigned_coach",
    }
}

wire_enum! {
    /// How an account came into an organization.
    pub enum JoinedVia as "way of joining" {
        /// It made the organization.
        Founder => "founder",
        /// A multi-use cohort code.
        Code => "code",
        /// An e-mail-bound invitation (or a roster import's).
        Invitation => "invitation",
    }
}

/// What an organization token may do, on its organization only.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum OrgScope {
    /// List members, groups, invitations and codes.
    #[serde(rename = "members:read")]
    MembersRead,
    /// Invite, import, move and remove members; manage groups and codes.
    #[serde(rename = "members:write")]
    MembersWrite,
    /// Read the weekly report.
    #[serde(rename = "reports:read")]
    ReportsRead,
    /// Set a group's playbook.
    #[serde(rename = "playbooks:write")]
    PlaybooksWrite,
    /// Manage the organization's webhooks.
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

impl OrgScope {
    /// Every scope, in declaration order.
    pub const ALL: &'static [Self] = &[
        Self::MembersRead,
        Self::MembersWrite,
        Self::ReportsRead,
        Self::PlaybooksWrite,
        Self::WebhooksWrite,
    ];

    /// The wire name, as serde writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MembersRead => "members:read",
            Self::MembersWrite => "members:write",
            Self::ReportsRead => "reports:read",
            Self::PlaybooksWrite => "playbooks:write",
            Self::WebhooksWrite => "webhooks:write",
        }
    }
}

impl std::fmt::Display for OrgScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrgScope {
    type Err = crate::ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| crate::ParseEnumError {
                what: "organization token scope",
                value: s.to_owned(),
                expected: Self::ALL.iter().map(|v| v.as_str()).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_through_text_and_serde() {
        for &scope in OrgScope::ALL {
            assert_eq!(scope.as_str().parse::<OrgScope>().unwrap(), scope);
            let json = serde_json::to_string(&scope).unwrap();
            assert_eq!(json, format!("\"{scope}\""));
            assert_eq!(serde_json::from_str::<OrgScope>(&json).unwrap(), scope);
        }
        let err = "members:delete".parse::<OrgScope>().unwrap_err();
        assert!(err.to_string().contains("members:read"), "{err}");
    }
}
