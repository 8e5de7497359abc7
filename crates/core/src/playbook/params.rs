//! Parameters: the typed values a playbook sets, their types and ranges, and
//! the catalogue of every rule's parameters with the `balanced` defaults.

use serde::{Deserialize, Serialize};

use super::PlaybookError;
use crate::contact::Channel;
use crate::employer::CapScope;
use crate::rules::RuleId;

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
    pub(super) fn set(
        &mut self,
        spec: &ParamSpec,
        value: &ParamValue,
    ) -> Result<(), PlaybookError> {
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
