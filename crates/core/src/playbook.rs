//! Playbooks: named sets of enabled rules and their parameters. Four are built
//! in; coaches write their own as a [`PlaybookSpec`], which is validated into
//! a [`Playbook`] (unknown rules and parameters, wrong types and out-of-range
//! values are refused with an error naming the rule and parameter).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::contact::Channel;
use crate::rules::RuleId;
use crate::wire::wire_enum;

mod params;

pub(crate) use params::PARAMS;
pub use params::{ParamKind, ParamValue, Params};

wire_enum! {
    /// The playbooks every user has; read-only.
    pub enum BuiltinPlaybook as "built-in playbook" {
        /// Every rule at its default: e-mail follow-ups, a call when a promise breaks.
        Balanced => "balanced",
        /// Wolkstein: e-mail is the only way; no calls at all.
        EmailOnly => "email_only",
        /// Attridge: keep calling until the manager picks up.
        PersistentCaller => "persistent_caller",
        /// Cohen: provide information, offer to collaborate, share competing offers early.
        CollaborativeCloser => "collaborative_closer",
    }
}

impl BuiltinPlaybook {
    /// One line on the playbook's approach, for listings.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Balanced => {
                "Every rule at its default: e-mail follow-ups at most once a week, a call first \
                 thing the next morning when a promise breaks (e-mail for e-mail-only contacts)."
            }
            Self::EmailOnly => {
                "Eileen Wolkstein: e-mail is the only way, at most once a week; no calls at all."
            }
            Self::PersistentCaller => {
                "Anita Attridge: keep calling until the manager picks up, leave no voicemail, \
                 learn the best time from the assistant."
            }
            Self::CollaborativeCloser => {
                "Roy Cohen: provide information rather than push, share a competing offer three \
                 business days before its deadline, offer to help move a final forward."
            }
        }
    }
}

/// A refused custom playbook; names the rule and parameter at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlaybookError {
    /// The name is blank or longer than 100 characters.
    #[error("a playbook needs a name of 1 to 100 characters")]
    InvalidName,
    /// `extends` names no built-in playbook.
    #[error("unknown built-in playbook `{name}`; expected one of: {}", BuiltinPlaybook::ALL.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", "))]
    UnknownBase {
        /// The name given.
        name: String,
    },
    /// No rule has this id.
    #[error("unknown rule `{rule}`; expected one of: {}", RuleId::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))]
    UnknownRule {
        /// The id given.
        rule: String,
    },
    /// The rule has no parameter of this name.
    #[error("rule `{rule}` has no parameter `{parameter}`; {}", if expected.is_empty() { "it takes none".to_owned() } else { format!("expected one of: {}", expected.join(", ")) })]
    UnknownParameter {
        /// The rule.
        rule: RuleId,
        /// The name given.
        parameter: String,
        /// The rule's parameters.
        expected: Vec<&'static str>,
    },
    /// The value has the wrong JSON type.
    #[error("`{rule}.{parameter}` must be a {expected}, not a {found}")]
    WrongType {
        /// The rule.
        rule: RuleId,
        /// The parameter.
        parameter: &'static str,
        /// The type wanted.
        expected: &'static str,
        /// The type given.
        found: &'static str,
    },
    /// A number outside the parameter's range.
    #[error("`{rule}.{parameter}` must be between {min} and {max}, not {value}")]
    OutOfRange {
        /// The rule.
        rule: RuleId,
        /// The parameter.
        parameter: &'static str,
        /// The value given.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// Any other invalid value.
    #[error("`{rule}.{parameter}`: {reason}")]
    InvalidValue {
        /// The rule.
        rule: RuleId,
        /// The parameter.
        parameter: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// One rule's settings in a [`PlaybookSpec`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Whether the rule applies (default `true`).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Parameter values by name; unset ones keep the base's value.
    #[serde(default)]
    pub params: BTreeMap<String, ParamValue>,
}

const fn yes() -> bool {
    true
}

/// A playbook as coaches write it and the API stores it:
/// `{"name": "...", "extends": "balanced", "rules": {"email_weekly_cap": {"params": {"max_emails": 2}}}}`.
///
/// Without `extends`, only the rules listed (and enabled) apply and unset
/// parameters take the `balanced` defaults; with it, the built-in is the
/// starting point and the listed rules change it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookSpec {
    /// Display name.
    pub name: String,
    /// A built-in playbook to start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Settings per rule id.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSpec>,
}

/// A validated playbook: which rules apply and with which parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PlaybookSpec", into = "PlaybookSpec")]
pub struct Playbook {
    name: String,
    /// Bit `RuleId::index()` set = enabled.
    enabled: u32,
    params: Params,
}

impl Default for Playbook {
    fn default() -> Self {
        Self::balanced()
    }
}

const ALL_RULES: u32 = (1 << RuleId::ALL.len()) - 1;

