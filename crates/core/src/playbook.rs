//! Playbooks: named sets of enabled rules and their parameters. Four are built
//! in; coaches write their own as a [`PlaybookSpec`], which is validated into
//! a [`Playbook`] (unknown rules and parameters, wrong types and out-of-range
//! values are refused with an error naming the rule and parameter).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::contact::Channel;
use crate::employer::CapScope;
use crate::rules::RuleId;
use crate::wire::wire_enum;

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

/// A parameter value as it travels in JSON: a boolean, an integer, a string
/// (a channel) or a list of strings (industries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// `true` / `false`.
    Boolean(bool),
    /// A whole number.
    Integer(i64),
    /// A name, e.g. a channel.
    Text(String),
    /// A list of names.
    List(Vec<String>),
}

impl ParamValue {
    const fn type_name(&self) -> &'static str {
        match self {
            Self::Boolean(_) => "boolean",
            Self::Integer(_) => "integer",
            Self::Text(_) => "string",
            Self::List(_) => "list of strings",
        }
    }
}

/// The type and range of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParamKind {
    /// A whole number in `min..=max`.
    Integer {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// `true` or `false`.
    Boolean,
    /// One of the listed channels.
    Channel {
        /// The channels allowed.
        allowed: &'static [Channel],
    },
    /// A list of non-blank names (at most 50, each at most 100 characters).
    TextList,
    /// One of the listed names.
    OneOf {
        /// The names allowed.
        allowed: &'static [&'static str],
    },
}

impl ParamKind {
    const fn type_name(self) -> &'static str {
        match self {
            Self::Integer { .. } => "integer",
            Self::Boolean => "boolean",
            Self::Channel { .. } | Self::OneOf { .. } => "string",
            Self::TextList => "list of strings",
        }
    }
}

/// Identifies a parameter (a rule and a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamId {
    DelayHours,
    WindowHours,
    MissedPromiseChannel,
    MaxEmails,
    PeriodDays,
    CapScope,
    EmailFirstIndustries,
    CallsAllowed,
    LeadBusinessDays,
    SilenceDays,
    FollowUpChannel,
    WeeklyApplications,
    MinActive,
    MaxUnanswered,
    StaleDays,
}

/// A parameter's place in the catalogue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParamSpec {
    pub(crate) id: ParamId,
    pub(crate) rule: RuleId,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) kind: ParamKind,
}

const EMAIL_OR_PHONE: &[Channel] = &[Channel::Email, Channel::Phone];

/// Every parameter, in catalogue order.
pub(crate) const PARAMS: [ParamSpec; 15] = [
    ParamSpec {
        id: ParamId::DelayHours,
        rule: RuleId::InfluenceLetterAfterInterview,
        name: "delay_hours",
        description: "Hours after the interview's start the letter is due (the interview ends, \
                      the letter is written while it is fresh).",
        kind: ParamKind::Integer { min: 0, max: 8 },
    },
    ParamSpec {
        id: ParamId::WindowHours,
        rule: RuleId::InfluenceLetterAfterInterview,
        name: "window_hours",
        description: "Hours after the interview by which the letter should be sent.",
        kind: ParamKind::Integer { min: 1, max: 72 },
    },
    ParamSpec {
        id: ParamId::MissedPromiseChannel,
        rule: RuleId::MissedPromiseCall,
        name: "channel",
        description: "How to follow up a broken promise with a contact who takes either channel.",
        kind: ParamKind::Channel {
            allowed: EMAIL_OR_PHONE,
        },
    },
    ParamSpec {
        id: ParamId::MaxEmails,
        rule: RuleId::EmailWeeklyCap,
        name: "max_emails",
        description: "Follow-up e-mails allowed per employer (or contact: `cap_scope`) in any \
                      period.",
        kind: ParamKind::Integer { min: 1, max: 7 },
    },
    ParamSpec {
        id: ParamId::PeriodDays,
        rule: RuleId::EmailWeeklyCap,
        name: "period_days",
        description: "Length of the period, in days.",
        kind: ParamKind::Integer { min: 1, max: 30 },
    },
    ParamSpec {
        id: ParamId::CapScope,
        rule: RuleId::EmailWeeklyCap,
        name: "cap_scope",
        description: "What the cap counts per: `employer` (every contact at the employer, across \
                      all of the seeker's opportunities there) or `contact`.",
        kind: ParamKind::OneOf {
            allowed: CapScope::NAMES,
        },
    },
    ParamSpec {
        id: ParamId::EmailFirstIndustries,
        rule: RuleId::ChannelPreference,
        name: "email_first_industries",
        description: "Industries whose contacts default to e-mail only (matched \
                      case-insensitively against the opportunity's industry).",
        kind: ParamKind::TextList,
    },
    ParamSpec {
        id: ParamId::CallsAllowed,
        rule: RuleId::ChannelPreference,
        name: "calls_allowed",
        description: "When false (and the rule is enabled), every contact is treated as e-mail \
                      only.",
        kind: ParamKind::Boolean,
    },
    ParamSpec {
        id: ParamId::LeadBusinessDays,
        rule: RuleId::ShareCompetingOffer,
        name: "lead_business_days",
        description: "Business days before the competing offer's deadline by which to share it.",
        kind: ParamKind::Integer { min: 0, max: 10 },
    },
    ParamSpec {
        id: ParamId::SilenceDays,
        rule: RuleId::FollowUpAfterSilence,
        name: "silence_days",
        description: "Days after the last touch either way before a follow-up is due.",
        kind: ParamKind::Integer { min: 1, max: 60 },
    },
    ParamSpec {
        id: ParamId::FollowUpChannel,
        rule: RuleId::FollowUpAfterSilence,
        name: "channel",
        description: "How to follow up with a contact who takes either channel.",
        kind: ParamKind::Channel {
            allowed: EMAIL_OR_PHONE,
        },
    },
    ParamSpec {
        id: ParamId::WeeklyApplications,
        rule: RuleId::AccelerateSearch,
        name: "weekly_applications",
        description: "Applications per week to aim for while an offer is near.",
        kind: ParamKind::Integer { min: 0, max: 50 },
    },
    ParamSpec {
        id: ParamId::MinActive,
        rule: RuleId::AccelerateSearch,
        name: "min_active",
        description: "Open opportunities (besides those at final or offer) below which to apply \
                      to more.",
        kind: ParamKind::Integer { min: 0, max: 50 },
    },
    ParamSpec {
        id: ParamId::MaxUnanswered,
        rule: RuleId::MoveOn,
        name: "max_unanswered",
        description: "Unanswered follow-ups (at most one counted per day) after which to suggest \
                      moving on; the follow-up cadence stops there.",
        kind: ParamKind::Integer { min: 1, max: 20 },
    },
    ParamSpec {
        id: ParamId::StaleDays,
        rule: RuleId::MoveOn,
        name: "stale_days",
        description: "Days without hearing from the employer (counted from the later of the \
                      last answer and the last promised date) after which to suggest moving on.",
        kind: ParamKind::Integer { min: 7, max: 365 },
    },
];

/// Parameter values of a playbook, typed for the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// `influence_letter_after_interview.delay_hours`.
    pub delay_hours: u32,
    /// `influence_letter_after_interview.window_hours`.
    pub window_hours: u32,
    /// `missed_promise_call.channel` (`email` or `phone`).
    pub missed_promise_channel: Channel,
    /// `email_weekly_cap.max_emails`.
    pub max_emails: u32,
    /// `email_weekly_cap.period_days`.
    pub period_days: u32,
    /// `email_weekly_cap.cap_scope`.
    pub cap_scope: CapScope,
    /// `channel_preference.email_first_industries`.
    pub email_first_industries: Vec<String>,
    /// `channel_preference.calls_allowed`.
    pub calls_allowed: bool,
    /// `share_competing_offer.lead_business_days`.
    pub lead_business_days: u32,
    /// `follow_up_after_silence.silence_days`.
    pub silence_days: u32,
    /// `follow_up_after_silence.channel` (`email` or `phone`).
    pub follow_up_channel: Channel,
    /// `accelerate_search.weekly_applications`.
    pub weekly_applications: u32,
    /// `accelerate_search.min_active`.
    pub min_active: u32,
    /// `move_on.max_unanswered`.
    pub max_unanswered: u32,
    /// `move_on.stale_days`.
    pub stale_days: u32,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            delay_hours: 2,
            window_hours: 24,
            missed_promise_channel: Channel::Phone,
            max_emails: 1,
            period_days: 7,
            cap_scope: CapScope::Employer,
            email_first_industries: ["online media", "digital media", "tech startups"]
                .map(str::to_owned)
                .to_vec(),
            calls_allowed: true,
            lead_business_days: 2,
            silence_days: 7,
            follow_up_channel: Channel::Email,
            weekly_applications: 5,
            min_active: 3,
            max_unanswered: 4,
            stale_days: 30,
        }
    }
}