const fn bit(rule: RuleId) -> u32 {
    1 << rule.index()
}

impl Playbook {
    /// The default playbook.
    pub fn balanced() -> Self {
        Self::builtin(BuiltinPlaybook::Balanced)
    }

    /// A built-in playbook.
    pub fn builtin(which: BuiltinPlaybook) -> Self {
        let defaults = Params::default();
        let (enabled, params) = match which {
            BuiltinPlaybook::Balanced => (ALL_RULES, defaults),
            BuiltinPlaybook::EmailOnly => (
                ALL_RULES & !bit(RuleId::CallNoVoicemail) & !bit(RuleId::AskAssistantBestTime),
                Params {
                    missed_promise_channel: Channel::Email,
                    calls_allowed: false,
                    ..defaults
                },
            ),
            BuiltinPlaybook::PersistentCaller => (
                ALL_RULES,
                Params {
                    follow_up_channel: Channel::Phone,
                    email_first_industries: Vec::new(),
                    max_unanswered: 8,
                    ..defaults
                },
            ),
            BuiltinPlaybook::CollaborativeCloser => (
                ALL_RULES,
                Params {
                    lead_business_days: 3,
                    ..defaults
                },
            ),
        };
        Self {
            name: which.as_str().to_owned(),
            enabled,
            params,
        }
    }

    /// The four built-ins, in [`BuiltinPlaybook::ALL`] order.
    pub fn builtins() -> Vec<Self> {
        BuiltinPlaybook::ALL
            .iter()
            .map(|&b| Self::builtin(b))
            .collect()
    }

    /// Validates a custom playbook.
    pub fn from_spec(spec: &PlaybookSpec) -> Result<Self, PlaybookError> {
        let name = spec.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(PlaybookError::InvalidName);
        }
        let mut playbook = match &spec.extends {
            Some(base) => Self::builtin(
                base.parse()
                    .map_err(|_| PlaybookError::UnknownBase { name: base.clone() })?,
            ),
            None => Self {
                name: String::new(),
                enabled: 0,
                params: Params::default(),
            },
        };
        name.clone_into(&mut playbook.name);
        for (rule, settings) in &spec.rules {
            let rule: RuleId = rule
                .parse()
                .map_err(|_| PlaybookError::UnknownRule { rule: rule.clone() })?;
            if settings.enabled {
                playbook.enabled |= bit(rule);
            } else {
                playbook.enabled &= !bit(rule);
            }
            for (name, value) in &settings.params {
                let spec = PARAMS
                    .iter()
                    .find(|p| p.rule == rule && p.name == name)
                    .ok_or_else(|| PlaybookError::UnknownParameter {
                        rule,
                        parameter: name.clone(),
                        expected: PARAMS
                            .iter()
                            .filter(|p| p.rule == rule)
                            .map(|p| p.name)
                            .collect(),
                    })?;
                playbook.params.set(spec, value)?;
            }
        }
        Ok(playbook)
    }

    /// The full settings: every rule with its enabled flag and parameters.
    pub fn to_spec(&self) -> PlaybookSpec {
        let rules = RuleId::ALL
            .iter()
            .map(|&rule| {
                let params = PARAMS
                    .iter()
                    .filter(|p| p.rule == rule)
                    .map(|p| (p.name.to_owned(), self.params.get(p.id)))
                    .collect();
                (
                    rule.as_str().to_owned(),
                    RuleSpec {
                        enabled: self.is_enabled(rule),
                        params,
                    },
                )
            })
            .collect();
        PlaybookSpec {
            name: self.name.clone(),
            extends: None,
            rules,
        }
    }

    /// Display name (a built-in's wire name for built-ins).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the rule applies.
    pub const fn is_enabled(&self, rule: RuleId) -> bool {
        self.enabled & bit(rule) != 0
    }

    /// The enabled rules, in [`RuleId::ALL`] order.
    pub fn enabled_rules(&self) -> Vec<RuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .filter(|&r| self.is_enabled(r))
            .collect()
    }

    /// Parameter values.
    pub const fn params(&self) -> &Params {
        &self.params
    }

    /// One parameter's value by rule and name.
    pub fn param(&self, rule: RuleId, name: &str) -> Option<ParamValue> {
        PARAMS
            .iter()
            .find(|p| p.rule == rule && p.name == name)
            .map(|p| self.params.get(p.id))
    }
}

impl TryFrom<PlaybookSpec> for Playbook {
    type Error = PlaybookError;

    fn try_from(spec: PlaybookSpec) -> Result<Self, Self::Error> {
        Self::from_spec(&spec)
    }
}

impl From<Playbook> for PlaybookSpec {
    fn from(playbook: Playbook) -> Self {
        playbook.to_spec()
    }
}

#[cfg(test)]
mod tests;