impl Params {
    /// The value of a parameter, as it travels.
    pub(crate) fn get(&self, id: ParamId) -> ParamValue {
        let int = |n: u32| ParamValue::Integer(i64::from(n));
        match id {
            ParamId::DelayHours => int(self.delay_hours),
            ParamId::WindowHours => int(self.window_hours),
            ParamId::MissedPromiseChannel => {
                ParamValue::Text(self.missed_promise_channel.as_str().to_owned())
            }
            ParamId::MaxEmails => int(self.max_emails),
            ParamId::PeriodDays => int(self.period_days),
            ParamId::CapScope => ParamValue::Text(self.cap_scope.as_str().to_owned()),
            ParamId::EmailFirstIndustries => ParamValue::List(self.email_first_industries.clone()),
            ParamId::CallsAllowed => ParamValue::Boolean(self.calls_allowed),
            ParamId::LeadBusinessDays => int(self.lead_business_days),
            ParamId::SilenceDays => int(self.silence_days),
            ParamId::FollowUpChannel => {
                ParamValue::Text(self.follow_up_channel.as_str().to_owned())
            }
            ParamId::WeeklyApplications => int(self.weekly_applications),
            ParamId::MinActive => int(self.min_active),
            ParamId::MaxUnanswered => int(self.max_unanswered),
            ParamId::StaleDays => int(self.stale_days),
        }
    }

    /// Checks `value` against the parameter's type and range, then sets it.
    fn set(&mut self, spec: &ParamSpec, value: &ParamValue) -> Result<(), PlaybookError> {
        let wrong_type = || PlaybookError::WrongType {
            rule: spec.rule,
            parameter: spec.name,
            expected: spec.kind.type_name(),
            found: value.type_name(),
        };
        let invalid = |reason: String| PlaybookError::InvalidValue {
            rule: spec.rule,
            parameter: spec.name,
            reason,
        };
        match (spec.kind, value) {
            (ParamKind::Integer { min, max }, &ParamValue::Integer(n)) => {
                if !(min..=max).contains(&n) {
                    return Err(PlaybookError::OutOfRange {
                        rule: spec.rule,
                        parameter: spec.name,
                        value: n,
                        min,
                        max,
                    });
                }
                let n = u32::try_from(n).map_err(|_| invalid(format!("{n} is negative")))?;
                *self.int_mut(spec.id).ok_or_else(wrong_type)? = n;
            }
            (ParamKind::Boolean, &ParamValue::Boolean(b)) => match spec.id {
                ParamId::CallsAllowed => self.calls_allowed = b,
                _ => return Err(wrong_type()),
            },
            (ParamKind::Channel { allowed }, ParamValue::Text(text)) => {
                let channel = text
                    .parse::<Channel>()
                    .ok()
                    .filter(|c| allowed.contains(c))
                    .ok_or_else(|| {
                        let names: Vec<_> = allowed.iter().map(|c| c.as_str()).collect();
                        invalid(format!("`{text}` is not one of: {}", names.join(", ")))
                    })?;
                match spec.id {
                    ParamId::MissedPromiseChannel => self.missed_promise_channel = channel,
                    ParamId::FollowUpChannel => self.follow_up_channel = channel,
                    _ => return Err(wrong_type()),
                }
            }
            (ParamKind::OneOf { allowed }, ParamValue::Text(text)) => {
                let scope = text.parse::<CapScope>().ok().ok_or_else(|| {
                    invalid(format!("`{text}` is not one of: {}", allowed.join(", ")))
                })?;
                match spec.id {
                    ParamId::CapScope => self.cap_scope = scope,
                    _ => return Err(wrong_type()),
                }
            }
            (ParamKind::TextList, ParamValue::List(items)) => {
                if items.len() > 50 {
                    return Err(invalid("at most 50 entries".to_owned()));
                }
                let mut cleaned = Vec::with_capacity(items.len());
                for item in items {
                    let item = item.trim();
                    if item.is_empty() || item.chars().count() > 100 {
                        return Err(invalid(
                            "entries must be non-blank and at most 100 characters".to_owned(),
                        ));
                    }
                    cleaned.push(item.to_owned());
                }
                match spec.id {
                    ParamId::EmailFirstIndustries => self.email_first_industries = cleaned,
                    _ => return Err(wrong_type()),
                }
            }
            _ => return Err(wrong_type()),
        }
        Ok(())
    }

    fn int_mut(&mut self, id: ParamId) -> Option<&mut u32> {
        Some(match id {
            ParamId::DelayHours => &mut self.delay_hours,
            ParamId::WindowHours => &mut self.window_hours,
            ParamId::MaxEmails => &mut self.max_emails,
            ParamId::PeriodDays => &mut self.period_days,
            ParamId::LeadBusinessDays => &mut self.lead_business_days,
            ParamId::SilenceDays => &mut self.silence_days,
            ParamId::WeeklyApplications => &mut self.weekly_applications,
            ParamId::MinActive => &mut self.min_active,
            ParamId::MaxUnanswered => &mut self.max_unanswered,
            ParamId::StaleDays => &mut self.stale_days,
            ParamId::MissedPromiseChannel
            | ParamId::EmailFirstIndustries
            | ParamId::CallsAllowed
            | ParamId::CapScope
            | ParamId::FollowUpChannel => return None,
        })
    }

    /// Whether `industry` is one of the e-mail-first industries
    /// (ASCII-case-insensitive, surrounding blanks ignored).
    pub fn is_email_first(&self, industry: &str) -> bool {
        let industry = industry.trim();
        self.email_first_industries
            .iter()
            .any(|i| i.eq_ignore_ascii_case(industry))
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
    enabled: u16,
    params: Params,
}

impl Default for Playbook {
    fn default() -> Self {
        Self::balanced()
    }
}

const ALL_RULES: u16 = (1 << RuleId::ALL.len()) - 1;

const fn bit(rule: RuleId) -> u16 {
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
mod tests {
    use std::collections::BTreeMap;

    use super::{
        BuiltinPlaybook, ParamValue, Playbook, PlaybookError, PlaybookSpec, RuleId, RuleSpec,
    };
    use crate::Channel;

    /// Rules as (id, enabled, params).
    type Rows<'a> = &'a [(&'a str, bool, &'a [(&'a str, ParamValue)])];

    fn spec(extends: Option<&str>, rules: Rows<'_>) -> PlaybookSpec {
        PlaybookSpec {
            name: "Coach Kim's".to_owned(),
            extends: extends.map(str::to_owned),
            rules: rules
                .iter()
                .map(|(rule, enabled, params)| {
                    (
                        (*rule).to_owned(),
                        RuleSpec {
                            enabled: *enabled,
                            params: params
                                .iter()
                                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                                .collect(),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn builtins_differ_as_their_coaches_advise() {
        let balanced = Playbook::balanced();
        assert_eq!(balanced.enabled_rules().len(), RuleId::ALL.len());
        assert_eq!(balanced.params().max_emails, 1);
        assert_eq!(balanced.params().period_days, 7);
        assert_eq!(balanced.params().follow_up_channel, Channel::Email);

        let email_only = Playbook::builtin(BuiltinPlaybook::EmailOnly);
        assert!(!email_only.params().calls_allowed);
        assert!(!email_only.is_enabled(RuleId::CallNoVoicemail));

        let caller = Playbook::builtin(BuiltinPlaybook::PersistentCaller);
        assert_eq!(caller.params().follow_up_channel, Channel::Phone);
        assert!(caller.params().email_first_industries.is_empty());

        let closer = Playbook::builtin(BuiltinPlaybook::CollaborativeCloser);
        assert_eq!(closer.params().lead_business_days, 3);

        let names: Vec<_> = Playbook::builtins()
            .iter()
            .map(|p| p.name().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "balanced",
                "email_only",
                "persistent_caller",
                "collaborative_closer"
            ]
        );
    }

    #[test]
    fn custom_playbook_extends_a_builtin() {
        let custom = Playbook::from_spec(&spec(
            Some("balanced"),
            &[
                (
                    "email_weekly_cap",
                    true,
                    &[("max_emails", ParamValue::Integer(2))],
                ),
                ("move_on", false, &[]),
            ],
        ))
        .unwrap();
        assert_eq!(custom.name(), "Coach Kim's");
        assert_eq!(custom.params().max_emails, 2);
        assert!(!custom.is_enabled(RuleId::MoveOn));
        assert!(custom.is_enabled(RuleId::WaitForPromise));
    }

    #[test]
    fn without_a_base_only_listed_rules_apply() {
        let custom = Playbook::from_spec(&spec(
            None,
            &[(
                "channel_preference",
                true,
                &[(
                    "email_first_industries",
                    ParamValue::List(vec!["  Podcasts ".to_owned()]),
                )],
            )],
        ))
        .unwrap();
        assert_eq!(custom.enabled_rules(), [RuleId::ChannelPreference]);
        assert!(custom.params().is_email_first("podcasts"));
        assert_eq!(custom.params().silence_days, 7);
    }

    #[test]
    fn invalid_playbooks_are_refused_with_the_reason() {
        let err = |rules: Rows<'_>| Playbook::from_spec(&spec(None, rules)).unwrap_err();
        assert_eq!(
            err(&[("nag_daily", true, &[])]),
            PlaybookError::UnknownRule {
                rule: "nag_daily".to_owned()
            }
        );
        let unknown = err(&[(
            "email_weekly_cap",
            true,
            &[("per_day", ParamValue::Integer(1))],
        )]);
        assert_eq!(
            unknown.to_string(),
            "rule `email_weekly_cap` has no parameter `per_day`; expected one of: max_emails, period_days, \
             cap_scope"
        );
        let range = err(&[(
            "email_weekly_cap",
            true,
            &[("max_emails", ParamValue::Integer(0))],
        )]);
        assert_eq!(
            range,
            PlaybookError::OutOfRange {
                rule: RuleId::EmailWeeklyCap,
                parameter: "max_emails",
                value: 0,
                min: 1,
                max: 7
            }
        );
        assert_eq!(
            range.to_string(),
            "`email_weekly_cap.max_emails` must be between 1 and 7, not 0"
        );
        let wrong = err(&[(
            "move_on",
            true,
            &[("stale_days", ParamValue::Text("30".to_owned()))],
        )]);
        assert!(matches!(
            wrong,
            PlaybookError::WrongType {
                expected: "integer",
                ..
            }
        ));
        let channel = err(&[(
            "follow_up_after_silence",
            true,
            &[("channel", ParamValue::Text("fax".to_owned()))],
        )]);
        assert_eq!(
            channel.to_string(),
            "`follow_up_after_silence.channel`: `fax` is not one of: email, phone"
        );
        let none = err(&[(
            "wait_for_promise",
            true,
            &[("x", ParamValue::Boolean(true))],
        )]);
        assert_eq!(
            none.to_string(),
            "rule `wait_for_promise` has no parameter `x`; it takes none"
        );
        let blank = err(&[(
            "channel_preference",
            true,
            &[(
                "email_first_industries",
                ParamValue::List(vec![" ".to_owned()]),
            )],
        )]);
        assert!(matches!(blank, PlaybookError::InvalidValue { .. }));
        let base = Playbook::from_spec(&spec(Some("aggressive"), &[])).unwrap_err();
        assert!(matches!(base, PlaybookError::UnknownBase { .. }));
        let name = Playbook::from_spec(&PlaybookSpec {
            name: "  ".to_owned(),
            extends: None,
            rules: BTreeMap::new(),
        });
        assert_eq!(name, Err(PlaybookError::InvalidName));
    }

    #[test]
    fn playbooks_round_trip_through_json() {
        for playbook in Playbook::builtins() {
            let json = serde_json::to_string(&playbook).unwrap();
            let back: Playbook = serde_json::from_str(&json).unwrap();
            assert_eq!(back, playbook);
        }
        let json = r#"{"name":"mine","extends":"email_only",
                       "rules":{"email_weekly_cap":{"params":{"period_days":14}}}}"#;
        let mine: Playbook = serde_json::from_str(json).unwrap();
        assert_eq!(mine.params().period_days, 14);
        assert!(!mine.params().calls_allowed);
        assert_eq!(
            mine.param(RuleId::EmailWeeklyCap, "period_days"),
            Some(ParamValue::Integer(14))
        );
        let bad = serde_json::from_str::<Playbook>(
            r#"{"name":"x","rules":{"move_on":{"params":{"stale_days":3}}}}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("between 7 and 365"));
    }
}
